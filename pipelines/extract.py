"""FetchedPage -> ExtractedPage: read every raw value off one HTML page.

The page is parsed once. Structured parts (JSON-LD, meta tags, bylines and author
boxes, the reference list, affiliate links, visible dates) are read first; then
the parts that are not the article's prose are removed from the tree and
trafilatura extracts the body from what is left.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from pipelines.affiliates import find_affiliate_links
from pipelines.author_boxes import authors_in_elements, find_authors
from pipelines.author_cleanup import clean_authors
from pipelines.body import extract_blocks
from pipelines.boilerplate import clean_boilerplate
from pipelines.bylines import merge_authors, name_key
from pipelines.classify import PageSignals, classify_page, classify_url
from pipelines.dates import find_labelled_dates
from pipelines.dom import (
    HtmlElement,
    NotHtmlError,
    decode_html,
    drop_non_content,
    element_text,
    parse_html,
)
from pipelines.jsonld import ORGANISATION_TYPES, first_string, main_node, read_jsonld, types_of
from pipelines.jsonld_authors import authors_from_jsonld
from pipelines.locate import find_article_root, find_title_heading, paragraph_chars
from pipelines.metadata import (
    PageMeta,
    date_in_url,
    find_page_edited_date,
    find_visible_dates,
    read_page_meta,
)
from pipelines.records import Author, ExtractedPage, ExtractOptions, FetchedPage, Rejection
from pipelines.reference_lists import find_references, references_in
from pipelines.site_learning import drop_learned
from pipelines.site_rules import SiteRules, apply_removals, select
from pipelines.text import word_count
from pipelines.tidy import tidy_blocks
from pipelines.urls import normalise_url, same_site

HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml")
MAX_BODY_BYTES = 15 * 1024 * 1024


def extract_page(page: FetchedPage, options: ExtractOptions | None = None) -> ExtractedPage | Rejection:
    """Raw values of one page, or the reason it has none. ``options`` carries what is
    known of the page's site (learned boilerplate, declarative overrides)."""
    if page.status >= 400:
        return Rejection(page.url, f"http:{page.status}")
    mime = (page.content_type or "").split(";")[0].strip().lower()
    if mime and mime not in HTML_TYPES and not mime.startswith("text/"):
        return Rejection(page.url, "fetch:non_html", mime)
    if len(page.body) > MAX_BODY_BYTES:
        return Rejection(page.url, "fetch:too_large", f"{len(page.body)} bytes")
    options = options or ExtractOptions()
    rules: SiteRules | None = options.site_rules
    verdict = rules.url_verdict(page.url) if rules else None
    if verdict == "skip":
        return Rejection(page.url, "skip:rule", f"skip_urls of {rules.site if rules else ''}")
    by_url = classify_url(page.url) if verdict != "article" else None
    if by_url is not None:  # a listing or site page: crawled for links, never parsed here
        return Rejection(page.url, f"skip:{by_url[0]}", by_url[1])
    try:
        doc = parse_html(decode_html(page.body, content_type=page.content_type, encoding=page.encoding))
    except NotHtmlError as exc:
        return Rejection(page.url, "extract:not_html", str(exc))
    return _extract_document(doc, page, options)


def _extract_document(doc: HtmlElement, page: FetchedPage, options: ExtractOptions) -> ExtractedPage | Rejection:
    rules: SiteRules | None = options.site_rules
    nodes = read_jsonld(doc)
    drop_non_content(doc)
    apply_removals(doc, rules)
    article = main_node(nodes)
    head_title = doc.find(".//title")
    hint = element_text(head_title) if head_title is not None else None
    title_el = find_title_heading(doc, hint)
    ruled_body = select(doc, rules.body) if rules else []
    root = ruled_body[0] if ruled_body else find_article_root(doc, title_el)
    meta = read_page_meta(doc, article=article, nodes=nodes, root=root, page_url=page.url)
    canonical = _canonical_url(meta.canonical, page.url)
    card_count, card_share, linked_ratio, heading_texts = _listing_shape(root)

    affiliate_links = find_affiliate_links(root if root.tag != "body" else doc, base_url=page.url)
    visible_dates = find_visible_dates(root if title_el is None or _contains(root, title_el)
                                       else doc.find("body"))
    page_edited = find_page_edited_date(doc)
    ruled_refs = select(doc, rules.references) if rules else []
    references = (references_in(ruled_refs, base_url=page.url) if ruled_refs
                  else find_references(doc, base_url=page.url))
    ruled_bylines = select(doc, rules.byline) if rules else []
    found_authors = (authors_in_elements(ruled_bylines, base_url=page.url) if ruled_bylines
                     else find_authors(doc, base_url=page.url))
    for line in found_authors.date_lines:
        for key, raw in find_labelled_dates(line).items():
            visible_dates.setdefault(key, raw)
    protected = {root, *(title_el.iterancestors() if title_el is not None else ())}
    if title_el is not None:
        protected.add(title_el)
    for el in [*references.elements, *found_authors.elements]:
        if el not in protected and not _contains(el, root) and not (
                title_el is not None and _contains(el, title_el)) and el.getparent() is not None:
            el.drop_tree()

    authors = _merge_page_authors(article, found_authors.authors)
    title_text = element_text(title_el) if title_el is not None else None
    raw_title = _choose_title(title_text, meta)
    report = clean_boilerplate(doc, root=root)
    blocks = drop_learned(extract_blocks(doc, url=page.url), options.learned_boilerplate)
    tidy = tidy_blocks(blocks, title=raw_title, category=meta.category)

    published_raw = meta.published_raw or visible_dates.get("published") or date_in_url(page.url)
    updated_raw = meta.updated_raw or visible_dates.get("updated") or page_edited
    words = sum(word_count(b.text) for b in tidy.blocks if b.kind != "heading")
    signals = PageSignals(
        url=canonical, jsonld_types=frozenset(meta.jsonld_types), og_type=meta.og_type,
        word_count=words, headings=tuple(heading_texts), has_date=bool(published_raw),
        has_byline=bool(authors), linked_heading_ratio=linked_ratio, card_count=card_count,
        card_share=card_share,
    )
    page_type, reason = classify_page(signals)
    if rules and rules.url_verdict(page.url) == "article" and page_type in ("listing", "other"):
        page_type, reason = "article", f"article_urls of {rules.site}"
    flags = []
    if report.disclosure_found or tidy.disclosure_found:
        flags.append("affiliate_disclosure")
    if tidy.placeholder_found:
        flags.append("template_placeholder")
    return ExtractedPage(
        url=canonical, fetched_url=page.url, fetched_at=page.fetched_at,
        page_type=page_type, page_type_reason=reason, title_raw=raw_title,
        published_raw=published_raw, updated_raw=updated_raw, authors=tuple(authors),
        category_raw=meta.category, tags_raw=tuple(meta.tags), language_raw=meta.language,
        blocks=tuple(tidy.blocks), references=tuple(references.references),
        affiliate_links=tuple(affiliate_links), signals=tuple(flags), site_name=meta.site_name,
    )


