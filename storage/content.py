"""What was extracted from one article version: bylines, sections, references,
tags, affiliate links and quality flags.

Every child row is keyed by ``(article_version_id, position)`` so the record's
list order survives, and is deleted with its version (``ON DELETE CASCADE``).
``Author`` and ``Tag`` are shared: an author once per site (by ``name_key``),
a tag once for the whole archive.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, in_list_check

if TYPE_CHECKING:
    from storage.models import Site

AUTHOR_RELATIONS = ("author", "reviewer", "editor")


def _version_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("article_versions.id", ondelete="CASCADE"), primary_key=True)


class Author(Base):
    """A person credited on a site; ``name_key`` is the normalised name that
    makes 'Jane Roe' and 'jane  roe' one author."""

    __tablename__ = "authors"
    __table_args__ = (UniqueConstraint("site_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    name: Mapped[str]
    name_key: Mapped[str]
    url: Mapped[str | None]

    site: Mapped[Site] = relationship(back_populates="authors")


class ArticleAuthor(Base):
    """One byline entry of a version. ``name``, ``role``, ``bio`` and ``url``
    are as this page shows them; ``author_id`` is the deduplicated person."""

    __tablename__ = "article_authors"
    __table_args__ = (
        CheckConstraint(in_list_check("relation", AUTHOR_RELATIONS), name="relation"),
        # An author's versions from the index alone (a search or export filter).
        Index("ix_article_authors_author_id", "author_id", "article_version_id"),
    )

    article_version_id: Mapped[int] = _version_fk()
    position: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    name: Mapped[str]
    relation: Mapped[str] = mapped_column(String(16))
    role: Mapped[str | None]
    bio: Mapped[str | None]
    url: Mapped[str | None]

    author: Mapped[Author] = relationship()


class Section(Base):
    """The body split at a heading (``level`` 0 and no heading for the lead)."""

    __tablename__ = "sections"

    article_version_id: Mapped[int] = _version_fk()
    position: Mapped[int] = mapped_column(primary_key=True)
    heading: Mapped[str | None]
    level: Mapped[int]
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str]


class Citation(Base):
    """One entry of the page's reference list (the record's ``references``)."""

    __tablename__ = "citations"
    # The citing versions of a DOI from the index alone (a search or export filter).
    __table_args__ = (Index("ix_citations_doi", "doi", "article_version_id"),)

    article_version_id: Mapped[int] = _version_fk()
    position: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str]
    title: Mapped[str | None]
    year: Mapped[int | None]
    url: Mapped[str | None]
    doi: Mapped[str | None]
    pmid: Mapped[str | None] = mapped_column(index=True)


class Tag(Base):
    """A tag name, shared by every article that carries it."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)


class ArticleTag(Base):
    __tablename__ = "article_tags"

    article_version_id: Mapped[int] = _version_fk()
    position: Mapped[int] = mapped_column(primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id"), index=True)

    tag: Mapped[Tag] = relationship()


class AffiliateLink(Base):
    __tablename__ = "affiliate_links"

    article_version_id: Mapped[int] = _version_fk()
    position: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str]


class ArticleFlag(Base):
    """A content-quality signal such as ``affiliate_disclosure``."""

    __tablename__ = "article_flags"

    article_version_id: Mapped[int] = _version_fk()
    position: Mapped[int] = mapped_column(primary_key=True)
    flag: Mapped[str] = mapped_column(index=True)


class VersionBlock(Base):
    """The SHA-1 of one body paragraph or list item of a version (normalised text):
    what site-level boilerplate learning counts across a site's articles."""

    __tablename__ = "version_blocks"

    article_version_id: Mapped[int] = _version_fk()
    position: Mapped[int] = mapped_column(primary_key=True)
    block_sha1: Mapped[str] = mapped_column(String(40), index=True)


class SiteBoilerplate(Base):
    """A block learned as boilerplate of a site: it recurs in many of its articles."""

    __tablename__ = "site_boilerplate_blocks"

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True)
    block_sha1: Mapped[str] = mapped_column(String(40), primary_key=True)
    text: Mapped[str]
    article_count: Mapped[int]
    learned_at: Mapped[datetime]
