"""One generic spider for any health site: discovers pages through robots.txt,
sitemaps (and sitemap indexes), RSS/Atom feeds and in-scope links, and yields every
HTML page it fetches as a ``FetchedPage``. It never parses article fields.

    scrapy crawl site -a start_urls=https://example.org/ -a max_pages=500
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from lxml import etree
from scrapy.exceptions import CloseSpider
from scrapy.http import Response, TextResponse
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler.failures import describe_failure
from pipelines.records import FetchedPage, FetchFailure
from pipelines.urls import normalise_url

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
# Links to files that are never pages (images, media, archives, documents, assets).
NOT_A_PAGE = re.compile(
    r"\.(?:jpe?g|png|gif|webp|avif|svg|ico|bmp|tiff?|pdf|docx?|xlsx?|pptx?|odt|csv|zip|gz|tgz|"
    r"bz2|rar|7z|mp3|mp4|m4a|m4v|wav|avi|mov|wmv|webm|ogg|flac|css|js|json|woff2?|ttf|eot|otf|"
    r"exe|dmg|apk|iso|bin|ics|vcf)$", re.IGNORECASE)
SKIPPED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "ftp:", "sms:", "whatsapp:")
HTML_TYPES = (b"text/html", b"application/xhtml+xml")


def scope_of(url: str) -> set[str]:
    """Netlocs in scope for a start URL: its host and port, with and without 'www.'."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = f":{parts.port}" if parts.port else ""
    bare = host[4:] if host.startswith("www.") else host
    return {f"{bare}{port}", f"www.{bare}{port}"}


def netloc_of(url: str) -> str:
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{(parts.hostname or '').lower()}{port}"


class SiteSpider(scrapy.Spider):
    name = "site"

    def __init__(self, start_urls: str | Iterable[str] = (), max_pages: int | str | None = None,
                 follow_links: bool | str = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        urls = start_urls.split(",") if isinstance(start_urls, str) else list(start_urls)
        self.start_urls = [normalise_url(u) for u in urls if u.strip()]
        self.scope: set[str] = set().union(*(scope_of(u) for u in self.start_urls)) if self.start_urls else set()
        self.max_pages = int(max_pages) if max_pages not in (None, "", 0, "0") else None
        self.follow_links = str(follow_links).lower() not in ("0", "false", "no")
        self.pages_seen = 0
        self.reached_hosts: set[str] = set()
        # URLs already requested by this process: links repeat on every page, and one
        # Request per link would spend most of the crawl in Request objects that the
        # dupefilter then drops. The dupefilter stays the authority; this is a cache.
        self.requested: set[str] = set()

    # -- start --------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        origins: list[str] = []
        for url in self.start_urls:
            yield self._page_request(url, priority=100)
            parts = urlsplit(url)
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in origins:
                origins.append(origin)
        for origin in origins:
            yield scrapy.Request(f"{origin}/robots.txt", callback=self.parse_robots,
                                 errback=self.on_discovery_error, priority=90)
            yield scrapy.Request(f"{origin}/sitemap.xml", callback=self.parse_sitemap,
                                 errback=self.on_discovery_error, priority=80)

    # -- discovery ----------------------------------------------------------------------
    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        self._reached(response)
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            if self.in_scope(url):
                yield scrapy.Request(url, callback=self.parse_sitemap,
                                     errback=self.on_discovery_error, priority=80)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
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
                yield scrapy.Request(loc, callback=self.parse_sitemap,
                                     errback=self.on_discovery_error, priority=80)
            else:
                yield self._page_request(loc, lastmod=entry.get("lastmod"), priority=10)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        self._reached(response)
        for url in feed_links(response.body, base_url=response.url):
            if self.in_scope(url):
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
        yield FetchedPage(
            url=response.url, body=response.body, fetched_at=_now(), status=response.status,
            content_type=response.headers.get(b"Content-Type", b"").decode("latin-1") or None,
            encoding=response.encoding, requested_url=response.request.url if response.request else None,
            etag=_header(response, b"ETag"), last_modified=_header(response, b"Last-Modified"),
        )
        if self.max_pages is not None and self.pages_seen >= self.max_pages:
            raise CloseSpider("max_pages")
        for href in response.selector.root.xpath(
                "//link[@rel='alternate'][contains(@type, 'rss') or contains(@type, 'atom')]/@href"):
            feed_url = response.urljoin(href)
            if self.in_scope(feed_url):
                yield scrapy.Request(feed_url, callback=self.parse_feed,
                                     errback=self.on_discovery_error, priority=30)
        if self.follow_links:
            for url in self.new_links(response):
                yield self._page_request(url)

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
        reason, status, detail = describe_failure(failure)
        if status is not None:
            self.reached_hosts.add(netloc_of(failure.request.url))
        self.logger.debug("discovery request failed: %s %s (%s)", reason, failure.request.url, detail)

    # -- helpers ------------------------------------------------------------------------
    def in_scope(self, url: str) -> bool:
        return url.startswith(("http://", "https://")) and netloc_of(url) in self.scope

    def new_links(self, response: TextResponse) -> Iterator[str]:
        """In-scope page links of a response not requested before, normalised, in page order."""
        root = response.selector.root  # plain lxml: attribute XPaths give strings, not Selectors
        base_href = root.xpath("string(//base/@href)")
        base = response.urljoin(base_href) if base_href else response.url
        for href in root.xpath("//a[@href][not(contains(@rel, 'nofollow'))]/@href"):
            href = href.strip()
            if not href or href[0] == "#" or href.lower().startswith(SKIPPED_SCHEMES):
                continue
            url = urljoin(base, href).split("#", 1)[0]
            if url in self.requested or not self.in_scope(url) or NOT_A_PAGE.search(urlsplit(url).path):
                continue
            normalised = normalise_url(url)
            self.requested.add(url)
            if normalised == url or normalised not in self.requested:
                self.requested.add(normalised)
                yield normalised

    def _page_request(self, url: str, *, lastmod: str | None = None, priority: int = 0) -> scrapy.Request:
        url = normalise_url(url)
        self.requested.add(url)
        return scrapy.Request(url, callback=self.parse_page, errback=self.on_page_error,
                              priority=priority, meta={"lastmod": lastmod} if lastmod else {})

    def _reached(self, response: Response) -> None:
        self.reached_hosts.add(netloc_of(response.url))


def feed_links(body: bytes, *, base_url: str) -> list[str]:
    """Item links of an RSS 2.0, RSS 1.0/RDF or Atom feed."""
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(recover=True, resolve_entities=False,
                                                             no_network=True))
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    links = root.xpath("//*[local-name()='item']/*[local-name()='link']/text()")
    links += root.xpath("//*[local-name()='entry']/*[local-name()='link']"
                        "[not(@rel) or @rel='alternate']/@href")
    return [urljoin(base_url, link.strip()) for link in links if link.strip()]


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _now() -> datetime:
    return datetime.now(UTC)
