"""Row-level writes for ``ArchiveWriter``, each run inside the caller's transaction.

Shared rows (raw pages, sites, tags, authors) are looked up first and
inserted with the dialect's ``INSERT .. ON CONFLICT DO NOTHING`` when
missing, then read back: a concurrent writer that inserted the same row
first is simply reused. Sorted insertion order keeps two writers from
locking the same rows in opposite orders.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, delete, select, update
from sqlalchemy import insert as sa_insert
from sqlalchemy.dialects import postgresql, sqlite

from storage.dedupe_index import VersionBody
from storage.incoming import IncomingArticle, author_name_key, parse_instant
from storage.models import (
    AffiliateLink,
    Article,
    ArticleAuthor,
    ArticleFlag,
    ArticleTag,
    ArticleVersion,
    Author,
    Citation,
    Fetch,
    RawPage,
    Section,
    Site,
    Tag,
    VersionBlock,
)

if TYPE_CHECKING:  # deferred_rows writes URL states through crawl_state, which imports this
    from storage.deferred_rows import DeferredRows

CHILD_MODELS = (ArticleAuthor, Section, Citation, ArticleTag, AffiliateLink, ArticleFlag, VersionBlock)


@dataclass(frozen=True, slots=True)
class FetchInfo:
    """The HTTP side of a save: when, what status, the body and its headers."""

    fetched_at: datetime
    status: int | None
    body: bytes | None
    content_type: str | None
    etag: str | None
    last_modified: str | None


def insert_for(conn: Connection) -> Callable[..., Any]:
    """The dialect's ``insert`` (it has ``on_conflict_do_nothing``)."""
    return dialect_insert(conn.dialect.name)


def dialect_insert(dialect_name: str) -> Callable[..., Any]:
    """The ``insert`` of the dialect called ``dialect_name``."""
    return postgresql.insert if dialect_name == "postgresql" else sqlite.insert


def hot_statement(conn: Connection, build: Callable[[Callable[..., Any]], Any]) -> Any:
    """The statement ``build(dialect's insert)``, built once per dialect (a select or a
    plain insert, which needs nothing of the dialect, is a module constant instead).

    The writer's statements run for every page, so they are built once and take their
    values as execute() parameters: SQLAlchemy then reuses the statement's cache key and
    compiled form. Building ``insert(...).values(**row)`` per page instead turned every
    value into a new bound parameter and hashed the statement again, a third of the
    writer's time in a crawl."""
    return _built_statement(conn.dialect.name, build)


@cache
def _built_statement(dialect_name: str, build: Callable[[Callable[..., Any]], Any]) -> Any:
    return build(dialect_insert(dialect_name))


def _insert_article(insert: Callable[..., Any]) -> Any:
    return insert(Article).on_conflict_do_nothing(index_elements=["url"]).returning(Article.id)


def _insert_version(insert: Callable[..., Any]) -> Any:
    return insert(ArticleVersion).returning(ArticleVersion.id)


def _insert_fetch(insert: Callable[..., Any]) -> Any:
    return insert(Fetch).returning(Fetch.id)


def update_article(_insert: Callable[..., Any]) -> Any:
    """The article row whose id is the ``target_id`` parameter, its columns from the others."""
    return update(Article).where(Article.id == bindparam("target_id"))


@dataclass(frozen=True, slots=True)
class VersionSource:
    """Where a saved article came from: its run, site, raw page and fetch."""

    run_id: int
    site_id: int
    raw_page_id: int | None
    fetch: FetchInfo


def insert_article(conn: Connection, article: IncomingArticle, source: VersionSource) -> int | None:
    """Insert the article row of a new URL (no version yet): its id, or
    ``None`` if another writer inserted the URL first."""
    seen_at = source.fetch.fetched_at
    article_id = conn.execute(
        hot_statement(conn, _insert_article),
        {"site_id": source.site_id, "url": article.url, "kind": article.kind,
         "first_seen_at": seen_at, "last_seen_at": seen_at},
    ).scalar()
    return None if article_id is None else int(article_id)


