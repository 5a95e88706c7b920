"""What the archive remembers about each fetched URL, for the next crawl.

Reads serve the crawler: the validators to send (``If-None-Match`` /
``If-Modified-Since``), the stored body to use when the server answers 304, and the
known URLs of a site to revisit. Writes (``upsert_state``, ``record_unchanged``,
``mark_url_gone``) run inside ``ArchiveWriter``'s transactions.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, Engine, bindparam, insert, or_, select, update

from storage.models import Article, Fetch, RawPage, UrlState
from storage.rows import FetchInfo, hot_statement

GONE_STATUSES = frozenset({404, 410})


@dataclass(frozen=True, slots=True)
class KnownUrl:
    """A URL's last full answer, as a conditional request needs it."""

    url: str
    etag: str | None
    last_modified: str | None
    fetched_at: datetime
    raw_page_id: int | None
    article_id: int | None

    @property
    def can_revalidate(self) -> bool:
        """Whether a 304 could be answered from the archive (a body is kept)."""
        return self.raw_page_id is not None


@dataclass(frozen=True, slots=True)
class StoredBody:
    body: bytes
    content_type: str | None


def known_url(conn: Connection, url: str) -> KnownUrl | None:
    """The last full (200) answer of ``url``, or None if it never gave one."""
    row = conn.execute(
        select(
            UrlState.etag,
            UrlState.last_modified,
            UrlState.fetched_at,
            UrlState.raw_page_id,
            UrlState.article_id,
        ).where(UrlState.url == url, UrlState.status == 200)
    ).first()
    return None if row is None else KnownUrl(url, *row)


class KnownUrls:
    """The last full answers of a crawl's URLs, read up front for the hosts in scope
    (one query instead of one per request) when there are at most ``limit`` of them,
    else looked up one URL at a time."""

    def __init__(self, engine: Engine, prefixes: Iterable[str], *, limit: int = 200_000) -> None:
        self.engine = engine
        self._states: dict[str, tuple[Any, ...]] = {}
        prefix_filter = or_(*(UrlState.url.startswith(p, autoescape=True) for p in prefixes))
        query = (
            select(UrlState.url, UrlState.etag, UrlState.last_modified, UrlState.fetched_at,
                   UrlState.raw_page_id, UrlState.article_id)
            .where(UrlState.status == 200, prefix_filter)
            .limit(limit + 1)
        )
        with engine.connect() as conn:
            for url, *state in conn.execute(query):
                self._states[url] = tuple(state)
        self.complete = len(self._states) <= limit
        if not self.complete:
            self._states.clear()

    def get(self, url: str) -> KnownUrl | None:
        if not self.complete:
            with self.engine.connect() as conn:
                return known_url(conn, url)
        state = self._states.get(url)
        return None if state is None else KnownUrl(url, *state)

    def lookup(self, url: str) -> KnownUrl | None:
        """The archive's state of ``url`` now (not the state read up front)."""
        with self.engine.connect() as conn:
            return known_url(conn, url)

    def body(self, raw_page_id: int) -> StoredBody | None:
        with self.engine.connect() as conn:
            return stored_body(conn, raw_page_id)


def stored_body(conn: Connection, raw_page_id: int) -> StoredBody | None:
    """The stored (decompressed) body of a raw page, with its content type."""
    row = conn.execute(
        select(RawPage.content, RawPage.content_type).where(RawPage.id == raw_page_id)
    ).first()
    return None if row is None else StoredBody(zlib.decompress(row.content), row.content_type)


def iter_known_urls(
    engine: Engine, prefixes: Iterable[str], *, batch_size: int = 1000
) -> Iterator[str]:
    """The URLs the archive has an answer for (articles, listings, pages that went
    away) starting with one of ``prefixes`` (``http://host/``), in id order, read in
    batches (constant memory)."""
    prefix_filter = or_(*(UrlState.url.startswith(p, autoescape=True) for p in prefixes))
    last_id = 0
    while True:
        with engine.connect() as conn:
            batch = conn.execute(
                select(UrlState.id, UrlState.url)
                .where(UrlState.id > last_id, prefix_filter)
                .order_by(UrlState.id)
                .limit(batch_size)
            ).all()
        if not batch:
            return
        for _, url in batch:
            yield url
        last_id = batch[-1].id


# -- writes (inside the writer's transaction) -------------------------------------------


def upsert_state(
    conn: Connection, url: str, fetch: FetchInfo, *, raw_page_id: int | None, article_id: int | None
) -> None:
    """Record a full 200 answer of ``url``: its validators, body and article."""
    upsert_states(conn, [state_row(url, fetch, raw_page_id=raw_page_id, article_id=article_id)])


