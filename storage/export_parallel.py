"""Exports encoded on every core: the archive's article ids cut into ranges, each range
read and encoded (JSON Lines, CSV rows or Arrow IPC) in a worker process, the
encoded chunks handed back in id order for the caller to write.

Reading the archive and building records is Python work bound to one core; with the
ranges spread over a process pool an export scales with the cores while the output
stays exactly what ``storage.export.iter_article_records`` gives, in the same order.
At most ``2 x workers`` ranges are in flight, so memory stays bounded whatever the
archive's size.
"""

from __future__ import annotations

import csv
import gc
import io
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any

from sqlalchemy import Engine, event, func, select

from storage.export import (
    CSV_COLUMNS,
    ExportOptions,
    iter_article_records,
    iter_pages,
    to_csv_row,
)
from storage.models import Article

FORMATS = ("jsonl", "csv", "parquet")
# Article ids per range: big enough that a range's queries and its inter-process copy
# are cheap next to its encoding, small enough to keep the pool busy to the end.
RANGE_SIZE = 500
# Records per encoded chunk, in a reader process or in this one (bounded memory, and a
# Parquet row group per chunk): a range of current versions is one chunk.
CHUNK_RECORDS = 500
READER_CACHE_KIB = 4_096


@dataclass(frozen=True, slots=True)
class EncodedChunk:
    """Up to ``CHUNK_RECORDS`` records, encoded: ``data`` is UTF-8 JSON Lines, CSV rows (no
    header) or, for Parquet, an Arrow IPC stream (``storage.parquet.write_chunks`` makes
    it a row group); ``count`` records."""

    count: int
    data: bytes


def default_workers() -> int:
    """One export process per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def id_ranges(engine: Engine, size: int = RANGE_SIZE) -> list[tuple[int, int]]:
    """The archive's article ids as inclusive ``(first, last)`` ranges of ``size`` ids."""
    with engine.connect() as conn:
        low, high = conn.execute(select(func.min(Article.id), func.max(Article.id))).one()
    if low is None:
        return []
    return [(start, min(start + size - 1, high)) for start in range(low, high + 1, size)]


def encoded_chunks(
    engine: Engine,
    database_url: str,
    fmt: str,
    options: ExportOptions,
    *,
    workers: int,
    range_size: int = RANGE_SIZE,
) -> Iterator[EncodedChunk]:
    """The export of ``options`` as encoded chunks, in article-id order.

    ``workers`` processes (each with its own connection to ``database_url``) encode the
    id ranges; with one worker, or an archive of one range, or a ``limit`` (which must
    stop at an exact record), everything happens in this process.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    ranges = id_ranges(engine, range_size)
    if workers <= 1 or len(ranges) <= 1 or options.limit is not None:
        reader = reading_engine(database_url)
        try:
            yield from _encode_chunks(reader, fmt, options)
        finally:
            reader.dispose()
        return
    # Readers open their own connections: this process's are closed first, so that no
    # reader process inherits one.
    engine.dispose()
    # The readers share this process's memory until they write to it, and a garbage
    # collection in a reader writes to every object it inherited: frozen, those are
    # left alone (it cost each reader of a Parquet export some 20 MB, Arrow's modules
    # and its compute functions included).
    gc.freeze()
    try:
        yield from _pooled(fmt, options, ranges, database_url, workers)
    finally:
        gc.unfreeze()


def _pooled(fmt: str, options: ExportOptions, ranges: list[tuple[int, int]], database_url: str,
            workers: int) -> Iterator[EncodedChunk]:
    """The chunks of ``ranges``, encoded by a pool of ``workers`` reader processes."""
    with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(), initializer=_start_worker,
                             initargs=(database_url,)) as pool:
        pending: deque[Future[list[EncodedChunk]]] = deque()
        queued = iter(ranges)
        for first, last in queued:
            pending.append(pool.submit(_encode_range, fmt, options, first, last))
            if len(pending) >= 2 * workers:
                break
        while pending:
            chunks = pending.popleft().result()
            for first, last in queued:  # keep the pool fed: one new range per range done
                pending.append(pool.submit(_encode_range, fmt, options, first, last))
                break
            yield from chunks


def _pool_context() -> multiprocessing.context.BaseContext:
    """Fork where it is the platform's own way (Linux): the reader processes share the
    modules this process has loaded instead of importing them again, and no server
    process stands by; a forkserver's preloaded copy and its resource tracker cost the
    export some 45 MB. The pool forks all its processes at its first task, before the
    Parquet writer starts its thread (``storage.parquet.write_chunks``)."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["storage.export_parallel"])
    return context


def _encode_chunks(engine: Engine, fmt: str, options: ExportOptions) -> Iterator[EncodedChunk]:
    """The records of ``options`` encoded for ``fmt``, ``CHUNK_RECORDS`` at most per chunk:
    JSON Lines and CSV from the records, Parquet (Arrow IPC, a batch per chunk) from the
    pages they are built from."""
    if fmt == "parquet":
        from storage.parquet import encode_pages  # pyarrow, set up by storage.parquet

        for page in iter_pages(engine, options, CHUNK_RECORDS):
            yield EncodedChunk(len(page.rows), encode_pages([page]))
        return
    records = iter_article_records(engine, options=options)
    while chunk := encode_records(fmt, islice(records, CHUNK_RECORDS)):
        yield chunk


def encode_records(fmt: str, records: Iterable[dict[str, Any]]) -> EncodedChunk | None:
    """``records`` encoded as JSON Lines or CSV (see ``EncodedChunk``), one at a time
    as they stream by; ``None`` if there are none."""
    count = 0
    if fmt == "jsonl":
        import orjson

        parts = []
        for record in records:
            parts.append(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))
            count += 1
        data = b"".join(parts)
    elif fmt == "csv":
        text = io.StringIO(newline="")
        writer = csv.DictWriter(text, fieldnames=CSV_COLUMNS)
        for record in records:
            writer.writerow(to_csv_row(record))
            count += 1
        data = text.getvalue().encode("utf-8")
    else:
        raise ValueError(f"records are encoded as jsonl or csv, not {fmt!r}")
    return EncodedChunk(count, data) if count else None


# -- worker processes ------------------------------------------------------------------
_worker_engine: Engine | None = None


def reading_engine(database_url: str) -> Engine:
    """An engine for reading an export (in a worker or in this process): on SQLite
    with a small page cache, since every page is read once, in order; the archive's
    32 MB cache (meant for the writer's index updates) would only grow the memory."""
    from storage.db import create_archive_engine

    engine = create_archive_engine(database_url)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _small_cache(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute(f"PRAGMA cache_size = -{READER_CACHE_KIB}")

    return engine


def _start_worker(database_url: str) -> None:
    global _worker_engine
    _worker_engine = reading_engine(database_url)


def _encode_range(fmt: str, options: ExportOptions, first: int, last: int) -> list[EncodedChunk]:
    assert _worker_engine is not None, "the pool's initializer opens the archive"
    ranged = replace(options, article_ids=(first, last))
    return list(_encode_chunks(_worker_engine, fmt, ranged))
