"""Export: records in the shape of shared/article.schema.json, as JSONL and CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import Engine, event
from storage_samples import SCHEMA_FIELDS_FROM_STORAGE, at, make_glossary_record, make_record

from storage.export import CSV_COLUMNS, iter_article_records, write_csv, write_jsonl
from storage.writer import ArchiveWriter

_SHARED_SCHEMA = Path(__file__).resolve().parents[2] / ".." / "shared" / "article.schema.json"
# shared/ sits beside the repository in CI; a clone without it uses the vendored copy.
SCHEMA_PATH = (_SHARED_SCHEMA if _SHARED_SCHEMA.exists()
               else Path(__file__).resolve().parents[1] / "fixtures" / "article.schema.json")
UTC_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$")


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture
def archive(archive_engine: Engine) -> Engine:
    """An archive of an article with two versions, a glossary page and a gone page."""
    writer = ArchiveWriter(archive_engine)
    run_id = writer.start_run(start_urls=["https://example.com/"])
    writer.save_article(run_id, make_record(), fetched_at=at(0))
    writer.save_article(run_id, make_glossary_record(), fetched_at=at(1))
    writer.save_article(run_id, make_record(text="Second version."), fetched_at=at(2))
    gone = make_record("https://example.com/old-news")
    writer.save_article(run_id, gone, fetched_at=at(3))
    writer.mark_gone(gone["url"], gone_at=at(4))
    return archive_engine


def test_every_record_validates(archive, validator):
    records = [
        *iter_article_records(archive),
        *iter_article_records(archive, versions=True),
    ]
    assert len(records) == 3 + 4
    for record in records:
        validator.validate(record)


def test_records_round_trip_every_field(archive_engine):
    writer = ArchiveWriter(archive_engine)
    run_id = writer.start_run(start_urls=[])
    saved = [make_record(), make_glossary_record()]
    for minutes, record in enumerate(saved):
        writer.save_article(run_id, record, fetched_at=at(minutes))
    exported = list(iter_article_records(archive_engine))
    for minutes, (record, out) in enumerate(zip(saved, exported, strict=True)):
        extras = {name: out.pop(name) for name in (*SCHEMA_FIELDS_FROM_STORAGE, "gone_at")}
        assert out.pop("fetched_url") == record.pop("fetched_url", record["url"])
        assert out == record
        assert extras == {
            "first_seen": at(minutes).isoformat(),
            "last_seen": at(minutes).isoformat(),
            "version": 1,
            "gone_at": None,
        }
        assert UTC_TIMESTAMP.match(extras["first_seen"])


def test_versions_and_gone_at(archive):
    current = {r["url"]: r for r in iter_article_records(archive)}
    assert current["https://example.com/fitness/walking"]["version"] == 2
    assert current["https://example.com/fitness/walking"]["text"] == "Second version."
    assert current["https://example.com/old-news"]["gone_at"] == at(4).isoformat()
    assert current["https://example.org/glossary/vo2-max"]["gone_at"] is None

    history = [(r["url"], r["version"]) for r in iter_article_records(archive, versions=True)]
    assert history == [
        ("https://example.com/fitness/walking", 1),
        ("https://example.com/fitness/walking", 2),
        ("https://example.org/glossary/vo2-max", 1),
        ("https://example.com/old-news", 1),
    ]


def test_site_filter(archive):
    assert [r["url"] for r in iter_article_records(archive, site="example.org")] == [
        "https://example.org/glossary/vo2-max"
    ]
    assert list(iter_article_records(archive, site="nowhere.net")) == []


def test_chunks_give_the_same_records_with_few_queries(archive_engine):
    writer = ArchiveWriter(archive_engine)
    run_id = writer.start_run(start_urls=[])
    for index in range(7):
        url = f"https://example.com/a{index}"
        writer.save_article(run_id, make_record(url), fetched_at=at(index))
        writer.save_article(run_id, make_record(url, text=f"v2 {index}"), fetched_at=at(index))
    statements: list[str] = []

    def remember(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(archive_engine, "before_cursor_execute", remember)
    chunked = list(iter_article_records(archive_engine, versions=True, chunk_size=3))
    event.remove(archive_engine, "before_cursor_execute", remember)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert list(iter_article_records(archive_engine, versions=True)) == chunked
    assert [(r["url"], r["version"]) for r in chunked][:3] == [
        ("https://example.com/a0", 1),
        ("https://example.com/a0", 2),
        ("https://example.com/a1", 1),
    ]
    assert len(chunked) == 14
    # 5 chunks (3+3+3+3+2) of 1 version query + 6 child queries, not one per article.
    assert len(selects) == 5 * 7


def test_write_jsonl(archive, validator):
    out = io.StringIO()
    assert write_jsonl(archive, out) == 3
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    for line in lines:
        validator.validate(json.loads(line))
    versions_out = io.StringIO()
    assert write_jsonl(archive, versions_out, versions=True, site="example.com") == 3


def test_write_csv(archive):
    out = io.StringIO(newline="")
    assert write_csv(archive, out) == 3
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert len(rows) == 3
    assert tuple(rows[0]) == CSV_COLUMNS
    by_url = {row["url"]: row for row in rows}
    article = by_url["https://example.com/fitness/walking"]
    assert article["author_names"] == "Jane Roe; Dr. Max Mustermann"
    assert article["reference_count"] == "2"
    assert article["version"] == "2"
    assert json.loads(article["tags"]) == ["walking", "heart health"]
    assert json.loads(article["authors"])[0]["role"] == "RD"
    assert json.loads(article["references"])[0]["year"] == 2013
    glossary = by_url["https://example.org/glossary/vo2-max"]
    assert glossary["published"] == ""
    assert glossary["author_names"] == ""
    assert glossary["reference_count"] == "0"
    assert json.loads(glossary["sections"])[0]["kind"] == "definition"
