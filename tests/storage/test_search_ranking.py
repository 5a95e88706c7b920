"""PostgreSQL's two-stage ranking (``storage.search_ranking``): exact when the
window holds every match, ``ts_rank`` order within the window otherwise, and every
phrase match found when a full window holds too few."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, text
from storage_samples import at, make_record

from storage.search import search_articles
from storage.search_query import parse_query, to_tsquery
from storage.writer import ArchiveWriter

BASE = "https://example.org/"

pytestmark = [pytest.mark.postgresql,
              pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)]

FILLER = ("Most people sleep less than they think, and short nights add up over a week. "
          "Light in the evening delays the body clock; caffeine after noon does too. ")


def _save(engine: Engine, records) -> None:
    writer = ArchiveWriter(engine)
    run_id = writer.start_run(start_urls=[BASE])
    for minutes, record in enumerate(records):
        writer.save_article(run_id, record, fetched_at=at(minutes))


def _ids_by_url(engine: Engine) -> dict[int, str]:
    with engine.connect() as conn:
        return {row.id: row.url.removeprefix(BASE)
                for row in conn.execute(text("SELECT id, url FROM articles"))}


def _exact_order(engine: Engine, query: str, limit: int) -> list[int]:
    """Every match ranked by ts_rank over its whole vector: the single-stage order."""
    with engine.connect() as conn:
        tsquery = conn.execute(select(to_tsquery(parse_query(query)))).scalar_one()
        return list(conn.execute(text(
            "SELECT article_id FROM article_search WHERE document @@ CAST(:q AS tsquery) "
            "ORDER BY ts_rank(document, CAST(:q AS tsquery), 1) DESC, article_id LIMIT :n"),
            {"q": tsquery, "n": limit}).scalars())


@pytest.fixture
def sleep_archive(archive_engine: Engine) -> Engine:
    """24 articles that all mention sleep, in the title, the text, often or once."""
    records = []
    for number in range(24):
        title = f"Sleep note {number}" if number % 3 == 0 else f"Evening habits {number}"
        body = FILLER * (1 + number % 4) + "Sleep pressure builds all day. " * (number % 5)
        records.append(make_record(f"{BASE}n{number}", title=title, text=body))
    _save(archive_engine, records)
    return archive_engine


def test_a_window_holding_every_match_ranks_as_ts_rank_alone(sleep_archive):
    for query in ("sleep", "sleep pressure", '"sleep pressure"', "evening OR clock"):
        hits = search_articles(sleep_archive, query, limit=10, rank_window=100)
        assert [hit.article_id for hit in hits] == _exact_order(sleep_archive, query, 10), query


def test_a_small_window_returns_exact_matches_best_first(sleep_archive):
    hits = search_articles(sleep_archive, '"sleep pressure"', limit=5, rank_window=5)
    assert len(hits) == 5
    every_match = set(_exact_order(sleep_archive, '"sleep pressure"', 100))
    assert {hit.article_id for hit in hits} <= every_match
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)
    # Stage 1 prefers the titles that name the word: a window as small as their number
    # holds them all.
    titled = {article_id for article_id, url in _ids_by_url(sleep_archive).items()
              if int(url[1:]) % 3 == 0}
    top = search_articles(sleep_archive, "sleep", limit=len(titled), rank_window=len(titled))
    assert {hit.article_id for hit in top} == titled


def test_a_full_window_without_enough_phrase_matches_ranks_every_match(archive_engine):
    # Ten decoys have both words in the title (stage 1 scores them highest) but never
    # next to each other in this order; two articles have the phrase, in the text only.
    decoys = [make_record(f"{BASE}decoy{n}", title=f"Zinc and copper, part {n}",
                          text=FILLER + "Copper is one mineral. Zinc is another.")
              for n in range(10)]
    phrase = [make_record(f"{BASE}phrase{n}", title=f"Mineral ratios {n}",
                          text=FILLER + "The copper zinc ratio is what matters.")
              for n in range(2)]
    _save(archive_engine, decoys + phrase)
    hits = search_articles(archive_engine, '"copper zinc"', limit=2, rank_window=2)
    assert sorted(hit.url.removeprefix(BASE) for hit in hits) == ["phrase0", "phrase1"]
    assert len(search_articles(archive_engine, "copper zinc", limit=20, rank_window=2)) == 12


def test_relaxed_queries_keep_exclusions_exact(archive_engine):
    with archive_engine.connect() as conn:
        def render(query: str, relaxed: bool) -> str:
            return conn.execute(select(to_tsquery(parse_query(query), relaxed=relaxed))).scalar_one()

        assert render('"deep sleep" omega-3', False) == "'deep' <-> 'sleep' & 'omega' <-> '-3'"
        assert render('"deep sleep" omega-3', True) == "'deep' & 'sleep' & 'omega' & '-3'"
        assert render('sleep -"sleep debt"', True) == "'sleep' & !( 'sleep' <-> 'debt' )"
