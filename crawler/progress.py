"""A progress line while a crawl runs (stderr), from the crawl's own stats."""

from __future__ import annotations

import sys
import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task


def progress_line(stats: dict[str, Any], elapsed: float) -> str:
    def get(key: str) -> int:
        return int(stats.get(f"healtharchive/{key}", 0))
    return (f"[{int(elapsed // 60):02d}:{int(elapsed % 60):02d}] fetched {get('pages_fetched')} pages"
            f" | articles {get('articles_new')} new, {get('articles_updated')} updated,"
            f" {get('articles_unchanged')} unchanged | skipped {get('skipped')} | errors {get('errors')}")


class ProgressReporter:
    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressReporter:
        interval = crawler.settings.getfloat("ARCHIVE_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.report)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, spider: Any) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()

    def report(self) -> None:
        assert self.crawler.stats is not None
        print(progress_line(self.crawler.stats.get_stats(), time.monotonic() - self.started),
              file=sys.stderr, flush=True)
