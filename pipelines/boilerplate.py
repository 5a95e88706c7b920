"""Boilerplate in the DOM: consent banners, ad-block pleas, affiliate and product
boxes, disclosures, newsletter boxes, share bars, related lists, comments.

Two generic signals, no per-site rule:
- class/id/role tokens that name a boilerplate component (``cookie-banner``,
  ``share-bar``, ``related-posts``);
- text signatures of such components (``As an Amazon Associate``, ``We use
  cookies``, ``disable your ad blocker``), from which the smallest box-like
  container around the match is removed.
Neither may remove the article container or anything holding a large share of it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from pipelines.boilerplate_text import (
    CTA,
    RELATED_HEADING,
    SHARE,
    SIGNATURE_KEYWORDS,
    has_text_signature,
    is_disclosure,
)
from pipelines.dom import HEADING_TAGS, HtmlElement, class_tokens, element_text, text_owner
from pipelines.locate import densest_container

# Tokens of class/id/role values: split at non-letters, matched whole.
BOILERPLATE_TOKENS = frozenset(
    ["cookie", "cookies", "consent", "gdpr", "ccpa", "cmp", "onetrust", "cookiebot", "newsletter", "subscribe", "subscription", "signup", "optin", "share", "sharing", "sharebar", "social", "socials", "sharethis", "addthis", "related", "relatedposts", "recommended", "recirculation", "comments", "comment", "respond", "disqus", "commentlist", "adblock", "adblocker", "advert", "advertisement", "advertising", "ads", "adslot", "adunit", "adsense", "sponsor", "sponsored", "affiliate", "affiliates", "promo", "promotion", "popup", "modal", "overlay", "breadcrumb", "breadcrumbs", "sidebar", "toc", "skiplink", "pagination", "pager", "paywall", "donate", "donation", "outbrain", "taboola", "editsection", "noprint", "navbox", "catlinks"]
)
# Component names that appear as a token pair, e.g. "product-box", "read-more".
BOILERPLATE_PAIRS = frozenset({
    ("product", "box"), ("product", "card"), ("product", "widget"), ("read", "more"),
    ("more", "stories"), ("you", "may"), ("also", "like"), ("post", "navigation"),
    ("mailing", "list"), ("email", "signup"), ("ad", "block"), ("ad", "container"),
    ("ad", "wrapper"), ("ad", "slot"), ("table", "contents"), ("sign", "up"),
    ("sr", "only"), ("screen", "reader"), ("visually", "hidden"), ("print", "only"),
    ("banner", "ad"), ("product", "callout"), ("product", "grid"), ("product", "carousel"),
    ("product", "list"), ("shop", "the"), ("buy", "box"), ("buy", "button"),
})
# CMS classes that describe the post (WordPress "tag-ads", "category-social",
# "comments-open"), not a component: ignored when reading names.
TAXONOMY_CLASS = re.compile(
    r"^(?:tag|category|cat|postid|format|status|type|has|comments|single|term|topic)-"
)
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
PROTECTED_TAGS = frozenset({"html", "body", "main", "article"})

Removable = Callable[[HtmlElement, int], bool]
# Candidates for labels: headings and links short enough to be one.
_LABEL_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "strong")
_LINK_TAGS = ("a", "button")
MAX_LABEL_CHARS = 120


def _short_elements(body: HtmlElement, tags: tuple[str, ...]) -> list[HtmlElement]:
    """``tags`` elements under ``body`` whose text is shorter than a label's, in page order
    (3x faster than the XPath ``string-length(.)`` test)."""
    return [el for el in body.iter(*tags) if len(el.text_content()) < MAX_LABEL_CHARS]


@dataclass(slots=True)
class CleaningReport:
    """What the cleaner found and removed."""

    removed: int = 0
    disclosure_found: bool = False
    reasons: list[str] | None = None


def has_boilerplate_name(el: HtmlElement) -> bool:
    if not (el.get("class") or el.get("id") or el.get("role") or el.get("itemprop")):
        return False
    return _is_boilerplate_name(class_tokens(el))


@lru_cache(maxsize=8192)
def _is_boilerplate_name(attributes: str) -> bool:
    """Verdict per distinct class/id/role string: pages repeat the same few hundred."""
    names = [n for n in attributes.split() if not TAXONOMY_CLASS.match(n)]
    tokens = [t for t in _TOKEN_SPLIT.split(" ".join(names)) if t]
    if not tokens:
        return False
    if any(t in BOILERPLATE_TOKENS for t in tokens):
        return True
    return any(pair in BOILERPLATE_PAIRS for pair in itertools.pairwise(tokens))


def is_hidden(el: HtmlElement) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return (
        "display:none" in style or "visibility:hidden" in style or el.get("hidden") is not None
        or (el.get("aria-hidden") == "true" and el.tag not in ("svg", "i", "span"))
    )


def clean_boilerplate(doc: HtmlElement, *, root: HtmlElement | None = None) -> CleaningReport:
    """Remove boilerplate from ``doc`` in place. ``root`` is the article container
    (never removed, nor any of its ancestors, nor a box holding >40% of its text)."""
    report = CleaningReport(reasons=[])
    body = doc.find("body")
    if body is None:
        return report
    root = root if root is not None else body
    keep = _protected(root)
    dense = densest_container(root)
    if dense is not None:
        keep |= _protected(dense)
    root_text = element_text(root)
    root_len = max(len(root_text), 1)
    report.disclosure_found = is_disclosure(root_text)

    def removable(el: HtmlElement, limit: int) -> bool:
        if el in keep or el.tag in PROTECTED_TAGS:
            return False
        size = len(element_text(el))
        if size > limit:
            return False
        return not (_is_inside(el, root) and size > 0.4 * root_len)

    # 1. Components named as boilerplate, and hidden elements (collapsed accordions and
    # tabs inside the article are content: they were revealed first).
    reveal_collapsed(root)
    for el in list(body.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None or el in keep:
            continue
        if (is_hidden(el) or has_boilerplate_name(el)) and removable(el, 20000):
            _drop(el, report, "name")

    # Product boxes marked up as products (e-commerce widgets inside articles).
    for el in body.xpath(".//*[@data-product-id or @data-product or contains(@itemtype, 'schema.org/Product')]"):
        if el.getparent() is not None and el not in keep and removable(el, 5000):
            _drop(el, report, "product")

    # 2. Text signatures: remove the smallest box around each match. Candidates come
    # from text nodes carrying a signature keyword, so long prose is never scanned twice.
    for el in _signature_candidates(body):
        if el.getparent() is None or el in keep:
            continue
        text = element_text(el)
        if not text or len(text) > 600:
            continue
        if not has_text_signature(text):
            continue
        box = _enclosing_box(el, removable, limit=max(900, 3 * len(text)))
        if box is not None:
            _drop(box, report, "text")

    # 3. Call-to-action product links ("Check Price on Amazon") and their boxes.
    for link in _short_elements(body, _LINK_TAGS):
        if link.getparent() is None:
            continue
        label = element_text(link)
        if not (CTA.search(label) or (link.get("rel", "").lower().find("sponsored") >= 0 and not label)):
            continue
        block = _block_of(link)
        if block is not None and block.tag in ("p", "li", "td", "blockquote", "dd") and \
                len(element_text(block)) > 2 * len(label) + 60:
            continue  # an inline link in prose: the prose stays
        box = _enclosing_box(link, removable, limit=900)
        if box is not None:
            _drop(box, report, "cta")

    # 4. Related-content lists, share bars, and link-only lists.
    for heading in _short_elements(body, _LABEL_TAGS):
        if heading.getparent() is None or heading in keep:
            continue
        text = element_text(heading)
        if len(text) < 60 and (RELATED_HEADING.search(text) or SHARE.match(text)):
            _drop_heading_and_list(heading, report, removable)
    return report


def reveal_collapsed(root: HtmlElement) -> None:
    """Accordion panels and tabs ship their text hidden: show it, and unwrap the
    buttons that hold section headings, so the body keeps every section."""
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or has_boilerplate_name(el):
            continue
        if el.tag == "button" and any(h.tag in HEADING_TAGS for h in el.iter()):
            el.drop_tag()
            continue
        if is_hidden(el) and len(element_text(el)) >= 80 and el.find(".//p") is not None and \
                not any(a.tag in ("figure", "figcaption") for a in el.iterancestors()):
            for attr in ("hidden", "aria-hidden"):
                el.attrib.pop(attr, None)
            style = el.get("style")
            if style:
                el.set("style", re.sub(r"display\s*:\s*none|visibility\s*:\s*hidden", "", style, flags=re.I))


_SIGNATURE_TAGS = frozenset(("p", "div", "span", "li", "small", "em", "aside", "section", "h2", "h3",
                             "h4", "h5", "h6", "strong", "b", "i", "td", "label", "button", "a"))


def _signature_candidates(body: HtmlElement) -> list[HtmlElement]:
    """The innermost element around each text node with a signature keyword, in page order."""
    found: list[HtmlElement] = []
    seen: set[HtmlElement] = set()
    page_text = body.text_content().lower()
    present = [k for k in SIGNATURE_KEYWORDS if k in page_text]  # usually a handful, often none
    if not present:
        return found
    for text in body.xpath(".//text()[string-length(normalize-space(.)) > 4]"):
        low = text.lower()
        if not any(k in low for k in present):
            continue
        node = text_owner(text)
        while node is not None and node.tag not in _SIGNATURE_TAGS:
            node = node.getparent()
        if node is not None and node not in seen:
            seen.add(node)
            found.append(node)
            parent = node.getparent()  # a signature split over inline elements
            if parent is not None and parent.tag in _SIGNATURE_TAGS and parent not in seen:
                seen.add(parent)
                found.append(parent)
    return found


def _protected(root: HtmlElement) -> set[HtmlElement]:
    keep = {root}
    parent = root.getparent()
    while parent is not None:
        keep.add(parent)
        parent = parent.getparent()
    return keep


def _is_inside(el: HtmlElement, root: HtmlElement) -> bool:
    node: HtmlElement | None = el
    while node is not None:
        if node is root:
            return True
        node = node.getparent()
    return False


def _block_of(el: HtmlElement) -> HtmlElement | None:
    node = el.getparent()
    while node is not None and node.tag in ("span", "strong", "em", "b", "i", "a", "small"):
        node = node.getparent()
    return node


def _enclosing_box(el: HtmlElement, removable: Removable, *, limit: int) -> HtmlElement | None:
    """Climb from ``el`` while the parent is still a small box; the outermost removable one."""
    if not removable(el, limit):
        return None
    box = el
    parent = el.getparent()
    while parent is not None and removable(parent, limit) and parent.tag not in PROTECTED_TAGS:
        box = parent
        parent = parent.getparent()
    return box


def _drop(el: HtmlElement, report: CleaningReport, reason: str) -> None:
    if el.getparent() is None:
        return
    el.drop_tree()
    report.removed += 1
    if report.reasons is not None:
        report.reasons.append(reason)


def _drop_heading_and_list(heading: HtmlElement, report: CleaningReport, removable: Removable) -> None:
    sibling = heading.getnext()
    if sibling is not None and sibling.tag in ("ul", "ol", "div", "nav") and _is_link_list(sibling):
        if removable(sibling, 4000):
            _drop(sibling, report, "related")
            _drop(heading, report, "related")
        return
    parent = heading.getparent()
    if (parent is not None and parent.tag in ("div", "aside", "section", "nav")
            and _is_link_list(parent) and removable(parent, 4000)):
        _drop(parent, report, "related")


def _is_link_list(el: HtmlElement) -> bool:
    """Mostly links (>= 3 of them), little prose: navigation, not content."""
    links = [a for a in el.iter("a") if a.get("href")]
    if len(links) < 3:
        return False
    total = len(element_text(el))
    linked = sum(len(element_text(a)) for a in links)
    return total > 0 and linked / total > 0.8
