"""The page's reference list in the DOM: under a "References"/"Sources" heading or in a
container named for citations, as a list or as a run of paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipelines.dom import (
    HEADING_TAGS,
    HtmlElement,
    class_tokens,
    descendants,
    element_text,
    heading_level,
    text_owner,
)
from pipelines.records import Reference
from pipelines.references import is_reference_heading, parse_reference
from pipelines.urls import absolute_url

_CONTAINER_NAMES = re.compile(
    r"(?:^|[^a-z])(references|reference-list|citations|citation-list|footnotes|bibliography|"
    r"sources|source-list|endnotes|works-cited)(?:$|[^a-z])"
)
# What a reference container's class or id contains (before the exact test above).
_CONTAINER_PARTS = ("eferenc", "itation", "ootnote", "ibliograph", "ources", "ndnote", "orks-cited")
_CONTAINER_ROLES = frozenset(("doc-bibliography", "doc-endnotes"))
_BACKLINK = re.compile(r"\s*(?:↩︎?|↑|\^|Jump up(?: to)?:?|Back to text)\s*", re.IGNORECASE)
_HEADING_LIKE = (*HEADING_TAGS, "p", "div", "strong", "b", "span", "dt", "summary", "button")


@dataclass(slots=True)
class ReferenceFindings:
    references: list[Reference] = field(default_factory=list)
    elements: list[HtmlElement] = field(default_factory=list)


def find_references(doc: HtmlElement, *, base_url: str) -> ReferenceFindings:
    """Entries of the reference list(s), in page order, and the elements holding them."""
    body = doc.find("body")
    findings = ReferenceFindings()
    if body is None:
        return findings
    seen: set[int] = set()
    for heading in _heading_candidates(body):
        entries, holders = _entries_after(heading)
        if entries:
            findings.elements.extend([heading, *holders])
            _add(findings, entries, base_url, seen)
    for el in _container_candidates(body):
        if any(el is e or _inside(el, e) for e in findings.elements):
            continue
        named = _CONTAINER_NAMES.search(class_tokens(el)) or el.get("role") in (
            "doc-bibliography", "doc-endnotes")
        if not named or el.tag in ("a", "sup", "span", "body", "article", "main"):
            continue
        entries = _entries_in(el)
        if entries:
            findings.elements.append(el)
            _add(findings, entries, base_url, seen)
    return findings


def _container_candidates(body: HtmlElement) -> list[HtmlElement]:
    """Elements whose class or id contains a reference-container word, or whose role
    is a bibliography's, in page order."""
    return [el for el in descendants(body) if el.get("role") in _CONTAINER_ROLES
            or _container_part(el.get("class") or "", el.get("id") or "")]


@lru_cache(maxsize=4096)
def _container_part(classes: str, ident: str) -> bool:
    return any(part in classes or part in ident for part in _CONTAINER_PARTS)


def references_in(containers: list[HtmlElement], *, base_url: str) -> ReferenceFindings:
    """Entries of the reference lists a site's rules point at."""
    findings = ReferenceFindings()
    seen: set[int] = set()
    for container in containers:
        entries = _entries_in(container) or [container]
        findings.elements.append(container)
        _add(findings, entries, base_url, seen)
    return findings


def _add(findings: ReferenceFindings, entries: list[HtmlElement], base_url: str, seen: set[int]) -> None:
    for entry in entries:
        if id(entry) in seen:
            continue
        seen.add(id(entry))
        text = _BACKLINK.sub(" ", element_text(entry)).strip()
        links = [u for a in entry.iter("a") if (u := absolute_url(a.get("href"), base_url))]
        links = [u for u in links if "#" not in u.split("/")[-1] or not u.startswith(base_url)]
        if len(text) < 8 and not links:
            continue
        findings.references.append(parse_reference(text, url=links[0] if links else None, links=links))


_HEADING_WORDS = re.compile(
    r"referenc|r[ée]f[ée]renc|source|citation|bibliogra|works cited|literat|fuentes|quellen|"
    r"studies|research|cited", re.IGNORECASE)


