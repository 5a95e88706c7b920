"""Every table, view and column of a migrated archive is described in storage/catalog.toml,
and the Datasette metadata carries those descriptions."""

from __future__ import annotations

from sqlalchemy import inspect

from storage.catalog import CannedQuery, datasette_metadata, load_catalog
from storage.derived import SEARCH_TABLE, VIEWS, is_fts_shadow_table
from storage.questions import parse_questions


def _columns(engine) -> dict[str, list[str]]:
    inspector = inspect(engine)
    names = [*inspector.get_table_names(), *inspector.get_view_names()]
    return {
        name: [column["name"] for column in inspector.get_columns(name)]
        for name in names
        if name != "alembic_version"
        and not is_fts_shadow_table(name)
    }


def test_every_table_view_and_column_is_described(archive_engine):
    catalog = load_catalog()
    for name, columns in _columns(archive_engine).items():
        assert name in catalog, f"{name} is not described in storage/catalog.toml"
        assert catalog[name].description.strip()
        assert catalog[name].is_view == (name in VIEWS)
        missing = [column for column in columns if not catalog[name].columns.get(column, "").strip()]
        assert not missing, f"{name}: columns not described: {missing}"


def test_the_catalog_describes_nothing_that_is_gone(archive_engine):
    present = _columns(archive_engine)
    for name, entry in load_catalog().items():
        assert name in present, f"catalog.toml describes {name}, which does not exist"
        if name == SEARCH_TABLE:
            continue  # its columns differ per engine (FTS5 columns / a tsvector)
        shared = {"article_id", "version_id", "url", "site", "kind", "title", "category",
                  "published", "published_month"} if entry.is_view else set()
        stale = set(entry.columns) - set(present[name]) - shared
        assert not stale, f"{name}: described columns that do not exist: {stale}"


def test_datasette_metadata(archive_engine):
    queries = [CannedQuery(q.name, q.title, q.description, q.sql["sqlite"]) for q in parse_questions(
        "### 1. Articles\n\nHow many.\n\n```sql\n-- name: article_count\nSELECT count(*) FROM articles\n```\n")]
    metadata = datasette_metadata("archive", columns_by_table=_columns(archive_engine), queries=queries)
    database = metadata["databases"]["archive"]
    assert database["queries"]["article_count"]["sql"].endswith("SELECT count(*) FROM articles")
    assert database["tables"]["article_overview"]["columns"]["citation_count"] == (
        "Entries in the reference list.")
    assert database["tables"]["article_search_documents"]["fts_table"] == SEARCH_TABLE
    assert set(database["tables"]) >= {"articles", "citations", *VIEWS}
