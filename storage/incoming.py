"""The plain ``dict`` record the writer receives, checked and put in one shape.

The pipelines hand storage a record with the fields of ``article.schema.json``
(less ``first_seen``/``last_seen``/``version``, which storage decides). This
module checks it, fills the optional sub-fields, and fingerprints it, so the
writer can tell a better extraction of the same text from no change at all.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from storage.content import AUTHOR_RELATIONS
from storage.models import ARTICLE_KINDS

_SPACES = re.compile(r"\s+")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class IncomingArticle:
    """A checked record: lists are tuples of plain dicts, strings stripped of nothing."""

    url: str
    site: str
    kind: str
    title: str
    published: str | None
    updated: str | None
    authors: tuple[dict[str, Any], ...]
    category: str | None
    tags: tuple[str, ...]
    language: str | None
    text: str
    sections: tuple[dict[str, Any], ...]
    references: tuple[dict[str, Any], ...]
    affiliate_links: tuple[str, ...]
    flags: tuple[str, ...]
    content_hash: str
    fetched_url: str
    record_sha256: str
    block_sha1s: tuple[str, ...] = ()


def read_article_record(record: Mapping[str, Any]) -> IncomingArticle:
    """Check ``record`` and return it as an ``IncomingArticle``.

    Raises ``ValueError`` naming the first missing or malformed field.
    """
    for name in ("url", "site", "kind", "text", "content_hash"):
        if not isinstance(record.get(name), str):
            raise ValueError(f"article record needs a string {name!r}")
    if not record["url"] or not record["content_hash"]:
        raise ValueError("article record needs a non-empty 'url' and 'content_hash'")
    kind = record["kind"]
    if kind not in ARTICLE_KINDS:
        raise ValueError(f"article kind {kind!r} is not one of {ARTICLE_KINDS}")
    fields: dict[str, Any] = {
        "url": record["url"],
        "site": record["site"].strip().lower(),
        "kind": kind,
        "title": _string(record.get("title")) or "",
        "published": _string(record.get("published")),
        "updated": _string(record.get("updated")),
        "authors": tuple(_author(item) for item in _items(record, "authors")),
        "category": _string(record.get("category")),
        "tags": tuple(_string_list(record, "tags")),
        "language": _string(record.get("language")),
        "text": record["text"],
        "sections": tuple(_section(item) for item in _items(record, "sections")),
        "references": tuple(_reference(item) for item in _items(record, "references")),
        "affiliate_links": tuple(_string_list(record, "affiliate_links")),
        "flags": tuple(_string_list(record, "flags")),
        "content_hash": record["content_hash"],
    }
    fingerprint = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=list)
    return IncomingArticle(
        **fields,
        fetched_url=_string(record.get("fetched_url")) or record["url"],
        block_sha1s=tuple(_string_list(record, "block_sha1s")),
        record_sha256=hashlib.sha256(fingerprint.encode("utf-8")).hexdigest(),
    )


def author_name_key(name: str) -> str:
    """The key that makes two spellings of one name one author on a site:
    Unicode-normalised, case-folded, dots dropped, whitespace collapsed."""
    folded = unicodedata.normalize("NFKC", name).casefold().replace(".", " ")
    return _SPACES.sub(" ", folded).strip()


def parse_instant(value: str | None) -> datetime | None:
    """A record's ISO 8601 date or timestamp as a UTC instant, for sorting.

    A bare date is midnight UTC; a timestamp without offset is taken as UTC;
    anything unparseable gives ``None`` (the string itself is kept anyway).
    """
    if not value:
        return None
    text = value.strip()
    try:
        if _DATE_ONLY.match(text):
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        instant = datetime.fromisoformat(text)
    except ValueError:
        return None
    if instant.tzinfo is None:
        return instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC)


def _string(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _items(record: Mapping[str, Any], name: str) -> Sequence[Mapping[str, Any]]:
    value = record.get(name) or ()
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise ValueError(f"article record field {name!r} must be a list")
    for item in value:
        if not isinstance(item, Mapping):
            raise ValueError(f"article record field {name!r} must hold objects")
    return value


def _string_list(record: Mapping[str, Any], name: str) -> list[str]:
    value = record.get(name) or ()
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise ValueError(f"article record field {name!r} must be a list of strings")
    return [item if isinstance(item, str) else str(item) for item in value]


def _author(item: Mapping[str, Any]) -> dict[str, Any]:
    name = _string(item.get("name"))
    if not name:
        raise ValueError("every author needs a name")
    relation = item.get("relation") or "author"
    if relation not in AUTHOR_RELATIONS:
        raise ValueError(f"author relation {relation!r} is not one of {AUTHOR_RELATIONS}")
    return {
        "name": name,
        "role": _string(item.get("role")),
        "bio": _string(item.get("bio")),
        "url": _string(item.get("url")),
        "relation": relation,
    }


def _section(item: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "heading": _string(item.get("heading")),
        "level": int(item.get("level") or 0),
        "kind": _string(item.get("kind")) or "other",
        "text": _string(item.get("text")) or "",
    }


def _reference(item: Mapping[str, Any]) -> dict[str, Any]:
    year = item.get("year")
    if isinstance(year, str):
        year = int(year) if year.strip().isdigit() else None
    return {
        "text": _string(item.get("text")) or "",
        "title": _string(item.get("title")),
        "year": year if isinstance(year, int) and not isinstance(year, bool) else None,
        "url": _string(item.get("url")),
        "doi": _string(item.get("doi")),
        "pmid": _string(item.get("pmid")),
    }
