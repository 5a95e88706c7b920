"""The Scrapy item pipeline: the one place in ``pipelines/`` that knows Scrapy.

Fetching (the reactor), extraction (a process pool sized to the cores) and storage
(one writer thread) overlap: ``process_item`` hands the page to the pool, awaits the
record, then hands it to the writer, while the reactor goes on downloading.

Settings (read in ``from_crawler``):
``ARCHIVE_DATABASE_URL`` (SQLAlchemy URL or path; default ``HEALTHARCHIVE_DB`` or
``healtharchive.db``), ``ARCHIVE_WORKERS`` (extraction processes; 0 extracts in the
reactor thread; default the number of cores), ``ARCHIVE_START_URLS`` (recorded with the run), ``ARCHIVE_RULES_DIRS`` (folders of per-site
rules).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from pipelines.process import process_page
from pipelines.records import (
    ExtractOptions,
    FetchedPage,
    FetchFailure,
    NormalisedArticle,
    Rejection,
)
from pipelines.site_learning import learn_and_clean, text_blocks
from pipelines.site_rules import SiteRules, load_site_rules
from pipelines.urls import site_of
from storage.boilerplate import learn_site_boilerplate, site_boilerplate
from storage.db import open_archive
from storage.writer import ArchiveWriter

log = logging.getLogger("healtharchive")
STATS_PREFIX = "healtharchive"
RELEARN_EVERY = 100  # new articles of a site between two boilerplate learnings


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _warm_up() -> int:
    return os.getpid()


class ArchivePipeline:
    """Extracts each fetched page in a worker process and archives the result."""

    def __init__(self, *, database_url: str | None, workers: int, stats: StatsCollector,
                 start_urls: list[str], rules: dict[str, SiteRules] | None = None) -> None:
        self.database_url = database_url
        self.workers = workers
        self.stats = stats
        self.start_urls = start_urls
        self.rules = rules or {}
        self.pool: Executor | None = None
        self.writer_thread: ThreadPoolExecutor | None = None
        self.writer: ArchiveWriter | None = None
        self.run_id: int | None = None
        # Learned boilerplate per site, re-learned every RELEARN_EVERY new articles.
        self.learned: dict[str, frozenset[str]] = {}
        self.saved_since_learning: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        settings = crawler.settings
        workers = settings.get("ARCHIVE_WORKERS")
        return cls(
            database_url=settings.get("ARCHIVE_DATABASE_URL"),
            workers=default_workers() if workers in (None, "") else int(workers),
            stats=crawler.stats,
            start_urls=list(settings.getlist("ARCHIVE_START_URLS")),
            rules=load_site_rules([Path(d) for d in settings.getlist("ARCHIVE_RULES_DIRS")]),
        )

    # -- lifecycle ----------------------------------------------------------------------
    def open_spider(self, spider: Spider | None = None) -> None:
        engine = open_archive(self.database_url)
        self.writer = ArchiveWriter(engine)
        self.writer.mark_interrupted_runs()
        urls = self.start_urls or list(getattr(spider, "start_urls", []) or [])
        self.run_id = self.writer.start_run(start_urls=urls)
        for site in {site_of(u) for u in urls}:
            self.learned[site] = frozenset(site_boilerplate(engine, site))
        self.stats.set_value(f"{STATS_PREFIX}/run_id", self.run_id)
        self.writer_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive-writer")
        if self.workers > 0:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["pipelines.process"])
            self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
            for _ in range(self.workers):
                self.pool.submit(_warm_up)
        log.info("archive run %s started (%s extraction workers)", self.run_id, self.workers)

    def close_spider(self, spider: Spider | None = None) -> None:
        reason = self.stats.get_value("finish_reason") or ""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        if self.writer_thread is not None:
            self.writer_thread.shutdown(wait=True)
        if self.writer is not None and self.run_id is not None:
            for site in sorted(self.saved_since_learning):
                learned, cleaned = learn_and_clean(self.writer.engine, self.writer, site)
                self.stats.set_value(f"{STATS_PREFIX}/boilerplate_blocks/{site}", len(learned))
                if cleaned:
                    log.info("learned %d boilerplate blocks of %s; cleaned %d archived articles",
                             len(learned), site, cleaned)
            status = "interrupted" if reason == "shutdown" else "finished"
            self.writer.finish_run(self.run_id, status=status, stats=self.run_stats())
            self.writer.engine.dispose()

    def run_stats(self) -> dict[str, Any]:
        prefix = f"{STATS_PREFIX}/"
        return {k[len(prefix):]: v for k, v in self.stats.get_stats().items() if k.startswith(prefix)}

    # -- items --------------------------------------------------------------------------
    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if isinstance(item, FetchFailure):
            kind = "errors" if item.is_error else "skipped"
            self._inc(kind)
            self._inc(f"{kind}/{item.reason}")
            await self._write(self._record_failure, item)
        elif isinstance(item, FetchedPage):
            self._inc("pages_fetched")
            result = await self._extract(item)
            if isinstance(result, NormalisedArticle):
                outcome = await self._write(self._save, item, result)
                self._inc(f"articles_{outcome}")
                await self._maybe_relearn(result.site)
            else:
                kind = "errors" if result.is_error else "skipped"
                self._inc(kind)
                self._inc(f"{kind}/{result.reason}")
                if result.is_error:
                    log.warning("%s %s (%s)", result.reason, item.url, result.detail)
                await self._write(self._record_rejection, item, result)
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
        if self.pool is None:
            return process_page(page, options)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.pool, process_page, page, options)
        except Exception as exc:  # a worker died (OOM, segfault in a C library)
            log.error("extraction worker failed on %s: %r", page.url, exc)
            return Rejection(page.url, "extract:worker_died", repr(exc)[:300])

    async def _write(self, fn: Any, *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.writer_thread, partial(fn, *args))

    # -- writer-thread functions --------------------------------------------------------
    def _save(self, page: FetchedPage, article: NormalisedArticle) -> str:
        assert self.writer is not None and self.run_id is not None
        return self.writer.save_article(
            self.run_id, article.to_record(), fetched_at=page.fetched_at, body=page.body,
            content_type=page.content_type, status=page.status, etag=page.etag,
            last_modified=page.last_modified,
        )

    def _record_failure(self, failure: FetchFailure) -> None:
        assert self.writer is not None and self.run_id is not None
        outcome = "error" if failure.is_error else "skipped"
        self.writer.record_fetch(
            self.run_id, url=failure.url, status=failure.status, fetched_at=failure.fetched_at,
            outcome=outcome, reason=failure.reason, detail=failure.detail,
        )

    def _record_rejection(self, page: FetchedPage, rejection: Rejection) -> None:
        assert self.writer is not None and self.run_id is not None
        self.writer.record_fetch(
            self.run_id, url=page.url, status=page.status, fetched_at=page.fetched_at,
            outcome="error" if rejection.is_error else "skipped", reason=rejection.reason,
            detail=rejection.detail, body=page.body if rejection.is_error else None,
            content_type=page.content_type, etag=page.etag, last_modified=page.last_modified,
        )

    def _inc(self, key: str) -> None:
        self.stats.inc_value(f"{STATS_PREFIX}/{key}")


def _summary(item: Any) -> dict[str, Any]:
    """What Scrapy passes on (feed exports, logs): the URL and outcome, never the body."""
    if isinstance(item, FetchedPage):
        return {"url": item.url, "status": item.status}
    return {"url": getattr(item, "url", None), "reason": getattr(item, "reason", None)}
