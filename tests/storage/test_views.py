"""The analyst views: same columns on both engines, values from the current versions."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text
from storage_samples import at, make_glossary_record, make_record

from storage.derived import VIEWS
from storage.writer import ArchiveWriter

SHARED = ["article_id", "version_id", "url", "site", "kind", "title", "category", "published",
          "published_month"]
COLUMNS = {
    "article_overview": [*SHARED, "published_at", "updated", "language", "version",
                         "content_hash", "first_seen_at", "last_seen_at", "gone_at",
                         "author_names", "reviewer_names", "author_count", "reviewer_count",
                         "citation_count", "doi_count", "pmid_count", "affiliate_link_count",
                         "section_count", "tag_names", "flags", "has_affiliate_disclosure",
                         "has_template_placeholder", "has_repeated_title_phrase",
                         "has_author_topic_mismatch", "text_length"],
    "article_bylines": [*SHARED, "position", "author_id", "author_name", "author_key",
                        "relation", "role", "author_url"],
    "article_references": [*SHARED, "position", "citation_text", "citation_title",
                           "citation_year", "doi", "pmid", "citation_url"],
    "article_affiliate_links": [*SHARED, "position", "link_url", "link_host"],
    "article_search_documents": ["article_id", "title", "authors", "tags", "text"],
}


def _rows(engine: Engine, sql: str) -> list[dict]:
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(text(sql))]


def test_views_have_the_same_columns_on_both_engines(archive_engine):
    inspector = inspect(archive_engine)
    assert set(inspector.get_view_names()) == set(VIEWS)
    for view, columns in COLUMNS.items():
        assert [c["name"] for c in inspector.get_columns(view)] == columns, view


def test_overview_describes_the_current_version(archive_engine):
    writer = ArchiveWriter(archive_engine)
    run_id = writer.start_run(start_urls=[])
    record = make_record(affiliate_links=["https://www.Amazon.com/dp/B01?tag=x-20",
                                          "https://amzn.to/abc123"])
    writer.save_article(run_id, make_record(text="First version.", title="Old title"),
                        fetched_at=at(0))
    writer.save_article(run_id, record, fetched_at=at(1))
    writer.save_article(run_id, make_glossary_record(), fetched_at=at(2))

    article, glossary = _rows(archive_engine, "SELECT * FROM article_overview ORDER BY article_id")
    assert {key: article[key] for key in (
        "url", "site", "kind", "title", "category", "published", "published_month", "version",
        "author_names", "reviewer_names", "author_count", "reviewer_count", "citation_count",
        "doi_count", "pmid_count", "affiliate_link_count", "section_count", "tag_names", "flags",
        "has_affiliate_disclosure", "has_template_placeholder", "text_length",
    )} == {
        "url": "https://example.com/fitness/walking", "site": "example.com", "kind": "article",
        "title": "Why Walking Works", "category": "Fitness & Exercise", "published": "2026-03-01",
        "published_month": "2026-03", "version": 2, "author_names": "Jane Roe",
        "reviewer_names": "Dr. Max Mustermann", "author_count": 1, "reviewer_count": 1,
        "citation_count": 2, "doi_count": 1, "pmid_count": 1, "affiliate_link_count": 2,
        "section_count": 2, "tag_names": "walking; heart health", "flags": "affiliate_disclosure",
        "has_affiliate_disclosure": 1, "has_template_placeholder": 0,
        "text_length": len(record["text"]),
    }
    assert (glossary["kind"], glossary["published_month"], glossary["author_names"],
            glossary["citation_count"], glossary["flags"]) == ("glossary", None, None, 0, None)


def test_row_views(archive_engine):
    writer = ArchiveWriter(archive_engine)
    run_id = writer.start_run(start_urls=[])
    writer.save_article(run_id, make_record(affiliate_links=["https://www.Amazon.com/dp/B01?x=1"]),
                        fetched_at=at(0))
    bylines = _rows(archive_engine, "SELECT author_name, author_key, relation, role, author_url "
                    "FROM article_bylines ORDER BY position")
    assert bylines == [
        {"author_name": "Jane Roe", "author_key": "jane roe", "relation": "author", "role": "RD",
         "author_url": "https://example.com/authors/jane-roe"},
        {"author_name": "Dr. Max Mustermann", "author_key": bylines[1]["author_key"],
         "relation": "reviewer", "role": None, "author_url": None},
    ]
    references = _rows(archive_engine, "SELECT position, citation_year, doi, pmid "
                       "FROM article_references ORDER BY position")
    assert references == [
        {"position": 0, "citation_year": 2013, "doi": "10.1152/japplphysiol.00120.2013", "pmid": None},
        {"position": 1, "citation_year": None, "doi": None, "pmid": "12345678"},
    ]
    links = _rows(archive_engine, "SELECT link_url, link_host FROM article_affiliate_links")
    assert links == [{"link_url": "https://www.Amazon.com/dp/B01?x=1", "link_host": "amazon.com"}]
    (document,) = _rows(archive_engine, "SELECT authors, tags FROM article_search_documents")
    assert document == {"authors": "Jane Roe Dr. Max Mustermann", "tags": "walking heart health"}
