"""Full-text search on both engines: ranking, phrase, prefix, OR and exclusion,
filters, snippets, bad queries, and an index kept in step by the migration's triggers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, delete, text
from storage_samples import at, make_glossary_record, make_record

from storage.export import ExportOptions, iter_article_records
from storage.filters import ArticleFilter
from storage.models import Article
from storage.search import SearchQueryError, search_articles, snippet_html, snippet_text
from storage.writer import ArchiveWriter

BASE = "https://example.com/"


def _article(slug: str, title: str, body: str, **overrides):
    return make_record(BASE + slug, title=title, text=body, **overrides)


CORPUS = [
    _article("bdnf-title", "BDNF and the Exercising Brain",
             "Hard training raises a growth factor in the brain.", category="Mental Health"),
    _article("bdnf-text", "Why Lifting Helps Focus",
             "Some researchers think BDNF explains part of it.\n\nMost of the effect is sleep.",
             published="2025-02-10", tags=["strength"]),
    _article("sleep-debt", "Paying Back Sleep Debt",
             "Sleep debt builds up over short nights. Deep sleep recovers first.",
             category="Sleep", published="2025-06-01",
             authors=[{"name": "Omar Haddad", "role": "MD", "bio": None, "url": None,
                       "relation": "author"}],
             references=[{"text": "Roe 2020", "title": "Debt", "year": 2020, "url": None,
                          "doi": "10.5555/sleep.2020.1", "pmid": None}]),
    _article("debt-sleep", "Money Worries at Night",
             "Debt keeps people awake; sleep suffers when money is short.",
             category="Sleep", published="2025-07-01"),
    _article("magnesium", "Magnesium Forms Compared",
             "Magnesium glycinate is gentle; magnesium citrate is a laxative.",
             category="Nutrition", published="2024-12-31", tags=["supplements"]),
    _article("caffeine", "Caffeine and Sleep", "Caffeine late in the day delays sleep.",
             category="Sleep", published="2025-09-09"),
]


@pytest.fixture
def archive(archive_engine: Engine) -> Engine:
    writer = ArchiveWriter(archive_engine)
    run_id = writer.start_run(start_urls=[BASE])
    for minutes, record in enumerate(CORPUS):
        writer.save_article(run_id, record, fetched_at=at(minutes))
    writer.save_article(run_id, make_glossary_record(), fetched_at=at(30))
    return archive_engine


def _urls(engine: Engine, query: str, **filters) -> list[str]:
    wanted = ArticleFilter(**filters) if filters else None
    return [hit.url.removeprefix(BASE) for hit in search_articles(engine, query, filters=wanted)]


def test_title_matches_rank_above_text_matches(archive):
    assert _urls(archive, "bdnf") == ["bdnf-title", "bdnf-text"]
    hits = search_articles(archive, "bdnf")
    assert hits[0].score > hits[1].score


def test_words_are_anded_and_stemmed(archive):
    assert set(_urls(archive, "sleep debt")) == {"sleep-debt", "debt-sleep"}
    assert _urls(archive, "recover") == ["sleep-debt"]  # 'recovers' in the text
    assert _urls(archive, "growth brain training") == ["bdnf-title"]


def test_phrase_keeps_word_order(archive):
    assert _urls(archive, '"sleep debt"') == ["sleep-debt"]
    assert _urls(archive, '"debt sleep"') == []


def test_prefix_terms(archive):
    assert _urls(archive, "magnes*") == ["magnesium"]
    assert _urls(archive, "glycin*") == ["magnesium"]


def test_or_and_exclusion(archive):
    assert set(_urls(archive, "caffeine OR magnesium")) == {"caffeine", "magnesium"}
    assert set(_urls(archive, "sleep -caffeine -debt")) == {"bdnf-text"}
    assert set(_urls(archive, '(caffeine OR money) -"late in the day"')) == {"debt-sleep"}


def test_a_query_with_exclusions_ranks_by_its_wanted_words(archive_engine):
    writer = ArchiveWriter(archive_engine)
    run_id = writer.start_run(start_urls=[BASE])
    for minutes, record in enumerate([
        _article("skin-notes", "Skin Notes", "Retinol once, then sunscreen and moisturiser."),
        _article("retinol", "Retinol Basics", "Retinol at night; retinol slowly; retinol works."),
        _article("both", "Retinol or Bakuchiol", "Bakuchiol is gentler than retinol."),
    ]):
        writer.save_article(run_id, record, fetched_at=at(minutes))
    assert _urls(archive_engine, "retinol -bakuchiol") == ["retinol", "skin-notes"]
    assert _urls(archive_engine, "retin* -(bakuchiol OR sunscreen)") == ["retinol"]


def test_names_and_tags_are_searched(archive):
    assert _urls(archive, "haddad") == ["sleep-debt"]
    assert _urls(archive, "supplements") == ["magnesium"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"category": "sleep"}, {"sleep-debt", "debt-sleep", "caffeine"}),
        ({"author": "haDDad"}, {"sleep-debt"}),
        ({"cites_doi": "10.5555/sleep.2020.1"}, {"sleep-debt"}),
        ({"since": datetime(2025, 6, 1, tzinfo=UTC)}, {"sleep-debt", "debt-sleep", "caffeine"}),
        ({"until": datetime(2025, 6, 1, tzinfo=UTC)}, {"bdnf-text"}),
        ({"site": "www.Example.com"}, {"bdnf-text", "sleep-debt", "debt-sleep", "caffeine"}),
        ({"site": "example.org"}, set()),
        ({"kind": "article", "category": "Sleep", "author": "jane"}, {"debt-sleep", "caffeine"}),
    ],
    ids=["category", "author", "doi", "since", "until", "site", "other-site", "combined"],
)
def test_filters(archive, filters, expected):
    assert set(_urls(archive, "sleep", **filters)) == expected


def _byline(name: str) -> dict:
    return {"name": name, "role": None, "bio": None, "url": None, "relation": "author"}


def test_author_filter_compares_names_as_the_archive_keys_them(archive_engine):
    # "Jane Roe" and "JANE  ROE" are one author (one name key); three other people.
    spellings = {"plain": "Jane Roe", "spaced": "JANE  ROE", "dotted": "Dr. J. Roe",
                 "eszett": "Anna Weiß", "other": "Omar Haddad"}
    writer = ArchiveWriter(archive_engine)
    run_id = writer.start_run(start_urls=[BASE])
    for minutes, (slug, name) in enumerate(spellings.items()):
        writer.save_article(run_id, _article(slug, f"Sleep notes {slug}", "Sleep well.",
                                             authors=[_byline(name)]), fetched_at=at(minutes))
    for wanted, expected in [("roe", {"plain", "spaced", "dotted"}),
                             ("jane  roe", {"plain", "spaced"}), ("J.Roe", {"dotted"}),
                             ("dr.", {"dotted"}), ("weiss", {"eszett"}), ("WEIß", {"eszett"}),
                             ("e r", {"plain", "spaced"}), ("ha_dad", set()), ("100%", set())]:
        filters = ArticleFilter(author=wanted)
        found = {hit.url[len(BASE):] for hit in search_articles(archive_engine, "sleep", filters=filters)}
        exported = {r["url"][len(BASE):] for r in iter_article_records(
            archive_engine, options=ExportOptions(filters=filters))}
        assert found == exported == expected, wanted


def test_glossary_kind_filter(archive):
    assert [h.kind for h in search_articles(archive, "oxygen", filters=ArticleFilter(kind="glossary"))] == ["glossary"]
    assert search_articles(archive, "oxygen", filters=ArticleFilter(kind="article")) == []


def test_hit_fields_and_snippet(archive):
    (hit,) = search_articles(archive, "laxative")
    assert (hit.title, hit.site, hit.published, hit.category) == (
        "Magnesium Forms Compared", "example.com", "2024-12-31", "Nutrition")
    assert hit.authors == ("Jane Roe", "Dr. Max Mustermann")
    assert "[laxative]" in snippet_text(hit.snippet)
    assert "<mark>laxative</mark>" in snippet_html(hit.snippet)
    record = hit.to_record()
    assert record["url"] == BASE + "magnesium" and "[laxative]" in record["snippet"]


def test_snippet_of_a_match_deep_in_a_long_text(archive_engine):
    """PostgreSQL looks for the snippet in the text's start first, then in all of it."""
    filler = "Evening light and short nights shape the week ahead. " * 150  # about 8 KB
    writer = ArchiveWriter(archive_engine)
    run_id = writer.start_run(start_urls=[BASE])
    writer.save_article(run_id, _article("deep", "A Long Read", filler + "Zinc closes it."),
                        fetched_at=at(1))
    writer.save_article(run_id, _article("early", "Another Long Read",
                                         "Zinc opens it. " + filler), fetched_at=at(2))
    snippets = {hit.url.removeprefix(BASE): snippet_text(hit.snippet)
                for hit in search_articles(archive_engine, "zinc")}
    assert "[Zinc] closes" in snippets["deep"]
    assert "[Zinc] opens" in snippets["early"]


