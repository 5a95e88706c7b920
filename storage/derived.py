"""Database objects derived from the mapped tables: the full-text index and the
analyst views.

Migrations create them (``0005_search_and_views``) with plain SQL, per engine;
they are not ORM models, so the models-versus-migrations comparison
(``alembic check``) must leave them out. ``include_name`` is the one rule that
says which names those are; ``storage/migrations/env.py`` and the migration
tests use it.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from sqlalchemy import Integer, String, column, table

from storage.models import ArticleVersion

# The full-text index: an FTS5 virtual table on SQLite (its shadow tables are
# named ``article_search_*``), a table with a tsvector column on PostgreSQL.
SEARCH_TABLE = "article_search"

# One narrow row per article with what search filters test (``0006_search_facets``).
SEARCH_FACETS_TABLE = "article_search_facets"
search_facets = table(
    SEARCH_FACETS_TABLE,
    column("article_id", Integer),
    column("version_id", Integer),
    column("site_id", Integer),
    column("kind", String),
    column("category_key", String),
    column("published_at", ArticleVersion.__table__.c.published_at.type),
)

# Views over the current version of every article, same columns on both engines.
VIEWS = (
    "article_search_documents",
    "article_overview",
    "article_bylines",
    "article_references",
    "article_affiliate_links",
)


def is_derived_table(name: str) -> bool:
    """Whether a table of the database is the search index or one of its shadow tables."""
    return name == SEARCH_TABLE or name.startswith(f"{SEARCH_TABLE}_")


def is_fts_shadow_table(name: str) -> bool:
    """Whether a table is one of SQLite FTS5's own shadow tables of the search index
    (internal, left out of the catalog): derived, and neither a view nor the facets."""
    return (name.startswith(f"{SEARCH_TABLE}_") and name not in VIEWS
            and name != SEARCH_FACETS_TABLE)


def include_name(name: str | None, type_: Any, parent_names: MutableMapping[Any, str | None]) -> bool:
    """Alembic's ``include_name`` hook: compare every object but the derived ones."""
    if type_ == "table" and name is not None:
        return not is_derived_table(name) and name not in VIEWS
    return True
