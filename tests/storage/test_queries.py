"""Read-side queries: archive summary, run stats, run list."""

from __future__ import annotations

import pytest
from storage_samples import T0, at, make_glossary_record, make_record

from storage.db import ArchiveError
from storage.queries import archive_summary, list_runs, run_stats
from storage.writer import ArchiveWriter


@pytest.fixture
def writer(archive_engine) -> ArchiveWriter:
    return ArchiveWriter(archive_engine)


def test_archive_summary(writer, archive_engine):
    run_id = writer.start_run(start_urls=[])
    writer.save_article(run_id, make_record(), fetched_at=at(0))
    writer.save_article(run_id, make_record(text="v2"), fetched_at=at(1))
    writer.save_article(run_id, make_glossary_record(), fetched_at=at(2))
    assert archive_summary(archive_engine) == [
        {
            "url": "https://example.com/fitness/walking",
            "site": "example.com",
            "kind": "article",
            "title": "Why Walking Works",
            "published": "2026-03-01",
            "authors": "Jane Roe; Dr. Max Mustermann",
            "reference_count": 2,
            "version": 2,
        },
        {
            "url": "https://example.org/glossary/vo2-max",
            "site": "example.org",
            "kind": "glossary",
            "title": "VO2 Max",
            "published": None,
            "authors": "",
            "reference_count": 0,
            "version": 1,
        },
    ]
    assert len(archive_summary(archive_engine, limit=1)) == 1
    assert [row["kind"] for row in archive_summary(archive_engine, site="example.org")] == [
        "glossary"
    ]


def test_run_stats(writer, archive_engine):
    run_id = writer.start_run(start_urls=["https://example.com/"], started_at=T0)
    writer.save_article(run_id, make_record(), fetched_at=at(0))
    writer.save_article(run_id, make_record(text="v2"), fetched_at=at(1))
    writer.save_article(run_id, make_record(text="v2"), fetched_at=at(2))
    for minute, reason in enumerate(["http:404", "http:404", "extract:no_body"]):
        writer.record_fetch(
            run_id,
            url=f"https://example.com/{minute}",
            status=404,
            fetched_at=at(minute),
            outcome="error",
            reason=reason,
        )
    writer.record_fetch(
        run_id,
        url="https://example.com/list",
        status=200,
        fetched_at=at(5),
        outcome="skipped",
        reason="skip:listing",
    )
    writer.finish_run(run_id, status="finished", stats={"pages": 7})
    stats = run_stats(archive_engine, run_id)
    assert stats["status"] == "finished"
    assert stats["started_at"] == T0
    assert stats["stats"] == {"pages": 7}
    assert stats["fetches"] == 7
    assert stats["outcomes"] == {"archived": 2, "error": 3, "skipped": 1, "unchanged": 1}
    assert stats["reasons"] == {"http:404": 2, "extract:no_body": 1, "skip:listing": 1}
    assert (stats["articles_new"], stats["articles_updated"]) == (1, 1)
    with pytest.raises(ArchiveError, match="no crawl run"):
        run_stats(archive_engine, 9999)


def test_list_runs_newest_first(writer, archive_engine):
    first = writer.start_run(start_urls=["https://a.example/"], started_at=at(0))
    second = writer.start_run(start_urls=["https://b.example/"], started_at=at(1))
    writer.save_article(second, make_record(), fetched_at=at(2))
    writer.record_fetch(
        second,
        url="https://b.example/x",
        status=500,
        fetched_at=at(3),
        outcome="error",
        reason="http:500",
    )
    runs = list_runs(archive_engine)
    assert [(r["id"], r["fetches"], r["archived"]) for r in runs] == [
        (second, 2, 1),
        (first, 0, 0),
    ]
    assert runs[0]["start_urls"] == ["https://b.example/"]
    assert runs[0]["started_at"] == at(1)
    assert len(list_runs(archive_engine, limit=1)) == 1
