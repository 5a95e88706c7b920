"""Parsing pages and walking their trees (pipelines.dom)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import lxml.html

from pipelines.dom import HtmlElement, _html_parser, descendants, element_text, parse_html

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


def test_each_thread_parses_with_a_parser_of_its_own():
    """An lxml parser must not be shared between threads: four threads running at
    once hold four parsers, each reused within its thread, and parse alike."""
    barrier = threading.Barrier(4)

    def parse_in_thread(i: int) -> tuple[int, bool, str]:
        barrier.wait()  # all four threads are alive at once
        parser = _html_parser()
        title = element_text(parse_html(_PAGE.replace("Headline", f"Headline {i}")).find(".//h1"))
        return id(parser), _html_parser() is parser, title

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(parse_in_thread, range(4)))
    assert len({parser for parser, _, _ in results}) == 4
    assert all(same for _, same, _ in results)
    assert [title for _, _, title in results] == [f"Headline {i}" for i in range(4)]
