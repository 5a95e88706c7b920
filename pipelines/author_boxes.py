"""Bylines and author boxes in the DOM: who is credited, with role, bio and profile link.

Candidates are found generically: elements named for authors (``author-box``,
``byline``, ``itemprop=author``, ``rel=author``) and short elements whose text
reads as a byline ("By Jane Roe, RD", "Medically reviewed by ..."). The text of
each candidate is parsed by ``pipelines.bylines``; the candidates are removed from
the tree so the body text no longer carries them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from pipelines.bylines import clean_bio, is_byline_text, is_role_text, parse_byline, split_name_role
from pipelines.dom import (
    HtmlElement,
    class_tokens,
    descendants,
    element_text,
    text_lines,
    text_owner,
)
from pipelines.records import Author
from pipelines.urls import absolute_url

_AUTHOR_NAMES = re.compile(
    r"(?:^|[^a-z])(author|byline|writer|contributor|reviewe[dr]|review-by|medically|fact-?check|"
    r"expert|credential)"
)
_NOT_AUTHOR = re.compile(r"authority|author-comment|comment-author|bypostauthor")
_ROLE_NAMES = re.compile(r"role|job|credential|position|specialt|designation|title|occupation|profession")
_BIO_NAMES = re.compile(r"bio|description|about|summary")
_NAME_NAMES = re.compile(r"(?:^|[^a-z])(name|author-name|fn)(?:$|[^a-z])")
PROFILE_PATH = re.compile(
    r"/(author|authors|autor|auteur|team|staff|people|contributors?|experts?|profile|"
    r"doctors?|providers?|writers?|editors?|reviewers?|our-team|medical-review-board)/",
    re.IGNORECASE,
)
_PERSON_LIKE = re.compile(r"^(?:(?:Dr|Prof|Mr|Mrs|Ms)\.?\s+)?[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,4}$")
_DATE_LIKE = re.compile(r"\b(19|20)\d\d\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b")
MAX_BOX_CHARS = 1500


@dataclass(slots=True)
class AuthorFindings:
    authors: list[Author] = field(default_factory=list)
    elements: list[HtmlElement] = field(default_factory=list)
    date_lines: list[str] = field(default_factory=list)


def find_authors(doc: HtmlElement, *, base_url: str) -> AuthorFindings:
    """Authors credited in the page body, in page order, and the elements that carry them."""
    body = doc.find("body")
    findings = AuthorFindings()
    if body is None:
        return findings
    for el in _candidate_elements(body):
        lines = text_lines(el)
        authors = _authors_in_box(el, lines, base_url=base_url)
        findings.date_lines.extend(line for line in lines if _DATE_LIKE.search(line) and len(line) < 160)
        if authors:
            findings.authors.extend(authors)
            findings.elements.append(el)
        elif _is_named_author_box(el):
            findings.elements.append(el)
    return findings


# Cheap pre-selection: elements whose attributes mention an author-ish word, and text
# nodes that start like a byline. The exact tests run on these only.
_AUTHOR_ITEMPROPS = frozenset(("author", "reviewedBy", "editor", "creator"))
_AUTHOR_CLASS_OR_ID_PARTS = ("uthor", "yline")
_AUTHOR_CLASS_PARTS = ("eview", "ontribut", "riter", "xpert", "redential", "act-check", "actcheck",
                       "edically")


def _may_name_author(el: HtmlElement) -> bool:
    return el.get("itemprop") in _AUTHOR_ITEMPROPS or el.get("rel") == "author" or \
        _author_part(el.get("class") or "", el.get("id") or "")


@lru_cache(maxsize=4096)
def _author_part(classes: str, ident: str) -> bool:
    return any(part in classes or part in ident for part in _AUTHOR_CLASS_OR_ID_PARTS) or \
        any(part in classes for part in _AUTHOR_CLASS_PARTS)


_BYLINE_START = re.compile(
    r"^\s*(?:(?:written|medically reviewed|reviewed|fact[- ]checked|edited|escrito|revisado|"
    r"r[ée]dig[ée]|relu|geschrieben)\s+)?(?:by|por|par|von)\b|^\s*(?:author|autor|auteur)\s*:|"
    r"^\s*(?:revisione medica di|revisionato da|rivisto da|scritto da|a cura di|answered by)\b",
    re.IGNORECASE,
)
_INLINE = frozenset(("span", "a", "strong", "em", "b", "i", "small", "time", "abbr", "cite", "font"))
_SKIP = frozenset(("html", "body", "main", "article", "script", "style", "head", "title"))


def authors_in_elements(elements: list[HtmlElement], *, base_url: str) -> AuthorFindings:
    """Authors in elements a site's rules name as its bylines and author boxes."""
    findings = AuthorFindings()
    for el in elements:
        lines = text_lines(el)
        findings.authors.extend(_authors_in_box(el, lines, base_url=base_url, trusted=True))
        findings.elements.append(el)
        findings.date_lines.extend(line for line in lines if _DATE_LIKE.search(line) and len(line) < 160)
    return findings