def insert_version(
    conn: Connection,
    article_id: int,
    number: int,
    article: IncomingArticle,
    source: VersionSource,
    batch: DeferredRows,
) -> int:
    """Insert version ``number`` of an article: its id. Its children and text go to
    ``batch`` (see ``add_children``)."""
    version_id = conn.execute(
        hot_statement(conn, _insert_version),
        {
            "article_id": article_id,
            "version": number,
            "fetched_url": article.fetched_url,
            "fetched_at": source.fetch.fetched_at,
            "raw_page_id": source.raw_page_id,
            "crawl_run_id": source.run_id,
            "created_at": datetime.now(UTC),
            **version_fields(article),
        },
    ).scalar_one()
    add_children(conn, version_id, article, source.site_id, batch)
    return int(version_id)


def refresh_version(
    conn: Connection,
    version_id: int,
    article: IncomingArticle,
    site_id: int,
    batch: DeferredRows,
) -> None:
    conn.execute(
        update(ArticleVersion)
        .where(ArticleVersion.id == version_id)
        .values(refreshed_at=datetime.now(UTC), **version_fields(article))
    )
    for model in CHILD_MODELS:
        conn.execute(delete(model).where(model.article_version_id == version_id))
    batch.forget(version_id)
    add_children(conn, version_id, article, site_id, batch)


def add_children(
    conn: Connection,
    version_id: int,
    article: IncomingArticle,
    site_id: int,
    batch: DeferredRows,
) -> None:
    """Write the version's bylines and tags, and collect its sections, references,
    links, flags, block fingerprints and text in ``batch``: the writer inserts those
    rows per table, and indexes the texts for dedupe, at the end of the transaction
    (``ArchiveWriter._in_indexing_transaction``). Bylines and tags go in at once: they
    are part of the search document, which triggers rebuild when a current version's
    rows change, so they must be in before the version becomes current."""
    def numbered(items: Sequence[Any], make: Callable[[Any], dict[str, Any]]) -> list[dict]:
        return [
            {"article_version_id": version_id, "position": position, **make(item)}
            for position, item in enumerate(items)
        ]

    if article.authors:
        author_ids = ensure_authors(conn, site_id, article.authors)
        conn.execute(
            _INSERT_BYLINE,
            numbered(article.authors, lambda a: {**a, "author_id": author_ids[a["name"]]}),
        )
    if article.tags:
        tag_ids = ensure_tags(conn, article.tags)
        conn.execute(_INSERT_ARTICLE_TAG,
                     numbered(article.tags, lambda t: {"tag_id": tag_ids[t]}))
    batch.add(VersionBody(version_id, site_id, article.text), [
        (model, numbered(items, make)) for model, items, make in (
            (Section, article.sections, dict),
            (Citation, article.references, dict),
            (AffiliateLink, article.affiliate_links, lambda u: {"url": u}),
            (ArticleFlag, article.flags, lambda f: {"flag": f}),
            (VersionBlock, article.block_sha1s, lambda h: {"block_sha1": h}),
        ) if items
    ])


_INSERT_BYLINE = sa_insert(ArticleAuthor)


_INSERT_ARTICLE_TAG = sa_insert(ArticleTag)


def store_raw_page(conn: Connection, fetch: FetchInfo) -> int | None:
    if fetch.body is None:
        return None
    digest = hashlib.sha256(fetch.body).hexdigest()
    found = conn.execute(_RAW_PAGE_ID, {"digest": digest}).scalar()
    if found is not None:
        return int(found)
    inserted = conn.execute(
        hot_statement(conn, _insert_raw_page),
        {"sha256": digest, "content": zlib.compress(fetch.body), "size": len(fetch.body),
         "content_type": fetch.content_type},
    ).scalar()
    if inserted is None:
        inserted = conn.execute(_RAW_PAGE_ID, {"digest": digest}).scalar_one()
    return int(inserted)


_RAW_PAGE_ID = select(RawPage.id).where(RawPage.sha256 == bindparam("digest"))


def _insert_raw_page(insert: Callable[..., Any]) -> Any:
    return insert(RawPage).on_conflict_do_nothing(index_elements=["sha256"]).returning(RawPage.id)


