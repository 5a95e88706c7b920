"""Page-level metadata read off the DOM and JSON-LD: title, site name, canonical link,
language, raw dates, category and tags. Values are raw strings; normalising them is
the normalise step's job."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pipelines.boilerplate import has_boilerplate_name
from pipelines.dates import find_labelled_dates, parse_date
from pipelines.dom import HtmlElement, class_tokens, element_text, text_owner
from pipelines.jsonld import breadcrumb_names, first_string, string_list, types_of
from pipelines.text import collapse_space

_PUBLISHED_META = (
    "article:published_time", "article:published", "og:published_time", "published_time", "datepublished",
    "dc.date.issued", "dc.date", "dcterms.issued", "dcterms.created", "citation_publication_date",
    "citation_date", "parsely-pub-date", "sailthru.date", "pubdate", "publishdate", "publish-date",
    "date", "article.published", "cxenseparse:recs:publishtime",
)
_UPDATED_META = (
    "article:modified_time", "article:modified", "og:updated_time", "modified_time", "datemodified",
    "dcterms.modified", "last-modified", "lastmod", "article.updated", "revised",
)
_CATEGORY_NAMES = re.compile(r"(?:^|[^a-z])(categor|cat-links|kicker|eyebrow|rubri|kategor|"
                             r"seccion|secci[oó]n|topic|(?:article|post|entry|story)[-_]*section|"
                             r"section[-_]*(?:label|name|link|tag))")
_TAG_NAMES = re.compile(r"(?:^|[^a-z])(tags|tag-list|tag-links|post-tags|article-tags|entry-tags|"
                        r"tagcloud|keywords|topics|topic-chip|topic-list|post-tag|chips)(?:$|[^a-z])")
_HOME = re.compile(r"^(home|inicio|accueil|startseite|start)$", re.IGNORECASE)


@dataclass(slots=True)
class PageMeta:
    title_candidates: list[str] = field(default_factory=list)
    site_name: str | None = None
    canonical: str | None = None
    language: str | None = None
    published_raw: str | None = None
    updated_raw: str | None = None
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    og_type: str | None = None
    jsonld_types: set[str] = field(default_factory=set)


def read_meta_tags(doc: HtmlElement) -> dict[str, str]:
    """<meta> values keyed by lower-case name/property/itemprop; first value wins,
    except article:tag which collects into 'article:tag' joined by '\\x1f'."""
    meta: dict[str, str] = {}
    for el in doc.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or
               el.get("http-equiv") or "").strip().lower()
        value = (el.get("content") or "").strip()
        if not key or not value:
            continue
        if key == "article:tag":
            meta[key] = f"{meta[key]}\x1f{value}" if key in meta else value
        else:
            meta.setdefault(key, value)
    return meta


def read_page_meta(doc: HtmlElement, *, article: dict[str, Any] | None,
                   nodes: list[dict[str, Any]], root: HtmlElement, page_url: str = "") -> PageMeta:
    meta = read_meta_tags(doc)
    out = PageMeta(jsonld_types={t for n in nodes for t in types_of(n)})
    out.og_type = meta.get("og:type")
    title_el = doc.find(".//title")
    for value in (
        first_string(article.get("headline") or article.get("name")) if article else None,
        meta.get("og:title"), meta.get("twitter:title"),
        element_text(title_el) if title_el is not None else None,
    ):
        if value:
            out.title_candidates.append(collapse_space(value))
    out.site_name = meta.get("og:site_name") or _jsonld_site_name(nodes, article)
    canonical = doc.find(".//link[@rel='canonical']")
    out.canonical = canonical.get("href") if canonical is not None else None
    html = doc if doc.tag == "html" else doc.getroottree().getroot()
    out.language = (
        html.get("lang") or html.get("xml:lang") or (first_string(article.get("inLanguage")) if article else None)
        or meta.get("og:locale") or meta.get("content-language") or meta.get("language")
    )
    out.published_raw = _first_valid_date(
        [first_string(article.get("datePublished") or article.get("dateCreated")) if article else None,
         *(meta.get(k) for k in _PUBLISHED_META)])
    out.updated_raw = _first_valid_date(
        [first_string(article.get("dateModified") or article.get("lastReviewed")) if article else None,
         *(meta.get(k) for k in _UPDATED_META)])
    category = _category(article, meta, nodes, doc, root) or _parent_section(doc, page_url)
    out.category = category if category and is_category_text(category) else None
    out.tags = _tags(article, meta, root)
    return out


def _first_valid_date(candidates: list[str | None]) -> str | None:
    """The first machine-readable date that is a real date: placeholders such as
    '0001-01-01T00:00:00Z' give way to the next source."""
    return next((c for c in candidates if c and parse_date(c)), None)


_URL_DATE = re.compile(r"/((?:19|20)\d\d)/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?:/|$)")


def date_in_url(url: str) -> str | None:
    """'/2019/11/19/slug' -> '2019-11-19': the publication day many news URLs carry."""
    match = _URL_DATE.search(urlsplit(url).path)
    if match is None:
        return None
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _jsonld_site_name(nodes: list[dict[str, Any]], article: dict[str, Any] | None) -> str | None:
    if article and isinstance(article.get("publisher"), dict):
        name = first_string(article["publisher"].get("name"))
        if name:
            return name
    for node in nodes:
        if "website" in types_of(node):
            name = first_string(node.get("name"))
            if name:
                return name
    return None


def _category(article: dict[str, Any] | None, meta: dict[str, str], nodes: list[dict[str, Any]],
              doc: HtmlElement, root: HtmlElement) -> str | None:
    if article:
        section = string_list(article.get("articleSection"))
        if section:
            return section[0]
    if meta.get("article:section"):
        return meta["article:section"]
    crumbs = [c for c in breadcrumb_names(nodes) if not _HOME.match(c)]
    if len(crumbs) >= 2:
        return crumbs[-2]
    body = doc.find("body")
    if body is None:
        return None
    for link in body.iter("a"):
        rel = (link.get("rel") or "").lower().split()
        if "category" in rel and element_text(link):
            return element_text(link)
    for el in root.iter():
        if isinstance(el.tag, str) and _CATEGORY_NAMES.search(class_tokens(el)):
            text = element_text(el)
            if 0 < len(text) <= 40 and not _TAG_NAMES.search(class_tokens(el)):
                first = el.find(".//a")
                return element_text(first) if first is not None and element_text(first) else text
    eyebrow = _eyebrow_above_title(root)
    if eyebrow:
        return eyebrow
    section = root.find(".//*[@itemprop='articleSection']")
    if section is not None and 0 < len(element_text(section)) <= 40:
        return element_text(section)
    for el in body.iter():
        if isinstance(el.tag, str) and ("breadcrumb" in class_tokens(el) or
                                        "breadcrumb" in (el.get("aria-label") or "").lower()):
            crumb = _breadcrumb_category(el)
            if crumb:
                return crumb
            break
    for link in root.iter("a"):
        href = link.get("href") or ""
        if re.search(r"/(category|categories|section|topics?)/", href) and 0 < len(element_text(link)) <= 40:
            return element_text(link)
    return None


_SECTION_NAMES = re.compile(
    r"^(?:blog|news|articles?|posts?|stories|resources|health|topics|noticias|actualit[ée]s)$|"
    r"\b(?:library|glossary|dictionary|definitions|a-z|a–z|encyclopedia|wiki|glosario|glossaire|"
    r"lexique|diccionario|a to z)\b", re.IGNORECASE)


def _parent_section(doc: HtmlElement, page_url: str) -> str | None:
    """The text of a link to the page's parent path ('/lyme/' for '/lyme/symptoms/'),
    when it names a topic rather than a generic section ('Blog', 'Health Library')."""
    path = urlsplit(page_url).path
    segments = [s for s in path.split("/") if s]
    if len(segments) < 2:
        return None
    parent = "/" + "/".join(segments[:-1])
    for link in doc.iter("a"):
        href_parts = urlsplit(link.get("href") or "")
        text = element_text(link)
        if href_parts.fragment or href_parts.path.rstrip("/") != parent or len(text) < 3:
            continue
        if is_category_text(text) and not _SECTION_NAMES.search(text) \
                and not text.lower().startswith(("home", "all ")):
            return text
    return None


def _eyebrow_above_title(root: HtmlElement) -> str | None:
    """A short label right above the headline (a kicker/primary-tag link): the category."""
    h1 = root.find(".//h1")
    if h1 is None:
        return None
    previous = h1.getprevious()
    while previous is not None and not isinstance(previous.tag, str):
        previous = previous.getprevious()
    if previous is None or previous.tag in ("nav", "time", "img", "figure", "h1", "h2"):
        return None
    text = element_text(previous)
    links = previous.findall(".//a") if previous.tag != "a" else [previous]
    if not text or len(text) > 40 or re.search(r"\d", text) or len(links) > 1:
        return None
    if "breadcrumb" in class_tokens(previous) or has_boilerplate_name(previous):
        return None
    if not links and len(previous) > 1:
        return None
    return text


def is_category_text(text: str) -> bool:
    """A plausible section name: short, not navigation ('Back to ...'), not generic."""
    return 0 < len(text) <= 40 and not re.match(r"(?i)back to\b|see all\b|view all\b", text)


def _breadcrumb_category(el: HtmlElement) -> str | None:
    """The last linked crumb that names a section of the site: not 'Home', not the page
    itself (usually an unlinked last crumb), not a generic 'Blog' or 'Glossary'."""
    names = [element_text(a) for a in el.iter("a") if element_text(a)]
    names = [n for n in names if not _HOME.match(n) and len(n) <= 40]
    if names and _SECTION_NAMES.search(names[-1]):
        return None
    return names[-1] if names else None


def _tags(article: dict[str, Any] | None, meta: dict[str, str], root: HtmlElement) -> list[str]:
    if article:
        keywords = string_list(article.get("keywords"))
        if keywords:
            return keywords
    if meta.get("article:tag"):
        return [t.strip() for t in meta["article:tag"].split("\x1f") if t.strip()]
    found: list[str] = []
    for link in root.iter("a"):
        rel = (link.get("rel") or "").lower().split()
        href = link.get("href") or ""
        in_tag_box = any(_TAG_NAMES.search(class_tokens(a)) and a.tag != "nav" and len(a.findall(".//a")) <= 15
                         for a in link.iterancestors()) and not any(a.tag == "nav" for a in link.iterancestors())
        if ("tag" in rel and "category" not in rel) or in_tag_box or re.search(r"/(tag|tags)/[^/]+", href):
            text = element_text(link).lstrip("#").strip()
            if text and len(text) <= 50 and text not in found:
                found.append(text)
    return found


def find_visible_dates(root: HtmlElement) -> dict[str, str]:
    """Raw published/updated dates shown in the article area: <time> elements first
    (by itemprop, class or their label), then short labelled lines."""
    found: dict[str, str] = {}
    unlabelled: list[str] = []
    for t in root.iter("time"):
        if any(has_boilerplate_name(a) or "comment" in class_tokens(a) for a in t.iterancestors()):
            continue
        raw = t.get("datetime") or element_text(t)
        if not raw:
            continue
        hint = f"{t.get('itemprop') or ''} {class_tokens(t)}".lower()
        parent = t.getparent()
        context = element_text(parent) if parent is not None else ""
        labelled = find_labelled_dates(context) if len(context) <= 160 else {}
        if "published" in hint or "datepublished" in hint or "pubdate" in hint:
            found.setdefault("published", raw)
        elif "modif" in hint or "updat" in hint or "review" in hint:
            found.setdefault("updated", raw)
        elif labelled:
            key = next(iter(labelled))
            if labelled.get("updated") and element_text(t) in labelled["updated"]:
                key = "updated"
            elif labelled.get("published") and element_text(t) in labelled["published"]:
                key = "published"
            found.setdefault(key, raw)
        else:
            unlabelled.append(raw)
    for el in root.iter("p", "span", "div", "li", "small", "em", "strong", "time", "td", "dd", "th"):
        if len(el) > 6:  # a container, not a line (tested first: its text is long to build)
            continue
        text = element_text(el)
        if not text or len(text) > 160:
            continue
        for key, raw in find_labelled_dates(text).items():
            found.setdefault(key, raw)
        if "published" in found and "updated" in found:
            break
    if "published" not in found and unlabelled:
        found["published"] = unlabelled[0]
    if "published" not in found:
        found.update(_date_named_line(root))
    return found


_PAGE_EDITED = re.compile(r"\b(?:this )?page (?:was )?last (?:edited|modified|updated|reviewed)|"
                          r"page last (?:edited|modified|updated|reviewed)", re.IGNORECASE)


def find_page_edited_date(doc: HtmlElement) -> str | None:
    """'This page was last edited on ...' / 'Page last reviewed: ...', wherever it sits
    (wikis and health services put it in the page footer)."""
    body = doc.find("body")
    if body is None:
        return None
    for text in body.xpath(".//text()[contains(., 'last')]"):
        if not _PAGE_EDITED.search(text):
            continue
        node = text_owner(text)
        line = element_text(node) if node is not None else str(text)
        if len(line) <= 200:
            return _PAGE_EDITED.sub("Last updated", line)
    return None


_DATE_NAMES = re.compile(r"(?:^|[^a-z])(date|dated|pubdate|posted|published|post-date|entry-date|"
                         r"article-date|timestamp|dateline)(?:$|[^a-z])")


def _date_named_line(root: HtmlElement) -> dict[str, str]:
    """An unlabelled date line in an element named for dates ('synd-date', 'post-date'):
    the publication date when nothing else states one."""
    for el in root.iter():
        if not isinstance(el.tag, str) or not _DATE_NAMES.search(class_tokens(el)):
            continue
        text = element_text(el)
        if find_labelled_dates(text):
            continue  # a labelled line ("Updated: ...") was read with its label
        if 6 <= len(text) <= 40 and re.search(r"\d", text) and not any(
                has_boilerplate_name(a) or "comment" in class_tokens(a) for a in el.iterancestors()):
            return {"published": text}
    return {}
