"""Descriptions of every table, view and column of the archive (``catalog.toml``),
and the Datasette metadata built from them.

``catalog.toml`` is the maintained source: one description per table and view,
one per column (the columns every view repeats are described once, under
``view_columns``). ``describe`` gives them to whoever shows the schema;
``datasette_metadata`` shapes them, with canned queries, for Datasette.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from storage.derived import SEARCH_TABLE, VIEWS, is_fts_shadow_table

CATALOG_PATH = Path(__file__).with_name("catalog.toml")


@dataclass(frozen=True, slots=True)
class Described:
    """What a table or view holds: ``description`` and one line per column."""

    name: str
    is_view: bool
    description: str
    columns: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class CannedQuery:
    """A named SQL query shown in Datasette (from the worked questions)."""

    name: str
    title: str
    description: str
    sql: str


@cache
def load_catalog(path: Path = CATALOG_PATH) -> dict[str, Described]:
    """Every described table and view, by name."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    shared: dict[str, str] = data.get("view_columns", {})
    found: dict[str, Described] = {}
    for section, is_view in (("tables", False), ("views", True)):
        for name, entry in data.get(section, {}).items():
            columns = {**shared, **entry.get("columns", {})} if is_view else entry.get("columns", {})
            found[name] = Described(name, is_view, entry["description"], columns)
    return found


def describe(name: str) -> Described | None:
    """The description of one table or view, or ``None`` if the catalog lacks it."""
    return load_catalog().get(name)


def datasette_metadata(
    database: str, *, columns_by_table: Mapping[str, Iterable[str]], queries: Iterable[CannedQuery]
) -> dict[str, Any]:
    """Datasette's metadata for the archive file named ``database`` (its stem):
    a description of each table/view in ``columns_by_table`` and of its columns,
    the FTS index wired to its documents view, and the canned ``queries``."""
    tables: dict[str, Any] = {}
    for name, columns in columns_by_table.items():
        if is_fts_shadow_table(name):
            tables[name] = {"hidden": True}  # an FTS5 shadow table
            continue
        entry = describe(name)
        if entry is None:
            continue
        tables[name] = {
            "description": entry.description,
            "columns": {column: entry.columns[column] for column in columns if column in entry.columns},
        }
    if "article_search_documents" in tables:
        tables["article_search_documents"].update(fts_table=SEARCH_TABLE, fts_pk="article_id")
    return {
        "title": "healtharchive",
        "description": "Archived health and wellness articles: one row per article in "
        "article_overview; bylines, references and affiliate links in their views "
        f"({', '.join(VIEWS[1:])}). Times are UTC.",
        "databases": {
            database: {
                "tables": tables,
                "queries": {
                    query.name: {"title": query.title, "description": query.description,
                                 "sql": query.sql}
                    for query in queries
                },
            }
        },
    }
