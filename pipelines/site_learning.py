"""Site-level boilerplate learning: paragraph fingerprints and their removal.

A paragraph (or list item) is fingerprinted by the SHA-1 of its normalised text.
Storage counts fingerprints across a site's current articles; those that recur in
many articles are the site's boilerplate. Extraction drops them from new pages
(``drop_learned``) and ``clean_archived`` drops them from pages archived before
they were learned (in place: same fetch, better extraction).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from pipelines.records import Block
from pipelines.text import collapse_space, content_hash

MIN_BLOCK_CHARS = 20
# Boilerplate is a short box (a plea, a disclaimer, a promo); a long paragraph repeated
# across articles is copied content, which the dedupe reports must still see.
MAX_BLOCK_CHARS = 400
# Never let learning take more than this share of an article's text away.
MAX_STRIPPED_SHARE = 0.5


def block_sha1(text: str) -> str:
    """Fingerprint of one paragraph: case and whitespace do not matter."""
    return hashlib.sha1(collapse_space(text).lower().encode("utf-8")).hexdigest()


def block_sha1s(blocks: Iterable[Block]) -> list[str]:
    """Fingerprints of the paragraphs and list items long enough to mean something."""
    return [block_sha1(b.text) for b in blocks
            if b.kind != "heading" and MIN_BLOCK_CHARS <= len(b.text) <= MAX_BLOCK_CHARS]


def drop_learned(blocks: list[Block], learned: frozenset[str]) -> list[Block]:
    if not learned:
        return blocks
    kept = [b for b in blocks if b.kind == "heading" or block_sha1(b.text) not in learned]
    before = sum(len(b.text) for b in blocks)
    after = sum(len(b.text) for b in kept)
    return kept if after >= (1 - MAX_STRIPPED_SHARE) * before else blocks


def _pieces(text: str) -> list[str]:
    """Paragraphs of rendered text, list items one per piece (without their '- ')."""
    pieces: list[str] = []
    for paragraph in text.split("\n\n"):
        lines = paragraph.split("\n")
        if len(lines) > 1 and all(line.startswith("- ") for line in lines):
            pieces.extend(line[2:] for line in lines)
        elif paragraph.startswith("- "):
            pieces.append(paragraph[2:])
        else:
            pieces.append(paragraph)
    return pieces


def text_blocks(text: str) -> dict[str, str]:
    """``{sha1: paragraph}`` for a stored text: how learned fingerprints get their text back."""
    return {block_sha1(p): p for p in _pieces(text) if MIN_BLOCK_CHARS <= len(p) <= MAX_BLOCK_CHARS}


def _strip_text(text: str, learned: frozenset[str]) -> str:
    kept: list[str] = []
    for paragraph in text.split("\n\n"):
        lines = paragraph.split("\n")
        if all(line.startswith("- ") for line in lines):
            lines = [ln for ln in lines if len(ln) < MIN_BLOCK_CHARS + 2 or block_sha1(ln[2:]) not in learned]
            if lines:
                kept.append("\n".join(lines))
        elif len(paragraph) < MIN_BLOCK_CHARS or block_sha1(paragraph) not in learned:
            kept.append(paragraph)
    return "\n\n".join(kept)


def clean_record(record: dict[str, Any], learned: frozenset[str]) -> dict[str, Any] | None:
    """The record without its learned-boilerplate paragraphs, or None when it has none.
    A section left empty by the removal goes too (its heading titled the boilerplate)."""
    if not learned or not any(sha in learned for sha in text_blocks(record["text"])):
        return None
    sections = []
    for section in record["sections"]:
        text = _strip_text(section["text"], learned)
        if section["text"] and not text:
            continue
        sections.append({**section, "text": text})
    parts: list[str] = []
    for section in sections:
        if section["heading"]:
            parts.append(section["heading"])
        if section["text"]:
            parts.append(section["text"])
    text = "\n\n".join(parts)
    if len(text) < (1 - MAX_STRIPPED_SHARE) * len(record["text"]):
        return None  # most of the article would go: that is shared content, not boilerplate
    return {**record, "sections": sections, "text": text, "content_hash": content_hash(text),
            "block_sha1s": [block_sha1(p) for p in _pieces(text) if MIN_BLOCK_CHARS <= len(p) <= MAX_BLOCK_CHARS]}


def learn_and_clean(engine: Any, writer: Any, site: str) -> tuple[frozenset[str], int]:
    """Learn a site's boilerplate from its archived articles and remove it from those
    already archived. Returns the learned fingerprints and how many articles changed."""
    from storage.boilerplate import learn_site_boilerplate
    from storage.export import iter_article_records

    learned = frozenset(learn_site_boilerplate(engine, site, block_text=text_blocks))
    if not learned:
        return learned, 0
    cleaned = [c for r in iter_article_records(engine, site=site) if (c := clean_record(r, learned))]
    for record in cleaned:
        writer.refresh_current(record)
    return learned, len(cleaned)
