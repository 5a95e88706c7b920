"""Concurrent writers (separate connections, as separate processes would have)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from storage_samples import at, make_record

from storage.db import create_archive_engine
from storage.models import Article, ArticleVersion, Author, Site, Tag
from storage.writer import ArchiveWriter

ROUNDS = 4


def run_together(database_url: str, jobs: list[Callable[[ArchiveWriter, int], Any]]) -> list[Any]:
    """Run each job on its own engine and writer, released at the same instant."""
    engines = [create_archive_engine(database_url) for _ in jobs]
    writers = [ArchiveWriter(engine) for engine in engines]
    run_ids = [writer.start_run(start_urls=[]) for writer in writers]
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def work(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = jobs[index](writers[index], run_ids[index])
        except BaseException as error:  # reported by the assertion below
            results[index] = error

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for engine in engines:
        engine.dispose()
    errors = [result for result in results if isinstance(result, BaseException)]
    assert errors == []
    return results


def scalar(engine: Engine, query) -> Any:
    with Session(engine) as session:
        return session.scalar(query)


def test_two_writers_saving_the_same_new_url(archive_engine, database_url):
    for round_ in range(ROUNDS):
        url = f"https://example.com/race-{round_}"
        record = make_record(url)
        results = run_together(
            database_url,
            [
                lambda w, run, r=record: w.save_article(run, r, fetched_at=at(0), body=b"same"),
                lambda w, run, r=record: w.save_article(run, r, fetched_at=at(1), body=b"same"),
            ],
        )
        assert sorted(results) == ["new", "unchanged"]
    assert scalar(archive_engine, select(func.count()).select_from(Article)) == ROUNDS
    assert scalar(archive_engine, select(func.max(ArticleVersion.version))) == 1
    assert scalar(archive_engine, select(func.count()).select_from(Site)) == 1


def test_two_writers_saving_different_content_for_one_new_url(archive_engine, database_url):
    for round_ in range(ROUNDS):
        url = f"https://example.com/race-{round_}"
        results = run_together(
            database_url,
            [
                lambda w, run, u=url: w.save_article(
                    run, make_record(u, text="A"), fetched_at=at(0)
                ),
                lambda w, run, u=url: w.save_article(
                    run, make_record(u, text="B"), fetched_at=at(0)
                ),
            ],
        )
        assert sorted(results) == ["new", "updated"]
    versions = scalar(archive_engine, select(func.count()).select_from(ArticleVersion))
    assert versions == 2 * ROUNDS


def test_writers_sharing_new_authors_and_tags(archive_engine, database_url):
    def job(index: int) -> Callable[[ArchiveWriter, int], Any]:
        record = make_record(f"https://example.com/shared-{index}", tags=["a", "b", "c"])
        return lambda w, run: w.save_article(run, record, fetched_at=at(index))

    results = run_together(database_url, [job(i) for i in range(4)])
    assert results == ["new"] * 4
    assert scalar(archive_engine, select(func.count()).select_from(Tag)) == 3
    assert scalar(archive_engine, select(func.count()).select_from(Author)) == 2