def test_snippet_html_escapes_archived_text(archive_engine):
    writer = ArchiveWriter(archive_engine)
    run_id = writer.start_run(start_urls=[])
    body = "Beware <script>alert(1)</script> & ashwagandha claims."
    writer.save_article(run_id, _article("xss", "Herbal Claims", body), fetched_at=at(0))
    (hit,) = search_articles(archive_engine, "ashwagandha")
    html = snippet_html(hit.snippet)
    assert "<script>" not in html and "&amp;" in html  # escaped (PostgreSQL drops the tag)


def test_limit(archive):
    assert len(search_articles(archive, "sleep", limit=2)) == 2
    with pytest.raises(SearchQueryError):
        search_articles(archive, "sleep", limit=0)


@pytest.mark.parametrize("query", ['"unclosed', "sleep OR", "-sleep", "(sleep", "m*"])
def test_malformed_query_is_a_search_query_error(archive, query):
    with pytest.raises(SearchQueryError):
        search_articles(archive, query)


def test_index_follows_new_versions_refreshes_and_deletes(archive):
    writer = ArchiveWriter(archive)
    run_id = writer.start_run(start_urls=[])
    # A new version replaces the old text in the index.
    writer.save_article(run_id, _article("magnesium", "Magnesium Forms Compared",
                                         "Zinc and copper compete for absorption."), fetched_at=at(40))
    assert _urls(archive, "laxative") == []
    assert _urls(archive, "zinc") == ["magnesium"]
    # An in-place refresh (same text, new byline and tags) is indexed too.
    refreshed = _article("magnesium", "Magnesium Forms Compared",
                         "Zinc and copper compete for absorption.", tags=["minerals"],
                         authors=[{"name": "Priya Nair", "role": None, "bio": None, "url": None,
                                   "relation": "author"}])
    assert writer.refresh_current(refreshed)
    assert _urls(archive, "nair minerals") == ["magnesium"]
    assert _urls(archive, "mustermann supplements zinc") == []
    # Deleting an article removes it from the index.
    with archive.begin() as conn:
        conn.execute(delete(Article).where(Article.url == BASE + "caffeine"))
    assert "caffeine" not in _urls(archive, "sleep")
    _assert_index_consistent(archive)


