"""Scrapy settings for healtharchive: polite by default. Our own settings carry the
``ARCHIVE_`` prefix; the command line and ``HEALTHARCHIVE_DB`` map onto them."""

from pathlib import Path

from crawler import __version__

BOT_NAME = "healtharchive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# An honest User-Agent naming the project; ARCHIVE_CONTACT (a URL or e-mail) is appended.
USER_AGENT = f"healtharchive/{__version__} (health article archiver; Scrapy)"
ROBOTSTXT_OBEY = True

# Politeness: AutoThrottle adapts the delay to each host's latency; a floor delay
# and a per-host cap keep us gentle on small sites.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_DELAY = 0.25
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY_JITTER = 0.5

# Faults: bounded waits and sizes, a few retries for transient errors.
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 3 * 1024 * 1024
REDIRECT_MAX_TIMES = 10
RETRY_ENABLED = True
RETRY_TIMES = 2
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
# Let item processing lag downloads by a bounded amount (backpressure on memory).
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 5_000_000
# One FetchedPage per response: a few item workers per response are plenty (each is an
# asyncio task Scrapy creates per response).
CONCURRENT_ITEMS = 4

DOWNLOADER_MIDDLEWARES = {"crawler.middlewares.RedirectLoopMiddleware": 650}
ITEM_PIPELINES = {"pipelines.scrapy_adapters.ArchivePipeline": 300}
EXTENSIONS = {"crawler.progress.ProgressReporter": 500}

ARCHIVE_DATABASE_URL = None   # None: HEALTHARCHIVE_DB, else ./healtharchive.db
ARCHIVE_WORKERS = None        # extraction processes; None: one per core
ARCHIVE_PROGRESS_INTERVAL = 0  # seconds between progress lines; 0: none
ARCHIVE_CONTACT = None
# Folders of per-site rules (*.toml): the shipped ones; --rules adds more after them.
ARCHIVE_RULES_DIRS = [str(Path(__file__).resolve().parent / "site_rules")]
