"""Article counts by dimension, with the shared filters, and the PNG plot."""

from __future__ import annotations

import pytest
from storage_samples import at, make_glossary_record, make_record

from storage.filters import ArticleFilter
from storage.stats import DIMENSIONS, count_articles, plot_counts
from storage.writer import ArchiveWriter

PEOPLE = {
    "ann": {"name": "Ann Lee", "role": "RD", "bio": None, "url": None, "relation": "author"},
    "bo": {"name": "Bo Chen", "role": None, "bio": None, "url": None, "relation": "author"},
    "rev": {"name": "Dr. Rev", "role": "MD", "bio": None, "url": None, "relation": "reviewer"},
}


@pytest.fixture
def archive(archive_engine):
    writer = ArchiveWriter(archive_engine)
    run_id = writer.start_run(start_urls=[])
    articles = [
        ("https://a.example/1", "2025-01-05", "Sleep", ["ann", "rev"]),
        ("https://a.example/2", "2025-01-20", "Sleep", ["ann", "bo"]),
        ("https://a.example/3", "2025-03-01", "Skin", ["bo"]),
        ("https://b.example/1", None, None, []),
    ]
    for minutes, (url, published, category, people) in enumerate(articles):
        record = make_record(url, site=url.split("/")[2], published=published, category=category,
                             authors=[PEOPLE[p] for p in people])
        writer.save_article(run_id, record, fetched_at=at(minutes))
    glossary = {**make_glossary_record("https://b.example/g"), "site": "b.example"}
    writer.save_article(run_id, glossary, fetched_at=at(9))
    return archive_engine


def test_counts_by_each_dimension(archive):
    assert count_articles(archive, "site") == [("a.example", 3), ("b.example", 2)]
    assert count_articles(archive, "kind") == [("article", 4), ("glossary", 1)]
    assert count_articles(archive, "category") == [("(none)", 2), ("Sleep", 2), ("Skin", 1)]
    assert count_articles(archive, "month") == [("2025-01", 2), ("2025-03", 1), ("(none)", 2)]
    assert count_articles(archive, "author") == [("Ann Lee", 2), ("Bo Chen", 2)]
    assert count_articles(archive, "credential") == [("(none)", 2), ("RD", 2)]
    assert set(DIMENSIONS) == {"site", "kind", "category", "month", "author", "credential"}


def test_filters_and_limit(archive):
    assert count_articles(archive, "month", filters=ArticleFilter(category="sleep")) == [("2025-01", 2)]
    assert count_articles(archive, "site", filters=ArticleFilter(kind="glossary")) == [("b.example", 1)]
    assert count_articles(archive, "site", limit=1) == [("a.example", 3)]
    with pytest.raises(ValueError, match="cannot count by"):
        count_articles(archive, "colour")


@pytest.mark.parametrize("rows", [[("2025-01", 2), ("2025-03", 1), ("(none)", 2)],
                                  [("Ann Lee", 2), ("Bo Chen", 1)]], ids=["months", "names"])
def test_plot_writes_a_png(tmp_path, rows):
    path = tmp_path / "plot.png"
    plot_counts(rows, path, title="Articles")
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5000