def test_filter_facets_follow_new_versions_refreshes_and_deletes(archive):
    writer = ArchiveWriter(archive)
    run_id = writer.start_run(start_urls=[])
    # A new version with another category and date moves the article between filters.
    writer.save_article(run_id, _article("caffeine", "Caffeine and Sleep", "Coffee late keeps "
                                         "sleep light.", category="Nutrition",
                                         published="2024-02-01"), fetched_at=at(40))
    assert "caffeine" not in _urls(archive, "sleep", category="sleep")
    assert "caffeine" in _urls(archive, "sleep", category="NUTRITION")
    assert "caffeine" in _urls(archive, "sleep", until=datetime(2025, 1, 1, tzinfo=UTC))
    # An in-place refresh of the current version changes its facets too.
    refreshed = _article("caffeine", "Caffeine and Sleep", "Coffee late keeps sleep light.",
                         category="Sleep", published="2024-02-01")
    assert writer.refresh_current(refreshed)
    assert "caffeine" in _urls(archive, "sleep", category="sleep")
    with archive.begin() as conn:
        conn.execute(delete(Article).where(Article.url == BASE + "debt-sleep"))
    _assert_index_consistent(archive)
    # Every filter keeps exactly the matches the export's filter conditions keep.
    for filters in ({"category": "sleep"}, {"author": "jane"}, {"kind": "article"},
                    {"since": datetime(2025, 1, 1, tzinfo=UTC)}, {"site": "example.com"},
                    {"cites_doi": "10.5555/sleep.2020.1"}):
        exported = {r["url"][len(BASE):] for r in iter_article_records(
            archive, options=ExportOptions(filters=ArticleFilter(**filters)))}
        assert set(_urls(archive, "sleep", **filters)) == set(_urls(archive, "sleep")) & exported


