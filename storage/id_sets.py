"""A column tested against the ids a subquery selects, written for each engine's planner.

``one_of_ids(column, ids)``: ``column IN (ids)`` on SQLite; on PostgreSQL
``column = ANY (CAST((SELECT array_agg(id) ...) AS INTEGER[]))``. PostgreSQL plans
the array once (an InitPlan) and reaches the rows through ``column``'s index; it
planned the IN over a subquery as a hash join over the whole table instead. For the
author filter that read all 390,000 bylines of a 200,000-article archive (65 ms)
where the author index reads the few thousand it needs (11 ms).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ARRAY, Boolean, ColumnElement, Integer, Select, any_, cast, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal, _TraverseInternalsType

__all__ = ["one_of_ids"]


class OneOfIds(ColumnElement[bool]):
    """``column`` is one of the integer ids ``ids`` (a one-column SELECT) selects."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # a test in itself (no "= 1" appended on SQLite)
    # What its cache key is made of: the statement cache tells two of them apart.
    _traverse_internals: _TraverseInternalsType = [  # noqa: RUF012 (SQLAlchemy's own protocol)
        ("column", InternalTraversal.dp_clauseelement), ("ids", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: Any, ids: Select[Any]) -> None:
        self.column = column
        self.ids = ids


def one_of_ids(column: Any, ids: Select[Any]) -> OneOfIds:
    """``column`` (a column or a mapped attribute) is one of the ids ``ids`` selects."""
    return OneOfIds(column, ids)


@compiles(OneOfIds)
def _in_subquery(element: OneOfIds, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column.in_(element.ids.scalar_subquery()), **kw))


@compiles(OneOfIds, "postgresql")
def _any_of_array(element: OneOfIds, compiler: Any, **kw: Any) -> str:
    (ids,) = element.ids.selected_columns
    array = element.ids.with_only_columns(func.array_agg(ids)).scalar_subquery()
    # The cast keeps "= ANY ((SELECT ...))" an array test, not an IN over the subquery.
    return str(compiler.process(element.column == any_(cast(array, ARRAY(Integer))), **kw))
