"""The dedupe index: kept at ingest, backfilled, incremental (storage/dedupe_index.py, dedupe_pairs.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from dedupe_samples import at, known_articles, save_articles
from sqlalchemy import delete, func, select, update

from storage.dedupe_defaults import DEFAULT_SCHEME
from storage.dedupe_index import update_index
from storage.dedupe_models import DedupeBandKey, DedupeSimilarity, DedupeText, VersionDedupeKey
from storage.dedupe_pairs import TextShingles, pair_pending
from storage.dedupe_report import DedupeOptions, build_report
from storage.dedupe_text import body_text, text_sha256
from storage.models import Article
from storage.writer import ArchiveWriter

NAMES = known_articles()


def count(engine, model) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def test_ingest_indexes_each_distinct_body_once(archive_engine):
    save_articles(archive_engine, [NAMES["sleep"], NAMES["sleep-copy"], NAMES["magnesium"]])
    assert count(archive_engine, VersionDedupeKey) == 3
    assert count(archive_engine, DedupeText) == 2  # the exact copy shares its text
    assert count(archive_engine, DedupeBandKey) == 2 * DEFAULT_SCHEME.bands
    with archive_engine.connect() as conn:
        assert conn.execute(select(DedupeText.paired_at)).scalars().all() == [None, None]
        assert {conn.execute(select(DedupeText.scheme)).scalars().first()} == {DEFAULT_SCHEME.name}


def test_a_refreshed_version_is_indexed_again(archive_engine):
    save_articles(archive_engine, [NAMES["sleep"]])
    with archive_engine.connect() as conn:
        before = conn.execute(select(VersionDedupeKey.dedupe_text_id)).scalar_one()
    from storage.writer import ArchiveWriter

    record = {**replace(NAMES["sleep"], sentences=NAMES["sleep"].sentences[:-3]).to_record(),
              "content_hash": NAMES["sleep"].to_record()["content_hash"]}  # same fetch, better extraction
    assert ArchiveWriter(archive_engine).refresh_current(record)
    with archive_engine.connect() as conn:
        assert conn.execute(select(VersionDedupeKey.dedupe_text_id)).scalar_one() != before


def test_one_batch_that_saves_a_url_twice_indexes_its_last_text(archive_engine):
    # The writer indexes a batch once, at its end: a version refreshed later in the same
    # batch is listed twice and must end up pointing at its refreshed text (PostgreSQL
    # refuses an upsert that touches one row twice).
    refreshed = {**replace(NAMES["sleep"], sentences=NAMES["sleep"].sentences[:-3]).to_record(),
                 "content_hash": NAMES["sleep"].to_record()["content_hash"]}
    writer = ArchiveWriter(archive_engine)
    run_id = writer.start_run(start_urls=["https://example.org/"])
    results = writer.save_articles(run_id, [(NAMES["sleep"].to_record(), {"fetched_at": at(0)}),
                                            (refreshed, {"fetched_at": at(1)}),
                                            (NAMES["magnesium"].to_record(), {"fetched_at": at(1)})])
    assert results == ["new", "unchanged", "new"]
    assert count(archive_engine, VersionDedupeKey) == 2
    with archive_engine.connect() as conn:
        shas = conn.execute(select(DedupeText.text_sha256).join(
            VersionDedupeKey, VersionDedupeKey.dedupe_text_id == DedupeText.id)).scalars().all()
    assert text_sha256(body_text(refreshed["text"], ())) in shas
    assert text_sha256(body_text(NAMES["sleep"].to_record()["text"], ())) not in shas


def test_backfill_indexes_only_what_is_missing(archive_engine):
    """An archive that predates the index: keys are made on the first report, once."""
    save_articles(archive_engine, [NAMES["sleep"], NAMES["sleep-rewrite-10"], NAMES["magnesium"]])
    with archive_engine.begin() as conn:
        conn.execute(delete(DedupeText))  # as if written before migration 0004
    assert count(archive_engine, VersionDedupeKey) == 0
    assert update_index(archive_engine) == 3
    assert count(archive_engine, VersionDedupeKey) == 3
    assert update_index(archive_engine) == 0
    report = build_report(archive_engine, DedupeOptions())
    assert report.index["versions_indexed"] == 0 and report.index["texts_paired"] == 3
    assert [c.kind for c in report.clusters] == ["near"]


def test_texts_of_another_scheme_are_signed_again(archive_engine):
    save_articles(archive_engine, [NAMES["sleep"], NAMES["magnesium"]])
    with archive_engine.begin() as conn:
        conn.execute(update(DedupeText).values(scheme="minhash-old"))
    assert update_index(archive_engine) == 2
    with archive_engine.connect() as conn:
        assert set(conn.execute(select(DedupeText.scheme)).scalars()) == {DEFAULT_SCHEME.name}


def test_stale_texts_are_dropped(archive_engine):
    save_articles(archive_engine, [NAMES["sleep"], NAMES["magnesium"]])
    save_articles(archive_engine, [replace(NAMES["sleep"], sentences=NAMES["distractor-0"].sentences)], minute=3)
    assert count(archive_engine, DedupeText) == 3  # the old version's text is still there
    update_index(archive_engine)
    assert count(archive_engine, DedupeText) == 2


def test_a_new_article_is_compared_only_with_its_candidates(archive_engine, monkeypatch):
    first = [a for name, a in NAMES.items() if name != "sleep-rewrite-20"]
    save_articles(archive_engine, first)
    build_report(archive_engine, DedupeOptions())  # pairs everything once
    with archive_engine.connect() as conn:
        known_ids = set(conn.execute(select(DedupeText.id)).scalars())
        sleep_text = conn.execute(
            select(VersionDedupeKey.dedupe_text_id).join(
                Article, Article.current_version_id == VersionDedupeKey.article_version_id
            ).where(Article.url == NAMES["sleep"].url)).scalar_one()
    pairs_before = count(archive_engine, DedupeSimilarity)

    save_articles(archive_engine, [NAMES["sleep-rewrite-20"]], minute=10)
    with archive_engine.connect() as conn:
        new_id = conn.execute(select(DedupeText.id).where(DedupeText.paired_at.is_(None))).scalar_one()
    loaded: list[int] = []
    original_get = TextShingles.get

    def spy(self, text_ids):
        ids = list(text_ids)
        loaded.extend(ids)
        return original_get(self, ids)

    monkeypatch.setattr(TextShingles, "get", spy)
    stats = pair_pending(archive_engine, TextShingles(archive_engine, DEFAULT_SCHEME.shingle_size))
    assert stats.texts == 1
    assert 1 <= stats.candidates <= 8 < len(known_ids)  # the story's texts, not the archive
    assert stats.kept >= 3  # the original, the copy with attribution, the 10% rewrite
    assert new_id in loaded and sleep_text in loaded
    assert len(set(loaded)) == stats.candidates + 1 < len(known_ids)
    assert count(archive_engine, DedupeSimilarity) == pairs_before + stats.kept
    with archive_engine.connect() as conn:
        pairs = conn.execute(select(DedupeSimilarity.dedupe_text_id, DedupeSimilarity.similar_text_id)).all()
    assert sum(new_id in pair for pair in pairs) == stats.kept
    assert pair_pending(archive_engine, TextShingles(archive_engine, 7)).texts == 0
    report = build_report(archive_engine, DedupeOptions())
    story = next(c for c in report.clusters if c.kind == "near" and len(c.members) > 3)
    assert NAMES["sleep-rewrite-20"].url in {m.url for m in story.members}


@pytest.mark.parametrize("share", [0.1, 0.2, 0.3])
def test_light_rewrites_pair_with_their_original(archive_engine, share):
    save_articles(archive_engine, [NAMES["sleep"], NAMES[f"sleep-rewrite-{round(share * 100)}"]])
    stats = pair_pending(archive_engine, TextShingles(archive_engine, 7))
    assert (stats.texts, stats.kept) == (2, 1)
