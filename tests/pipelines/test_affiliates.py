import lxml.html
import pytest

from pipelines.affiliates import find_affiliate_links, is_affiliate_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.amazon.com/dp/B07XYZ1234?tag=site-20", True),
        ("https://amzn.to/3abcd", True),
        ("https://www.amazon.co.uk/gp/product/B0123", True),
        ("https://www.amazon.com/", False),
        ("https://shareasale.com/r.cfm?b=1&u=2", True),
        ("https://go.skimresources.com/?id=1&url=x", True),
        ("https://brand.sjv.io/c/1/2/3", True),
        ("https://click.linksynergy.com/deeplink?id=x", True),
        ("https://pubmed.ncbi.nlm.nih.gov/123/", False),
        ("https://example.com/go/foam-roller", True),
        ("https://example.com/good-article/", False),
        ("https://shop.example.net/p?affid=42", True),
    ],
)
def test_is_affiliate_url(url, expected):
    assert is_affiliate_url(url, page_url="https://example.com/article/") is expected


def test_sponsored_rel_counts_and_order_is_kept():
    doc = lxml.html.fromstring(
        '<div><a href="https://amzn.to/b">b</a><a rel="sponsored" href="https://brand.com/x">x</a>'
        '<a href="/about/">about</a><a href="https://amzn.to/b">again</a></div>')
    assert find_affiliate_links(doc, base_url="https://example.com/a/") == [
        "https://amzn.to/b", "https://brand.com/x"]
