"""The spider's page callback on its own: what it yields for one HTML response, and
what it leaves on the response while the page waits to be extracted and stored."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from scrapy.http import HtmlResponse, Request

from crawler.spiders.site import SiteSpider
from crawler.spiders.site_urls import link_url
from pipelines.records import FetchedPage

PAGE = (
    "<html><head><title>Sleep</title>"
    "<link rel='alternate' type='application/rss+xml' href='/feed.xml'></head>"
    "<body><article><h1>Sleep and stress</h1><p>Caf\u00e9 text.</p>"
    "<a href='/articles/cortisol/'>cortisol</a> <a href='/articles/cortisol/#refs'>again</a>"
    "<a href='https://elsewhere.example/x'>out</a> <a href='/private/' rel='nofollow'>no</a>"
    "</article></body></html>"
)


def _response(body: bytes, content_type: bytes = b"text/html; charset=utf-8") -> HtmlResponse:
    url = "http://health.example/articles/sleep/"
    return HtmlResponse(url, body=body, headers={"Content-Type": content_type},
                        request=Request(url))


def test_a_page_yields_itself_its_feed_and_its_new_in_scope_links():
    spider = SiteSpider(start_urls="http://health.example/")
    out = list(spider.parse_page(_response(PAGE.encode("utf-8"))))
    pages = [o for o in out if isinstance(o, FetchedPage)]
    requested = [o.url for o in out if isinstance(o, Request)]
    assert len(pages) == 1 and pages[0].body == PAGE.encode("utf-8")
    assert requested == ["http://health.example/feed.xml", "http://health.example/articles/cortisol/"]


def test_a_page_does_not_keep_its_parsed_tree_or_decoded_text_on_the_response():
    # A response stays referenced by Scrapy's scraper until its page is extracted and
    # stored (hundreds of them on a fast crawl); a tree cached on it (response.selector)
    # is some ten times the body. Links are read from a tree the callback drops.
    response = _response(PAGE.encode("utf-8"))
    spider = SiteSpider(start_urls="http://health.example/")
    assert any(isinstance(o, Request) for o in spider.parse_page(response))
    assert response._cached_selector is None
    assert response._cached_ubody is None


def test_links_are_read_in_the_page_encoding_and_an_empty_page_yields_no_links():
    latin = PAGE.replace("/articles/cortisol/'", "/articles/caf\u00e9/'").encode("latin-1")
    spider = SiteSpider(start_urls="http://health.example/")
    out = list(spider.parse_page(_response(latin, b"text/html; charset=iso-8859-1")))
    assert "http://health.example/articles/caf%C3%A9/" in [o.url for o in out if isinstance(o, Request)]
    empty = list(SiteSpider(start_urls="http://health.example/").parse_page(_response(b"")))
    assert [type(o) for o in empty] == [FetchedPage]


def _meta_refresh_middleware():
    from scrapy.utils.test import get_crawler

    from crawler.middlewares import MetaRefreshMiddleware

    return MetaRefreshMiddleware.from_crawler(get_crawler(settings_dict={"METAREFRESH_MAXDELAY": 100}))


def test_a_meta_refresh_redirects_from_the_head_of_the_page_without_caching_its_text():
    page = ("<html><head><base href='http://health.example/new/'>"
            "<meta http-equiv='refresh' content='0; url=sleep-guide/'></head>"
            "<body>" + "<p>moved</p>" * 2000 + "</body></html>").encode("utf-8")
    response = _response(page)
    request = Request(response.url)
    redirected = _meta_refresh_middleware().process_response(request, response)
    assert isinstance(redirected, Request)
    assert redirected.url == "http://health.example/new/sleep-guide/"
    assert response._cached_ubody is None


def test_a_slow_or_missing_meta_refresh_keeps_the_page():
    middleware = _meta_refresh_middleware()
    slow = _response(b"<html><head><meta http-equiv='refresh' content='600; url=/later/'></head></html>")
    plain = _response(PAGE.encode("utf-8"))
    assert middleware.process_response(Request(slow.url), slow) is slow
    assert middleware.process_response(Request(plain.url), plain) is plain


@pytest.mark.parametrize("base", ["https://example.org/health/sleep/article.html?page=2",
                                  "http://127.0.0.1:8080/a/b/", "https://example.org",
                                  "https://example.org?x=1"])
@pytest.mark.parametrize("href", ["/topics/sleep/", "/a/./b/../c?q=1#top", "//cdn.example.net/x",
                                  "https://other.example/p#f", "HTTP://Example.org/Up",
                                  "../up/page.html", "next.html#part", "?page=3",
                                  "page?next=https://elsewhere.example/", "p?u=http://x.example/", "/",
                                  "#only"])
def test_link_url_joins_as_urljoin_does(base, href):
    assert link_url(base, href) == urljoin(base, href).split("#", 1)[0]
