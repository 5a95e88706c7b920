"""Record batches built column by column hold the records the JSON export gives."""

from __future__ import annotations

from collections import namedtuple
from datetime import UTC, datetime

import pyarrow as pa

from storage.export import RecordPage
from storage.export_children import CHILD_FIELDS
from storage.parquet import SCHEMA, table_from_ipc
from storage.parquet_batches import ipc_stream, record_batch

Row = namedtuple("Row", "article_id url kind first_seen_at last_seen_at gone_at host version_id "
                        "version title published updated category language text content_hash "
                        "fetched_url")


def _row(version_id: int, version: int, **changes) -> Row:
    values = {"article_id": 1, "url": "https://example.org/a", "kind": "article",
              "first_seen_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
              "last_seen_at": datetime(2026, 2, 2, 3, 4, 5, tzinfo=UTC), "gone_at": None,
              "host": "example.org", "version_id": version_id, "version": version,
              "title": "A", "published": "2025-05-01", "updated": None, "category": None,
              "language": "en", "text": "Text.", "content_hash": "h",
              "fetched_url": "https://example.org/a"}
    return Row(**{**values, **changes})


def test_children_reach_their_record_whatever_the_order_of_versions():
    # Records in article order hold versions 7, 3 and 5; child rows come by version.
    rows = [_row(7, 2, title="Seven"),
            _row(3, 1, title="Three", gone_at=datetime(2026, 3, 1, tzinfo=UTC)),
            _row(5, 1, title="Five")]
    children = {
        "authors": [(3, "Ann", None, "Bio", None, "author"), (7, "Bo", "MD", None, None, "author"),
                    (7, "Cy", None, None, "https://x.org", "reviewer")],
        "sections": [(5, None, 0, "lead", "Lead."), (5, "Points", 2, "points", "One.")],
        "references": [(7, "Ref.", "Title", 2020, None, "10.1/x", None)],
        "tags": [(3, "sleep"), (5, "skin"), (7, "sleep"), (7, "stress")],
        "affiliate_links": [],
        "flags": [(5, "affiliate")],
    }
    table = table_from_ipc(ipc_stream([record_batch(RecordPage(rows, children))]))
    assert table.schema.equals(SCHEMA)
    records = table.to_pylist()
    assert [record["title"] for record in records] == ["Seven", "Three", "Five"]
    assert [[author["name"] for author in record["authors"]] for record in records] == [
        ["Bo", "Cy"], ["Ann"], []]
    assert records[0]["authors"][1] == {"name": "Cy", "role": None, "bio": None,
                                        "url": "https://x.org", "relation": "reviewer"}
    assert [record["tags"] for record in records] == [["sleep", "stress"], ["sleep"], ["skin"]]
    assert records[2]["sections"][1] == {"heading": "Points", "level": 2, "kind": "points",
                                         "text": "One."}
    assert records[0]["references"] == [{"text": "Ref.", "title": "Title", "year": 2020,
                                         "url": None, "doi": "10.1/x", "pmid": None}]
    assert [record["affiliate_links"] for record in records] == [[], [], []]
    assert [record["flags"] for record in records] == [[], [], ["affiliate"]]
    assert records[1]["first_seen"] == "2026-01-02T03:04:05+00:00"
    assert [record["gone_at"] for record in records] == [None, "2026-03-01T00:00:00+00:00", None]
    assert records[0]["site"] == "example.org" and records[0]["version"] == 2


def test_a_stream_holds_every_page_as_a_batch():
    pages = [RecordPage([_row(1, 1)], {field: [] for field in CHILD_FIELDS})] * 3
    table = table_from_ipc(ipc_stream(record_batch(page) for page in pages))
    assert table.num_rows == 3 and isinstance(table, pa.Table)
