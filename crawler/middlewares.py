"""Downloader middlewares of our own (small, one job each)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares import redirect as scrapy_redirect
from scrapy.downloadermiddlewares import robotstxt as scrapy_robotstxt
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred
from w3lib import html as w3lib_html
from w3lib.url import safe_url_string

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
META_REFRESH_CHARS = 4096  # what Scrapy reads of a page for its meta refresh


class RedirectLoopMiddleware:
    """Fails a request whose redirect points back into its own redirect chain.

    Without it the dupefilter silently drops the looping request and the page
    leaves no trace; with it the request's errback records ``fetch:redirect_loop``.
    Ordered after RedirectMiddleware (600) so it sees the 3xx response first.
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectLoopMiddleware:
        if not crawler.settings.getbool("REDIRECT_ENABLED"):
            raise NotConfigured
        return cls()

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        if response.status not in REDIRECT_STATUSES or b"Location" not in response.headers:
            return response
        location = response.headers[b"Location"].decode("latin-1")
        target = safe_url_string(urljoin(request.url, location))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            raise IgnoreRequest(f"redirect loop: {' -> '.join([*chain, target])}")
        return response


class RobotsTxtMiddleware(scrapy_robotstxt.RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with every request that waits for robots.txt
    checked against it.

    Since Scrapy 2.13 each waiting request awaits the one shared Deferred of the host's
    robots.txt download; the first waiter takes its result and every other request
    waiting at the same time is handed ``None``, which lets it through unchecked (a
    crawl whose first requests go out together, such as a distributed worker's, fetches
    disallowed pages). Here a request handed ``None`` reads the parser the download left
    for its host instead; ``None`` is kept only where robots.txt could not be read.
    """

    async def robot_parser(self, request: Request) -> RobotParser | None:
        parser = await super().robot_parser(request)
        if parser is None:
            settled = self._parsers.get(urlparse_cached(request).netloc)
            if settled is not None and not isinstance(settled, Deferred):
                return settled
        return parser


class MetaRefreshMiddleware(scrapy_redirect.MetaRefreshMiddleware):
    """Scrapy's meta-refresh redirects, read from the head of the page without caching
    its text on the response. The stock middleware reads ``response.text`` (the whole
    body decoded, then cached on the response) for its first 4,096 characters, and the
    response stays referenced until its page is extracted and stored: on a fast crawl
    hundreds of decoded copies of pages wait that way."""

    def process_response(self, request: Request, response: Response,
                         spider: Any = None) -> Request | Response:
        if (request.meta.get("dont_redirect", False) or request.method == "HEAD"
                or not isinstance(response, HtmlResponse)
                or urlparse_cached(request).scheme not in ("http", "https")):
            return response
        interval, url = page_meta_refresh(response, self._ignore_tags)
        if not url:
            return response
        redirected = self._redirect_request_using_get(request, response, url)
        if urlparse_cached(redirected).scheme not in ("http", "https"):
            return response
        if interval is not None and interval < self._maxdelay:
            return self._redirect(redirected, request, "meta refresh")
        return response


def page_meta_refresh(response: HtmlResponse, ignore_tags: list[str]) -> tuple[float | None, str | None]:
    """``(interval, url)`` of the page's meta refresh, or ``(None, None)``: what Scrapy's
    ``get_meta_refresh`` finds in the first 4,096 characters (its ``<base>`` applied),
    decoded from the first bytes alone."""
    encoding = response.encoding
    head = response.body[:META_REFRESH_CHARS * 4].decode(encoding, errors="replace")[:META_REFRESH_CHARS]
    base = w3lib_html.get_base_url(head, response.url, encoding)
    return w3lib_html.get_meta_refresh(head, base, encoding, ignore_tags=ignore_tags)
