"""Filtered exports in the three formats, each read back and compared with the records."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine
from storage_samples import at, make_glossary_record, make_record

from storage.export import (
    CSV_COLUMNS,
    ExportOptions,
    count_records,
    dump_csv,
    dump_jsonl,
    iter_article_records,
)
from storage.filters import ArticleFilter, parse_period
from storage.parquet import SCHEMA, write_parquet, write_records
from storage.writer import ArchiveWriter

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "article.schema.json"


@pytest.fixture
def archive(archive_engine: Engine) -> Engine:
    """Five articles on two sites, one with two versions, one glossary page."""
    writer = ArchiveWriter(archive_engine)
    run_id = writer.start_run(start_urls=[])
    for index in range(4):
        writer.save_article(
            run_id,
            make_record(f"https://example.com/a{index}", category="Sleep" if index % 2 else "Skin",
                        published=f"2025-0{index + 1}-15",
                        references=[] if index == 3 else make_record()["references"]),
            fetched_at=at(index),
        )
    writer.save_article(run_id, make_record("https://example.com/a1", text="Changed.",
                                            category="Sleep", published="2025-02-15"),
                        fetched_at=at(10))
    writer.save_article(run_id, make_glossary_record(), fetched_at=at(11))
    return archive_engine


def _records(engine: Engine, **options) -> list[dict]:
    return list(iter_article_records(engine, options=ExportOptions(**options)))


def test_filters_apply_to_exports(archive):
    assert len(_records(archive)) == 5
    sleep = ArticleFilter(category="sleep")
    assert [r["url"][-2:] for r in _records(archive, filters=sleep)] == ["a1", "a3"]
    assert [r["url"][-2:] for r in _records(archive, filters=ArticleFilter(
        since=parse_period("2025-02"), until=parse_period("2025-03", end=True)))] == ["a1", "a2"]
    assert [r["kind"] for r in _records(archive, filters=ArticleFilter(kind="glossary"))] == ["glossary"]
    assert len(_records(archive, filters=ArticleFilter(
        cites_doi="https://doi.org/10.1152/JAPPLPHYSIOL.00120.2013"))) == 3
    assert len(_records(archive, filters=ArticleFilter(site="example.org"))) == 1
    assert len(_records(archive, filters=ArticleFilter(author="mustermann"))) == 4


def test_versions_limit_and_count(archive):
    every = _records(archive, versions=True)
    assert [(r["url"][-2:], r["version"]) for r in every[:3]] == [("a0", 1), ("a1", 1), ("a1", 2)]
    assert len(every) == 6
    options = ExportOptions(versions=True, limit=4)
    assert len(list(iter_article_records(archive, options=options, chunk_size=3))) == 4
    assert count_records(archive, options) == 4
    assert count_records(archive, ExportOptions(filters=ArticleFilter(category="sleep"))) == 2
    assert count_records(archive, ExportOptions(versions=True)) == 6


def test_jsonl_round_trip_validates(archive):
    article_validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))
    records = _records(archive, versions=True)
    out = io.StringIO()
    assert dump_jsonl(iter(records), out) == len(records)
    read = [json.loads(line) for line in out.getvalue().splitlines()]
    assert read == records
    for record in read:
        article_validator.validate(record)


def test_csv_round_trip(archive):
    records = _records(archive)
    out = io.StringIO(newline="")
    assert dump_csv(iter(records), out) == len(records)
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert list(rows[0]) == list(CSV_COLUMNS)
    for row, record in zip(rows, records, strict=True):
        for field in CSV_COLUMNS[:-2]:
            value = record[field]
            if isinstance(value, list | dict):
                assert json.loads(row[field]) == value
            else:
                assert row[field] == ("" if value is None else str(value))
        assert row["author_names"] == "; ".join(a["name"] for a in record["authors"])
        assert int(row["reference_count"]) == len(record["references"])


def test_parquet_round_trip_keeps_nested_lists(archive, tmp_path):
    path = tmp_path / "articles.parquet"
    options = ExportOptions(versions=True)
    assert write_parquet(archive, path, options=options) == 6
    table = pq.read_table(path)
    assert table.schema.equals(SCHEMA)
    assert str(table.schema.field("authors").type) == (
        "list<element: struct<name: string, role: string, bio: string, url: string, "
        "relation: string>>"
    )
    assert table.to_pylist() == _records(archive, versions=True)


def test_parquet_writes_row_groups_as_it_streams(archive, tmp_path, monkeypatch):
    import storage.parquet

    monkeypatch.setattr(storage.parquet, "ROW_GROUP_SIZE", 2)
    seen: list[int] = []
    records = _records(archive, versions=True)
    path = tmp_path / "grouped.parquet"
    assert write_records(iter(records), path, progress=seen.append) == 6
    assert seen == [2, 4, 6]
    parquet = pq.ParquetFile(path)
    assert parquet.metadata.num_row_groups == 3
    assert parquet.read().to_pylist() == records


def test_empty_export_is_a_valid_parquet_file(archive, tmp_path):
    path = tmp_path / "empty.parquet"
    options = ExportOptions(filters=ArticleFilter(site="nowhere.example"))
    assert write_parquet(archive, path, options=options) == 0
    assert pq.read_table(path).num_rows == 0


def test_site_keyword_still_works_beside_options(archive):
    options = ExportOptions(filters=ArticleFilter(category="Sleep"))
    assert [r["url"][-2:] for r in iter_article_records(archive, site="example.com", options=options)] == ["a1", "a3"]
    assert replace(options, limit=1).limit == 1
