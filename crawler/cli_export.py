"""``healtharchive export``: archived articles as JSON Lines, CSV or Parquet, with the
search filters, streamed (constant memory) with a progress bar on a terminal."""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from crawler.cli import _add_db, _engine
from crawler.cli_filters import add_filter_arguments, positive_int, read_filters
from crawler.errors import UserError

if TYPE_CHECKING:
    from storage.export_parallel import EncodedChunk


def add_parser(sub: Any) -> None:
    export = sub.add_parser(
        "export", help="export archived articles (JSON Lines, CSV or Parquet)",
        description="One record per archived article (current version, or every version with "
        "--versions); JSON Lines records follow article.schema.json. Parquet keeps authors, "
        "sections and references as nested list<struct> columns.")
    export.add_argument("--format", choices=("jsonl", "csv", "parquet"), default="jsonl",
                        help="output format (default jsonl)")
    _add_db(export)
    export.add_argument("--out", metavar="PATH",
                        help="output file (default: standard output; required for parquet)")
    export.add_argument("--versions", action="store_true",
                        help="every archived version, not only the latest")
    add_filter_arguments(export)
    export.add_argument("--limit", type=positive_int, help="at most this many records")
    export.add_argument("--workers", type=positive_int, metavar="N",
                        help="processes that read and encode records (default: one per core)")
    export.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from storage.db import open_archive
    from storage.export import ExportOptions, count_records
    from storage.export_parallel import default_workers, encoded_chunks

    options = ExportOptions(filters=read_filters(args), versions=args.versions, limit=args.limit)
    if args.format == "parquet" and not args.out:
        raise UserError("--format parquet needs --out FILE (Parquet is not a stream format)")
    engine = _engine(args.db, open_archive)
    try:
        url = engine.url.render_as_string(hide_password=False)
        # Parquet too: the pool reads and builds Arrow batches on every core while this
        # process's writer thread compresses (mostly outside the GIL) beside it. Leaving
        # a core to the writer instead cost a third more time on two cores.
        workers = args.workers or default_workers()
        chunks = encoded_chunks(engine, url, args.format, options, workers=workers)
        if sys.stderr.isatty():
            chunks = _with_progress(chunks, total=count_records(engine, options), out=sys.stderr)
        count = _write(chunks, args.format, args.out)
    finally:
        engine.dispose()
    if args.out:
        print(f"exported {count} records to {args.out}", file=sys.stderr)
    return 0


def _write(chunks: Iterator[EncodedChunk], format_name: str, path: str | None) -> int:
    if format_name == "parquet":
        from storage.parquet import table_from_ipc, write_chunks

        assert path is not None
        try:
            return write_chunks((chunk.data for chunk in chunks), path, to_table=table_from_ipc)
        except OSError as exc:
            raise UserError(f"cannot write {path}: {exc.strerror or exc}") from exc
    if not path:
        sys.stdout.flush()
        return _write_bytes(chunks, format_name, sys.stdout.buffer)
    try:
        out = open(path, "wb")  # noqa: SIM115
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror}") from exc
    with out:
        return _write_bytes(chunks, format_name, out)


def _write_bytes(chunks: Iterator[EncodedChunk], format_name: str, out: BinaryIO) -> int:
    from storage.export import CSV_COLUMNS

    if format_name == "csv":
        header = io.StringIO(newline="")
        csv.writer(header).writerow(CSV_COLUMNS)
        out.write(header.getvalue().encode("utf-8"))
    count = 0
    for chunk in chunks:
        out.write(chunk.data)
        count += chunk.count
    out.flush()
    return count


def _with_progress(
    chunks: Iterator[EncodedChunk], *, total: int, out: TextIO
) -> Iterator[EncodedChunk]:
    """``chunks`` unchanged, drawing a bar on ``out`` (a terminal) as they pass."""
    started = time.monotonic()
    done = 0
    for chunk in chunks:
        yield chunk
        done += chunk.count
        out.write("\r" + progress_bar(done, total, time.monotonic() - started))
        out.flush()
    out.write("\r" + progress_bar(done, total, time.monotonic() - started) + "\n")
    out.flush()


def progress_bar(done: int, total: int, elapsed: float, *, width: int = 30) -> str:
    """``[#####.....]  1,234/5,678  22%  4,321 rec/s`` for ``done`` of ``total``."""
    share = done / total if total else 1.0
    filled = min(width, int(share * width))
    rate = done / elapsed if elapsed > 0 else 0.0
    return (f"[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} "
            f"{share:>4.0%} {rate:,.0f} rec/s")
