"""One generic spider for any health site: discovers pages through robots.txt,
sitemaps (and sitemap indexes), RSS/Atom feeds and in-scope links, and yields every
HTML page it fetches as a ``FetchedPage``. It never parses article fields.

    scrapy crawl site -a start_urls=https://example.org/ -a max_pages=500
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from lxml.html import HtmlElement
from parsel import Selector
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.http import Response, TextResponse
from scrapy.utils.asyncio import is_asyncio_available
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from sqlalchemy import Engine

from crawler.conditional import NOT_MODIFIED_FLAG, REASON_KEY, unchanged_since
from crawler.failures import describe_failure
from crawler.spiders.site_urls import (
    NOT_A_PAGE,
    SKIPPED_SCHEMES,
    RecentUrls,
    feed_links,
    link_url,
    netloc_of,
    scope_of,
    url_patterns,
)
from pipelines.records import FetchedPage, FetchFailure, NotModifiedPage
from pipelines.urls import normalise_url
from storage.crawl_state import KnownUrls, iter_known_urls
from storage.db import open_archive

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
HTML_TYPES = (b"text/html", b"application/xhtml+xml")
REVISIT_BATCH = 2000
RECENT_URLS = 50_000  # URLs remembered as requested (a cache: the dupefilter decides)
SITEMAP_WAIT_SECONDS = 20.0  # longest the start pages wait for the sitemaps


class SiteSpider(scrapy.Spider):
    name = "site"

    def __init__(self, start_urls: str | Iterable[str] = (), max_pages: int | str | None = None,
                 follow_links: bool | str = True, allow: str | Iterable[str] = (),
                 deny: str | Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Crawl rules: URL path regexes a page must match (any of allow, none of deny).
        self.allow = url_patterns(allow)
        self.deny = url_patterns(deny)
        urls = start_urls.split(",") if isinstance(start_urls, str) else list(start_urls)
        self.start_urls = [normalise_url(u) for u in urls if u.strip()]
        self.scope: set[str] = set().union(*(scope_of(u) for u in self.start_urls)) if self.start_urls else set()
        self.max_pages = int(max_pages) if max_pages not in (None, "", 0, "0") else None
        self.follow_links = str(follow_links).lower() not in ("0", "false", "no")
        self.pages_seen = 0
        self.reached_hosts: set[str] = set()
        # URLs recently requested by this process: links repeat on every page, and one
        # Request per link would spend most of the crawl in Request objects that the
        # dupefilter then drops. The dupefilter stays the authority; this is a bounded
        # cache (memory stays flat on long crawls).
        self.requested = RecentUrls(RECENT_URLS)
        # False in a worker joining a distributed crawl: it only consumes the frontier.
        self.seeding = True
        # Sitemaps may be read by another worker (distributed crawl): never wait for them.
        self.shared_frontier = False
        # robots.txt and sitemap URLs asked for, and those not answered yet.
        self.discovery_seen: set[str] = set()
        self.discovery_pending: set[str] = set()
        self.discovery_settled = asyncio.Event()
        self.held_requests: list[scrapy.Request] = []
        # Sitemap <lastmod> of URLs not requested yet (popped when requested).
        self.sitemap_lastmod: dict[str, str] = {}
        # Known pages of these sites, revisited once discovery runs dry.
        self.revisit_queue: Iterator[str] | None = None
        self._archive: Engine | None = None
        self._known: KnownUrls | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SiteSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.seeding = crawler.settings.getbool("ARCHIVE_SEED", True)
        spider.shared_frontier = bool(crawler.settings.get("ARCHIVE_CRAWL_KEY"))
        if spider.shared_frontier:
            spider.discovery_settled.set()
        # A discovery request the dupefilter drops (a resumed --jobdir crawl read these
        # sitemaps before) gets no callback: without this the start pages would wait for it.
        crawler.signals.connect(spider.on_request_dropped, signal=signals.request_dropped)
        if spider.seeding and crawler.settings.getbool("ARCHIVE_REVISIT_KNOWN", True):
            crawler.signals.connect(spider.revisit_known, signal=signals.spider_idle)
        return spider

    # -- start --------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        """robots.txt and sitemaps first, then the start pages and the pages the
        sitemaps list: each page is requested once with its sitemap ``lastmod`` known
        (on a re-crawl an old one means no request at all), never first through a
        link. The wait for the sitemaps is capped. A worker joining a distributed crawl
        requests nothing: the seeding process did."""
        if not self.seeding:
            return
        origins: list[str] = []
        for url in self.start_urls:
            parts = urlsplit(url)
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in origins:
                origins.append(origin)
        for origin in origins:
            for request in (self._discovery_request(f"{origin}/robots.txt", self.parse_robots, 90),
                            self._discovery_request(f"{origin}/sitemap.xml", self.parse_sitemap, 80)):
                if request is not None:
                    yield request
        if self.discovery_pending and is_asyncio_available():
            try:
                await asyncio.wait_for(self.discovery_settled.wait(), timeout=SITEMAP_WAIT_SECONDS)
            except TimeoutError:
                self.logger.info("sitemaps still loading after %ss; starting from the start pages",
                                 SITEMAP_WAIT_SECONDS)
        held, self.held_requests = self.held_requests, []
        self.discovery_settled.set()  # from now on sitemap pages are requested at once
        for url in self.start_urls:
            yield self._page_request(url, priority=100)
        for request in held:
            yield request

    # -- discovery ----------------------------------------------------------------------
    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        self._reached(response)
        try:
            for url in sitemap_urls_from_robots(response.body, base_url=response.url):
                request = self._discovery_request(url, self.parse_sitemap, 80)
                if request is not None:
                    yield request
        finally:
            self._discovery_done(response.meta.get("discovery_key"))

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        try:
            yield from self._sitemap_entries(response)
        finally:
            self._discovery_done(response.meta.get("discovery_key"))

    def _sitemap_entries(self, response: Response) -> Iterator[Any]:
        self._reached(response)
        body = response.body
        if response.url.endswith(".gz") or body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except OSError:
                self.logger.warning("unreadable gzip sitemap %s", response.url)
                return
        try:
            sitemap = Sitemap(body)
        except Exception as exc:  # lxml raises several types on broken XML
            self.logger.warning("unreadable sitemap %s: %s", response.url, exc)
            return
        for entry in sitemap:
            loc = entry.get("loc")
            if not loc or not self.in_scope(loc):
                continue
            if sitemap.type == "sitemapindex":
                request = self._discovery_request(loc, self.parse_sitemap, 80)
                if request is not None:
                    yield request
            elif self.wants_page(loc):
                lastmod = entry.get("lastmod")
                known = self.known_urls()
                url = normalise_url(loc)
                state = known.get(url) if known is not None and lastmod else None
                if state is not None and state.article_id is not None and url not in self.requested \
                        and unchanged_since(
                        state, lastmod, trust_days=self.settings.getfloat("ARCHIVE_LASTMOD_TRUST_DAYS", 30)):
                    # An article unchanged since our last download: no request at all (a
                    # hub goes through the conditional middleware: its links are needed).
                    self.requested.add(url)
                    yield NotModifiedPage(url=url, checked_at=_now(), reason="sitemap:lastmod")
                    continue
                if lastmod:
                    # Also for a request of this URL already queued from a link (the
                    # dupefilter drops this one): the conditional middleware reads it here.
                    self.sitemap_lastmod[url] = lastmod
                request = self._page_request(loc, lastmod=lastmod, priority=10)
                if self.discovery_settled.is_set():
                    yield request
                else:  # sent once every sitemap is read (see start())
                    self.held_requests.append(request)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        self._reached(response)
        for url in feed_links(response.body, base_url=response.url):
            if self.in_scope(url) and self.wants_page(url) and normalise_url(url) not in self.requested:
                yield self._page_request(url, priority=20)

    def parse_page(self, response: Response) -> Iterator[Any]:
        self._reached(response)
        ctype = response.headers.get(b"Content-Type", b"").split(b";")[0].strip().lower()
        head = response.body[:500]
        if ctype.decode("latin-1") in FEED_TYPES or (
                ctype.endswith(b"xml") and (b"<rss" in head or b"<feed" in head)):
            yield from self.parse_feed(response)
            return
        if not isinstance(response, TextResponse) or (ctype and ctype not in HTML_TYPES):
            yield FetchFailure(response.url, "fetch:non_html", _now(), response.status,
                               ctype.decode("latin-1") or "unknown type")
            return
        if self.max_pages is not None and self.pages_seen >= self.max_pages:
            return
        self.pages_seen += 1
        if NOT_MODIFIED_FLAG in response.flags:  # known unchanged; a hub's stored body, for its links
            yield NotModifiedPage(url=response.url, checked_at=_now(),
                                  reason=response.meta.get(REASON_KEY, "http:304"),
                                  status=304 if response.meta.get(REASON_KEY) == "http:304" else None)
            if not response.body:
                return
        else:
            yield FetchedPage(
                url=response.url, body=response.body, fetched_at=_now(), status=response.status,
                content_type=response.headers.get(b"Content-Type", b"").decode("latin-1") or None,
                encoding=response.encoding, requested_url=response.request.url if response.request else None,
                etag=_header(response, b"ETag"), last_modified=_header(response, b"Last-Modified"),
            )
        if self.max_pages is not None and self.pages_seen >= self.max_pages:
            raise CloseSpider("max_pages")
        if not response.body:
            return
        root = page_tree(response)
        base_href = root.xpath("string(//base/@href)")
        base = urljoin(response.url, base_href) if base_href else response.url
        for href in root.xpath(
                "//link[@rel='alternate'][contains(@type, 'rss') or contains(@type, 'atom')]/@href"):
            feed_url = urljoin(base, href.strip())
            if self.in_scope(feed_url):
                yield scrapy.Request(feed_url, callback=self.parse_feed,
                                     errback=self.on_discovery_error, priority=30)
        if self.follow_links:
            for url in self.new_links(root, base):
                yield self._page_request(url)

    def revisit_known(self) -> None:
        """When discovery runs dry, request the known pages of these sites that it did
        not reach (a batch at a time): a removed article answers 404/410 and is marked
        gone, and a page linked only from unchanged articles (whose links are not parsed
        again) is still checked for changes and its links followed."""
        if self.revisit_queue is None:
            self.revisit_queue = iter_known_urls(self.archive(), self.scope_prefixes())
        if self.max_pages is not None and self.pages_seen >= self.max_pages:
            return
        scheduled = 0
        for url in self.revisit_queue:
            if url not in self.requested:
                self.crawler.engine.crawl(self._page_request(url, priority=-10))
                scheduled += 1
                if scheduled >= REVISIT_BATCH:
                    break
        if scheduled:
            self.logger.info("revisiting %d archived pages not reached by discovery", scheduled)
            raise DontCloseSpider

    # -- errors -------------------------------------------------------------------------
    def on_page_error(self, failure: Any) -> Iterator[FetchFailure]:
        reason, status, detail = describe_failure(failure)
        request = failure.request
        if status is not None:
            self.reached_hosts.add(netloc_of(request.url))
        url = (request.meta.get("redirect_urls") or [request.url])[0]  # the URL we asked for
        log = self.logger.info if reason.startswith("robots:") else self.logger.warning
        log("%s %s (%s)", reason, url, detail)
        yield FetchFailure(url, reason, _now(), status, detail)

    def on_discovery_error(self, failure: Any) -> None:
        self._discovery_done(failure.request.meta.get("discovery_key"))
        reason, status, detail = describe_failure(failure)
        if status is not None:
            self.reached_hosts.add(netloc_of(failure.request.url))
        self.logger.debug("discovery request failed: %s %s (%s)", reason, failure.request.url, detail)

    # -- helpers ------------------------------------------------------------------------
    def closed(self, reason: str) -> None:
        if self._archive is not None:
            self._archive.dispose()

    def archive(self) -> Engine:
        if self._archive is None:
            self._archive = open_archive(self.settings.get("ARCHIVE_DATABASE_URL"))
        return self._archive

    def scope_prefixes(self) -> list[str]:
        return [f"{scheme}://{netloc}/" for netloc in sorted(self.scope) for scheme in ("http", "https")]

    def known_urls(self) -> KnownUrls | None:
        """What the archive knows of this crawl's URLs (validators, last download),
        read on first use; None when re-crawls are not conditional (``--full``)."""
        if not self.settings.getbool("ARCHIVE_CONDITIONAL_FETCH", True):
            return None
        if self._known is None:
            self._known = KnownUrls(self.archive(), self.scope_prefixes())
        return self._known

    def in_scope(self, url: str) -> bool:
        return url.startswith(("http://", "https://")) and netloc_of(url) in self.scope

    def wants_page(self, url: str) -> bool:
        """Whether the crawl rules let this in-scope page be requested."""
        path = urlsplit(url).path or "/"
        if self.allow and not any(p.search(path) for p in self.allow):
            return False
        return not any(p.search(path) for p in self.deny)

    def new_links(self, root: HtmlElement, base: str) -> Iterator[str]:
        """In-scope links of a page (its tree, its base URL) not requested before,
        normalised, in page order."""
        on_page: set[str] = set()
        for href in root.xpath("//a[@href][not(contains(@rel, 'nofollow'))]/@href"):
            href = href.strip()
            if not href or href in on_page or href[0] == "#" or href.lower().startswith(SKIPPED_SCHEMES):
                continue
            on_page.add(href)
            url = link_url(base, href)
            if url in self.requested or not self.in_scope(url) or NOT_A_PAGE.search(urlsplit(url).path):
                continue
            if not self.wants_page(url):
                self.requested.add(url)
                continue
            normalised = normalise_url(url)
            self.requested.add(url)
            if normalised == url or normalised not in self.requested:
                self.requested.add(normalised)
                yield normalised

    def _page_request(self, url: str, *, lastmod: str | None = None, priority: int = 0) -> scrapy.Request:
        url = normalise_url(url)
        self.requested.add(url)
        meta: dict[str, Any] = {"archive_page": True}
        if lastmod:
            meta["lastmod"] = lastmod
        return scrapy.Request(url, callback=self.parse_page, errback=self.on_page_error,
                              priority=priority, meta=meta)

    def _discovery_request(self, url: str, callback: Any, priority: int) -> scrapy.Request | None:
        """A robots.txt or sitemap request, unless this URL was asked for already;
        tracked until its callback or errback has run."""
        if not self.in_scope(url) or url in self.discovery_seen:
            return None
        self.discovery_seen.add(url)
        self.discovery_pending.add(url)
        return scrapy.Request(url, callback=callback, errback=self.on_discovery_error,
                              priority=priority, meta={"discovery_key": url})

    def _discovery_done(self, key: str | None) -> None:
        self.discovery_pending.discard(key or "")
        if not self.discovery_pending:
            self.discovery_settled.set()

    def on_request_dropped(self, request: scrapy.Request, spider: scrapy.Spider | None = None) -> None:
        key = request.meta.get("discovery_key")
        if key is not None:
            self.logger.debug("discovery request already seen: %s", request.url)
            self._discovery_done(key)

    def _reached(self, response: Response) -> None:
        self.reached_hosts.add(netloc_of(response.url))


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _now() -> datetime:
    return datetime.now(UTC)


def page_tree(response: TextResponse) -> HtmlElement:
    """The page's lxml tree for its links, parsed from the body and not cached on the
    response (as ``response.selector`` would): a response stays in Scrapy's scraper
    until its page is extracted and stored, and its cached tree (and the decoded text
    parsel parses it from), ten times the body, would stay with it (for the same reason
    links are joined with ``urljoin``, not ``response.urljoin``, which decodes and
    caches the text). Plain lxml, so attribute XPaths give strings, not Selectors."""
    return Selector(body=response.body, encoding=response.encoding, type="html",
                    base_url=response.url).root
