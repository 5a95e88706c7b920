"""Re-running extraction over the archive's stored pages: reading them back, and
writing what a better extraction gives (the writer's ``reprocess_article``).

A stored page is the last full (200) body of a URL (``url_states``), so an archive
can be re-extracted with no network whenever the extraction improves.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, Engine, or_, select

from storage.export import record_of_version
from storage.models import Article, RawPage, UrlState

# Record fields compared to say what a re-extraction changed.
COMPARED_FIELDS = ("kind", "title", "published", "updated", "authors", "category", "tags",
                   "language", "text", "sections", "references", "affiliate_links", "flags")
ReprocessKind = Literal["unchanged", "refreshed", "new", "rejected", "not_article"]


@dataclass(frozen=True, slots=True)
class StoredPage:
    """A URL's last full answer as the archive keeps it."""

    url: str
    body: bytes
    content_type: str | None
    fetched_at: datetime
    etag: str | None
    last_modified: str | None
    article_id: int | None


@dataclass(frozen=True, slots=True)
class ReprocessOutcome:
    """What re-extracting one stored page did, and which record fields changed."""

    url: str
    kind: ReprocessKind
    changed: tuple[str, ...] = ()


def iter_stored_pages(
    engine: Engine, *, hosts: list[str] | None = None, since: datetime | None = None,
    batch_size: int = 200,
) -> Iterator[StoredPage]:
    """Stored pages in URL-state order, in batches; ``hosts`` keeps URLs of those hosts
    (with or without ``www.``), ``since`` pages downloaded at or after it."""
    query = (
        select(UrlState.id, UrlState.url, UrlState.fetched_at, UrlState.etag,
               UrlState.last_modified, UrlState.article_id, RawPage.content, RawPage.content_type)
        .join(RawPage, RawPage.id == UrlState.raw_page_id)
        .where(UrlState.status == 200)
        .order_by(UrlState.id)
        .limit(batch_size)
    )
    if hosts:
        prefixes = [f"{scheme}://{www}{host}{end}" for host in hosts for scheme in ("http", "https")
                    for www in ("", "www.") for end in ("/", ":")]
        query = query.where(or_(*(UrlState.url.startswith(p, autoescape=True) for p in prefixes)))
    if since is not None:
        query = query.where(UrlState.fetched_at >= since)
    last_id = 0
    while True:
        with engine.connect() as conn:
            rows = conn.execute(query.where(UrlState.id > last_id)).all()
        for row in rows:
            yield StoredPage(row.url, zlib.decompress(row.content), row.content_type,
                             row.fetched_at, row.etag, row.last_modified, row.article_id)
        if len(rows) < batch_size:
            return
        last_id = rows[-1].id


def archived_article(conn: Connection, page: StoredPage, url: str) -> tuple[int, int | None] | None:
    """The archived article a stored page is (by its URL state, else by canonical
    URL): its id and current version id, locked for the transaction."""
    query = select(Article.id, Article.current_version_id).with_for_update()
    if page.article_id is not None:
        found = conn.execute(query.where(Article.id == page.article_id)).first()
        if found is not None:
            return found.id, found.current_version_id
    found = conn.execute(query.where(Article.url == url)).first()
    return None if found is None else (found.id, found.current_version_id)


def changed_fields(
    conn: Connection, version_id: int, record: Mapping[str, Any]
) -> tuple[str, ...]:
    """The record fields whose value differs between the stored version and ``record``."""
    old = record_of_version(conn, version_id) or {}
    return tuple(name for name in COMPARED_FIELDS if _comparable(old.get(name)) != _comparable(
        record.get(name)))


def _comparable(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_comparable(v) for v in value]
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items() if v not in (None, "", [], ())}
    return value
