"""Conditional re-fetching: pages the archive already holds are asked for with their
validators, and a page known to be unchanged is answered from the archive.

For each page request (``meta['archive_page']``) of a URL the archive has a full
answer for:

- the sitemap said ``lastmod`` and it is older than our last download (and that
  download is younger than ``ARCHIVE_LASTMOD_TRUST_DAYS``): no request is made;
- otherwise ``If-None-Match`` / ``If-Modified-Since`` are sent, and a 304 is
  turned into the stored body.

Either way the spider receives a 200 response flagged ``not_modified`` with
``meta['archive_not_modified']`` saying why (``sitemap:lastmod`` or ``http:304``); it
reports the page as unchanged instead of extracting it again. A listing or other hub
page comes with its stored body, so its links are still followed; an article comes
empty (its links were followed when it was downloaded, and reading and parsing its
body again would cost most of what the 304 saved). The validators of the crawl's
hosts are read from the archive once (the spider's ``known_urls()``), so a request
costs a dictionary lookup, not a query; the spider itself answers sitemap entries
whose ``lastmod`` is old without making a request at all (``unchanged_since``).

Settings: ``ARCHIVE_CONDITIONAL_FETCH`` (default True), ``ARCHIVE_LASTMOD_TRUST_DAYS``
(default 30; 0 never skips on ``lastmod``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.stats import get_header_size, get_status_size
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.responsetypes import responsetypes
from scrapy.statscollectors import StatsCollector

from storage.crawl_state import KnownUrl

NOT_MODIFIED_FLAG = "not_modified"
_VALIDATOR_HEADERS = (b"If-None-Match", b"If-Modified-Since")
_RAW_PAGE_KEY = "archive_raw_page_id"
_ARTICLE_KEY = "archive_is_article"
REASON_KEY = "archive_not_modified"
REQUEUED_KEY = "frontier_requeued"  # crawler.frontier: put back from a dead worker


def parse_lastmod(value: str | None) -> datetime | None:
    """A sitemap ``<lastmod>`` (W3C datetime) as an aware UTC instant; a bare date
    counts as the end of that day (so a change later that day is never skipped)."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time.max, tzinfo=UTC)
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def unchanged_since(state: KnownUrl, lastmod: str | None, *, trust_days: float) -> bool:
    """Whether a sitemap ``lastmod`` says the page has not changed since our last
    download (and that download is recent enough to trust the sitemap about it)."""
    changed_at = parse_lastmod(lastmod)
    return (changed_at is not None and changed_at <= state.fetched_at
            and datetime.now(UTC) - state.fetched_at < timedelta(days=trust_days))


class ConditionalFetchMiddleware:
    def __init__(self, *, lastmod_trust: timedelta,
                 stats: StatsCollector | None = None, crawler: Crawler | None = None) -> None:
        self.crawler = crawler
        self.stats = stats
        self.lastmod_trust = lastmod_trust

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalFetchMiddleware:
        settings = crawler.settings
        if not settings.getbool("ARCHIVE_CONDITIONAL_FETCH", True):
            raise NotConfigured
        return cls(
            crawler=crawler,
            lastmod_trust=timedelta(days=settings.getfloat("ARCHIVE_LASTMOD_TRUST_DAYS", 30)),
            stats=crawler.stats,
        )

    def process_request(
        self, request: Request, spider: Any = None
    ) -> Response | Request | None:
        # A redirect copies headers and meta: validators of another URL never apply.
        for header in _VALIDATOR_HEADERS:
            request.headers.pop(header, None)
        request.meta.pop(_RAW_PAGE_KEY, None)
        request.meta.pop(_ARTICLE_KEY, None)
        if not request.meta.get("archive_page") or request.method != "GET":
            return None
        spider = self.crawler.spider if self.crawler else None
        sitemap_lastmod = getattr(spider, "sitemap_lastmod", {}).pop(request.url, None)
        known = spider.known_urls() if hasattr(spider, "known_urls") else None
        state = known.get(request.url) if known is not None else None
        if state is None and known is not None and request.meta.get(REQUEUED_KEY):
            # Held by a worker that died (distributed crawl): it may have stored the page
            # after this crawl read the archive, so ask the archive again.
            state = known.lookup(request.url)
        if state is None or not state.can_revalidate:
            return None
        if unchanged_since(state, request.meta.get("lastmod") or sitemap_lastmod,
                           trust_days=self.lastmod_trust.total_seconds() / 86400):
            return self._from_archive(request, state.raw_page_id, "sitemap:lastmod",
                                            with_body=state.article_id is None)
        if not (state.etag or state.last_modified):
            return None
        if state.etag:
            request.headers[b"If-None-Match"] = state.etag
        if state.last_modified:
            request.headers[b"If-Modified-Since"] = state.last_modified
        request.meta[_RAW_PAGE_KEY] = state.raw_page_id
        request.meta[_ARTICLE_KEY] = state.article_id is not None
        return None

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response | Request:
        if request.meta.get(REASON_KEY) == "sitemap:lastmod" and NOT_MODIFIED_FLAG in response.flags:
            self._uncount(response)
            return response
        raw_page_id = request.meta.get(_RAW_PAGE_KEY)
        if response.status != 304 or raw_page_id is None:
            return response
        return self._from_archive(request, raw_page_id, "http:304",
                                        with_body=not request.meta.get(_ARTICLE_KEY))

    def _from_archive(self, request: Request, raw_page_id: int | None, reason: str, *,
                            with_body: bool) -> Response | Request:
        """The page as the archive has it, flagged unchanged. An article comes without
        its body: its links were followed when it was downloaded, and it is not
        extracted again. Other pages (listings, hubs) come with the stored body, whose
        links the spider follows."""
        request.meta[REASON_KEY] = reason
        if not with_body:
            return HtmlResponse(url=request.url, status=200, body=b"", request=request,
                                headers={"Content-Type": "text/html"}, flags=[NOT_MODIFIED_FLAG])
        spider = self.crawler.spider if self.crawler else None
        known = spider.known_urls() if hasattr(spider, "known_urls") else None
        stored = known.body(raw_page_id) if known is not None and raw_page_id is not None else None
        if stored is None:  # the kept body is gone: download the page in full
            retry = request.replace(dont_filter=True)
            retry.meta["archive_page"] = False
            return retry
        body = stored.body
        headers = {"Content-Type": stored.content_type} if stored.content_type else {}
        cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return cls(url=request.url, status=200, headers=headers, body=body, request=request,
                   flags=[NOT_MODIFIED_FLAG])

    def _uncount(self, response: Response) -> None:
        """Take back what Scrapy's DownloaderStats (which sees every response, also one
        made here without a download) counted for a page served from the archive, so
        that the downloader's figures are what crossed the network."""
        if self.stats is None:
            return
        size = (len(response.body) + get_header_size(response.headers)
                + get_status_size(response.status) + 4)
        self.stats.inc_value("downloader/response_count", -1)
        self.stats.inc_value(f"downloader/response_status_count/{response.status}", -1)
        self.stats.inc_value("downloader/response_bytes", -size)
