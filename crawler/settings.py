"""Scrapy settings for healtharchive: polite by default. Our own settings carry the
``ARCHIVE_`` prefix; the command line and ``HEALTHARCHIVE_DB`` map onto them."""

from crawler import __version__
from storage.package_files import package_folder

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
# Scrapy reads a generator callback's source and parses it (about 1 ms) to warn of a
# returned value, again whenever the weakly cached bound method has died: hundreds of
# times a crawl. Our callbacks return nothing.
WARN_ON_GENERATOR_RETURN_VALUE = False
# Let item processing lag downloads by a bounded amount (backpressure on memory).
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 5_000_000
# One FetchedPage per response: a few item workers per response are plenty (each is an
# asyncio task Scrapy creates per response).
CONCURRENT_ITEMS = 4

DOWNLOADER_MIDDLEWARES = {
    # Scrapy's, fixed: requests waiting together for robots.txt are all checked.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.RobotsTxtMiddleware": 100,
    "crawler.middlewares.RedirectLoopMiddleware": 650,
    # Scrapy's meta refresh, without caching each page's decoded text on its response.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.middlewares.MetaRefreshMiddleware": 579,
    # After DefaultHeaders/UserAgent (its headers last), before Retry/Redirect see a 304.
    "crawler.conditional.ConditionalFetchMiddleware": 580,
    # WARC output (off unless ARCHIVE_WARC_DIR is set): next to the download handler, so
    # it records responses as sent (before decompression, redirects and retries).
    "crawler.warc.WarcWriterMiddleware": 950,
    # Distributed crawls only: one request per DOWNLOAD_DELAY per host across workers
    # (after the conditional middleware: a page served from the archive takes no turn).
    "crawler.politeness.SharedHostDelayMiddleware": 600,
}
# Distributed crawls only (ARCHIVE_CRAWL_KEY set): acknowledge each request held from the
# Redis frontier once what it yielded is stored (closest to the engine: sees it all).
SPIDER_MIDDLEWARES = {"crawler.frontier_worker.FrontierAckMiddleware": 5}
ITEM_PIPELINES = {"pipelines.scrapy_adapters.ArchivePipeline": 300}
EXTENSIONS = {"crawler.progress.ProgressReporter": 500,
              "crawler.frontier_worker.FrontierWorker": 400}

ARCHIVE_DATABASE_URL = None   # None: HEALTHARCHIVE_DB, else ./healtharchive.db
ARCHIVE_WORKERS = None        # extraction processes; None: one per core
ARCHIVE_WRITE_BATCH = 50      # articles saved per transaction
ARCHIVE_WRITE_SECONDS = 0.0   # extra wait for an idle writer to fill a batch (0: group commit)
# Distributed crawls (crawler/distributed.py sets these): the crawl key in Redis, this
# worker's id, the shared run, whether this process seeds the frontier, how long an
# empty frontier is waited on, and after how long a silent worker is presumed dead.
ARCHIVE_CRAWL_KEY = None
ARCHIVE_WORKER_ID = None
ARCHIVE_RUN_ID = None
ARCHIVE_SEED = True
ARCHIVE_IDLE_SECONDS = 30
ARCHIVE_HEARTBEAT_SECONDS = 10
ARCHIVE_PROGRESS_INTERVAL = 0  # seconds between progress lines; 0: none
ARCHIVE_CONTACT = None
ARCHIVE_SITE_NAME = None       # the sites-file entry a scheduled run crawls (recorded with it)
# Incremental re-crawls (crawler/conditional.py): conditional requests for archived
# pages; a sitemap lastmod older than our last download skips the page if that
# download is younger than this many days (0: never skip on lastmod).
ARCHIVE_CONDITIONAL_FETCH = True
ARCHIVE_LASTMOD_TRUST_DAYS = 30
# When discovery runs dry, revisit archived articles it did not reach (gone marking).
ARCHIVE_REVISIT_KNOWN = True
# WARC 1.1 output of every downloaded response (crawler/warc.py): the folder of the
# .warc.gz files (None: no WARC output) and the size at which the next file is started.
ARCHIVE_WARC_DIR = None
ARCHIVE_WARC_MAX_SIZE = 1_000_000_000
# Folders of per-site rules (*.toml): the shipped ones (copied out of a zipped egg under
# Scrapyd); --rules adds more after them.
ARCHIVE_RULES_DIRS = [str(package_folder("crawler", "site_rules"))]
