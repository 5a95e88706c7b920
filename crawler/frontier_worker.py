"""One worker's part in a crawl on the shared Redis frontier (``crawler.frontier``).

``FrontierWorker`` (a Scrapy extension, on when ``ARCHIVE_CRAWL_KEY`` is set) keeps
the worker's heartbeat, puts back the requests of dead workers, acknowledges each
request once everything its response yielded is stored, keeps the spider open while
any worker may still add requests, and lets it close once the frontier has been empty
with nothing in flight anywhere for ``ARCHIVE_IDLE_SECONDS``. It publishes the
worker's share of the stats; the last worker to leave closes the crawl run with the
summed stats and each worker's share, and removes the crawl's keys from Redis.

``FrontierAckMiddleware`` (a spider middleware) counts the items each held response
yields; Scrapy's ``item_scraped`` / ``item_dropped`` / ``item_error`` signals come
after the pipeline has stored (or refused) an item, so the request is acknowledged
when its output is exhausted and its last item is done.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Response
from scrapy_redis.connection import get_redis_from_settings
from sqlalchemy.orm import Session
from twisted.internet import task

from crawler.frontier import CRAWLS_KEY, TOKEN_KEY, Frontier, frontier_keys
from pipelines.scrapy_adapters import STATS_PREFIX, collect_run_stats
from storage.db import open_archive
from storage.queries import stored_version_counts
from storage.writer import ArchiveWriter

log = logging.getLogger("healtharchive")
SHARE_KEYS = ("pages_fetched", "articles_new", "articles_updated", "articles_unchanged",
              "not_modified", "errors", "skipped")


class FrontierWorker:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.get("ARCHIVE_CRAWL_KEY"):
            raise NotConfigured
        self.crawler = crawler
        self.server = get_redis_from_settings(settings)
        self.keys = frontier_keys(settings)
        self.worker = settings.get("ARCHIVE_WORKER_ID")
        self.frontier = Frontier(self.server, self.keys, self.worker)
        self.idle_seconds = settings.getfloat("ARCHIVE_IDLE_SECONDS", 30)
        self.heartbeat_ms = int(settings.getfloat("ARCHIVE_HEARTBEAT_SECONDS", 10) * 1000)
        self.run_id = settings.getint("ARCHIVE_RUN_ID")
        self.database_url = settings.get("ARCHIVE_DATABASE_URL")
        self.idle_since: float | None = None
        self.loop: task.LoopingCall | None = None
        # Held responses: token -> [items not yet stored, output exhausted].
        self.pending: dict[bytes, list[Any]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierWorker:
        worker = cls(crawler)
        crawler.frontier_worker = worker  # type: ignore[attr-defined]  # for the middleware
        connect = crawler.signals.connect
        connect(worker.spider_opened, signal=signals.spider_opened)
        connect(worker.spider_idle, signal=signals.spider_idle)
        connect(worker.spider_closed, signal=signals.spider_closed)
        connect(worker.item_done, signal=signals.item_scraped)
        connect(worker.item_done, signal=signals.item_dropped)
        connect(worker.item_done, signal=signals.item_error)
        return worker

    # -- lifecycle ----------------------------------------------------------------------
    def spider_opened(self, spider: Any = None) -> None:
        self.frontier.join(self.heartbeat_ms)
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(max(self.heartbeat_ms / 4000, 0.2), now=False)
        log.info("worker %s joined crawl %s (run %s)", self.worker, self.keys.crawl_key, self.run_id)

    def tick(self) -> None:
        """Heartbeat, this worker's share, and the requests of dead workers put back."""
        try:
            self.frontier.beat(self.heartbeat_ms)
            self.publish_share()
            moved = self.frontier.requeue_dead()
            if moved:
                log.warning("put back %d requests held by a worker that stopped", moved)
                self.crawler.stats.inc_value(f"{STATS_PREFIX}/requeued", moved)
        except Exception as exc:  # Redis away for a moment: the next tick tries again
            log.warning("frontier heartbeat failed: %r", exc)

    def spider_idle(self, spider: Any = None) -> None:
        """Nothing to do here: stay while the frontier may still fill up."""
        leaked = self.frontier.clear_held()  # nothing is in progress in this process
        if leaked:
            log.warning("%d held requests were not acknowledged; released", leaked)
        self.frontier.requeue_dead()
        if self.frontier.pending() or self.frontier.in_flight_anywhere():
            self.idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.idle_seconds:
            raise DontCloseSpider
        log.info("frontier empty for %.0fs: worker %s leaves", self.idle_seconds, self.worker)

    def spider_closed(self, spider: Any = None, reason: str = "finished") -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.publish_share()
        remaining = self.frontier.leave()
        if remaining or self.frontier.pending():
            log.info("worker %s left; %d workers remain", self.worker, remaining)
            return
        shares = self.shares()
        status = "interrupted" if reason in ("shutdown", "cancelled") else "finished"
        writer = ArchiveWriter(open_archive(self.database_url))
        try:
            stats = merge_shares(shares)
            # A worker killed after its last published share stored articles the shares
            # do not count: what the run stored is read back from the archive.
            with Session(writer.engine) as session:
                stats.update(stored_version_counts(session, self.run_id))
            writer.finish_run(self.run_id, status=status, stats=stats)
        finally:
            writer.engine.dispose()
        if status == "finished":
            self.server.delete(*self.keys.all_keys(shares))
            self.server.srem(CRAWLS_KEY, self.keys.crawl_key)
        log.info("crawl %s %s (run %s, %d workers)", self.keys.crawl_key, status, self.run_id,
                 len(shares))

    # -- shares -------------------------------------------------------------------------
    def publish_share(self) -> None:
        stats = collect_run_stats(self.crawler.stats.get_stats())
        self.server.hset(self.keys.shares, self.worker, json.dumps(stats, default=str))

    def shares(self) -> dict[str, dict[str, Any]]:
        raw = self.server.hgetall(self.keys.shares)
        return {(k.decode() if isinstance(k, bytes) else k): json.loads(v) for k, v in raw.items()}

    # -- acknowledgements ---------------------------------------------------------------
    def output_started(self, token: bytes) -> list[Any]:
        return self.pending.setdefault(token, [0, False])

    def output_done(self, token: bytes) -> None:
        state = self.pending.get(token)
        if state is not None:
            state[1] = True
            self._maybe_ack(token, state)

    def item_done(self, item: Any = None, response: Response | None = None, **_: Any) -> None:
        token = response.meta.get(TOKEN_KEY) if response is not None else None
        state = self.pending.get(token) if token is not None else None
        if state is not None:
            state[0] -= 1
            self._maybe_ack(token, state)

    def _maybe_ack(self, token: Any, state: list[Any]) -> None:
        if state[1] and state[0] <= 0:
            del self.pending[token]
            self.frontier.ack(token)