def _heading_candidates(body: HtmlElement) -> list[HtmlElement]:
    """Heading-like elements whose text names a reference list, in page order; found
    through short text nodes so long containers are never measured."""
    found: list[HtmlElement] = []
    for text in body.xpath(".//text()[string-length(normalize-space(.)) > 3 and "
                           "string-length(normalize-space(.)) < 61]"):
        if not _HEADING_WORDS.search(text):
            continue
        node = text_owner(text)
        while node is not None and node.tag in ("span", "strong", "b", "em", "a", "i") and \
                node.getparent() is not None and node.getparent().tag in _HEADING_LIKE:
            node = node.getparent()
        if node is not None and node.tag in _HEADING_LIKE and node not in found and \
                _is_heading_candidate(node):
            found.append(node)
    return found


def _is_heading_candidate(el: HtmlElement) -> bool:
    text = element_text(el)
    if not text or len(text) > 60 or not is_reference_heading(text):
        return False
    if el.tag in HEADING_TAGS or el.tag in ("summary", "button", "dt"):
        return True
    # A bold paragraph or a div acting as a heading: its whole text, no long children.
    return len(el) <= 2 and all(not isinstance(c.tag, str) or c.tag in ("strong", "b", "span", "em") for c in el)


def _entries_after(heading: HtmlElement) -> tuple[list[HtmlElement], list[HtmlElement]]:
    """List items or paragraphs following the heading up to the next heading of the same
    or a higher level; climbs out of a wrapper when the heading has no siblings."""
    node = heading
    while node.getnext() is None and node.getparent() is not None and node.getparent().tag not in (
            "body", "article", "main"):
        node = node.getparent()
    level = heading_level(heading) or 6
    entries: list[HtmlElement] = []
    holders: list[HtmlElement] = []
    list_seen = False
    sibling = node.getnext()
    while sibling is not None:
        if not isinstance(sibling.tag, str):
            sibling = sibling.getnext()
            continue
        sib_level = heading_level(sibling)
        if sib_level and sib_level <= level:
            break
        if sibling.tag in HEADING_TAGS or _is_plain_heading(sibling):
            break
        found = _entries_in(sibling)
        if sibling.tag not in ("ul", "ol"):
            found = [f for f in found if looks_like_citation(element_text(f))]
        if found and (sibling.tag in ("ul", "ol") or not list_seen):
            entries.extend(found)
            holders.append(sibling)
            list_seen = list_seen or sibling.tag in ("ul", "ol")
        elif sibling.tag == "p" and not list_seen and looks_like_citation(element_text(sibling)):
            entries.append(sibling)
            holders.append(sibling)
        elif element_text(sibling):
            break
        sibling = sibling.getnext()
    return entries, holders


_CITATION_HINT = re.compile(
    r"\b(?:19|20)\d\d\b|doi|pmid|https?://|www\.|et al|journal|\bvol\.|\d+\(\d+\)|[\"“”]", re.IGNORECASE)


def looks_like_citation(text: str) -> bool:
    """A paragraph that reads as a reference entry (a year, a DOI or link, 'et al.', quotes)."""
    return 10 <= len(text) <= 1500 and bool(_CITATION_HINT.search(text))


def _is_plain_heading(el: HtmlElement) -> bool:
    text = element_text(el)
    return el.tag in ("p", "div") and 0 < len(text) < 60 and len(el) == 1 and el[0].tag in (
        "strong", "b") and element_text(el[0]) == text and not re.search(r"\d{4}|doi|http", text, re.I)


def _entries_in(el: HtmlElement) -> list[HtmlElement]:
    if el.tag in ("ol", "ul"):
        return [li for li in el.findall("li") if element_text(li)]
    items = [li for li in el.iter("li") if element_text(li) and li.find(".//li") is None]
    if items:
        return items
    paragraphs = [p for p in el.iter("p", "dd") if element_text(p)]
    if paragraphs and el.tag in ("div", "section", "aside", "footer", "dl"):
        return paragraphs
    return []


def _inside(el: HtmlElement, container: HtmlElement) -> bool:
    return any(a is container for a in el.iterancestors())
