"""Exports split over worker processes give exactly what one process gives, in order."""

from __future__ import annotations

import csv
import io

import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine
from storage_samples import at, make_glossary_record, make_record

from storage.export import ExportOptions, dump_csv, dump_jsonl, iter_article_records
from storage.export_parallel import encoded_chunks, id_ranges
from storage.filters import ArticleFilter
from storage.parquet import SCHEMA, table_from_ipc, table_from_jsonl, write_chunks
from storage.writer import ArchiveWriter


@pytest.fixture
def archive(archive_engine: Engine) -> Engine:
    """Seven articles, the second with two versions, and a glossary page."""
    writer = ArchiveWriter(archive_engine)
    run_id = writer.start_run(start_urls=[])
    for index in range(7):
        writer.save_article(run_id, make_record(f"https://example.com/p{index}",
                                                category="Sleep" if index % 3 else "Skin"),
                            fetched_at=at(index))
    writer.save_article(run_id, make_record("https://example.com/p1", text="Edited.",
                                            category="Sleep"), fetched_at=at(20))
    writer.save_article(run_id, make_glossary_record(), fetched_at=at(21))
    return archive_engine


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _parallel(engine: Engine, fmt: str, options: ExportOptions, workers: int = 2) -> list:
    return list(encoded_chunks(engine, _url(engine), fmt, options, workers=workers, range_size=2))


@pytest.mark.parametrize("options", [
    ExportOptions(),
    ExportOptions(versions=True),
    ExportOptions(filters=ArticleFilter(category="sleep"), versions=True),
], ids=["current", "versions", "filtered"])
def test_jsonl_and_csv_chunks_equal_the_single_process_export(archive, options):
    records = list(iter_article_records(archive, options=options))
    chunks = _parallel(archive, "jsonl", options)
    assert len(chunks) > 1  # really split: several ranges, handed back in id order
    assert sum(chunk.count for chunk in chunks) == len(records)
    expected = io.StringIO()
    dump_jsonl(iter(records), expected)
    assert b"".join(chunk.data for chunk in chunks).decode() == expected.getvalue()

    expected_csv = io.StringIO(newline="")
    dump_csv(iter(records), expected_csv)
    header, *_ = expected_csv.getvalue().splitlines(keepends=True)
    rows = b"".join(chunk.data for chunk in _parallel(archive, "csv", options)).decode()
    assert header + rows == expected_csv.getvalue()
    assert len(list(csv.reader(io.StringIO(header + rows)))) == len(records) + 1


def test_parquet_from_worker_chunks_equals_the_records(archive, tmp_path):
    options = ExportOptions(versions=True)
    path = tmp_path / "parallel.parquet"
    seen: list[int] = []
    chunks = _parallel(archive, "parquet", options)
    assert write_chunks((c.data for c in chunks), path, to_table=table_from_ipc,
                        progress=seen.append) == 9
    assert seen[-1] == 9 and len(seen) == len(chunks)
    table = pq.read_table(path)
    assert table.schema.equals(SCHEMA)
    assert table.to_pylist() == list(iter_article_records(archive, options=options))


def test_limit_and_one_worker_stay_in_process_and_exact(archive):
    limited = _parallel(archive, "jsonl", ExportOptions(limit=3))
    assert sum(chunk.count for chunk in limited) == 3
    one = _parallel(archive, "jsonl", ExportOptions(), workers=1)
    assert b"".join(c.data for c in one) == b"".join(c.data for c in _parallel(archive, "jsonl", ExportOptions()))


def test_empty_archive_has_no_ranges_and_no_chunks(archive_engine):
    assert id_ranges(archive_engine) == []
    assert _parallel(archive_engine, "jsonl", ExportOptions()) == []


def test_parquet_writer_thread_failure_reaches_the_caller(tmp_path):
    import pyarrow as pa

    def chunks():
        yield b'{"url": 1}\n'  # not a record of the schema
        yield b"never parsed\n"

    with pytest.raises(pa.ArrowInvalid):
        write_chunks(chunks(), tmp_path / "bad.parquet", to_table=table_from_jsonl)


def test_parquet_asks_for_the_first_chunk_before_its_writer_thread_starts(archive, tmp_path):
    # The export's reader processes are forked when the first chunk is asked for: from a
    # process with one thread only (a fork copies no other thread, whatever lock it held).
    import threading

    threads_at_first_chunk = []

    def chunks():
        threads_at_first_chunk.append(threading.active_count())
        for chunk in encoded_chunks(archive, _url(archive), "parquet", ExportOptions(), workers=2,
                                    range_size=2):
            yield chunk.data

    before = threading.active_count()
    assert write_chunks(chunks(), tmp_path / "out.parquet", to_table=table_from_ipc) == 8
    assert threads_at_first_chunk == [before]
    assert pq.read_table(tmp_path / "out.parquet").num_rows == 8


def test_the_readers_inherit_no_connection_and_the_engine_stays_usable(archive):
    with archive.connect() as conn:  # a pooled connection this process holds
        conn.exec_driver_sql("SELECT 1")
    chunks = encoded_chunks(archive, _url(archive), "jsonl", ExportOptions(), workers=2, range_size=2)
    first = next(chunks)  # the readers have been forked by now
    assert archive.pool.checkedin() == 0
    assert len([first, *chunks]) > 1
    with archive.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM articles").scalar() == 8


def test_the_readers_fork_from_frozen_objects_and_the_export_unfreezes_them(archive):
    import gc

    chunks = encoded_chunks(archive, _url(archive), "jsonl", ExportOptions(), workers=2, range_size=2)
    next(chunks)  # the readers have been forked by now
    assert gc.get_freeze_count() > 0
    list(chunks)
    assert gc.get_freeze_count() == 0
    abandoned = encoded_chunks(archive, _url(archive), "jsonl", ExportOptions(), workers=2,
                               range_size=2)
    next(abandoned)
    abandoned.close()
    assert gc.get_freeze_count() == 0