def _candidate_elements(body: HtmlElement) -> list[HtmlElement]:
    """Outermost author-named elements plus short byline-text elements, in page order."""
    pool: set[HtmlElement] = set()
    for el in descendants(body):
        if el.tag not in _SKIP and _may_name_author(el) and _is_named(el):
            pool.add(el)
    for text in body.xpath(".//text()[string-length(normalize-space(.)) > 1]"):
        if not _BYLINE_START.match(text):
            continue
        node = text_owner(text)
        while node is not None and node.tag in _INLINE and node.getparent() is not None:
            node = node.getparent()
        if node is None or node.tag in _SKIP:
            continue
        line = element_text(node)
        if len(line) <= 200 and is_byline_text(line):
            pool.add(node)
    named = _named_only(pool)
    chosen: list[HtmlElement] = []
    ordered = body.xpath("$pool | $pool", pool=list(pool)) if pool else []  # document order
    for el in ordered:  # outermost wins
        if any(_is_ancestor(c, el) for c in chosen):
            continue
        if el.find(".//h1") is not None or _inside_listing_chrome(el) or _holds_prose(el):
            continue
        if el.tag in ("nav", "footer", "header") and not _is_named_author_box(el):
            continue
        text = element_text(el)
        if text and len(text) <= MAX_BOX_CHARS and not (
                el not in named and _has_block_child_with_byline(el)):
            chosen.append(el)
    return chosen


def _holds_prose(el: HtmlElement) -> bool:
    """Several long paragraphs: content (an expert's answer), not a byline or author box."""
    long_paragraphs = [p for p in el.iter("p") if len(p.text_content()) > 150]
    return len(long_paragraphs) >= 2 and sum(len(p.text_content()) for p in long_paragraphs) > 500


def _named_only(pool: set[HtmlElement]) -> set[HtmlElement]:
    return {el for el in pool if _is_named(el)}


def _is_named(el: HtmlElement) -> bool:
    """Named as a byline or author box, or linked as the author."""
    return _is_named_author_box(el) or el.get("rel") == "author"


_PRODUCT_TOKENS = frozenset({"product", "products", "vendor", "brand", "price", "cart", "offer", "buy"})


def _inside_listing_chrome(el: HtmlElement) -> bool:
    """In navigation, comments or a product box ('by Jarrow Formulas' names a vendor)."""
    for a in (el, *el.iterancestors()):
        names = class_tokens(a)
        if a.tag in ("nav", "footer") or "comment" in names or a.get("data-product-id") is not None \
                or _PRODUCT_TOKENS & set(re.split(r"[^a-z]+", names)):
            return True
    return False


def _has_block_child_with_byline(el: HtmlElement) -> bool:
    """A block child carries its own byline: take the child, not this wrapper (inline
    children such as split '<span>By</span> <a>Name</a>' belong to the wrapper)."""
    return any(
        isinstance(c.tag, str) and c.tag in ("p", "div", "li", "section", "aside", "header")
        and is_byline_text(element_text(c)) for c in el
    )


def _is_named_author_box(el: HtmlElement) -> bool:
    names = class_tokens(el)
    if el.get("itemprop") in ("author", "reviewedBy", "editor", "creator"):
        return True
    return bool(names and _AUTHOR_NAMES.search(names) and not _NOT_AUTHOR.search(names))


def _is_ancestor(ancestor: HtmlElement, el: HtmlElement) -> bool:
    return any(a is ancestor for a in el.iterancestors())


def _authors_in_box(el: HtmlElement, lines: list[str], *, base_url: str,
                    trusted: bool = False) -> list[Author]:
    """Parse one candidate: byline lines first; else a name element or name-like line."""
    links = _profile_links(el, base_url)
    authors: list[Author] = []
    consumed: set[int] = set()
    pending_label: str | None = None
    for i, line in enumerate(lines):
        line = re.sub(r"\s+([,;])", r"\1", line)
        if re.fullmatch(r"(?i)(written |medically reviewed |reviewed |fact[- ]checked |edited )?by:?|por|par|von", line):
            pending_label = line
            consumed.add(i)
            continue
        if pending_label:
            if _PERSON_LIKE.match(line.split(",")[0].strip()):
                line = f"{pending_label} {line}"  # 'By' then one name per list item
            else:
                pending_label = None
        if is_byline_text(line):
            parsed = parse_byline(line)
            if parsed:
                authors.extend(parsed)
                consumed.add(i)
    if not authors:
        name_el = _first_named(el, _NAME_NAMES)
        if name_el is None:
            name_el = _profile_anchor(el, base_url)
        name_text = element_text(name_el) if name_el is not None else None
        if not name_text:
            name_text = next((ln for ln in lines if _PERSON_LIKE.match(ln)), None)
        if not name_text or not (trusted or _is_named_author_box(el) or el.get("rel") == "author"):
            return []
        several = parse_byline(f"By {name_text}")
        if len(several) > 1:  # "Tom Becker, Lena Fischer": two people, no roles
            return [_with_link(a, links) for a in several]
        name, role = split_name_role(name_text)
        if not name:
            return []
        authors.append(Author(name=name, role=role))
        consumed.update(i for i, ln in enumerate(lines) if ln == name_text)
    return [_complete(a, el, lines, consumed, links) for a in authors] if len(authors) == 1 else [
        _with_link(a, links) for a in authors
    ]


