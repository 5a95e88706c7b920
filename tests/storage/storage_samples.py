"""Sample article records (the plain dicts the pipelines hand to storage)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

T0 = datetime(2026, 11, 23, 18, 3, 49, tzinfo=UTC)


def at(minutes: int) -> datetime:
    """A fetch time ``minutes`` after ``T0``."""
    return T0 + timedelta(minutes=minutes)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def make_record(
    url: str = "https://example.com/fitness/walking", **overrides: Any
) -> dict[str, Any]:
    """A complete record; ``text`` overrides also change ``content_hash``."""
    text = overrides.pop("text", "Walking daily helps.\n\nIt lowers blood pressure.")
    record: dict[str, Any] = {
        "url": url,
        "site": "example.com",
        "kind": "article",
        "title": "Why Walking Works",
        "published": "2026-03-01",
        "updated": "2026-05-02T09:30:00+02:00",
        "authors": [
            {
                "name": "Jane Roe",
                "role": "RD",
                "bio": "Jane writes about food.",
                "url": "https://example.com/authors/jane-roe",
                "relation": "author",
            },
            {
                "name": "Dr. Max Mustermann",
                "role": None,
                "bio": None,
                "url": None,
                "relation": "reviewer",
            },
        ],
        "category": "Fitness & Exercise",
        "tags": ["walking", "heart health"],
        "language": "en",
        "text": text,
        "sections": [
            {"heading": None, "level": 0, "kind": "lead", "text": "Walking daily helps."},
            {
                "heading": "1. Blood pressure",
                "level": 2,
                "kind": "point",
                "text": "It lowers blood pressure.",
            },
        ],
        "references": [
            {
                "text": "Doe J. Walking and health. J Appl Physiol. 2013.",
                "title": "Walking and health",
                "year": 2013,
                "url": "https://doi.org/10.1152/japplphysiol.00120.2013",
                "doi": "10.1152/japplphysiol.00120.2013",
                "pmid": None,
            },
            {
                "text": "PubMed 12345678",
                "title": None,
                "year": None,
                "url": "https://pubmed.ncbi.nlm.nih.gov/12345678/",
                "doi": None,
                "pmid": "12345678",
            },
        ],
        "affiliate_links": ["https://amzn.to/abc123"],
        "flags": ["affiliate_disclosure"],
        "content_hash": content_hash(text),
        "fetched_url": url + "?utm_source=feed",
    }
    record.update(overrides)
    return record


def make_glossary_record(url: str = "https://example.org/glossary/vo2-max") -> dict[str, Any]:
    """A glossary page with every optional field empty or null."""
    text = "VO2 max is the maximum rate of oxygen consumption."
    return {
        "url": url,
        "site": "example.org",
        "kind": "glossary",
        "title": "VO2 Max",
        "published": None,
        "updated": None,
        "authors": [],
        "category": None,
        "tags": [],
        "language": None,
        "text": text,
        "sections": [{"heading": "VO2 Max", "level": 2, "kind": "definition", "text": text}],
        "references": [],
        "affiliate_links": [],
        "flags": [],
        "content_hash": content_hash(text),
    }


SCHEMA_FIELDS_FROM_STORAGE = ("first_seen", "last_seen", "version")
