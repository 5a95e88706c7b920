"""The body text: trafilatura over the cleaned DOM, its XML turned into blocks."""

from __future__ import annotations

import logging
import re

import trafilatura
from lxml import etree

from pipelines.dom import HtmlElement
from pipelines.records import Block
from pipelines.text import collapse_space

log = logging.getLogger(__name__)
_HEAD_LEVEL = re.compile(r"h([1-6])")


def extract_blocks(doc: HtmlElement, *, url: str | None = None) -> list[Block]:
    """Headings, paragraphs and list items of the main text, in document order.
    trafilatura's Python output (its extracted lxml tree) is read directly: no XML
    string is written and parsed again."""
    result = trafilatura.bare_extraction(
        doc, url=url, output_format="python", include_comments=False, include_tables=True,
        include_formatting=False, include_links=False, include_images=False,
        with_metadata=False, deduplicate=False, fast=True,
    )
    body = getattr(result, "body", None)
    if body is None:
        return []
    return _blocks(body)


def _blocks(container: etree._Element) -> list[Block]:
    blocks: list[Block] = []
    for el in container:
        tag = el.tag
        if tag == "head":
            match = _HEAD_LEVEL.fullmatch(el.get("rend") or "")
            level = int(match.group(1)) if match else 3
            text = _text(el)
            if text:
                blocks.append(Block("heading", text, level))
        elif tag == "list":
            blocks.extend(_items(el))
        elif tag == "table":
            for row in el.iter("row"):
                cells = [_text(c) for c in row if _text(c)]
                if cells:
                    blocks.append(Block("paragraph", " | ".join(cells)))
        elif tag in ("p", "quote", "code", "div"):
            text = _text(el)
            if text:
                blocks.append(Block("paragraph", text))
        if el.tail and el.tail.strip():  # bare text after an element is a paragraph of its own
            blocks.append(Block("paragraph", collapse_space(el.tail)))
    return blocks


def _items(lst: etree._Element) -> list[Block]:
    items: list[Block] = []
    for item in lst.iter("item"):
        nested = [c for c in item if c.tag == "list"]
        for n in nested:
            item.remove(n)
        text = _text(item)
        if text:
            items.append(Block("item", text))
    return items


def _text(el: etree._Element) -> str:
    """Text of an output element; its text nodes only break at line breaks (<lb/>)
    since formatting and links are not kept, so they are joined with a space."""
    return collapse_space(" ".join(el.itertext()))


def render_text(blocks: list[Block]) -> str:
    """Paragraphs and headings separated by a blank line; items of one list on
    consecutive lines, each starting with '- '."""
    out: list[str] = []
    for block in blocks:
        if block.kind == "item":
            line = f"- {block.text}"
            if out and out[-1].startswith("- "):
                out[-1] = f"{out[-1]}\n{line}"
            else:
                out.append(line)
        else:
            out.append(block.text)
    return "\n\n".join(out)
