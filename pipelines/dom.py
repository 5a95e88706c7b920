"""Decoding and parsing HTML, and small read-only helpers over lxml trees."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import lxml.html
from lxml import etree
from lxml.html import HtmlElement
from w3lib.encoding import html_to_unicode

from pipelines.text import collapse_space

__all__ = ["HtmlElement", "NotHtmlError", "decode_html", "element_text", "parse_html"]

BLOCK_TAGS = frozenset(
    ["address", "article", "aside", "blockquote", "dd", "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"]
)
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# lxml.html's own parser picks each element's Python class in a Python callback
# (form, input, label... get classes of their own), once for every element proxy that
# extraction touches; extraction never uses those form classes, so every element is an
# HtmlElement, chosen in C. One parser per thread: an lxml parser is not to be shared.
_PARSERS = threading.local()


def _html_parser() -> lxml.html.HTMLParser:
    parser: lxml.html.HTMLParser | None = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = lxml.html.HTMLParser()
        parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
            element=HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity))
        _PARSERS.parser = parser
    return parser


_BINARY_SNIFF = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


class NotHtmlError(ValueError):
    """The body is not an HTML document (binary data, JSON, an image...)."""


def decode_html(body: bytes, *, content_type: str | None = None,
                encoding: str | None = None) -> str:
    """Unicode text of an HTML body: BOM, then the declared charset (HTTP header,
    then <meta>), then detection; undecodable bytes become U+FFFD."""
    head = body[:2048]
    if len(_BINARY_SNIFF.findall(head)) > 8:
        raise NotHtmlError("binary content")
    header = content_type or (f"text/html; charset={encoding}" if encoding else None)
    _, text = html_to_unicode(header, body)
    return text


def parse_html(text: str) -> HtmlElement:
    """An lxml document for the text; raises NotHtmlError when there is no markup."""
    stripped = text.lstrip()
    if not stripped:
        raise NotHtmlError("empty body")
    if stripped[0] in "{[" and "<" not in stripped[:200]:
        raise NotHtmlError("JSON body")
    if "<" not in text[:4096]:
        raise NotHtmlError("no markup")
    try:
        doc = lxml.html.document_fromstring(text, parser=_html_parser())
    except (etree.ParserError, ValueError) as exc:
        raise NotHtmlError(f"unparsable: {exc}") from exc
    if doc is None or (doc.find(".//body") is None and doc.find(".//head") is None):
        raise NotHtmlError("no html document")
    return doc


def descendants(root: HtmlElement) -> Iterator[HtmlElement]:
    """The elements under ``root`` in document order, what XPath ``.//*`` selects.
    Tests on attribute values run faster in Python over this than as XPath
    ``contains(@class, ...)`` predicates, which libxml2 evaluates by building a string
    per attribute and test."""
    elements = root.iter(etree.Element)
    next(elements)  # root itself
    return elements


def element_text(el: HtmlElement) -> str:
    """Text of an element (not its tail), whitespace collapsed. Text nodes are joined
    with a space so block boundaries never glue words. Extraction calls
    ``drop_non_content`` first, so script and style text never reaches here."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _SKIP_TAGS:
        return ""
    return " ".join(" ".join(el.itertext()).split())


_SKIP_TAGS = frozenset(("script", "style", "noscript", "template"))


def drop_non_content(doc: HtmlElement) -> None:
    """Remove scripts, styles and templates (after JSON-LD has been read), keeping tails,
    and unwrap comments: 'When<!-- x --> the president...' keeps its words together."""
    for el in doc.xpath("//script|//style|//template"):
        el.drop_tree()
    etree.strip_tags(doc, etree.Comment, etree.ProcessingInstruction)


def text_lines(el: HtmlElement) -> list[str]:
    """The element's text split at block-level boundaries and <br>, one entry per line."""
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = collapse_space(" ".join(current))
        if line:
            lines.append(line)
        current.clear()

    def walk(node: HtmlElement) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("script", "style", "noscript", "template"):
            return
        is_block = tag in BLOCK_TAGS or tag == "br"
        if is_block:
            flush()
        if node.text and tag:
            current.append(node.text)
        if tag == "img" and node.get("alt"):
            flush()
            current.append(node.get("alt", ""))
            flush()
        for child in node:
            walk(child)
            if child.tail:
                current.append(child.tail)
        if is_block:
            flush()

    walk(el)
    flush()
    return lines


def class_tokens(el: HtmlElement) -> str:
    """Lower-case class, id, role and itemprop of an element, space separated."""
    return " ".join(
        v for v in (el.get("class"), el.get("id"), el.get("role"), el.get("itemprop"))
        if v
    ).lower()


def text_owner(text: Any) -> HtmlElement | None:
    """The element whose content a text node (an XPath ``text()`` result) belongs to: its
    parent, or for a tail text the parent's parent."""
    node = text.getparent()
    if node is not None and text.is_tail:
        node = node.getparent()
    return node


def heading_level(el: HtmlElement) -> int:
    tag = el.tag if isinstance(el.tag, str) else ""
    return int(tag[1]) if tag in HEADING_TAGS else 0
