"""Checking the plain record the writer receives (storage/incoming.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from storage_samples import make_record

from storage.incoming import author_name_key, parse_instant, read_article_record


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("2026-03-01", datetime(2026, 3, 1, tzinfo=UTC), id="date"),
        pytest.param("2026-03-01T10:00:00+02:00", datetime(2026, 3, 1, 8, tzinfo=UTC), id="offset"),
        pytest.param("2026-03-01T10:00:00Z", datetime(2026, 3, 1, 10, tzinfo=UTC), id="zulu"),
        pytest.param("2026-03-01T10:00:00", datetime(2026, 3, 1, 10, tzinfo=UTC), id="naive"),
        pytest.param("March 2026", None, id="not-iso"),
        pytest.param(None, None, id="none"),
        pytest.param("", None, id="empty"),
    ],
)
def test_parse_instant(value, expected):
    assert parse_instant(value) == expected


@pytest.mark.parametrize(
    ("name", "key"),
    [
        pytest.param("Jane Roe", "jane roe", id="plain"),
        pytest.param("  jane\u00a0 ROE ", "jane roe", id="spaces-and-case"),
        pytest.param("Dr. J. Smith", "dr j smith", id="dots"),
        pytest.param("Ｊａｎｅ", "jane", id="fullwidth"),
    ],
)
def test_author_name_key(name, key):
    assert author_name_key(name) == key


def test_record_fills_optional_sub_fields():
    record = make_record(
        authors=[{"name": "Jane Roe"}],
        references=[{"text": "Ref", "year": "2013"}],
        sections=[{"heading": "H", "level": 2, "kind": "faq", "text": "T"}],
        site="WWW-less.Example.COM ",
    )
    article = read_article_record(record)
    assert article.authors == (
        {"name": "Jane Roe", "role": None, "bio": None, "url": None, "relation": "author"},
    )
    assert article.references[0]["year"] == 2013
    assert article.references[0]["doi"] is None
    assert article.site == "www-less.example.com"
    assert article.fetched_url == record["fetched_url"]


def test_fingerprint_changes_with_any_extracted_field_but_not_fetched_url():
    base = read_article_record(make_record()).record_sha256
    assert read_article_record(make_record(fetched_url="https://x/")).record_sha256 == base
    assert read_article_record(make_record(title="Other")).record_sha256 != base
    assert read_article_record(make_record(flags=[])).record_sha256 != base
