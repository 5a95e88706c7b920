"""The archive's tables: crawl bookkeeping, raw pages, articles and their versions.

An ``Article`` is one canonical URL; each distinct content (by ``content_hash``)
the crawler finds there is an ``ArticleVersion``. Everything extracted from a
page (bylines, sections, references, tags, affiliate links, flags) hangs off
the version, so an old version keeps its children when the page changes. The
child tables live in ``storage.content``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, in_list_check, utc_now

RUN_STATUSES = ("running", "finished", "interrupted", "failed")
FETCH_OUTCOMES = ("archived", "unchanged", "skipped", "error")
ARTICLE_KINDS = ("article", "glossary")


class Site(Base):
    """A host the crawler archived from (lower case, no leading ``www.``)."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(unique=True)
    first_seen_at: Mapped[datetime] = mapped_column(default=utc_now)

    articles: Mapped[list[Article]] = relationship(back_populates="site")
    authors: Mapped[list[Author]] = relationship(back_populates="site")


class CrawlRun(Base):
    """One run of the crawler: when, from where, how it ended, its stats."""

    __tablename__ = "crawl_runs"
    __table_args__ = (CheckConstraint(in_list_check("status", RUN_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utc_now)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")
    start_urls: Mapped[list[str]] = mapped_column(default=list)
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)
    hostname: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    # The sites-file entry this run crawled (``healtharchive schedule``), if any.
    site_name: Mapped[str | None] = mapped_column(String(200), index=True)

    fetches: Mapped[list[Fetch]] = relationship(
        back_populates="crawl_run", cascade="all, delete-orphan", passive_deletes=True
    )


class RawPage(Base):
    """A response body stored once per distinct content (zlib-compressed)."""

    __tablename__ = "raw_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    content: Mapped[bytes]
    size: Mapped[int]
    content_type: Mapped[str | None]


class Fetch(Base):
    """One request the crawler made and what became of it."""

    __tablename__ = "fetches"
    __table_args__ = (
        CheckConstraint(in_list_check("outcome", FETCH_OUTCOMES), name="outcome"),
        Index(None, "crawl_run_id", "outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(index=True)
    status: Mapped[int | None]
    fetched_at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(index=True)
    detail: Mapped[str] = mapped_column(default="")
    raw_page_id: Mapped[int | None] = mapped_column(
        ForeignKey("raw_pages.id", ondelete="SET NULL"), index=True
    )
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    etag: Mapped[str | None]
    last_modified: Mapped[str | None]

    crawl_run: Mapped[CrawlRun] = relationship(back_populates="fetches")
    raw_page: Mapped[RawPage | None] = relationship()
    article: Mapped[Article | None] = relationship()


class Article(Base):
    """One canonical URL, with the version currently on the page."""

    __tablename__ = "articles"
    __table_args__ = (CheckConstraint(in_list_check("kind", ARTICLE_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    url: Mapped[str] = mapped_column(unique=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    gone_at: Mapped[datetime | None]
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey(
            "article_versions.id",
            use_alter=True,
            ondelete="SET NULL",
            name="fk_articles_current_version_id_article_versions",
        )
    )

    site: Mapped[Site] = relationship(back_populates="articles")
    versions: Mapped[list[ArticleVersion]] = relationship(
        back_populates="article",
        foreign_keys="ArticleVersion.article_id",
        order_by="ArticleVersion.version",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    current_version: Mapped[ArticleVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )


class ArticleVersion(Base):
    """One distinct content of an article, with the fields extracted from it.

    ``published``/``updated`` keep the record's ISO strings (a date or a
    timestamp with offset); ``published_at``/``updated_at`` are the same
    instants in UTC (a bare date is taken as midnight UTC) for sorting and
    filtering. ``record_sha256`` fingerprints every extracted field, so a
    re-save of the same content can tell whether the extraction changed.
    """

    __tablename__ = "article_versions"
    __table_args__ = (UniqueConstraint("article_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(index=True)
    record_sha256: Mapped[str] = mapped_column(String(64))
    title: Mapped[str]
    published: Mapped[str | None]
    updated: Mapped[str | None]
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    updated_at: Mapped[datetime | None]
    category: Mapped[str | None] = mapped_column(index=True)
    language: Mapped[str | None]
    text: Mapped[str]
    fetched_url: Mapped[str]
    fetched_at: Mapped[datetime]
    raw_page_id: Mapped[int | None] = mapped_column(
        ForeignKey("raw_pages.id", ondelete="SET NULL"), index=True
    )
    crawl_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("crawl_runs.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    refreshed_at: Mapped[datetime | None]

    article: Mapped[Article] = relationship(back_populates="versions", foreign_keys=[article_id])
    raw_page: Mapped[RawPage | None] = relationship()
    crawl_run: Mapped[CrawlRun | None] = relationship()
    authors: Mapped[list[ArticleAuthor]] = relationship(
        order_by="ArticleAuthor.position", cascade="all, delete-orphan", passive_deletes=True
    )
    sections: Mapped[list[Section]] = relationship(
        order_by="Section.position", cascade="all, delete-orphan", passive_deletes=True
    )
    citations: Mapped[list[Citation]] = relationship(
        order_by="Citation.position", cascade="all, delete-orphan", passive_deletes=True
    )
    tags: Mapped[list[ArticleTag]] = relationship(
        order_by="ArticleTag.position", cascade="all, delete-orphan", passive_deletes=True
    )
    affiliate_links: Mapped[list[AffiliateLink]] = relationship(
        order_by="AffiliateLink.position", cascade="all, delete-orphan", passive_deletes=True
    )
    flags: Mapped[list[ArticleFlag]] = relationship(
        order_by="ArticleFlag.position", cascade="all, delete-orphan", passive_deletes=True
    )


# The child tables, re-exported so that ``from storage.models import Section`` works
# and registered whenever the core models are.
from storage.content import (  # noqa: E402
    AffiliateLink,
    ArticleAuthor,
    ArticleFlag,
    ArticleTag,
    Author,
    Citation,
    Section,
    SiteBoilerplate,
    Tag,
    VersionBlock,
)
from storage.crawl_models import ScheduledSite, UrlState  # noqa: E402
from storage.dedupe_models import (  # noqa: E402
    DedupeBandKey,
    DedupeSimilarity,
    DedupeText,
    VersionDedupeKey,
)

__all__ = [
    "ARTICLE_KINDS",
    "FETCH_OUTCOMES",
    "RUN_STATUSES",
    "AffiliateLink",
    "Article",
    "ArticleAuthor",
    "ArticleFlag",
    "ArticleTag",
    "ArticleVersion",
    "Author",
    "Citation",
    "CrawlRun",
    "DedupeBandKey",
    "DedupeSimilarity",
    "DedupeText",
    "Fetch",
    "RawPage",
    "ScheduledSite",
    "Section",
    "Site",
    "SiteBoilerplate",
    "Tag",
    "UrlState",
    "VersionBlock",
    "VersionDedupeKey",
]
