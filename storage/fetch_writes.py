"""Writing fetches that archived nothing new: skipped and failed requests, pages
gone (404/410), pages found unchanged. A part of ``ArchiveWriter`` (its base class)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, bindparam, select

from storage import crawl_state, rows
from storage.crawl_state import UnchangedCheck
from storage.models import FETCH_OUTCOMES, Article
from storage.rows import FetchInfo
from storage.run_writes import checked_aware
from storage.transactions import TransactionalWrites


class FetchWrites(TransactionalWrites):
    """The fetch writes of ``ArchiveWriter``."""

    def record_fetch(
        self,
        run_id: int,
        *,
        url: str,
        status: int | None,
        fetched_at: datetime,
        outcome: str,
        reason: str | None = None,
        detail: str = "",
        body: bytes | None = None,
        content_type: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> int:
        """Record one request that archived nothing new (skipped, error...):
        its id. The body, when given, is stored once per sha256, compressed."""
        return self.record_fetches(run_id, [{
            "url": url, "status": status, "fetched_at": fetched_at, "outcome": outcome,
            "reason": reason, "detail": detail, "body": body, "content_type": content_type,
            "etag": etag, "last_modified": last_modified,
        }])[0]

    def record_fetches(self, run_id: int, fetches: Sequence[Mapping[str, Any]]) -> list[int]:
        """``record_fetch`` for several requests (each the keywords of ``record_fetch``)
        in one transaction, all or nothing: their ids."""
        writes = [self._fetch_write(run_id, fetch) for fetch in fetches]
        return self._in_transaction(lambda conn: [write(conn) for write in writes])

    def _fetch_write(self, run_id: int, entry: Mapping[str, Any]) -> Callable[[Connection], int]:
        """The write of one ``record_fetch`` (``entry``: its keywords), checked now."""
        url, status, outcome = entry["url"], entry["status"], entry["outcome"]
        if outcome not in FETCH_OUTCOMES:
            raise ValueError(f"fetch outcome {outcome!r} is not one of {FETCH_OUTCOMES}")
        fetch = FetchInfo(
            checked_aware(entry["fetched_at"], "fetched_at"), status, entry.get("body"),
            entry.get("content_type"), entry.get("etag"), entry.get("last_modified"),
        )

        def write(conn: Connection) -> int:
            article_id = conn.execute(_ARTICLE_ID, {"url": url}).scalar()
            raw_page_id = rows.store_raw_page(conn, fetch)
            if raw_page_id is not None and status == 200:
                # A page kept but not archived (a listing): a 304 next time serves its links.
                crawl_state.upsert_state(conn, url, fetch, raw_page_id=raw_page_id, article_id=None)
            return rows.insert_fetch(
                conn,
                fetch,
                crawl_run_id=run_id,
                url=url,
                outcome=outcome,
                reason=entry.get("reason"),
                detail=entry.get("detail", ""),
                raw_page_id=raw_page_id,
                article_id=article_id,
            )

        return write

    def record_missing(
        self,
        run_id: int,
        *,
        url: str,
        status: int,
        fetched_at: datetime,
        reason: str,
        detail: str = "",
    ) -> bool:
        """Record a 404/410 answer as an error fetch and mark the article at ``url``
        (if any) gone, never deleted. True if an article was newly marked gone."""
        fetch = FetchInfo(checked_aware(fetched_at, "fetched_at"), status, None, None, None, None)

        def write(conn: Connection) -> bool:
            gone_id = crawl_state.mark_url_gone(conn, url, fetch)
            article_id = gone_id or conn.execute(_ARTICLE_ID, {"url": url}).scalar()
            rows.insert_fetch(
                conn, fetch, crawl_run_id=run_id, url=url, outcome="error", reason=reason,
                detail=detail, raw_page_id=None, article_id=article_id,
            )
            return gone_id is not None

        return self._in_transaction(write)

    def record_not_modified(
        self, run_id: int, checks: Sequence[UnchangedCheck]
    ) -> list[Literal["unchanged", "page", "unknown"]]:
        """Record pages found unchanged since their last download (a 304, or a sitemap
        ``lastmod`` older than that download), in one transaction: no new version, no
        re-extraction; each article's ``last_seen_at`` moves. Per check: 'unchanged'
        for an article, 'page' for another kept page, 'unknown' if the URL has no state."""
        for check in checks:
            checked_aware(check.checked_at, "checked_at")
        return self._in_transaction(lambda conn: crawl_state.record_unchanged(conn, run_id, checks))


_ARTICLE_ID = select(Article.id).where(Article.url == bindparam("url"))
