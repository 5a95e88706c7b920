"""PostgreSQL's two-stage ranking (``storage.search_ranking``): exact when the
window holds every match, ``ts_rank`` order within the window otherwise, and every
phrase match found when a full window holds too few."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, event, select, text
from storage_samples import at, make_record

from storage import search_ranking
from storage.filters import ArticleFilter
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


@pytest.fixture(autouse=True)
def no_autoanalyze(archive_engine: Engine) -> None:
    """The lengths get statistics (which a ranking try reads) only when a test runs
    ANALYZE, not whenever autovacuum comes by."""
    with archive_engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE article_search SET (autovacuum_enabled = false)")


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
                          text=FILLER + "The copper zinc ratio is what matters. " * (n + 1))
              for n in range(2)]
    _save(archive_engine, decoys + phrase)
    hits = search_articles(archive_engine, '"copper zinc"', limit=2, rank_window=2)
    assert sorted(hit.url.removeprefix(BASE) for hit in hits) == ["phrase0", "phrase1"]
    # ranked by ts_rank: the one with the phrase twice first
    assert [hit.article_id for hit in hits] == _exact_order(archive_engine, '"copper zinc"', 2)
    assert hits[0].url.removeprefix(BASE) == "phrase1"
    assert len(search_articles(archive_engine, "copper zinc", limit=20, rank_window=2)) == 12


def test_relaxed_queries_keep_exclusions_exact(archive_engine):
    with archive_engine.connect() as conn:
        def render(query: str, relaxed: bool) -> str:
            return conn.execute(select(to_tsquery(parse_query(query), relaxed=relaxed))).scalar_one()

        assert render('"deep sleep" omega-3', False) == "'deep' <-> 'sleep' & 'omega' <-> '-3'"
        assert render('"deep sleep" omega-3', True) == "'deep' & 'sleep' & 'omega' & '-3'"
        assert render('sleep -"sleep debt"', True) == "'sleep' & !( 'sleep' <-> 'debt' )"


@pytest.fixture
def ranking_statements(archive_engine: Engine):
    """The SQL of every ranking statement a search sends (those that rank the user's query)."""
    sent: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "user_query" in statement:
            sent.append((statement, parameters))

    event.listen(archive_engine, "before_cursor_execute", capture)
    yield sent
    event.remove(archive_engine, "before_cursor_execute", capture)


def _titled_and_text_only(engine: Engine, titled: int, text_only: int) -> None:
    """``titled`` articles with 'sleep' in their title, ``text_only`` with it (more
    often) in their text only."""
    records = [make_record(f"{BASE}titled{n}", title=f"Sleep and the body clock {n}",
                           text=FILLER.replace("sleep", "rest")) for n in range(titled)]
    records += [make_record(f"{BASE}text{n}", title=f"Evening habits {n}",
                            text=FILLER + "Sleep pressure builds all day. " * (n + 1))
                for n in range(text_only)]
    _save(engine, records)


def test_titles_that_fill_the_window_are_the_only_candidates(archive_engine, ranking_statements):
    _titled_and_text_only(archive_engine, titled=6, text_only=4)
    hits = search_articles(archive_engine, "sleep", limit=6, rank_window=6)
    assert sorted(hit.url.removeprefix(BASE) for hit in hits) == [f"titled{n}" for n in range(6)]
    assert [hit.article_id for hit in hits] == _exact_order(archive_engine, "sleep", 6)
    assert len(ranking_statements) == 1 and "ts_filter" in ranking_statements[0][0]


def test_fewer_titles_than_the_window_make_every_match_a_candidate(archive_engine,
                                                                    ranking_statements):
    _titled_and_text_only(archive_engine, titled=2, text_only=4)
    hits = search_articles(archive_engine, "sleep", limit=5, rank_window=6)
    assert [hit.article_id for hit in hits] == _exact_order(archive_engine, "sleep", 5)
    assert {hit.url.removeprefix(BASE) for hit in hits} >= {"titled0", "titled1", "text3"}
    assert ["ts_filter" in statement for statement, _ in ranking_statements] == [True, False]


def test_the_title_stage_keeps_exclusions_and_every_wanted_word(archive_engine,
                                                                 ranking_statements):
    # Six titles name sleep; three of those texts also name melatonin, and one title
    # names melatonin without sleep.
    records = [make_record(f"{BASE}titled{n}", title=f"Sleep and the body clock {n}",
                           text=FILLER + ("Melatonin helps some." if n % 2 else ""))
               for n in range(6)]
    records.append(make_record(f"{BASE}melatonin", title="Melatonin basics", text="No more."))
    _save(archive_engine, records)
    hits = search_articles(archive_engine, "sleep -melatonin", limit=3, rank_window=3)
    assert sorted(hit.url.removeprefix(BASE) for hit in hits) == ["titled0", "titled2", "titled4"]
    hits = search_articles(archive_engine, "melatonin sleep", limit=3, rank_window=3)
    assert sorted(hit.url.removeprefix(BASE) for hit in hits) == ["titled1", "titled3", "titled5"]
    # Each answered by the title stage (every word, then any word): never every match.
    assert ["ts_filter" in sql for sql, _ in ranking_statements] == [True, True, True]


def test_the_title_stage_is_answered_by_its_index(archive_engine, ranking_statements):
    _titled_and_text_only(archive_engine, titled=6, text_only=4)
    search_articles(archive_engine, "sleep", limit=6, rank_window=6)
    statement, parameters = ranking_statements[0]
    with archive_engine.connect() as conn:
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned
        plan = "\n".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN {statement}", parameters))
    assert "ix_article_search_titles" in plan, plan


def test_a_filter_that_keeps_few_articles_skips_the_title_stage(archive_engine, ranking_statements):
    _titled_and_text_only(archive_engine, titled=6, text_only=4)
    selective = (ArticleFilter(site="example.org"), ArticleFilter(author="Roe"),
                 ArticleFilter(cites_doi="10.1000/none"))
    for filters in selective:
        search_articles(archive_engine, "sleep", filters=filters, limit=6, rank_window=6)
    assert ranking_statements and not any("ts_filter" in sql for sql, _ in ranking_statements)
    ranking_statements.clear()
    hits = search_articles(archive_engine, "sleep", filters=ArticleFilter(kind="article"),
                           limit=6, rank_window=6)
    assert len(hits) == 6 and "ts_filter" in ranking_statements[0][0]


def test_a_query_without_an_and_tries_its_titles_once(archive_engine, ranking_statements):
    # "sleep OR pressure" wants any one word: every word and any word are one title try.
    _titled_and_text_only(archive_engine, titled=2, text_only=4)
    hits = search_articles(archive_engine, "sleep OR pressure", limit=6, rank_window=6)
    assert [hit.article_id for hit in hits] == _exact_order(archive_engine, "sleep OR pressure", 6)
    assert ["ts_filter" in sql for sql, _ in ranking_statements] == [True, False]


def _frequent_and_once(engine: Engine, frequent: int, once: int, *, long: bool = False) -> None:
    """No title names cortisol; ``frequent`` texts name it often (so their summaries
    hold it), ``once`` texts name it once (their summaries do not), each shorter than
    the one saved before it. ``long``: the frequent ones are the longest."""
    records = [make_record(f"{BASE}frequent{n}", title=f"Morning light {n}",
                           text=FILLER * (20 if long else 2) + "Cortisol rises at dawn. " * (5 + n))
               for n in range(frequent)]
    records += [make_record(f"{BASE}once{n}", title=f"Evening habits {n}",
                            text=FILLER * (2 + once - n) + "Cortisol is one hormone among many.")
                for n in range(once)]
    _save(engine, records)


def test_summaries_holding_a_word_are_scored_before_other_matches(archive_engine,
                                                                  ranking_statements):
    _frequent_and_once(archive_engine, frequent=4, once=6)
    with archive_engine.connect() as conn:
        held = set(conn.execute(text(
            "SELECT article_id FROM article_search WHERE summary @@ 'cortisol'::tsquery")).scalars())
    assert {url for article_id, url in _ids_by_url(archive_engine).items()
            if article_id in held} == {f"frequent{n}" for n in range(4)}
    # A window the holders fill: they are the candidates (after a title try that fails).
    hits = search_articles(archive_engine, "cortisol", limit=4, rank_window=4)
    assert [hit.article_id for hit in hits] == _exact_order(archive_engine, "cortisol", 4)
    assert {hit.url.removeprefix(BASE) for hit in hits} == {f"frequent{n}" for n in range(4)}
    assert ["ts_filter" in sql for sql, _ in ranking_statements] == [True, False]
    statement, parameters = ranking_statements[-1]
    with archive_engine.connect() as conn:  # each row carries the number of candidates
        assert {row[2] for row in conn.exec_driver_sql(statement, parameters)} == {4}
    # A larger window: the shortest other matches fill its rest, and a window holding
    # every match ranks as ts_rank alone.
    hits = search_articles(archive_engine, "cortisol", limit=7, rank_window=7)
    urls = [hit.url.removeprefix(BASE) for hit in hits]
    assert len(set(urls)) == 7 and set(urls) >= {f"frequent{n}" for n in range(4)}
    assert set(urls) - {f"frequent{n}" for n in range(4)} == {"once3", "once4", "once5"}
    hits = search_articles(archive_engine, "cortisol", limit=10, rank_window=10)
    assert [hit.article_id for hit in hits] == _exact_order(archive_engine, "cortisol", 10)


def test_other_matches_fill_the_window_under_a_filter(archive_engine):
    _frequent_and_once(archive_engine, frequent=2, once=6)
    # A site filter skips the title try: the holders, then the shortest other matches
    # that pass (not the first saved).
    hits = search_articles(archive_engine, "cortisol", filters=ArticleFilter(site="example.com"),
                           limit=5, rank_window=5)
    urls = [hit.url.removeprefix(BASE) for hit in hits]
    assert len(urls) == 5 and set(urls[:2]) == {"frequent0", "frequent1"}
    assert set(urls[2:]) == {"once3", "once4", "once5"}
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert search_articles(archive_engine, "cortisol", filters=ArticleFilter(site="example.org"),
                           limit=5, rank_window=5) == []



def _analyze(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE article_search")


def test_holders_and_the_shortest_matches_fill_the_window_from_the_indexes(
        archive_engine, ranking_statements, monkeypatch):
    # 2 holders, the longest, and 12 other matches, each shorter than the one saved
    # before it; stage 1 first looks at the holders and the archive's shortest 40%.
    _frequent_and_once(archive_engine, frequent=2, once=12, long=True)
    _analyze(archive_engine)
    monkeypatch.setattr(search_ranking, "SHORTEST_SHARE", 0.4)
    hits = search_articles(archive_engine, "cortisol", limit=5, rank_window=5)
    assert {hit.url.removeprefix(BASE) for hit in hits} == {
        "frequent0", "frequent1", "once9", "once10", "once11"}
    bounded = [sql for sql, _ in ranking_statements if "document_length <=" in sql]
    assert [("ts_filter" in sql, sql in bounded) for sql, _ in ranking_statements] == [
        (True, False), (False, True)]
    # The same candidates as every match gives (as without statistics to bound them).
    ranking_statements.clear()
    monkeypatch.setattr(search_ranking, "_share_length", lambda conn, share: None)
    assert search_articles(archive_engine, "cortisol", limit=5, rank_window=5) == hits
    assert [("ts_filter" in sql, "document_length <=" in sql)
            for sql, _ in ranking_statements] == [(True, False), (False, False)]


def test_too_few_short_matches_look_at_every_match(archive_engine, ranking_statements,
                                                   monkeypatch):
    _frequent_and_once(archive_engine, frequent=2, once=12)
    _analyze(archive_engine)
    monkeypatch.setattr(search_ranking, "SHORTEST_SHARE", 0.4)
    # The holders and the shortest 40% (4 others) do not fill a window of 8.
    hits = search_articles(archive_engine, "cortisol", limit=8, rank_window=8)
    assert [("ts_filter" in sql, "document_length <=" in sql)
            for sql, _ in ranking_statements] == [(True, False), (False, True), (False, False)]
    urls = {hit.url.removeprefix(BASE) for hit in hits}
    assert urls == {"frequent0", "frequent1"} | {f"once{n}" for n in range(6, 12)}
    hits = search_articles(archive_engine, "cortisol", limit=14, rank_window=14)
    assert [hit.article_id for hit in hits] == _exact_order(archive_engine, "cortisol", 14)


def test_lengths_without_statistics_or_a_selective_filter_skip_the_shortest_try(
        archive_engine, ranking_statements):
    _frequent_and_once(archive_engine, frequent=2, once=12)
    search_articles(archive_engine, "cortisol", limit=5, rank_window=5)  # never analyzed
    _analyze(archive_engine)
    search_articles(archive_engine, "cortisol", filters=ArticleFilter(site="example.org"),
                    limit=5, rank_window=5)
    assert ranking_statements
    assert not any("document_length <=" in sql for sql, _ in ranking_statements)

