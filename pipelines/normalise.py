"""ExtractedPage -> NormalisedArticle: every field in the schema's format."""

from __future__ import annotations

import re
from datetime import datetime

from pipelines.body import render_text
from pipelines.dates import parse_date
from pipelines.flags import content_flags
from pipelines.records import ExtractedPage, Kind, NormalisedArticle, Rejection
from pipelines.sections import split_sections
from pipelines.site_learning import block_sha1s
from pipelines.text import collapse_space, content_hash, detect_language, normalise_language
from pipelines.urls import site_of

DATEPARSER_LANGUAGES = frozenset(["en", "es", "fr", "de", "it", "pt", "nl"])
_CATEGORY_PREFIX = re.compile(r"^(?:category|categories|section|topic)\s*:\s*", re.IGNORECASE)


def normalise_page(page: ExtractedPage) -> NormalisedArticle | Rejection:
    if page.page_type not in ("article", "glossary"):
        return Rejection(page.url, f"skip:{page.page_type}", page.page_type_reason)
    blocks = list(page.blocks)
    text = render_text(blocks)
    if not text.strip():
        return Rejection(page.url, "extract:no_body", "no text left after cleaning")
    title = collapse_space(page.title_raw or "")
    if not title:
        return Rejection(page.url, "extract:no_title")
    language = normalise_language(page.language_raw) or detect_language(text)
    languages = [language] if language in DATEPARSER_LANGUAGES else None
    published = _date(page.published_raw, languages, page.fetched_at)
    updated = _date(page.updated_raw, languages, page.fetched_at)
    category = _category(page.category_raw)
    tags = tuple(dict.fromkeys(t for t in (collapse_space(t) for t in page.tags_raw) if t))
    kind: Kind = "glossary" if page.page_type == "glossary" else "article"
    sections = tuple(split_sections(blocks, glossary=kind == "glossary"))
    flags = list(page.signals)
    for flag in content_flags(title=title, raw_text=text, disclosure=False, authors=page.authors,
                              category=category, tags=tags):
        if flag not in flags:
            flags.append(flag)
    return NormalisedArticle(
        url=page.url, site=site_of(page.url), kind=kind, title=title,
        published=published, updated=updated, authors=page.authors, category=category,
        tags=tags, language=language, text=text, sections=sections,
        references=page.references, affiliate_links=page.affiliate_links,
        flags=tuple(sorted(flags)), content_hash=content_hash(text),
        fetched_url=page.fetched_url, fetched_at=page.fetched_at,
        block_sha1s=tuple(block_sha1s(blocks)),
    )


def _date(raw: str | None, languages: list[str] | None, fetched_at: datetime) -> str | None:
    if not raw:
        return None
    base = fetched_at.replace(tzinfo=None) if fetched_at.tzinfo else fetched_at
    return parse_date(raw, languages=languages, relative_base=base)


def _category(raw: str | None) -> str | None:
    if not raw:
        return None
    value = _CATEGORY_PREFIX.sub("", collapse_space(raw))
    if not value or value.startswith(("http://", "https://")) or len(value) > 80:
        return None
    return value
