from datetime import UTC, datetime

import pytest

from pipelines.metadata import date_in_url
from pipelines.process import process_page
from pipelines.records import FetchedPage

PROSE = " ".join(["Walking after meals lowers blood sugar spikes in most adults."] * 12)


@pytest.mark.parametrize(
    ("url", "expected"),
    [("https://ex.org/story/news/2019/11/19/meth-campaign/", "2019-11-19"),
     ("https://ex.org/2025/3/4/slug", "2025-03-04"),
     ("https://ex.org/2025/13/40/slug", None),
     ("https://ex.org/articles/2025-guide/", None)],
)
def test_date_in_url(url, expected):
    assert date_in_url(url) == expected


def page(head: str, url: str = "https://ex.org/health/walking-after-meals/") -> FetchedPage:
    html = f"<html><head>{head}</head><body><article><h1>Walking After Meals</h1><p>{PROSE}</p></article></body></html>"
    return FetchedPage(url=url, body=html.encode(), fetched_at=datetime(2026, 1, 1, tzinfo=UTC))


def test_placeholder_jsonld_date_gives_way_to_the_next_source():
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Walking After Meals", '
            '"datePublished": "0001-01-01T00:00:00Z"}</script>'
            '<meta property="article:published" content="2019-11-19T11:00:09.000Z">')
    assert process_page(page(head)).published == "2019-11-19T11:00:09+00:00"


def test_url_date_is_the_last_resort():
    record = process_page(page("", url="https://ex.org/story/2019/11/19/walking-after-meals/"))
    assert record.published == "2019-11-19"
