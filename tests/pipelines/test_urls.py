import pytest

from pipelines.urls import absolute_url, normalise_url, site_of


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://WWW.Example.COM/Path/?b=2&a=1#frag", "https://www.example.com/Path/?b=2&a=1"),
        ("https://example.com/a?utm_source=x&utm_medium=email&id=3", "https://example.com/a?id=3"),
        ("https://example.com/a?fbclid=abc&gclid=def", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443", "https://example.com/"),
        ("http://127.0.0.1:8377/x/", "http://127.0.0.1:8377/x/"),
        ("https://example.com/caf\u00e9", "https://example.com/caf%C3%A9"),
    ],
    ids=["case-fragment", "utm", "click-ids", "default-port", "empty-path", "keeps-port", "non-ascii"],
)
def test_normalise_url(url, expected):
    assert normalise_url(url) == expected


def test_normalise_url_resolves_relative():
    assert normalise_url("../b/?utm_campaign=z", base="https://ex.org/a/c/") == "https://ex.org/a/b/"


@pytest.mark.parametrize(
    ("url", "site"),
    [("https://www.Healthline.com/x", "healthline.com"), ("http://127.0.0.1:9000/", "127.0.0.1"),
     ("https://news.example.org/", "news.example.org")],
)
def test_site_of(url, site):
    assert site_of(url) == site


@pytest.mark.parametrize(
    ("href", "expected"),
    [("/a", "https://ex.org/a"), ("mailto:x@y.z", None), ("javascript:void(0)", None),
     ("#top", None), ("", None), ("https://other.org/", "https://other.org/")],
)
def test_absolute_url(href, expected):
    assert absolute_url(href, "https://ex.org/page/") == expected