def _complete(author: Author, el: HtmlElement, lines: list[str], consumed: set[int],
              links: dict[str, str]) -> Author:
    """Fill role and bio of a single credited person from the rest of the box."""
    role = author.role
    bio = _smallest_named_text(el, _BIO_NAMES, min_chars=40, max_chars=1200)
    role_text = _smallest_named_text(el, _ROLE_NAMES, min_chars=2, max_chars=100)
    role_text = role_text.strip(" ,;:|-–—·") if role_text else None
    if role_text and (not _looks_like_role(role_text) or (
            _PERSON_LIKE.match(role_text) and not is_role_text(role_text))):
        role_text = None  # a name (a co-author's) in an element named like a title
    if role_text and role_text != bio and author.name.lower() not in role_text.lower() and (
            role is None or len(role_text) > len(role)):
        role = role_text
    rest = [ln for i, ln in enumerate(lines) if i not in consumed and not _is_name_line(ln, author.name)]
    if role is None:  # a free line of the box: only if it reads as a job title
        role = next((ln for ln in rest if _looks_like_role(ln) and is_role_text(ln)), None)
    if bio is None:
        long_lines = [ln for ln in rest if len(ln) >= 60 and ln != role]
        bio = max(long_lines, key=len) if long_lines else None
    return _with_link(replace(author, role=role, bio=clean_bio(bio)), links)


def _with_link(author: Author, links: dict[str, str]) -> Author:
    if author.url:
        return author
    key = author.name.lower()
    url = next((u for text, u in links.items() if key and key in text), None)
    if url is None and len(links) == 1:
        url = next(iter(links.values()))
    return replace(author, url=url)


def _profile_links(el: HtmlElement, base_url: str) -> dict[str, str]:
    """Profile links in the box, keyed by their lower-case link text."""
    links: dict[str, str] = {}
    for a in el.iter("a"):
        url = absolute_url(a.get("href"), base_url)
        if url and (PROFILE_PATH.search(url) or a.get("rel") == "author"):
            links.setdefault(element_text(a).lower() or url, url)
    if el.tag == "a" and (url := absolute_url(el.get("href"), base_url)) and PROFILE_PATH.search(url):
        links.setdefault(element_text(el).lower(), url)
    return links


def _profile_anchor(el: HtmlElement, base_url: str) -> HtmlElement | None:
    for a in el.iter("a"):
        url = absolute_url(a.get("href"), base_url)
        if url and PROFILE_PATH.search(url) and element_text(a):
            return a
    return None


def _smallest_named_text(el: HtmlElement, pattern: re.Pattern[str], *, min_chars: int,
                         max_chars: int) -> str | None:
    """Text of the innermost descendant named by ``pattern`` whose text length fits:
    'author-bio-description' rather than its 'author-bio' wrapper."""
    best: str | None = None
    for child in el.iter():
        if child is el or not isinstance(child.tag, str) or not pattern.search(class_tokens(child)):
            continue
        text = element_text(child)
        if min_chars <= len(text) <= max_chars and (best is None or len(text) < len(best)):
            best = text
    return best


def _first_named(el: HtmlElement, pattern: re.Pattern[str]) -> HtmlElement | None:
    for child in el.iter():
        if child is el or not isinstance(child.tag, str):
            continue
        if pattern.search(class_tokens(child)) and element_text(child):
            return child
    return None


def _is_name_line(line: str, name: str) -> bool:
    low = line.lower()
    return name.lower() in low and len(line) <= len(name) + 12


def _looks_like_role(line: str) -> bool:
    if not 2 <= len(line) <= 90 or _DATE_LIKE.search(line) or is_byline_text(line) or line.endswith(":"):
        return False
    if line.endswith((".", "!", "?")) and len(line.split()) > 6:
        return False
    low = line.lower()
    if re.search(r"[^\w\s,.&()'’/+-]", line) or re.search(r"\b[\w-]+\.(?:com|org|net|io|run|blog|co|me)\b", low):
        return False  # a location pin, a handle, a website: not a job title
    if re.search(r"\b(?:author|autor|auteur|autorin|reviewer|about|über|sobre|propos|meet|written|posts?|"
                 r"articles?|more|from|answered|answer|question)\b", low):
        return False  # box labels: "About the author", "Meet the expert", "More posts"
    return not low.startswith(("more ", "view ", "read ", "see ", "follow", "all posts"))
