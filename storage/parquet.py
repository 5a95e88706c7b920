"""Export records as Parquet (pyarrow): one row per record, lists kept as lists.

``authors``, ``sections`` and ``references`` are ``list<struct>`` columns with the
record's field names, ``tags``, ``affiliate_links`` and ``flags`` are
``list<string>``, and the scalar fields keep their record types (timestamps
stay the ISO strings of the JSON records, so the two formats compare equal).
Rows are written in row groups as they stream in, so memory holds one group at a
time. Records reach Arrow as JSON Lines, parsed by Arrow's C++ reader: cheaper than
building tables from Python dicts, and what lets the export's worker processes
(``storage.export_parallel``) hand over plain bytes.
"""

from __future__ import annotations

import io
import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from pathlib import Path
from typing import Any, BinaryIO

# Arrow's jemalloc pool hands freed memory back to the system as it goes; the default
# (mimalloc) keeps it, which grew an export's writer by some 30 MB. Read when pyarrow
# is first imported; a user's own setting wins.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")

import pyarrow as pa
import pyarrow.json as pa_json
import pyarrow.parquet as pq
from sqlalchemy import Engine

from storage.export import ExportOptions, iter_article_records

ROW_GROUP_SIZE = 2_000

_string, _int = pa.string(), pa.int64()
AUTHOR = pa.struct([("name", _string), ("role", _string), ("bio", _string), ("url", _string),
                    ("relation", _string)])
SECTION = pa.struct([("heading", _string), ("level", _int), ("kind", _string), ("text", _string)])
REFERENCE = pa.struct([("text", _string), ("title", _string), ("year", _int), ("url", _string),
                       ("doi", _string), ("pmid", _string)])

# Field order and nullability follow article.schema.json, then the export's extras.
SCHEMA = pa.schema([
    pa.field("url", _string, nullable=False),
    pa.field("site", _string, nullable=False),
    pa.field("kind", _string, nullable=False),
    pa.field("title", _string, nullable=False),
    pa.field("published", _string),
    pa.field("updated", _string),
    pa.field("authors", pa.list_(AUTHOR), nullable=False),
    pa.field("category", _string),
    pa.field("tags", pa.list_(_string), nullable=False),
    pa.field("language", _string),
    pa.field("text", _string, nullable=False),
    pa.field("sections", pa.list_(SECTION), nullable=False),
    pa.field("references", pa.list_(REFERENCE), nullable=False),
    pa.field("affiliate_links", pa.list_(_string), nullable=False),
    pa.field("flags", pa.list_(_string), nullable=False),
    pa.field("content_hash", _string, nullable=False),
    pa.field("first_seen", _string, nullable=False),
    pa.field("last_seen", _string, nullable=False),
    pa.field("version", _int, nullable=False),
    pa.field("gone_at", _string),
    pa.field("fetched_url", _string, nullable=False),
])


def write_parquet(
    engine: Engine,
    out: str | Path | BinaryIO,
    *,
    options: ExportOptions | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the records of ``options`` to ``out`` (a path or a binary file) as
    Parquet, zstd-compressed; the number of rows written. ``progress`` is called
    with the running count after each row group."""
    return write_records(iter_article_records(engine, options=options), out, progress=progress)


def write_records(
    records: Iterable[dict[str, Any]],
    out: str | Path | BinaryIO,
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write ``records`` (schema records) to ``out`` as Parquet, a row group per
    ``ROW_GROUP_SIZE`` records; the number written."""
    return write_jsonl_chunks(_jsonl_chunks(records, ROW_GROUP_SIZE), out, progress=progress)


def _jsonl_chunks(records: Iterable[dict[str, Any]], size: int) -> Iterator[bytes]:
    from storage.export_parallel import encode_records

    stream = iter(records)
    while chunk := encode_records("jsonl", islice(stream, size)):
        yield chunk.data


def table_from_jsonl(data: bytes) -> pa.Table:
    """JSON Lines records (as the JSONL export writes them) as a table in ``SCHEMA``,
    parsed by Arrow's own multi-threaded reader: far cheaper than building the table
    from Python dicts, so the processes that read the archive only write JSON."""
    table = pa_json.read_json(
        io.BytesIO(data),
        read_options=pa_json.ReadOptions(use_threads=False, block_size=max(len(data), 1 << 20)),
        parse_options=pa_json.ParseOptions(explicit_schema=SCHEMA,
                                           unexpected_field_behavior="error"),
    )
    return table.select(SCHEMA.names).cast(SCHEMA)


def write_jsonl_chunks(
    chunks: Iterable[bytes],
    out: str | Path | BinaryIO,
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write chunks of JSON Lines records to ``out`` as Parquet, one row group per
    chunk, zstd-compressed; the number of rows written.

    A writer thread parses and compresses (Arrow's C++, which releases the GIL) while
    the calling thread keeps producing ``chunks`` (reading the archive, in Python): the
    two overlap on two cores within one process, with two chunks at most in between.
    The first chunk is asked for before the thread starts: a producer that forks its
    reader processes (``storage.export_parallel``) forks them from a single thread."""
    stream = iter(chunks)
    first = next(stream, None)
    handoff: queue.Queue[bytes | None] = queue.Queue(maxsize=2)
    written = [0]
    failure: list[BaseException] = []

    def write_all() -> None:
        try:
            with pq.ParquetWriter(out, SCHEMA, compression="zstd") as writer:
                while (chunk := handoff.get()) is not None:
                    table = table_from_jsonl(chunk)
                    writer.write_table(table, row_group_size=max(table.num_rows, 1))
                    written[0] += table.num_rows
                    if progress is not None:
                        progress(written[0])
        except BaseException as error:  # raised again in the calling thread
            failure.append(error)
            while handoff.get() is not None:  # drain, so the producer never blocks
                pass

    thread = threading.Thread(target=write_all, name="parquet-writer", daemon=True)
    thread.start()
    try:
        for chunk in chain([first] if first is not None else [], stream):
            if failure:
                break
            handoff.put(chunk)
    finally:
        handoff.put(None)
        thread.join()
    if failure:
        raise failure[0]
    return written[0]