def ensure_site(conn: Connection, host: str, seen_at: datetime) -> int:
    found = conn.execute(_SITE_ID, {"host": host}).scalar()
    if found is not None:
        return int(found)
    conn.execute(
        insert_for(conn)(Site)
        .values(host=host, first_seen_at=seen_at)
        .on_conflict_do_nothing(index_elements=["host"])
    )
    return int(conn.execute(_SITE_ID, {"host": host}).scalar_one())


_SITE_ID = select(Site.id).where(Site.host == bindparam("host"))


def ensure_tags(conn: Connection, names: Sequence[str]) -> dict[str, int]:
    wanted = sorted(set(names))  # a fixed order: concurrent writers lock alike
    ids = dict(conn.execute(_TAG_IDS, {"names": wanted}).all())
    missing = [name for name in wanted if name not in ids]
    if missing:
        conn.execute(
            insert_for(conn)(Tag)
            .values([{"name": name} for name in missing])
            .on_conflict_do_nothing(index_elements=["name"])
        )
        ids.update(conn.execute(_TAG_IDS, {"names": missing}).all())
    return ids


_TAG_IDS = select(Tag.name, Tag.id).where(Tag.name.in_(bindparam("names", expanding=True)))


def ensure_authors(
    conn: Connection, site_id: int, authors: Sequence[dict[str, Any]]
) -> dict[str, int]:
    """Author ids by the name as credited; one author per (site, name key).
    An author's profile URL is the latest one seen."""
    by_key: dict[str, dict[str, Any]] = {}
    for author in authors:
        entry = by_key.setdefault(author_name_key(author["name"]), dict(author))
        entry["url"] = author["url"] or entry["url"]
    known = {
        key: (author_id, url)
        for author_id, key, url in conn.execute(
            _AUTHOR_IDS, {"site_id": site_id, "keys": sorted(by_key)})
    }
    missing = [key for key in sorted(by_key) if key not in known]
    if missing:
        conn.execute(
            insert_for(conn)(Author)
            .values(
                [
                    {
                        "site_id": site_id,
                        "name": by_key[key]["name"],
                        "name_key": key,
                        "url": by_key[key]["url"],
                    }
                    for key in missing
                ]
            )
            .on_conflict_do_nothing(index_elements=["site_id", "name_key"])
        )
        known.update(
            (key, (author_id, url))
            for author_id, key, url in conn.execute(
                _AUTHOR_IDS, {"site_id": site_id, "keys": missing})
        )
    for key in sorted(by_key):
        author_id, url = known[key]
        if by_key[key]["url"] and by_key[key]["url"] != url:
            conn.execute(
                update(Author).where(Author.id == author_id).values(url=by_key[key]["url"])
            )
    return {author["name"]: known[author_name_key(author["name"])][0] for author in authors}


_AUTHOR_IDS = select(Author.id, Author.name_key, Author.url).where(
    Author.site_id == bindparam("site_id"), Author.name_key.in_(bindparam("keys", expanding=True)))


def insert_fetch(conn: Connection, fetch: FetchInfo, **columns: Any) -> int:
    """Insert a fetch row: the HTTP fields from ``fetch``, the rest (crawl_run_id,
    url, outcome, reason, detail, raw_page_id, article_id) from ``columns``."""
    return int(conn.execute(hot_statement(conn, _insert_fetch), fetch_row(fetch, **columns)).scalar_one())


def fetch_row(fetch: FetchInfo, **columns: Any) -> dict[str, Any]:
    """A fetch row's values: the HTTP fields from ``fetch``, the rest from ``columns``."""
    return {
        "status": fetch.status,
        "fetched_at": fetch.fetched_at,
        "etag": fetch.etag,
        "last_modified": fetch.last_modified,
        **columns,
    }


def version_fields(article: IncomingArticle) -> dict[str, Any]:
    """The version's columns that come from extraction (refreshed in place)."""
    return {
        "content_hash": article.content_hash,
        "record_sha256": article.record_sha256,
        "title": article.title,
        "published": article.published,
        "updated": article.updated,
        "published_at": parse_instant(article.published),
        "updated_at": parse_instant(article.updated),
        "category": article.category,
        "language": article.language,
        "text": article.text,
    }
