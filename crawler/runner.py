"""Running one crawl in this process with the real Scrapy stack, and its outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.core.engine import ExecutionEngine
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from crawler.distributed import FrontierOptions, frontier_scrapy_settings
from crawler.jobdir import close_jobdir, open_jobdir
from crawler.spiders.site import SiteSpider
from crawler.spiders.site_urls import scope_of


@dataclass(frozen=True, slots=True)
class CrawlOptions:
    start_urls: tuple[str, ...]
    database_url: str | None = None
    max_pages: int | None = None
    workers: int | None = None
    delay: float | None = None
    concurrency: int | None = None
    timeout: float | None = None
    progress_interval: float = 0
    log_level: str = "WARNING"
    obey_robots: bool = True
    jobdir: Path | None = None
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    site_name: str | None = None  # the sites-file entry being crawled (schedule)
    warc_dir: str | None = None  # ARCHIVE_WARC_DIR: also write WARC files there
    extra_settings: dict[str, Any] = field(default_factory=dict)
    frontier: FrontierOptions | None = None  # a distributed crawl on a Redis frontier


@dataclass(frozen=True, slots=True)
class CrawlOutcome:
    run_id: int | None
    stats: dict[str, Any]
    unreachable: tuple[str, ...]
    finish_reason: str

    def count(self, key: str) -> int:
        return int(self.stats.get(f"healtharchive/{key}", 0))


def crawl_settings(options: CrawlOptions) -> Settings:
    settings = get_project_settings()
    if settings.get("BOT_NAME") != "healtharchive":  # run outside the project folder
        settings.setmodule("crawler.settings", priority="project")
    overrides: dict[str, Any] = {
        "ARCHIVE_DATABASE_URL": options.database_url,
        "ARCHIVE_START_URLS": list(options.start_urls),
        "ARCHIVE_PROGRESS_INTERVAL": options.progress_interval,
        "LOG_LEVEL": options.log_level,
        "ROBOTSTXT_OBEY": options.obey_robots,
    }
    if options.warc_dir is not None:
        overrides["ARCHIVE_WARC_DIR"] = options.warc_dir
    if options.workers is not None:
        overrides["ARCHIVE_WORKERS"] = options.workers
    if options.delay is not None:
        overrides["DOWNLOAD_DELAY"] = options.delay
        if options.delay == 0:  # no politeness delay at all: for sites you own (demo, benches)
            overrides["AUTOTHROTTLE_ENABLED"] = False
            overrides["DOWNLOAD_DELAY_JITTER"] = 0.0
    if options.concurrency is not None:
        overrides["CONCURRENT_REQUESTS_PER_DOMAIN"] = options.concurrency
        overrides["AUTOTHROTTLE_TARGET_CONCURRENCY"] = float(options.concurrency)
    if options.timeout is not None:
        overrides["DOWNLOAD_TIMEOUT"] = options.timeout
    if options.jobdir is not None:
        overrides["JOBDIR"] = str(options.jobdir)
    if options.site_name:
        overrides["ARCHIVE_SITE_NAME"] = options.site_name
    contact = settings.get("ARCHIVE_CONTACT")
    if contact:
        overrides["USER_AGENT"] = f"{settings.get('USER_AGENT')[:-1]}; +{contact})"
    overrides.update(options.extra_settings)
    if options.frontier is not None:
        overrides.update(frontier_scrapy_settings(options.frontier))
    settings.setdict(overrides, priority="cmdline")
    return settings


def run_crawl(options: CrawlOptions) -> CrawlOutcome:
    """Crawl the start URLs into the archive; blocks until the crawl ends. One crawl
    per process (the Twisted reactor cannot be restarted)."""
    if options.jobdir is not None:
        open_jobdir(options.jobdir)
    if options.frontier is not None:
        # Look at the shared frontier every second when idle, not every 5 s (Scrapy's
        # engine heartbeat): other workers keep adding requests. One crawl per process.
        ExecutionEngine._SLOT_HEARTBEAT_INTERVAL = 1.0
    process = CrawlerProcess(crawl_settings(options))
    crawler = process.create_crawler(SiteSpider)
    process.crawl(crawler, start_urls=list(options.start_urls), max_pages=options.max_pages,
                  allow=list(options.allow), deny=list(options.deny))
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    if options.jobdir is not None:
        close_jobdir(options.jobdir, finished=stats.get("finish_reason") == "finished")
    spider = crawler.spider
    reached = getattr(spider, "reached_hosts", set())
    unreachable = tuple(u for u in options.start_urls if not scope_of(u) & reached)
    if options.frontier is not None and not options.frontier.seed:
        unreachable = ()  # another worker may have fetched everything of a host
    return CrawlOutcome(
        run_id=stats.get("healtharchive/run_id"), stats=stats, unreachable=unreachable,
        finish_reason=str(stats.get("finish_reason", "")),
    )
