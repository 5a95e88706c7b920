"""JSON-LD: read every block on a page (extruct) and pick the nodes we use."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from typing import Any

from extruct.jsonld import JsonLdExtractor

from pipelines.dom import HtmlElement

log = logging.getLogger(__name__)

ARTICLE_TYPES = frozenset({
    "article", "blogposting", "newsarticle", "medicalwebpage", "medicalscholarlyarticle",
    "scholarlyarticle", "healthtopiccontent", "report", "techarticle", "reportagenewsarticle",
    "analysisnewsarticle", "opinionnewsarticle", "backgroundnewsarticle", "socialmediaposting",
    "definedterm", "medicalcondition", "drug", "howto", "recipe", "webpage", "faqpage",
})
# Page types that describe a non-article page. Organization and Person are not here:
# nearly every page carries its publisher's Organization block.
LISTING_TYPES = frozenset({
    "collectionpage", "profilepage", "aboutpage", "contactpage", "searchresultspage",
})
ORGANISATION_TYPES = frozenset({
    "organization", "newsmediaorganization", "medicalorganization", "hospital", "corporation",
    "educationalorganization", "governmentorganization", "ngo", "medicalclinic", "localbusiness",
})
_EXTRACTOR = JsonLdExtractor()


def read_jsonld(doc: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page, with @graph members flattened; a broken block is skipped."""
    try:
        items = _EXTRACTOR.extract_items(doc)
    except Exception:  # one malformed block must not hide the others
        items = list(_read_each_block(doc))
    return [node for node in _flatten(items) if isinstance(node, dict)]


def _read_each_block(doc: HtmlElement) -> Iterator[Any]:
    for script in doc.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content(), strict=False)
        except ValueError as exc:
            log.debug("skipping malformed JSON-LD block: %s", exc)
            continue
        yield from data if isinstance(data, list) else [data]


def _flatten(items: Iterable[Any]) -> Iterator[Any]:
    for item in items:
        if isinstance(item, list):
            yield from _flatten(item)
        elif isinstance(item, dict):
            graph = item.get("@graph")
            if isinstance(graph, list):
                yield from _flatten(graph)
            yield item


def types_of(node: dict[str, Any]) -> set[str]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return {str(v).rsplit("/", 1)[-1].lower() for v in values if v}


def main_node(nodes: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The node describing the page's article: the most specific article-like type,
    preferring one with a headline and dates."""
    best: tuple[int, dict[str, Any]] | None = None
    for node in nodes:
        kinds = types_of(node)
        if not kinds & ARTICLE_TYPES:
            continue
        score = 0 if kinds <= {"webpage", "faqpage"} else 4
        score += 2 * bool(node.get("headline") or node.get("name"))
        score += bool(node.get("datePublished")) + bool(node.get("author"))
        if best is None or score > best[0]:
            best = (score, node)
    return best[1] if best else None


def first_string(value: Any) -> str | None:
    """A plain string from a JSON-LD value that may be a string, list or {'@value'/'name'}."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        for item in value:
            found = first_string(item)
            if found:
                return found
        return None
    if isinstance(value, dict):
        return first_string(value.get("@value") or value.get("name") or value.get("@id"))
    if isinstance(value, int | float):
        return str(value)
    return None


def string_list(value: Any) -> list[str]:
    """Keywords and similar: a comma-separated string or a list of strings/objects."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            out.extend(string_list(item) if isinstance(item, str) else
                       [s] if (s := first_string(item)) else [])
        return out
    if isinstance(value, dict):
        s = first_string(value)
        return [s] if s else []
    return []


def breadcrumb_names(nodes: list[dict[str, Any]]) -> list[str]:
    """Names of a BreadcrumbList's items in position order."""
    for node in nodes:
        if "breadcrumblist" not in types_of(node):
            continue
        elements = node.get("itemListElement")
        if not isinstance(elements, list):
            continue
        ranked = sorted(
            (e for e in elements if isinstance(e, dict)),
            key=lambda e: int(e.get("position") or 0) if str(e.get("position", "0")).isdigit() else 0,
        )
        names = [first_string(e.get("name")) or first_string(e.get("item")) for e in ranked]
        return [n for n in names if n]
    return []
