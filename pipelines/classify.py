"""What kind of page this is: an article, a glossary entry, or a page crawled only for
its links (home, listings, tags, authors, about, privacy...)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from pipelines.jsonld import ARTICLE_TYPES, LISTING_TYPES

LISTING_SEGMENT = re.compile(
    r"^(category|categories|tag|tags|author|authors|autor|auteur|page|topics?|archives?|"
    r"search|collections?|series|section|seccion|rubrique|etiqueta|kategorie)$", re.IGNORECASE)
OTHER_PAGE = re.compile(
    r"^(about|about-us|who-we-are|our-team|team|privacy|privacy-policy|cookie-policy|cookies|"
    r"terms|terms-of-use|terms-of-service|terms-and-conditions|contact|contact-us|disclaimer|"
    r"editorial-policy|editorial-guidelines|advertise|advertising|careers|jobs|login|register|"
    r"account|cart|checkout|newsletter|subscribe|sitemap|accessibility|imprint|impressum|"
    r"legal|faq|help|aviso-legal|politica-de-privacidad|mentions-legales|contacto|nosotros)$",
    re.IGNORECASE)
# First path segments under which "/about/" or "/contact/" is still the site's own page.
SITE_SECTIONS = frozenset({"en", "es", "fr", "de", "it", "pt", "nl", "pages", "page", "info", "company",
                           "legal", "help", "site", "corporate", "policies", "policy", "us", "uk"})
GLOSSARY_SEGMENT = re.compile(
    r"(?:^|[-_])(glossary|glossaire|glosario|dictionary|diccionario|dictionnaire|definitions?|"
    r"encyclopedia|lexicon|lexique|terms|a-z|wiki|what-is)(?:[-_]|$)", re.IGNORECASE)
GLOSSARY_HEADINGS = re.compile(r"^(origins?|etymology|mechanism|definition|pronunciation|also known as|"
                               r"how it works)\b", re.IGNORECASE)
MIN_ARTICLE_WORDS = 100
MIN_SIGNALLED_WORDS = 50


@dataclass(frozen=True, slots=True)
class PageSignals:
    url: str
    jsonld_types: frozenset[str]
    og_type: str | None
    word_count: int
    headings: tuple[str, ...]
    has_date: bool
    has_byline: bool
    linked_heading_ratio: float
    card_count: int
    card_share: float = 0.0


PageType = Literal["article", "glossary", "listing", "other"]


def classify_url(url: str) -> tuple[PageType, str] | None:
    """The page type when the URL alone decides it (home, listings, site pages), else
    None. Cheap: used before a page is parsed."""
    segments = [seg for seg in urlsplit(url).path.split("/") if seg]
    if not segments:
        return "listing", "home page"
    if (LISTING_SEGMENT.match(segments[0]) and 2 <= len(segments) <= 3) or (
            len(segments) >= 2 and segments[-2].lower() == "page" and segments[-1].isdigit()):
        return "listing", f"listing path /{segments[0]}/"
    site_page = OTHER_PAGE.match(segments[-1]) and (
        len(segments) == 1 or (len(segments) == 2 and segments[0].lower() in SITE_SECTIONS))
    if site_page or (len(segments) == 1 and LISTING_SEGMENT.match(segments[0])):
        return "other", f"site page /{segments[-1]}/"
    if GLOSSARY_SEGMENT.search(segments[-1]) and len(segments) == 1:
        return "listing", "glossary index"
    if re.fullmatch(r"[a-z]|0-9|a-z", segments[-1], re.IGNORECASE):
        return "listing", f"alphabetical index /{segments[-1]}/"
    return None


def classify_page(s: PageSignals) -> tuple[PageType, str]:
    """(page type, reason): 'article' | 'glossary' | 'listing' | 'other'."""
    by_url = classify_url(s.url)
    if by_url is not None:
        return by_url
    segments = [seg for seg in urlsplit(s.url).path.split("/") if seg]
    types = s.jsonld_types
    article_types = types & (ARTICLE_TYPES - {"webpage", "faqpage"})
    strong = bool(article_types) or (s.og_type or "").lower() == "article"
    if types & LISTING_TYPES and not article_types:
        return "listing", f"JSON-LD {sorted(types & LISTING_TYPES)[0]}"
    teasers = (s.card_count >= 3 and s.card_share >= 0.5) or (
        s.linked_heading_ratio >= 0.6 and len(s.headings) >= 3)
    if teasers and not strong:
        return "listing", "list of linked teasers"
    glossary_path = any(GLOSSARY_SEGMENT.search(seg) for seg in segments[:-1])
    glossary_shape = (sum(bool(GLOSSARY_HEADINGS.match(h)) for h in s.headings) >= 2
                      and not s.has_byline and not s.has_date)
    if (glossary_path or "definedterm" in types or glossary_shape) and \
            s.word_count >= MIN_SIGNALLED_WORDS // 2:
        reason = "glossary path" if glossary_path else "defined term" if "definedterm" in types \
            else "glossary headings"
        return "glossary", reason
    signalled = strong or s.has_date or s.has_byline
    if s.word_count >= MIN_ARTICLE_WORDS or (signalled and s.word_count >= MIN_SIGNALLED_WORDS):
        return "article", "enough prose" if s.word_count >= MIN_ARTICLE_WORDS else "article signals"
    return "other", f"thin page ({s.word_count} words)"
