"""Parsing pages and walking their trees (pipelines.dom)."""

from concurrent.futures import ThreadPoolExecutor

import lxml.html

from pipelines.dom import HtmlElement, descendants, element_text, parse_html

_PAGE = """<html><head><title>T</title></head><body>
<form id="signup"><label>Email <input name="email"></label><select><option>a</option></select></form>
<article class="post"><h1>Headline</h1><p>First <b>bold</b> paragraph.</p><!-- a comment --></article>
</body></html>"""


def test_every_element_is_an_html_element_with_its_methods():
    """Form controls get the plain element class (chosen in C), and keep what the
    extraction uses of lxml.html: text_content, drop_tree, iterancestors."""
    doc = parse_html(_PAGE)
    for el in doc.iter(lxml.html.etree.Element):
        assert type(el) is HtmlElement, el.tag
    label = doc.find(".//label")
    assert label.text_content().strip() == "Email"
    doc.find(".//form").drop_tree()
    assert doc.find(".//input") is None
    assert element_text(doc.find(".//article")) == "Headline First bold paragraph."


def test_descendants_are_what_xpath_selects_under_an_element():
    doc = parse_html(_PAGE)
    body = doc.find("body")
    assert list(descendants(body)) == body.xpath(".//*")
    assert body not in list(descendants(body))


def test_pages_parse_alike_in_parallel_threads():
    """Each thread has a parser of its own."""
    pages = [_PAGE.replace("Headline", f"Headline {i}") for i in range(200)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        titles = list(pool.map(lambda page: element_text(parse_html(page).find(".//h1")), pages))
    assert titles == [f"Headline {i}" for i in range(200)]