def _assert_index_consistent(engine: Engine) -> None:
    """The index equals one built from scratch (FTS5 integrity-check / a recomputation),
    and the filter facets equal the current versions' values."""
    with engine.connect() as conn:
        stale_facets = conn.execute(text(
            "SELECT count(*) FROM articles a JOIN article_versions v ON v.id = a.current_version_id "
            "FULL OUTER JOIN article_search_facets f ON f.article_id = a.id "
            "WHERE a.id IS NULL OR f.article_id IS NULL OR f.version_id <> v.id "
            "OR f.site_id <> a.site_id OR f.kind <> a.kind "
            "OR f.category_key IS NOT lower(v.category) "
            "OR f.published_at IS NOT v.published_at"
            if engine.dialect.name == "sqlite" else
            "SELECT count(*) FROM (SELECT a.id, v.id AS version_id, a.site_id, a.kind, "
            "lower(v.category) AS category_key, v.published_at FROM articles a "
            "JOIN article_versions v ON v.id = a.current_version_id) c "
            "FULL OUTER JOIN article_search_facets f ON f.article_id = c.id "
            "WHERE c.id IS NULL OR f.article_id IS NULL OR f.version_id <> c.version_id "
            "OR f.site_id <> c.site_id OR f.kind <> c.kind "
            "OR f.category_key IS DISTINCT FROM c.category_key "
            "OR f.published_at IS DISTINCT FROM c.published_at"
        )).scalar_one()
        assert stale_facets == 0
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql(
                "INSERT INTO article_search(article_search, rank) VALUES ('integrity-check', 1)"
            )
            return
        stale = conn.execute(text(
            "SELECT count(*) FROM articles a FULL JOIN article_search s ON s.article_id = a.id "
            "WHERE a.current_version_id IS NOT NULL AND (s.document IS NULL OR "
            "s.document <> article_search_document(a.current_version_id))"
        )).scalar_one()
        assert stale == 0
        # The ranking summary, the length and the facets in each row are up to date.
        stale_rows = conn.execute(text(
            "SELECT count(*) FROM article_search s JOIN article_search_facets f USING (article_id) "
            "WHERE s.summary <> article_search_summary(s.document) "
            "OR s.document_length <> article_search_length(s.document) "
            "OR (s.version_id, s.site_id, s.kind) <> (f.version_id, f.site_id, f.kind) "
            "OR s.category_key IS DISTINCT FROM f.category_key "
            "OR s.published_at IS DISTINCT FROM f.published_at"
        )).scalar_one()
        assert stale_rows == 0