def _canonical_url(canonical: str | None, fetched_url: str) -> str:
    if canonical:
        absolute = normalise_url(canonical, base=fetched_url)
        if absolute.startswith(("http://", "https://")) and same_site(absolute, fetched_url):
            return absolute
    return normalise_url(fetched_url)


def _contains(ancestor: HtmlElement, el: HtmlElement) -> bool:
    return el is ancestor or any(a is ancestor for a in el.iterancestors())


def _listing_shape(root: HtmlElement) -> tuple[int, float, float, list[str]]:
    """Teaser cards inside the container, their share of its prose, the share of
    headings that are links, and the heading texts."""
    cards = [a for a in root.iter("article") if a is not root and a.find(".//a") is not None]
    total = max(paragraph_chars(root), 1)
    card_share = sum(len(element_text(c)) for c in cards) / total if cards else 0.0
    headings = [h for h in root.iter("h2", "h3") if element_text(h)]
    linked = sum(1 for h in headings if _is_linked_heading(h))
    ratio = linked / len(headings) if headings else 0.0
    return len(cards), min(card_share, 1.0), ratio, [element_text(h) for h in headings]


def _is_linked_heading(heading: HtmlElement) -> bool:
    """A teaser heading: its text is (mostly) one link, not a heading with an 'edit' link."""
    parent = heading.getparent()
    if parent is not None and parent.tag == "a":
        return True
    text = len(element_text(heading))
    linked = sum(len(element_text(a)) for a in heading.iter("a"))
    return text > 0 and linked / text >= 0.6


def _merge_page_authors(article: dict[str, Any] | None, visible: list[Author]) -> list[Author]:
    """People credited on the page, in page order. What the page shows wins over JSON-LD
    (the schema's role is the one "shown with the byline"); an author box's role line
    wins over the credential in a short byline; JSON-LD fills what the page leaves out."""
    structured: list[Author] = []
    organisations: set[str] = set()
    if article:
        structured = authors_from_jsonld(article)
        organisations = _organisation_names(article)
    boxed_roles = {name_key(a.name): a.role for a in visible if a.bio and a.role}
    visible = [replace(a, role=boxed_roles.get(name_key(a.name), a.role)) for a in visible]
    merged = merge_authors(visible, structured)
    # The schema credits people: an organisation byline ("By Northfield Health Staff")
    # is not an author.
    return clean_authors([a for a in merged if a.name.lower() not in organisations])


def _organisation_names(article: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    for key in ("author", "creator", "reviewedBy", "editor"):
        value = article.get(key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict) and types_of(item) & ORGANISATION_TYPES:
                name = first_string(item.get("name"))
                if name:
                    names.add(name.lower())
    return names


_SEPARATORS = re.compile(r"\s+[|\-–—:·•»]\s+|\s+::\s+")


def _choose_title(h1: str | None, meta: PageMeta) -> str | None:
    """The headline as the page shows it: the h1 when it is a headline (not a logo),
    else JSON-LD headline / og:title / <title> without the site-name suffix."""
    site = (meta.site_name or "").strip().lower()
    candidates = [strip_site_suffix(c, site) for c in meta.title_candidates]
    one_word_headline = h1 and any(c.lower().startswith(h1.strip().lower()) for c in candidates)
    if h1 and (len(h1.split()) >= 2 or not candidates or one_word_headline) and h1.strip().lower() != site:
        return h1
    return next((c for c in candidates if c), h1)


def strip_site_suffix(title: str, site: str) -> str:
    """'Headline | Site Name' -> 'Headline' (also 'Site - Headline'); a short trailing
    segment after a separator counts as a site name when none is known."""
    title = title.strip()
    seps = list(_SEPARATORS.finditer(title))
    if not seps:
        return title
    last, first = seps[-1], seps[0]
    tail, head = title[last.end():], title[:first.start()]
    if _is_site_part(tail, site):
        return title[:last.start()].strip()
    if _is_site_part(head, site):
        return title[first.end():].strip()
    if not site and len(tail.split()) <= 3 and len(title[:last.start()].split()) > len(tail.split()):
        return title[:last.start()].strip()
    return title


def _is_site_part(part: str, site: str) -> bool:
    low = part.strip().lower()
    if not low:
        return False
    if site and (low == site or low in site or site in low):
        return True
    return bool(re.fullmatch(r"[\w-]+(\.[\w-]+)+", low))