def merge_shares(shares: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The crawl's stats: every worker's numbers summed, and each worker's share."""
    total: dict[str, Any] = {}
    for share in shares.values():
        for key, value in share.items():
            if isinstance(value, int | float) and key != "run_id":
                total[key] = total.get(key, 0) + value
    total["workers"] = {
        worker: {"pages": share.get("pages_fetched", 0),
                 "articles": sum(share.get(f"articles_{k}", 0) for k in ("new", "updated", "unchanged")),
                 "errors": share.get("errors", 0), "requests": share.get("requests", 0)}
        for worker, share in sorted(shares.items())
    }
    return total


class FrontierAckMiddleware:
    """Spider middleware: tells ``FrontierWorker`` what each held response yields."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierAckMiddleware:
        if not crawler.settings.get("ARCHIVE_CRAWL_KEY"):
            raise NotConfigured
        return cls(crawler)

    def _worker(self, response: Response) -> tuple[FrontierWorker | None, Any]:
        worker = getattr(self.crawler, "frontier_worker", None)
        token = response.meta.get(TOKEN_KEY) if worker is not None else None
        return (worker, token) if token is not None else (None, None)

    def process_spider_output(self, response: Response, result: Iterable[Any],
                              spider: Any = None) -> Iterator[Any]:
        worker, token = self._worker(response)
        if worker is None:
            yield from result
            return
        state = worker.output_started(token)
        try:
            for element in result:
                if not isinstance(element, Request):
                    state[0] += 1
                yield element
        finally:
            worker.output_done(token)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any],
                                          spider: Any = None) -> AsyncIterator[Any]:
        worker, token = self._worker(response)
        if worker is None:
            async for element in result:
                yield element
            return
        state = worker.output_started(token)
        try:
            async for element in result:
                if not isinstance(element, Request):
                    state[0] += 1
                yield element
        finally:
            worker.output_done(token)
