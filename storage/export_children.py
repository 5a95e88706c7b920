"""The list fields of export records (authors, sections, references, tags, affiliate
links, flags): one query per field for a chunk of versions, and the rows grouped by
version.

Each query selects the version id then the field's values, ordered by version and
position, with the chunk's version ids as one parameter (a PostgreSQL array, or JSON
text that SQLite's ``json_each`` reads), compiled once per dialect.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import orjson
from sqlalchemy import ARRAY, Connection, Dialect, Integer, Select, any_, bindparam, func, select

from storage.models import (
    AffiliateLink,
    ArticleAuthor,
    ArticleFlag,
    ArticleTag,
    Citation,
    Section,
    Tag,
)

__all__ = ["CHILD_FIELDS", "Children", "child_names", "child_rows", "group_children"]

# Per field: the values of each version, in list order (a dict per row, or the one value).
Children = dict[str, dict[int, list[Any]]]

# Per record field: the query of its child rows (the version id first), in list order.
_CHILD_QUERIES: dict[str, Select] = {
    "authors": select(
        ArticleAuthor.article_version_id,
        ArticleAuthor.name,
        ArticleAuthor.role,
        ArticleAuthor.bio,
        ArticleAuthor.url,
        ArticleAuthor.relation,
    ).order_by(ArticleAuthor.article_version_id, ArticleAuthor.position),
    "sections": select(
        Section.article_version_id,
        Section.heading,
        Section.level,
        Section.kind,
        Section.text,
    ).order_by(Section.article_version_id, Section.position),
    "references": select(
        Citation.article_version_id,
        Citation.text,
        Citation.title,
        Citation.year,
        Citation.url,
        Citation.doi,
        Citation.pmid,
    ).order_by(Citation.article_version_id, Citation.position),
    "tags": select(ArticleTag.article_version_id, Tag.name)
    .join(Tag, Tag.id == ArticleTag.tag_id)
    .order_by(ArticleTag.article_version_id, ArticleTag.position),
    "affiliate_links": select(AffiliateLink.article_version_id, AffiliateLink.url).order_by(
        AffiliateLink.article_version_id, AffiliateLink.position
    ),
    "flags": select(ArticleFlag.article_version_id, ArticleFlag.flag).order_by(
        ArticleFlag.article_version_id, ArticleFlag.position
    ),
}
CHILD_FIELDS = tuple(_CHILD_QUERIES)


@cache
def child_names(field: str) -> tuple[str, ...]:
    """The names of ``field``'s values in its rows (after the version id): one name for
    a list of strings, the object's keys for a list of objects."""
    _version, *values = _CHILD_QUERIES[field].selected_columns
    return tuple(str(column.key) for column in values)


def child_rows(conn: Connection, version_ids: Sequence[int]) -> dict[str, Sequence[Sequence[Any]]]:
    """Per field, the plain driver rows ``(version_id, *values)`` of ``version_ids``,
    ordered by version and position (every child column is text or an integer:
    nothing to convert)."""
    if not version_ids:
        return {field: [] for field in CHILD_FIELDS}
    ids = _ids_parameter(conn, version_ids)
    return {field: conn.exec_driver_sql(sql, ids).all()
            for field, sql in _child_statements(conn.dialect).items()}


def group_children(rows: dict[str, Sequence[Sequence[Any]]]) -> Children:
    """``child_rows`` as each version's list per field: a dict per row for a list of
    objects, the value itself for a list of strings."""
    children: Children = {}
    for field, field_rows in rows.items():
        by_version: dict[int, list[Any]] = defaultdict(list)
        names = child_names(field)
        if len(names) == 1:
            for version_id, value in field_rows:
                by_version[version_id].append(value)
        else:
            as_dict = _row_to_dict(names)
            for row in field_rows:
                by_version[row[0]].append(as_dict(row))
        children[field] = by_version
    return children


@cache
def _row_to_dict(names: tuple[str, ...]) -> Callable[[Sequence[Any]], dict[str, Any]]:
    """A function from a child row ``(version_id, *values)`` to ``{name: value}``: a
    dict display compiled once per field (as ``collections.namedtuple`` compiles its
    methods), twice as fast as ``dict(zip(...))`` on the export's millions of rows."""
    if not all(name.isidentifier() for name in names):
        raise ValueError(f"child column names must be identifiers: {names!r}")
    items = ", ".join(f"{name!r}: row[{index}]" for index, name in enumerate(names, start=1))
    function: Callable[[Sequence[Any]], dict[str, Any]] = eval(f"lambda row: {{{items}}}")
    return function


@cache
def _child_statements(dialect: Dialect) -> dict[str, str]:
    """Per record field: its child query compiled once for ``dialect``, with the version
    ids as one parameter (``ids``)."""
    statements = {}
    for field, query in _CHILD_QUERIES.items():
        version_column = query.selected_columns[0]
        ids: Any = bindparam("ids")
        if dialect.name == "postgresql":
            among = version_column == any_(bindparam("ids", type_=ARRAY(Integer)))
        else:
            among = version_column.in_(select(func.json_each(ids).table_valued("value").c.value))
        statements[field] = str(query.where(among).compile(dialect=dialect))
    return statements


def _ids_parameter(conn: Connection, ids: Sequence[int]) -> Any:
    """The version ids as the one parameter of ``_child_statements``' SQL: a list
    (PostgreSQL array) or JSON text (SQLite ``json_each``), in the driver's style."""
    if conn.dialect.name == "postgresql":
        return {"ids": list(ids)}
    return (orjson.dumps(list(ids)).decode(),)
