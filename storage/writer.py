"""Writing crawl results into the archive: articles, their versions and raw pages
(crawl runs: ``storage.run_writes``; fetches that archived nothing:
``storage.fetch_writes``).

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

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal, TypeVar

from sqlalchemy import Connection, Engine, Row, bindparam, func, select, update

from storage import crawl_state, reprocess, rows
from storage.db import SQLITE_BEGIN_OPTION, ArchiveError
from storage.deferred_rows import DeferredRows
from storage.fetch_writes import FetchWrites
from storage.incoming import IncomingArticle, read_article_record
from storage.models import Article, ArticleVersion
from storage.reprocess import ReprocessOutcome, StoredPage
from storage.rows import FetchInfo
from storage.run_writes import CrawlRunWrites, checked_aware

SaveResult = Literal["new", "updated", "unchanged"]
T = TypeVar("T")

class ArchiveWriter(CrawlRunWrites, FetchWrites):
    """Writes to one archive. One instance per process, used by one thread at a time."""

    def __init__(self, engine: Engine, *, max_attempts: int = 3) -> None:
        if engine.dialect.name not in ("sqlite", "postgresql"):
            raise ArchiveError(f"unsupported database kind {engine.dialect.name!r}")
        self.engine = engine
        self.max_attempts = max_attempts
        self._write_engine = engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})

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
        fetch = {"fetched_at": fetched_at, "body": body, "content_type": content_type,
                 "status": status, "etag": etag, "last_modified": last_modified}
        return self.save_articles(run_id, [(record, fetch)])[0]

    def save_articles(
        self, run_id: int, items: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]]
    ) -> list[SaveResult]:
        """Save several ``(record, fetch keywords of save_article)`` pairs in one
        transaction (all or nothing): fewer commits when a caller batches."""
        prepared = []
        for record, options in items:
            fetch = FetchInfo(
                checked_aware(options["fetched_at"], "fetched_at"),
                options.get("status", 200),
                options.get("body"),
                options.get("content_type"),
                options.get("etag"),
                options.get("last_modified"),
            )
            prepared.append((read_article_record(record), fetch))

        def work(conn: Connection, batch: DeferredRows) -> list[SaveResult]:
            site_ids = _site_ids(conn, prepared)
            return [self._save(conn, run_id, article, fetch, batch, site_ids[article.site])
                    for article, fetch in prepared]

        return self._in_indexing_transaction(work)

    def refresh_current(self, record: Mapping[str, Any]) -> bool:
        """Rewrite the current version of ``record['url']`` in place, children included:
        the same fetch seen through a better extraction (learned boilerplate removed,
        a fixed rule). Returns False when the URL has no archived version."""
        article = read_article_record(record)

        def work(conn: Connection, batch: DeferredRows) -> bool:
            row = conn.execute(
                select(Article.current_version_id, Article.site_id)
                .where(Article.url == article.url)
                .with_for_update()
            ).first()
            if row is None or row.current_version_id is None:
                return False
            rows.refresh_version(conn, row.current_version_id, article, row.site_id, batch)
            return True

        return self._in_indexing_transaction(work)

    def reprocess_article(
        self, run_id: int, page: StoredPage, record: Mapping[str, Any] | None
    ) -> ReprocessOutcome:
        """Write what re-extracting a stored page gave (``record``, or None when the
        page is now rejected). The current version is rewritten in place (no new
        version: the page did not change); a page that is an article for the first
        time is archived new; an archived article now rejected is kept as it is."""

        def work(conn: Connection, batch: DeferredRows) -> ReprocessOutcome:
            if record is None:
                found = reprocess.archived_article(conn, page, page.url)
                return ReprocessOutcome(page.url, "rejected" if found else "not_article")
            article = read_article_record(record)
            found = reprocess.archived_article(conn, page, article.url)
            version_id = found[1] if found is not None else None
            if version_id is None:
                fetch = FetchInfo(page.fetched_at, 200, page.body, page.content_type,
                                  page.etag, page.last_modified)
                site_id = rows.ensure_site(conn, article.site, page.fetched_at)
                self._save(conn, run_id, article, fetch, batch, site_id)
                return ReprocessOutcome(page.url, "new")
            changed = reprocess.changed_fields(conn, version_id, record)
            if not changed and not _version_differs(conn, version_id, article):
                return ReprocessOutcome(page.url, "unchanged")
            site_id = rows.ensure_site(conn, article.site, page.fetched_at)
            rows.refresh_version(conn, version_id, article, site_id, batch)
            return ReprocessOutcome(page.url, "refreshed", changed)

        return self._in_indexing_transaction(work)

    def mark_gone(self, url: str, *, gone_at: datetime) -> bool:
        """Note that an archived URL has disappeared (404/410...). False if the
        URL is not archived or already marked; saving it again clears the mark."""
        gone_at = checked_aware(gone_at, "gone_at")
        with self._write_engine.begin() as conn:
            result = conn.execute(
                update(Article)
                .where(Article.url == url, Article.gone_at.is_(None))
                .values(gone_at=gone_at)
            )
            return bool(result.rowcount)

    # -- internals ---------------------------------------------------------

    def _in_indexing_transaction(
        self, work: Callable[[Connection, DeferredRows], T]
    ) -> T:
        """``_in_transaction`` for work that writes versions: ``work`` collects their
        child rows and texts in its second argument, a ``DeferredRows``; at the end of
        the same transaction the rows are inserted, one statement per table, and the
        texts indexed for dedupe, in one signing pass."""

        def run(conn: Connection) -> T:
            batch = DeferredRows()
            result = work(conn, batch)
            batch.flush(conn)
            return result

        return self._in_transaction(run)

    def _save(
        self,
        conn: Connection,
        run_id: int,
        article: IncomingArticle,
        fetch: FetchInfo,
        batch: DeferredRows,
        site_id: int,
    ) -> SaveResult:
        raw_page_id = rows.store_raw_page(conn, fetch)
        source = rows.VersionSource(run_id, site_id, raw_page_id, fetch)
        existing = _lock_article(conn, article.url)
        if existing is None:
            new_id = rows.insert_article(conn, article, source)
            if new_id is not None:
                first_id = rows.insert_version(conn, new_id, 1, article, source, batch)
                conn.execute(rows.hot_statement(conn, rows.update_article),
                             {"target_id": new_id, "current_version_id": first_id})
                _add_save_fetch(batch, article, source, "archived", new_id)
                _remember_url(batch, article, source, new_id)
                return "new"
            # Another writer inserted the URL since our SELECT: use its row, locked.
            existing = _lock_article(conn, article.url)
            assert existing is not None

        article_id, first_seen_at, last_seen_at, version_id = existing
        current = conn.execute(
            _VERSION_HASHES, {"version_id": version_id}
        ).first()
        result: SaveResult = "unchanged"
        if version_id is not None and current and current.content_hash == article.content_hash:
            if current.record_sha256 != article.record_sha256:
                rows.refresh_version(conn, version_id, article, site_id, batch)
        else:
            result = "updated"
            last_number = conn.execute(
                _LAST_VERSION_NUMBER, {"article_id": article_id}
            ).scalar()
            version_id = rows.insert_version(
                conn, article_id, (last_number or 0) + 1, article, source, batch
            )
        seen_at = fetch.fetched_at
        conn.execute(
            rows.hot_statement(conn, rows.update_article),
            {
                "target_id": article_id,
                "site_id": site_id,
                "kind": article.kind,
                "first_seen_at": min(first_seen_at, seen_at),
                "last_seen_at": max(last_seen_at, seen_at),
                "gone_at": None,
                "current_version_id": version_id,
            },
        )
        outcome = "archived" if result == "updated" else "unchanged"
        _add_save_fetch(batch, article, source, outcome, article_id)
        _remember_url(batch, article, source, article_id)
        return result


def _site_ids(conn: Connection, prepared: Sequence[tuple[IncomingArticle, FetchInfo]]) -> dict[str, int]:
    """The site id of every article of a batch, each site looked up (or added) once."""
    ids: dict[str, int] = {}
    for article, fetch in prepared:
        if article.site not in ids:
            ids[article.site] = rows.ensure_site(conn, article.site, fetch.fetched_at)
    return ids


def _lock_article(conn: Connection, url: str) -> Row[int, datetime, datetime, int | None] | None:
    """The article row of ``url`` (id, first/last seen, current version id),
    locked against other writers until the transaction ends."""
    return conn.execute(_LOCKED_ARTICLE, {"url": url}).first()


_LOCKED_ARTICLE = (
    select(Article.id, Article.first_seen_at, Article.last_seen_at, Article.current_version_id)
    .where(Article.url == bindparam("url"))
    .with_for_update()
)


_VERSION_HASHES = select(ArticleVersion.content_hash, ArticleVersion.record_sha256).where(
    ArticleVersion.id == bindparam("version_id"))


_LAST_VERSION_NUMBER = select(func.max(ArticleVersion.version)).where(
    ArticleVersion.article_id == bindparam("article_id"))


def _add_save_fetch(
    batch: DeferredRows,
    article: IncomingArticle,
    source: rows.VersionSource,
    outcome: str,
    article_id: int,
) -> None:
    batch.add_fetch(rows.fetch_row(
        source.fetch,
        crawl_run_id=source.run_id,
        url=article.fetched_url,
        outcome=outcome,
        raw_page_id=source.raw_page_id,
        article_id=article_id,
    ))


def _version_differs(conn: Connection, version_id: int, article: IncomingArticle) -> bool:
    stored = conn.execute(
        select(ArticleVersion.record_sha256).where(ArticleVersion.id == version_id)
    ).scalar()
    return stored != article.record_sha256


def _remember_url(
    batch: DeferredRows, article: IncomingArticle, source: rows.VersionSource, article_id: int
) -> None:
    if source.fetch.status == 200 and source.raw_page_id is not None:
        batch.add_url_state(crawl_state.state_row(
            article.fetched_url, source.fetch,
            raw_page_id=source.raw_page_id, article_id=article_id,
        ))
