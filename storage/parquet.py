"""Export records as Parquet (pyarrow), in ``storage.parquet_schema.SCHEMA``.

Rows are written in row groups as they stream in, so memory holds one group at a
time. The archive's records reach Arrow column by column (``storage.parquet_batches``),
from the export's reader processes as Arrow IPC streams (``storage.export_parallel``);
records given as dicts (``write_records``) reach it as JSON Lines, parsed by Arrow's
C++ reader, cheaper than building tables from Python dicts.
"""

from __future__ import annotations

import io
import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

# Arrow's jemalloc pool hands freed memory back to the system as it goes; the default
# (mimalloc) keeps it, which grew an export's writer by some 30 MB. Read when pyarrow
# is first imported; a user's own setting wins.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")

import pyarrow as pa
import pyarrow.json as pa_json
import pyarrow.parquet as pq
from sqlalchemy import Engine

from storage.export import ExportOptions, RecordPage, iter_pages
from storage.parquet_batches import ipc_stream, record_batch
from storage.parquet_schema import SCHEMA

__all__ = ["ROW_GROUP_SIZE", "SCHEMA", "encode_pages", "table_from_ipc", "table_from_jsonl",
           "write_chunks", "write_parquet", "write_records"]

ROW_GROUP_SIZE = 2_000
Chunk = TypeVar("Chunk")

# Arrow sets up its compute functions when a process builds its first array: some
# 30 MB of heap. Done here, in the process that forks the export's reader processes
# (which build the record batches), they share it instead of each setting up its own.
pa.array([0])


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
    pages = iter_pages(engine, options or ExportOptions(), ROW_GROUP_SIZE)
    return write_chunks(pages, out, to_table=lambda page: pa.Table.from_batches(
        [record_batch(page)]), progress=progress)


def write_records(
    records: Iterable[dict[str, Any]],
    out: str | Path | BinaryIO,
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write ``records`` (schema records) to ``out`` as Parquet, a row group per
    ``ROW_GROUP_SIZE`` records; the number written."""
    return write_chunks(_jsonl_chunks(records, ROW_GROUP_SIZE), out, to_table=table_from_jsonl,
                        progress=progress)


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


def encode_pages(pages: Iterable[RecordPage]) -> bytes:
    """Pages of the archive's records as one Arrow IPC stream, a batch per page (what
    the export's reader processes hand over)."""
    return ipc_stream(record_batch(page) for page in pages)


def table_from_ipc(data: bytes) -> pa.Table:
    """An Arrow IPC stream (as ``storage.parquet_batches.ipc_stream`` writes it) as a table."""
    return pa.ipc.open_stream(data).read_all()


def write_chunks(
    chunks: Iterable[Chunk],
    out: str | Path | BinaryIO,
    *,
    to_table: Callable[[Chunk], pa.Table],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write ``chunks`` of records to ``out`` as Parquet, each turned into a table by
    ``to_table`` (``table_from_ipc`` for the export's chunks) and written as one row group,
    zstd-compressed; the number of rows written.

    A writer thread builds the tables and compresses (Arrow's C++, which releases the
    GIL) while the calling thread keeps producing ``chunks`` (reading the archive): the
    two overlap on two cores within one process, with two chunks at most in between.
    The first chunk is asked for before the thread starts: a producer that forks its
    reader processes (``storage.export_parallel``) forks them from a single thread."""
    stream = iter(chunks)
    first = next(stream, None)
    handoff: queue.Queue[Chunk | None] = queue.Queue(maxsize=2)
    written = [0]
    failure: list[BaseException] = []

    def write_all() -> None:
        try:
            with pq.ParquetWriter(out, SCHEMA, compression="zstd") as writer:
                while (chunk := handoff.get()) is not None:
                    table = to_table(chunk)
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
