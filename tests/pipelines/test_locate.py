"""Where the article is on the page (pipelines.locate)."""

from pathlib import Path

import pytest

from pipelines.dom import decode_html, parse_html
from pipelines.locate import _paragraph_chars_under, find_article_root, paragraph_chars

PAGES = sorted((Path(__file__).parents[1] / "fixtures" / "pages").rglob("*.html"))


@pytest.mark.parametrize("path", PAGES[::7], ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_paragraph_totals_at_once_equal_each_element_measured_alone(path):
    doc = parse_html(decode_html(path.read_bytes()))
    totals = _paragraph_chars_under(doc.find("body"))
    for el in doc.iter():
        if isinstance(el.tag, str):
            assert totals.get(el, 0) == paragraph_chars(el), el.tag


def test_an_article_declared_on_the_html_element_is_the_root_when_nothing_inside_is():
    doc = parse_html('<html itemscope itemtype="https://schema.org/Article"><body><div>'
                     + "<p>" + "Sleep matters for recovery. " * 20 + "</p>" * 1 + "</div></body></html>")
    assert find_article_root(doc, None) is doc
