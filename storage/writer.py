"""Writing crawl results into the archive: runs, fetches, raw pages, articles.

``ArchiveWriter`` is the only write path. Each call is one transaction, all
or nothing, and is idempotent: saving a record again moves ``last_seen_at``
and changes nothing else unless the content (or its extraction) changed.
Shared rows (sites, authors, tags, raw pages) are inserted with
``INSERT .. ON CONFLICT DO NOTHING``, and an article row is locked before its
next version number is taken, so concurrent writers (processes on
PostgreSQL; SQLite serialises them with ``BEGIN IMMEDIATE``) never duplicate
a row nor fail on a race.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, Literal, TypeVar

from sqlalchemy import Connection, Engine, Row, func, insert, select, update
from sqlalchemy.exc import DBAPIError

from storage import rows
from storage.db import SQLITE_BEGIN_OPTION, ArchiveError
from storage.incoming import IncomingArticle, read_article_record
from storage.models import (
    FETCH_OUTCOMES,
    RUN_STATUSES,
    Article,
    ArticleVersion,
    CrawlRun,
    Fetch,
)
from storage.rows import FetchInfo

SaveResult = Literal["new", "updated", "unchanged"]
T = TypeVar("T")

# A lost race: unique violation, serialization failure, deadlock detected.
_RETRY_SQLSTATES = {"23505", "40001", "40P01"}
_RETRY_SQLITE_ERRORS = {"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY", "SQLITE_BUSY"}


class ArchiveWriter:
    """Writes to one archive. One instance per process, used by one thread at a time."""

    def __init__(self, engine: Engine, *, max_attempts: int = 3) -> None:
        if engine.dialect.name not in ("sqlite", "postgresql"):
            raise ArchiveError(f"unsupported database kind {engine.dialect.name!r}")
        self.engine = engine
        self.max_attempts = max_attempts
        self._write_engine = engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})

    # -- crawl runs --------------------------------------------------------

    def start_run(self, *, start_urls: Sequence[str], started_at: datetime | None = None) -> int:
        """Record a crawl run as 'running' for this host and process; its id."""
        started_at = _aware(started_at or datetime.now(UTC), "started_at")
        with self._write_engine.begin() as conn:
            result = conn.execute(
                insert(CrawlRun)
                .values(
                    started_at=started_at,
                    status="running",
                    start_urls=list(start_urls),
                    stats={},
                    hostname=socket.gethostname(),
                    pid=os.getpid(),
                )
                .returning(CrawlRun.id)
            )
            return int(result.scalar_one())

    def finish_run(self, run_id: int, *, status: str, stats: Mapping[str, Any]) -> None:
        """Close a run ('finished', 'interrupted' or 'failed') and keep its stats.

        ``stats`` may hold datetimes and other values JSON lacks (Scrapy's do):
        they are stored as ISO strings / text.
        """
        if status not in RUN_STATUSES or status == "running":
            raise ValueError(f"run status {status!r} is not one of {RUN_STATUSES[1:]}")
        with self._write_engine.begin() as conn:
            result = conn.execute(
                update(CrawlRun)
                .where(CrawlRun.id == run_id)
                .values(status=status, stats=to_json_value(stats), finished_at=datetime.now(UTC))
            )
            if result.rowcount == 0:
                raise ArchiveError(f"no crawl run with id {run_id}")

    def mark_interrupted_runs(self) -> int:
        """Mark as 'interrupted' the runs this host left 'running' from a process
        that no longer exists; their ``finished_at`` is their last fetch (or
        their start). Returns how many were marked."""
        hostname, own_pid = socket.gethostname(), os.getpid()
        marked = 0
        with self._write_engine.begin() as conn:
            running = conn.execute(
                select(CrawlRun.id, CrawlRun.pid, CrawlRun.started_at).where(
                    CrawlRun.status == "running", CrawlRun.hostname == hostname
                )
            ).all()
            for run_id, pid, started_at in running:
                if pid == own_pid or _is_process_alive(pid):
                    continue
                last_fetch = conn.execute(
                    select(func.max(Fetch.fetched_at)).where(Fetch.crawl_run_id == run_id)
                ).scalar_one()
                conn.execute(
                    update(CrawlRun)
                    .where(CrawlRun.id == run_id)
                    .values(status="interrupted", finished_at=last_fetch or started_at)
                )
                marked += 1
        return marked

    # -- fetches -----------------------------------------------------------

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
        if outcome not in FETCH_OUTCOMES:
            raise ValueError(f"fetch outcome {outcome!r} is not one of {FETCH_OUTCOMES}")
        fetch = FetchInfo(
            _aware(fetched_at, "fetched_at"), status, body, content_type, etag, last_modified
        )

        def write(conn: Connection) -> int:
            article_id = conn.execute(select(Article.id).where(Article.url == url)).scalar()
            raw_page_id = rows.store_raw_page(conn, fetch)
            return rows.insert_fetch(
                conn,
                fetch,
                crawl_run_id=run_id,
                url=url,
                outcome=outcome,
                reason=reason,
                detail=detail,
                raw_page_id=raw_page_id,
                article_id=article_id,
            )

        return self._in_transaction(write)

    # -- articles ----------------------------------------------------------

    def save_article(
        self,
        run_id: int,
        record: Mapping[str, Any],
        *,
        fetched_at: datetime,
        body: bytes | None = None,
        content_type: str | None = None,
        status: int = 200,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> SaveResult:
        """Archive one extracted article with the fetch it came from.

        Returns 'new' (unknown URL: version 1), 'updated' (content hash differs
        from the current version: a new version, the old one kept) or
        'unchanged' (same content hash: ``last_seen_at`` moves, and the current
        version is refreshed in place if other extracted fields differ).
        """
        article = read_article_record(record)
        fetch = FetchInfo(
            _aware(fetched_at, "fetched_at"), status, body, content_type, etag, last_modified
        )
        return self._in_transaction(lambda conn: self._save(conn, run_id, article, fetch))

    def save_articles(
        self, run_id: int, items: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]]
    ) -> list[SaveResult]:
        """Save several ``(record, fetch keywords of save_article)`` pairs in one
        transaction (all or nothing): fewer commits when a caller batches."""
        prepared = []
        for record, options in items:
            fetch = FetchInfo(
                _aware(options["fetched_at"], "fetched_at"),
                options.get("status", 200),
                options.get("body"),
                options.get("content_type"),
                options.get("etag"),
                options.get("last_modified"),
            )
            prepared.append((read_article_record(record), fetch))
        return self._in_transaction(
            lambda conn: [self._save(conn, run_id, article, fetch) for article, fetch in prepared]
        )

    def refresh_current(self, record: Mapping[str, Any]) -> bool:
        """Rewrite the current version of ``record['url']`` in place, children included:
        the same fetch seen through a better extraction (learned boilerplate removed,
        a fixed rule). Returns False when the URL has no archived version."""
        article = read_article_record(record)

        def work(conn: Connection) -> bool:
            row = conn.execute(
                select(Article.current_version_id, Article.site_id)
                .where(Article.url == article.url)
                .with_for_update()
            ).first()
            if row is None or row.current_version_id is None:
                return False
            rows.refresh_version(conn, row.current_version_id, article, row.site_id)
            return True

        return self._in_transaction(work)

    def mark_gone(self, url: str, *, gone_at: datetime) -> bool:
        """Note that an archived URL has disappeared (404/410...). False if the
        URL is not archived or already marked; saving it again clears the mark."""
        gone_at = _aware(gone_at, "gone_at")
        with self._write_engine.begin() as conn:
            result = conn.execute(
                update(Article)
                .where(Article.url == url, Article.gone_at.is_(None))
                .values(gone_at=gone_at)
            )
            return bool(result.rowcount)

    # -- internals ---------------------------------------------------------

    def _in_transaction(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one write transaction, again if it lost a race."""
        for attempt in range(1, self.max_attempts + 1):
            try:
                with self._write_engine.begin() as conn:
                    return work(conn)
            except DBAPIError as error:
                if attempt == self.max_attempts or not _is_retryable(error):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _save(
        self, conn: Connection, run_id: int, article: IncomingArticle, fetch: FetchInfo
    ) -> SaveResult:
        raw_page_id = rows.store_raw_page(conn, fetch)
        site_id = rows.ensure_site(conn, article.site, fetch.fetched_at)
        source = rows.VersionSource(run_id, site_id, raw_page_id, fetch)
        existing = _lock_article(conn, article.url)
        if existing is None:
            new_id = rows.insert_article(conn, article, source)
            if new_id is not None:
                first_id = rows.insert_version(conn, new_id, 1, article, source)
                conn.execute(
                    update(Article).where(Article.id == new_id).values(current_version_id=first_id)
                )
                _insert_save_fetch(conn, article, source, "archived", new_id)
                return "new"
            # Another writer inserted the URL since our SELECT: use its row, locked.
            existing = _lock_article(conn, article.url)
            assert existing is not None

        article_id, first_seen_at, last_seen_at, version_id = existing
        current = conn.execute(
            select(ArticleVersion.content_hash, ArticleVersion.record_sha256).where(
                ArticleVersion.id == version_id
            )
        ).first()
        result: SaveResult = "unchanged"
        if version_id is not None and current and current.content_hash == article.content_hash:
            if current.record_sha256 != article.record_sha256:
                rows.refresh_version(conn, version_id, article, site_id)
        else:
            result = "updated"
            last_number = conn.execute(
                select(func.max(ArticleVersion.version)).where(
                    ArticleVersion.article_id == article_id
                )
            ).scalar()
            version_id = rows.insert_version(
                conn, article_id, (last_number or 0) + 1, article, source
            )
        seen_at = fetch.fetched_at
        conn.execute(
            update(Article)
            .where(Article.id == article_id)
            .values(
                site_id=site_id,
                kind=article.kind,
                first_seen_at=min(first_seen_at, seen_at),
                last_seen_at=max(last_seen_at, seen_at),
                gone_at=None,
                current_version_id=version_id,
            )
        )
        outcome = "archived" if result == "updated" else "unchanged"
        _insert_save_fetch(conn, article, source, outcome, article_id)
        return result


def _lock_article(conn: Connection, url: str) -> Row[int, datetime, datetime, int | None] | None:
    """The article row of ``url`` (id, first/last seen, current version id),
    locked against other writers until the transaction ends."""
    return conn.execute(
        select(Article.id, Article.first_seen_at, Article.last_seen_at, Article.current_version_id)
        .where(Article.url == url)
        .with_for_update()
    ).first()


def _insert_save_fetch(
    conn: Connection,
    article: IncomingArticle,
    source: rows.VersionSource,
    outcome: str,
    article_id: int,
) -> None:
    rows.insert_fetch(
        conn,
        source.fetch,
        crawl_run_id=source.run_id,
        url=article.fetched_url,
        outcome=outcome,
        raw_page_id=source.raw_page_id,
        article_id=article_id,
    )


def to_json_value(value: Any) -> Any:
    """``value`` made of JSON types only: datetimes and dates as ISO strings,
    sets and tuples as lists, anything else unknown as its ``str``."""

    def default(item: Any) -> Any:
        if isinstance(item, datetime | date):
            return item.isoformat()
        if isinstance(item, set | frozenset | tuple):
            return list(item)
        return str(item)

    return json.loads(json.dumps(value, default=default))


def _aware(value: datetime, name: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}")
    return value


def _is_retryable(error: DBAPIError) -> bool:
    """Whether ``error`` is a race another attempt may win (not a bad value)."""
    orig = error.orig
    return (
        getattr(orig, "sqlstate", None) in _RETRY_SQLSTATES
        or getattr(orig, "sqlite_errorname", None) in _RETRY_SQLITE_ERRORS
    )


def _is_process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True
