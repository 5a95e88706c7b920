"""Pages of export records as Arrow record batches, built column by column.

The Parquet export used to build each record as a dict, write it as JSON and have
Arrow parse the JSON back: three passes over every text. Here each column of a page
(``storage.export.RecordPage``) is one Arrow array made from the rows as the
database returned them, and each list column (authors, sections...) is its child
rows' arrays taken in record order, with offsets. The values are those of
``storage.export.iter_article_records``: the tests read both exports back and
compare them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pyarrow as pa

from storage.export import RecordPage, format_timestamp
from storage.export_children import CHILD_FIELDS, child_names
from storage.parquet_schema import SCHEMA

__all__ = ["ipc_stream", "record_batch"]

# Record field -> the column of ``storage.export._version_query`` it copies.
_COPIED = {"url": "url", "site": "host", "kind": "kind", "title": "title",
           "published": "published", "updated": "updated", "category": "category",
           "language": "language", "text": "text", "content_hash": "content_hash",
           "version": "version", "fetched_url": "fetched_url"}
# Record field -> the archive timestamp it formats.
_TIMESTAMPS = {"first_seen": "first_seen_at", "last_seen": "last_seen_at", "gone_at": "gone_at"}


def record_batch(page: RecordPage) -> pa.RecordBatch:
    """The records of ``page`` as a batch in ``storage.parquet.SCHEMA``."""
    columns: dict[str, pa.Array] = {}
    for field, column in _COPIED.items():
        columns[field] = pa.array([getattr(row, column) for row in page.rows],
                                  SCHEMA.field(field).type)
    for field, column in _TIMESTAMPS.items():
        columns[field] = pa.array([format_timestamp(getattr(row, column)) for row in page.rows],
                                  pa.string())
    versions = [row.version_id for row in page.rows]
    for field in CHILD_FIELDS:
        columns[field] = _list_column(field, page.children[field], versions)
    return pa.RecordBatch.from_arrays([columns[name] for name in SCHEMA.names], schema=SCHEMA)


def ipc_stream(batches: Iterable[pa.RecordBatch]) -> bytes:
    """``batches`` as one Arrow IPC stream (what a reader process hands over)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, SCHEMA) as writer:
        for batch in batches:
            writer.write_batch(batch)
    return sink.getvalue().to_pybytes()


def _list_column(field: str, rows: Sequence[Sequence[Any]], versions: list[int]) -> pa.Array:
    """The list column ``field``: for each record (its version in ``versions``), its
    child ``rows`` ``(version_id, *values)``, which come ordered by version, then
    position."""
    spans: dict[int, tuple[int, int]] = {}  # version -> its rows' [start, end)
    start = 0
    for index in range(1, len(rows) + 1):
        if index == len(rows) or rows[index][0] != rows[start][0]:
            spans[rows[start][0]] = (start, index)
            start = index
    order: list[int] = []
    offsets = [0]
    for version in versions:
        span = spans.get(version)
        if span is not None:
            order.extend(range(*span))
        offsets.append(len(order))
    list_type = SCHEMA.field(field).type
    values = _child_values(field, rows, list_type.value_type)
    if order != list(range(len(rows))):  # else already in record order
        values = values.take(pa.array(order, pa.int64()))
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), values, type=list_type)


def _child_values(field: str, rows: Sequence[Sequence[Any]], value_type: pa.DataType) -> pa.Array:
    """The values of ``rows`` in their order: strings, or structs of the named values."""
    names = child_names(field)
    if not pa.types.is_struct(value_type):
        return pa.array([row[1] for row in rows], value_type)
    position = {name: index for index, name in enumerate(names, start=1)}
    children = [pa.array([row[position[member.name]] for row in rows], member.type)
                for member in value_type]
    return pa.StructArray.from_arrays(children, fields=list(value_type))
