"""Per-host politeness across workers: before each download a worker takes the host's
token in Redis (``SET NX PX`` = the delay), waiting while another worker holds it, so
the hosts see at most one request per ``DOWNLOAD_DELAY`` from the whole crawl (each
worker's own AutoThrottle and per-host concurrency still apply on top)."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy_redis.connection import get_redis_from_settings

from crawler.frontier import frontier_keys

MIN_WAIT_MS = 5


class SharedHostDelayMiddleware:
    def __init__(self, server: Any, *, keys: Any, worker: str, delay_ms: int) -> None:
        self.server = server
        self.keys = keys
        self.worker = worker
        self.delay_ms = delay_ms

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedHostDelayMiddleware:
        settings = crawler.settings
        delay_ms = int(settings.getfloat("DOWNLOAD_DELAY") * 1000)
        if not settings.get("ARCHIVE_CRAWL_KEY") or delay_ms <= 0:
            raise NotConfigured
        return cls(get_redis_from_settings(settings), keys=frontier_keys(settings),
                   worker=settings.get("ARCHIVE_WORKER_ID"), delay_ms=delay_ms)

    async def process_request(self, request: Request, spider: Any = None) -> None:
        key = self.keys.host_token(urlsplit(request.url).netloc.lower())
        while not self.server.set(key, self.worker, nx=True, px=self.delay_ms):
            wait_ms = self.server.pttl(key)
            await asyncio.sleep(max(wait_ms, MIN_WAIT_MS) / 1000)
