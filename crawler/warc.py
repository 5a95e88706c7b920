"""WARC output: every response the crawler downloads is also kept as WARC 1.1 records.

``WarcWriterMiddleware`` is a downloader middleware placed next to the download handler
(order 950: above HttpCompressionMiddleware at 590, the redirect, retry and robots.txt
middlewares), so it sees each response as the server sent it: every page, sitemap, feed
and robots.txt, every redirect hop, every error status and every retried attempt, with
the body still content-encoded. Records are built and written on one writer thread (a
bounded queue between them), so the reactor only copies references.

Settings: ``ARCHIVE_WARC_DIR`` (folder of the ``.warc.gz`` files, created when missing;
unset: no WARC output) and ``ARCHIVE_WARC_MAX_SIZE`` (bytes per file before the next
one is started; default 1 GB). Not archived: ``304 Not Modified`` answers (nothing new
was sent) and responses served from Scrapy's HTTP cache.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

import scrapy
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet import threads

from crawler import __version__
from crawler.conditional import NOT_MODIFIED_FLAG
from crawler.warc_files import DEFAULT_MAX_SIZE, Exchange, WarcFiles

log = logging.getLogger("healtharchive.warc")
QUEUE_SIZE = 64  # exchanges waiting for the writer thread before the reactor waits too


class WarcDirError(ValueError):
    """The WARC folder cannot be created or written; ``str(error)`` is one line."""


def prepare_warc_dir(value: str | os.PathLike[str]) -> Path:
    """The absolute WARC folder for ``value``, created when missing; raises ``WarcDirError``."""
    folder = Path(value).expanduser().absolute()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarcDirError(f"cannot create WARC folder {folder}: {exc.strerror or exc}") from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WarcDirError(f"cannot write WARC folder {folder}: permission denied")
    return folder


def exchange_of(request: Request, response: Response, *, received_at: datetime) -> Exchange | None:
    """The exchange to archive for a downloaded response, or ``None`` for one that is not
    archived (a 304, a cached copy, a page served from the archive, a non-HTTP URL)."""
    if response.status == 304 or {"cached", NOT_MODIFIED_FLAG} & set(response.flags):
        return None
    if not response.url.startswith(("http://", "https://")):
        return None
    latency = request.meta.get("download_latency")
    protocol = response.protocol or "HTTP/1.1"
    return Exchange(
        url=response.url, method=request.method, request_headers=_header_pairs(request.headers),
        request_body=request.body, status=response.status,
        response_headers=_header_pairs(response.headers), body=response.body,
        fetched_at=received_at - timedelta(seconds=latency) if latency else received_at,
        protocol="HTTP/2" if protocol == "h2" else protocol,
        ip_address=str(response.ip_address) if response.ip_address else None,
        truncated="dataloss" in response.flags,
    )


class WarcWriterMiddleware:
    """Queues each downloaded response for the writer thread, which owns the ``WarcFiles``."""

    def __init__(self, crawler: Crawler, *, folder: Path, max_size: int) -> None:
        self.crawler = crawler
        self.folder = folder
        self.max_size = max_size
        self.queue: queue.Queue[Exchange | None] = queue.Queue(maxsize=QUEUE_SIZE)
        self.files: WarcFiles | None = None
        self.thread: threading.Thread | None = None
        self.error: str | None = None  # first write failure; later exchanges are dropped
        self.dropped = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcWriterMiddleware:
        folder = crawler.settings.get("ARCHIVE_WARC_DIR")
        if not folder:
            raise NotConfigured
        middleware = cls(crawler, folder=prepare_warc_dir(folder),
                         max_size=crawler.settings.getint("ARCHIVE_WARC_MAX_SIZE", DEFAULT_MAX_SIZE))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    # -- lifecycle ----------------------------------------------------------------------
    def spider_opened(self, spider: Any = None) -> None:
        if self.thread is None:
            self._start()

    async def spider_closed(self, spider: Any = None, reason: str = "") -> None:
        """Drain the queue and close the current file (waited for off the reactor thread)."""
        if self.thread is None:
            return
        await maybe_deferred_to_future(threads.deferToThread(self._finish))
        self._report()

    def _start(self) -> None:
        self.files = WarcFiles(self.folder, started_at=datetime.now(UTC), info=self.warcinfo(),
                               max_size=self.max_size)
        self.thread = threading.Thread(target=self._run, name="warc-writer", daemon=True)
        self.thread.start()

    def warcinfo(self) -> dict[str, Any]:
        """Fields of each file's ``warcinfo`` record: software, host, start URLs, robots policy."""
        settings = self.crawler.settings
        spider = self.crawler.spider
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        run_id = stats.get("healtharchive/run_id")
        return {
            "software": f"healtharchive/{__version__} (Scrapy {scrapy.__version__}; "
                        f"warcio {version('warcio')})",
            "hostname": socket.gethostname(),
            "operator": settings.get("ARCHIVE_CONTACT"),
            "isPartOf": f"healtharchive crawl run {run_id}" if run_id is not None else None,
            "description": "every response downloaded by a healtharchive crawl",
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "http-header-user-agent": settings.get("USER_AGENT"),
            "start-url": list(getattr(spider, "start_urls", None) or settings.getlist("ARCHIVE_START_URLS")),
        }

    # -- reactor side -------------------------------------------------------------------
    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        if self.thread is None:
            self._start()
        if self.error is None:
            exchange = exchange_of(request, response, received_at=datetime.now(UTC))
            if exchange is not None:
                self.queue.put(exchange)
        return response

    # -- writer thread ------------------------------------------------------------------
    def _run(self) -> None:
        assert self.files is not None
        while (exchange := self.queue.get()) is not None:
            if self.error is not None:
                self.dropped += 1
                continue
            try:
                self.files.write(exchange)
            except Exception as exc:  # disk full, folder gone...: stop the crawl, say why
                self.error = f"{exchange.url}: {type(exc).__name__}: {exc}"
                log.error("WARC writing failed, closing the crawl: %s", self.error)
                _call_in_reactor(self._abort)
        try:
            self.files.close()
        except Exception as exc:
            self.error = self.error or f"closing {self.files.current_path}: {exc}"
            log.error("WARC file not closed cleanly: %s", self.error)

    def _finish(self) -> None:
        self.queue.put(None)
        assert self.thread is not None
        self.thread.join()

    def _report(self) -> None:
        assert self.files is not None
        stats = self.crawler.stats
        if stats is not None:
            stats.set_value("warc/records", self.files.records)
            stats.set_value("warc/files", len(self.files.written))
            if self.error:
                stats.set_value("warc/error", self.error)
                stats.set_value("warc/dropped", self.dropped)
        log.info("WARC: %d records in %d files in %s", self.files.records, len(self.files.written),
                 self.folder)

    def _abort(self) -> None:
        engine, spider = self.crawler.engine, self.crawler.spider
        if engine is None or spider is None:
            return
        if hasattr(engine, "close_spider_async"):
            deferred_from_coro(engine.close_spider_async(reason="warc_error"))
        else:  # Scrapy < 2.14
            engine.close_spider(spider, "warc_error")


def _call_in_reactor(function: Any) -> None:
    from twisted.internet import reactor  # imported late: Scrapy installs the reactor

    reactor.callFromThread(function)  # type: ignore[attr-defined]


def _header_pairs(headers: Any) -> tuple[tuple[str, str], ...]:
    return tuple((name.decode("latin-1"), value.decode("latin-1"))
                 for name, values in headers.items() for value in values)
