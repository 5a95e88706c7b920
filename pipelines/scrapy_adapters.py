"""The Scrapy item pipeline: the one place in ``pipelines/`` that knows Scrapy.

Fetching (the reactor), extraction (a process pool sized to the cores) and storage
(one writer thread) overlap: ``process_item`` hands the page to the pool, awaits the
record, then hands it to the writer, while the reactor goes on downloading.

Settings (read in ``from_crawler``):
``ARCHIVE_DATABASE_URL`` (SQLAlchemy URL or path; default ``HEALTHARCHIVE_DB`` or
``healtharchive.db``), ``ARCHIVE_WORKERS`` (extraction processes; 0 extracts in the
reactor thread; default the number of cores), ``ARCHIVE_START_URLS`` (recorded with the
run), ``ARCHIVE_RULES_DIRS`` (folders of per-site rules), ``ARCHIVE_WRITE_BATCH`` and
``ARCHIVE_WRITE_SECONDS`` (most articles saved per transaction, and how long an idle
writer waits to fill a batch, 0 by default; see ``pipelines.write_batches``), ``ARCHIVE_RUN_ID`` (a crawl run
created elsewhere, shared by the workers of a distributed crawl: this pipeline then
neither starts nor finishes it).

``process_item`` returns once its item is stored (committed), so Scrapy's
``item_scraped`` signal means "in the archive". Raw HTML is dropped with the batch.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from pipelines.extract_call import extract_page
from pipelines.records import (
    ExtractOptions,
    FetchedPage,
    FetchFailure,
    NormalisedArticle,
    NotModifiedPage,
    Rejection,
)
from pipelines.site_learning import learn_and_clean, text_blocks
from pipelines.site_rules import SiteRules, load_site_rules
from pipelines.urls import site_of
from pipelines.write_batches import WriteBatcher
from storage.boilerplate import learn_site_boilerplate, site_boilerplate
from storage.crawl_state import GONE_STATUSES, UnchangedCheck
from storage.db import open_archive
from storage.writer import ArchiveWriter

log = logging.getLogger("healtharchive")
STATS_PREFIX = "healtharchive"
RELEARN_EVERY = 100  # new articles of a site between two boilerplate learnings
NOT_MODIFIED_BATCH = 200  # unchanged pages recorded per transaction
REJECTED_BATCH = 200  # rejected pages (listings, errors) recorded per transaction
ARTICLE_BATCH = 50  # articles saved per transaction (ARCHIVE_WRITE_BATCH)
BATCH_SECONDS = 0.0  # extra wait of an idle writer to fill a batch (ARCHIVE_WRITE_SECONDS)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


class ArchivePipeline:
    """Extracts each fetched page in a worker process and archives the result."""

    def __init__(self, *, database_url: str | None, workers: int, stats: StatsCollector,
                 start_urls: list[str], rules: dict[str, SiteRules] | None = None,
                 site_name: str | None = None, run_id: int | None = None,
                 batch_size: int = ARTICLE_BATCH, batch_seconds: float = BATCH_SECONDS) -> None:
        self.database_url = database_url
        self.workers = workers
        self.stats = stats
        self.start_urls = start_urls
        self.site_name = site_name
        self.rules = rules or {}
        self.pool: Executor | None = None
        self.writer_thread: ThreadPoolExecutor | None = None
        self.writer: ArchiveWriter | None = None
        self.run_id: int | None = run_id
        self.shared_run = run_id is not None  # started and finished by the crawl's workers
        self.batch_size = batch_size
        self.batch_seconds = batch_seconds
        self.articles: WriteBatcher | None = None
        self.unchanged: WriteBatcher | None = None
        self.rejected: WriteBatcher | None = None
        # Learned boilerplate per site, re-learned every RELEARN_EVERY new articles.
        self.learned: dict[str, frozenset[str]] = {}
        self.saved_since_learning: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        settings = crawler.settings
        workers = settings.get("ARCHIVE_WORKERS")
        pipeline = cls(
            database_url=settings.get("ARCHIVE_DATABASE_URL"),
            workers=default_workers() if workers in (None, "") else int(workers),
            stats=crawler.stats,
            start_urls=list(settings.getlist("ARCHIVE_START_URLS")),
            rules=load_site_rules([Path(d) for d in settings.getlist("ARCHIVE_RULES_DIRS")]),
            site_name=settings.get("ARCHIVE_SITE_NAME"),
            run_id=settings.getint("ARCHIVE_RUN_ID") or None,
            batch_size=max(1, settings.getint("ARCHIVE_WRITE_BATCH", ARTICLE_BATCH)),
            batch_seconds=settings.getfloat("ARCHIVE_WRITE_SECONDS", BATCH_SECONDS),
        )
        # The run is closed on spider_closed, the first moment the close reason is known.
        crawler.signals.connect(pipeline.finish_run, signal=signals.spider_closed)
        return pipeline

    # -- lifecycle ----------------------------------------------------------------------
    def open_spider(self, spider: Spider | None = None) -> None:
        engine = open_archive(self.database_url)
        self.writer = ArchiveWriter(engine)
        urls = self.start_urls or list(getattr(spider, "start_urls", []) or [])
        if self.run_id is None:
            self.writer.mark_interrupted_runs()
            self.run_id = self.writer.start_run(start_urls=urls, site_name=self.site_name)
        for site in {site_of(u) for u in urls}:
            self.learned[site] = frozenset(site_boilerplate(engine, site))
        self.stats.set_value(f"{STATS_PREFIX}/run_id", self.run_id)
        self.writer_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive-writer")
        self.articles = WriteBatcher(self._save_batch, executor=self.writer_thread,
                                     max_items=self.batch_size, max_seconds=self.batch_seconds)
        self.unchanged = WriteBatcher(self._record_not_modified, executor=self.writer_thread, max_items=NOT_MODIFIED_BATCH,
                                      max_seconds=self.batch_seconds)
        self.rejected = WriteBatcher(self._record_rejections, executor=self.writer_thread, max_items=REJECTED_BATCH,
                                     max_seconds=self.batch_seconds)
        log.info("archive run %s started (%s extraction workers)", self.run_id, self.workers)

    def _extraction_pool(self) -> Executor | None:
        """The extraction processes, started with the first page to extract: a re-crawl
        in which nothing changed (every page answered 304) starts none."""
        if self.pool is None and self.workers > 0:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["pipelines.process", "pipelines.extract_call"])
            self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
            log.info("started %d extraction processes", self.workers)
        return self.pool

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        if self.writer_thread is not None:
            self.writer_thread.shutdown(wait=True)
        for batcher in (self.articles, self.unchanged, self.rejected):
            if batcher is not None:
                batcher.drain()
        if self.writer is not None and self.run_id is not None:
            for site in sorted(self.saved_since_learning):
                learned, cleaned = learn_and_clean(self.writer.engine, self.writer, site)
                self.stats.set_value(f"{STATS_PREFIX}/boilerplate_blocks/{site}", len(learned))
                if cleaned:
                    log.info("learned %d boilerplate blocks of %s; cleaned %d archived articles",
                             len(learned), site, cleaned)

    def finish_run(self, reason: str = "finished") -> None:
        """Close the run: 'interrupted' when the crawl was stopped (Ctrl-C, SIGTERM),
        else 'finished' (a killed process leaves it 'running' until the next run marks
        it interrupted)."""
        if self.writer is None or self.run_id is None:
            return
        if self.shared_run:  # the last worker of the crawl closes it (crawler.frontier_worker)
            self.writer.engine.dispose()
            return
        status = "interrupted" if reason in ("shutdown", "cancelled") else "finished"
        self.stats.set_value(f"{STATS_PREFIX}/finish_reason", reason)
        self.writer.finish_run(self.run_id, status=status, stats=self.run_stats())
        self.writer.engine.dispose()

    def run_stats(self) -> dict[str, Any]:
        """Our counters, plus what the downloader moved: requests, bytes, statuses."""
        return collect_run_stats(self.stats.get_stats())

    # -- items --------------------------------------------------------------------------
    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if isinstance(item, NotModifiedPage):
            self._inc("not_modified")
            assert self.unchanged is not None
            if await self.unchanged.add(item) == "unchanged":
                self._inc("articles_unchanged")
        elif isinstance(item, FetchFailure):
            kind = "errors" if item.is_error else "skipped"
            self._inc(kind)
            self._inc(f"{kind}/{item.reason}")
            if await self._write(self._record_failure, item):
                self._inc("articles_gone")
        elif isinstance(item, FetchedPage):
            self._inc("pages_fetched")
            result = await self._extract(item)
            if isinstance(result, NormalisedArticle):
                assert self.articles is not None
                outcome = await self.articles.add((item, result))
                self._inc(f"articles_{outcome}")
                await self._maybe_relearn(result.site)
            else:
                kind = "errors" if result.is_error else "skipped"
                self._inc(kind)
                self._inc(f"{kind}/{result.reason}")
                if result.is_error:
                    log.warning("%s %s (%s)", result.reason, item.url, result.detail)
                assert self.rejected is not None
                await self.rejected.add((item, result))
        return _summary(item)

    async def _maybe_relearn(self, site: str) -> None:
        count = self.saved_since_learning.get(site, 0) + 1
        self.saved_since_learning[site] = count
        if count % RELEARN_EVERY == 0 and self.writer is not None:
            learned = await self._write(self._learn, site)
            self.learned[site] = learned

    def _learn(self, site: str) -> frozenset[str]:
        assert self.writer is not None
        return frozenset(learn_site_boilerplate(self.writer.engine, site, block_text=text_blocks))

    async def _extract(self, page: FetchedPage) -> NormalisedArticle | Rejection:
        site = site_of(page.url)
        options = ExtractOptions(learned_boilerplate=self.learned.get(site, frozenset()),
                                 site_rules=self.rules.get(site))
        pool = self._extraction_pool()
        if pool is None:
            return extract_page(page, options)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(pool, extract_page, page, options)
        except Exception as exc:  # a worker died (OOM, segfault in a C library)
            log.error("extraction worker failed on %s: %r", page.url, exc)
            return Rejection(page.url, "extract:worker_died", repr(exc)[:300])

    async def _write(self, fn: Any, *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.writer_thread, partial(fn, *args))

    # -- writer-thread functions --------------------------------------------------------
    def _save_batch(self, entries: Sequence[tuple[FetchedPage, NormalisedArticle]]) -> list[str]:
        """Save extracted articles in one transaction: 'new', 'updated' or 'unchanged' each."""
        assert self.writer is not None and self.run_id is not None
        return list(self.writer.save_articles(
            self.run_id, [(article.to_record(), _fetch_keywords(page)) for page, article in entries]))

    def _record_not_modified(self, pages: Sequence[NotModifiedPage]) -> list[str]:
        assert self.writer is not None and self.run_id is not None
        checks = [UnchangedCheck(p.url, p.checked_at, p.status, p.reason) for p in pages]
        return list(self.writer.record_not_modified(self.run_id, checks))

    def _record_failure(self, failure: FetchFailure) -> bool:
        """Record a failed request; True if it marked an archived article gone."""
        assert self.writer is not None and self.run_id is not None
        if failure.status in GONE_STATUSES:
            return self.writer.record_missing(
                self.run_id, url=failure.url, status=failure.status,
                fetched_at=failure.fetched_at, reason=failure.reason, detail=failure.detail,
            )
        outcome = "error" if failure.is_error else "skipped"
        self.writer.record_fetch(
            self.run_id, url=failure.url, status=failure.status, fetched_at=failure.fetched_at,
            outcome=outcome, reason=failure.reason, detail=failure.detail,
        )
        return False

    def _record_rejections(self, entries: Sequence[tuple[FetchedPage, Rejection]]) -> list[int]:
        """Record pages that archived nothing (listings, errors), with their bodies, in
        one transaction."""
        assert self.writer is not None and self.run_id is not None
        return self.writer.record_fetches(self.run_id, [{
            **_fetch_keywords(page), "url": page.url, "reason": rejection.reason,
            "outcome": "error" if rejection.is_error else "skipped", "detail": rejection.detail,
        } for page, rejection in entries])

    def _inc(self, key: str) -> None:
        self.stats.inc_value(f"{STATS_PREFIX}/{key}")


def collect_run_stats(stats: dict[str, Any]) -> dict[str, Any]:
    """A crawl's stats as kept with its run: our counters (``healtharchive/*``), plus
    what the downloader moved: requests, bytes, statuses."""
    prefix, statuses = f"{STATS_PREFIX}/", "downloader/response_status_count/"
    kept = {k[len(prefix):]: v for k, v in stats.items() if k.startswith(prefix)}
    kept["requests"] = stats.get("downloader/request_count", 0)
    kept["bytes_downloaded"] = stats.get("downloader/response_bytes", 0)
    kept.update((f"status/{k[len(statuses):]}", v) for k, v in stats.items()
                if k.startswith(statuses))
    return kept


def _fetch_keywords(page: FetchedPage) -> dict[str, Any]:
    """What the writer keeps of a fetched page's response: when, status, body, headers."""
    return {"fetched_at": page.fetched_at, "status": page.status, "body": page.body,
            "content_type": page.content_type, "etag": page.etag,
            "last_modified": page.last_modified}


def _summary(item: Any) -> dict[str, Any]:
    """What Scrapy passes on (feed exports, logs): the URL and outcome, never the body."""
    if isinstance(item, FetchedPage):
        return {"url": item.url, "status": item.status}
    return {"url": getattr(item, "url", None), "reason": getattr(item, "reason", None)}
