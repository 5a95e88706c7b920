"""Scrapy alone over a served site: every HTML page fetched, nothing parsed or stored.

The floor of any crawl of that site built on Scrapy: what the crawler process spends
to fetch a page (Scrapy's engine, middlewares and HTTP client, with healtharchive's
concurrency) and what the site server spends to serve it. Prints one JSON object:
pages, wall seconds, and CPU seconds of this process and of the server process
(``--server-pid``), counted from the first request to the spider's close (imports
and start-up excluded). Run by ``bench/scale.py``; by hand:

    python bench/fetch_only.py BASE_URL SITE_DIR [--server-pid PID]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerProcess


def page_urls(base_url: str, site: Path) -> list[str]:
    """The URL of every page of a generated site (a folder's index.html)."""
    base = base_url.rstrip("/")
    return [f"{base}/{p.parent.relative_to(site).as_posix()}/".replace("/./", "/")
            for p in sorted(site.rglob("index.html"))]


def process_seconds(pid: int) -> float:
    """User + system CPU seconds of another process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class FetchOnly(scrapy.Spider):
    name = "fetch-only"

    def __init__(self, urls: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls
        self.fetched = 0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse)

    def parse(self, response: scrapy.http.Response) -> None:
        self.fetched += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base_url")
    parser.add_argument("site", type=Path)
    parser.add_argument("--server-pid", type=int)
    args = parser.parse_args()
    urls = page_urls(args.base_url, args.site)
    process = CrawlerProcess({
        # healtharchive crawl --delay 0 --concurrency 16, without its own middlewares
        "LOG_LEVEL": "ERROR", "CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "ROBOTSTXT_OBEY": False,
        "COOKIES_ENABLED": False, "TELNETCONSOLE_ENABLED": False,
    })
    crawler = process.create_crawler(FetchOnly)
    marks: dict[str, tuple[float, float, float]] = {}

    def mark(name: str) -> None:
        server = process_seconds(args.server_pid) if args.server_pid else 0.0
        marks[name] = (time.perf_counter(), time.process_time(), server)

    def opened(spider: scrapy.Spider) -> None:
        mark("opened")

    def closed(spider: scrapy.Spider, reason: str) -> None:
        mark("closed")

    # receivers are held weakly: these two live until main returns
    crawler.signals.connect(opened, signal=signals.spider_opened)
    crawler.signals.connect(closed, signal=signals.spider_closed)
    process.crawl(crawler, urls=urls)
    process.start()
    (w0, c0, s0), (w1, c1, s1) = marks["opened"], marks["closed"]
    print(json.dumps({"pages": crawler.spider.fetched, "requested": len(urls), "seconds": w1 - w0,
                      "crawler_cpu": c1 - c0, "server_cpu": s1 - s0}))


if __name__ == "__main__":
    main()
