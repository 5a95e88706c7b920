"""Last pass over the extracted blocks: drop what trafilatura kept that is not the
article's own prose (the title and what precedes it, date and byline lines,
leaked placeholders, boilerplate lines, a leftover reference list, headings left
empty by the cleaning)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.boilerplate_text import CTA, has_signature_keyword, has_text_signature, is_disclosure
from pipelines.bylines import is_byline_text
from pipelines.dates import DATE_RE, find_labelled_dates, parse_date
from pipelines.flags import PLACEHOLDER
from pipelines.records import Block
from pipelines.references import is_reference_heading
from pipelines.text import word_count

_PLACEHOLDER_ONLY = re.compile(rf"^\W*(?:{PLACEHOLDER.pattern})\W*$")
MAX_PREAMBLE_WORDS = 40
# Page-administration lines: "Content owner: Student Health Services".
_META_LINE = re.compile(r"^(?:content|page|site|article) (?:owner|editor|contact|maintainer)s?\s*:",
                        re.IGNORECASE)


@dataclass(slots=True)
class TidyResult:
    blocks: list[Block] = field(default_factory=list)
    disclosure_found: bool = False
    placeholder_found: bool = False


_NON_WORD = re.compile(r"\W+")


def _key(text: str | None) -> str:
    """The text as compared with the title and the category: words only, lower case."""
    return _NON_WORD.sub(" ", text.lower()).strip() if text else ""


def tidy_blocks(blocks: list[Block], *, title: str | None, category: str | None) -> TidyResult:
    result = TidyResult()
    title_key = _key(title)
    category_key = _key(category) if category else None
    blocks = _drop_preamble(blocks, title_key)
    kept: list[Block] = []
    skip_level: int | None = None
    for block in blocks:
        text = block.text
        key = _key(text)
        if block.kind == "heading":
            if skip_level is not None and block.level > skip_level:
                continue
            skip_level = None
            if title_key and key == title_key:
                continue
            if is_reference_heading(text):
                skip_level = block.level
                continue
        elif skip_level is not None:
            continue
        if PLACEHOLDER.search(text):
            result.placeholder_found = True
            if _PLACEHOLDER_ONLY.match(text):
                continue
        if block.kind != "heading" and _is_chrome_line(text, key, category_key, title_key):
            if is_disclosure(text):
                result.disclosure_found = True
            continue
        kept.append(block)
    result.blocks = _drop_empty_headings(_drop_fact_box(kept))
    return result


_FACT_LINE = re.compile(r"^[A-Z][\w'’ ]{2,30}:\s*\S")


def _drop_fact_box(blocks: list[Block]) -> list[Block]:
    """A run of three or more short 'Label: value' lines before the first heading
    ('Generic name: ...', 'Drug class: ...') is a facts box, not prose."""
    run = 0
    for block in blocks:
        if block.kind == "heading" or not (len(block.text) <= 100 and _FACT_LINE.match(block.text)):
            break
        run += 1
    return blocks[run:] if run >= 3 else blocks


def _drop_preamble(blocks: list[Block], title_key: str) -> list[Block]:
    """Everything up to the title heading, when only a few words precede it
    (category label, breadcrumbs, kicker)."""
    if not title_key:
        return blocks
    for i, block in enumerate(blocks):
        if _key(block.text) == title_key:
            before = sum(word_count(b.text) for b in blocks[:i])
            return blocks[i + 1:] if before <= MAX_PREAMBLE_WORDS else blocks
    return blocks


def _is_chrome_line(text: str, key: str, category_key: str | None, title_key: str) -> bool:
    """A line that is page furniture: a date line, a byline, the category label,
    a boilerplate sentence or a call-to-action. ``key`` is ``_key(text)``."""
    if len(text) <= 300 and has_signature_keyword(text) and has_text_signature(text):
        return True
    if len(text) <= 80 and CTA.search(text):
        return True
    if category_key is not None and key == category_key:
        return True
    if len(text) <= 120 and _META_LINE.match(text):
        return True
    if title_key and key == title_key:
        return True
    if len(text) <= 200 and is_byline_text(text):
        return True
    if len(text) <= 80:
        if find_labelled_dates(text) or _is_label_and_date(text):
            return True
        if len(text) <= 40 and re.search(r"\d", text) and parse_date(text):
            return True
    return False


def _is_label_and_date(text: str) -> bool:
    """'Next review due: 09 January 2028', 'Media last reviewed: 1 May 2023': a short
    label and a date, nothing else."""
    dates = DATE_RE.findall(text)
    if not dates:
        return False
    rest = DATE_RE.sub(" ", text).strip(" :|·-–—.,")
    return len(rest.split()) <= 5 * len(dates) and not rest.endswith((".", "!", "?"))


def _drop_empty_headings(blocks: list[Block]) -> list[Block]:
    """A heading followed by a heading of the same or a higher level (or by nothing)
    has lost its content: drop it."""
    out: list[Block] = []
    for i, block in enumerate(blocks):
        if block.kind == "heading":
            nxt = next(iter(blocks[i + 1:i + 2]), None)
            if nxt is None or (nxt.kind == "heading" and nxt.level <= block.level):
                continue
        out.append(block)
    return out