def state_row(
    url: str, fetch: FetchInfo, *, raw_page_id: int | None, article_id: int | None
) -> dict[str, Any]:
    """The URL-state row of a full 200 answer of ``url`` (for ``upsert_states``)."""
    return {
        "url": url,
        "status": fetch.status,
        "etag": fetch.etag,
        "last_modified": fetch.last_modified,
        "fetched_at": fetch.fetched_at,
        "checked_at": fetch.fetched_at,
        "raw_page_id": raw_page_id,
        "article_id": article_id,
    }


def upsert_states(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert or overwrite the states of ``rows`` (``state_row``s, one per URL), in
    one statement."""
    if rows:
        conn.execute(hot_statement(conn, _upsert_state), list(rows))


def _upsert_state(dialect_insert: Callable[..., Any]) -> Any:
    """A new URL is inserted; a known one takes the new answer's every column."""
    insert = dialect_insert(UrlState)
    columns = [column.name for column in UrlState.__table__.columns if column.name not in ("id", "url")]
    return insert.on_conflict_do_update(
        index_elements=["url"], set_={name: insert.excluded[name] for name in columns})


@dataclass(frozen=True, slots=True)
class UnchangedCheck:
    """A page found unchanged: when, the answer's status (304; None when no request
    was made) and why (``http:304``, ``sitemap:lastmod``)."""

    url: str
    checked_at: datetime
    status: int | None
    reason: str


def record_unchanged(
    conn: Connection, run_id: int, checks: Sequence[UnchangedCheck]
) -> list[Literal["unchanged", "page", "unknown"]]:
    """Record a batch of unchanged pages with a few set-wise statements: URL states
    checked, articles seen (``last_seen_at`` moved, ``gone_at`` cleared), one
    'unchanged' fetch row each. Returns each check's kind (see ``ArchiveWriter``)."""
    urls = sorted({check.url for check in checks})
    states: dict[str, Any] = {}
    for start in range(0, len(urls), 500):
        for row in conn.execute(
            select(UrlState.id, UrlState.url, UrlState.etag, UrlState.last_modified,
                   UrlState.raw_page_id, UrlState.article_id)
            .where(UrlState.url.in_(urls[start:start + 500]), UrlState.status == 200)
        ):
            states[row.url] = row
    known = [check for check in checks if check.url in states]
    if not known:
        return ["unknown"] * len(checks)
    conn.execute(
        update(UrlState).where(UrlState.id == bindparam("state_id"))
        .values(checked_at=bindparam("seen_at")),
        [{"state_id": states[c.url].id, "seen_at": c.checked_at} for c in known],
    )
    seen: dict[int, datetime] = {}
    for check in known:
        article_id = states[check.url].article_id
        if article_id is not None:
            seen[article_id] = max(check.checked_at, seen.get(article_id, check.checked_at))
    if seen:
        ids = sorted(seen)
        last = dict(conn.execute(select(Article.id, Article.last_seen_at)
                                 .where(Article.id.in_(ids)).with_for_update()).all())
        conn.execute(
            update(Article).where(Article.id == bindparam("article_id"))
            .values(last_seen_at=bindparam("seen_at"), gone_at=None),
            [{"article_id": i, "seen_at": max(seen[i], last[i])} for i in ids if i in last],
        )
    conn.execute(insert(Fetch), [
        {"crawl_run_id": run_id, "url": c.url, "status": c.status, "fetched_at": c.checked_at,
         "outcome": "unchanged", "reason": c.reason, "detail": "",
         "etag": states[c.url].etag, "last_modified": states[c.url].last_modified,
         "raw_page_id": states[c.url].raw_page_id, "article_id": states[c.url].article_id}
        for c in known
    ])
    return ["unknown" if c.url not in states
            else "unchanged" if states[c.url].article_id is not None else "page" for c in checks]


def mark_url_gone(conn: Connection, url: str, fetch: FetchInfo) -> int | None:
    """Record that ``url`` answered 404/410: its validators are dropped (a page that
    comes back is downloaded in full) and its article, if any and not already
    marked, gets ``gone_at``. Returns the id of the article newly marked gone."""
    state = conn.execute(select(UrlState.article_id).where(UrlState.url == url)).first()
    article_id = state.article_id if state is not None else None
    if article_id is None:
        article_id = conn.execute(select(Article.id).where(Article.url == url)).scalar()
    if state is not None:
        conn.execute(
            update(UrlState)
            .where(UrlState.url == url)
            .values(status=fetch.status, etag=None, last_modified=None, checked_at=fetch.fetched_at)
        )
    if article_id is None:
        return None
    marked = conn.execute(
        update(Article)
        .where(Article.id == article_id, Article.gone_at.is_(None))
        .values(gone_at=fetch.fetched_at)
    )
    return article_id if marked.rowcount else None
