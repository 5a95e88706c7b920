"""PostgreSQL search ranking, in two stages as search engines rescore.

``ts_rank`` reads a match's whole vector (about 2 KB, out of line since migration
0008), and reading the vectors of the 35,000 matches of a common word among
200,000 articles took 120 ms. So:

1. every match of the query, phrases relaxed to ANDs so that the GIN index alone
   decides (``to_tsquery(..., relaxed=True)``), that passes the filters (tested
   on the facets kept in the same row) gets a cheap score: ``ts_rank`` over its
   summary (title, byline names, tags and the text's 16 most frequent lexemes)
   divided by the log of its length, both kept in its narrow row;
2. the best ``window`` (500) by that score are checked against the exact query
   and ranked by ``ts_rank`` over their whole vector: the order a search returns.

A query with at most ``window`` matches is ranked exactly as by ``ts_rank``
alone; a broader one may miss a match that only its text (not its title, names,
tags or keywords) ranks high and that stage 1 placed below the window. When a
full window holds fewer than ``limit`` exact matches (a phrase that few of many
candidates contain), every exact match is ranked instead.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Float, and_, case, cast, column, func, select, table, true

from storage.filters import ArticleFilter, facet_conditions
from storage.search_query import AllOf, to_tsquery

__all__ = ["RANK_WINDOW", "rank_postgresql"]

RANK_WINDOW = 500

_index = table("article_search", column("article_id"), column("document"),
               column("document_length"), column("summary"), column("version_id"),
               column("site_id"), column("kind"), column("category_key"), column("published_at"))


def rank_postgresql(
    conn: Connection, tree: AllOf, filters: ArticleFilter | None, *, limit: int, window: int
) -> list[tuple[int, float]]:
    """(article id, ts_rank) of the best ``limit`` matches of ``tree``, best first."""
    # No search statement runs long enough for JIT to pay, and a filter's subplans can
    # lift a plan's cost estimate past jit_above_cost: one that did (a plan tried while
    # building this) spent 144 ms of a 240 ms search compiling.
    conn.exec_driver_sql("SET LOCAL jit = off")
    queries = select(to_tsquery(tree).label("exact"),
                     to_tsquery(tree, relaxed=True).label("relaxed")).cte("user_query")
    if filters is not None and filters.is_empty():
        filters = None
    # Stage 1: every match of the relaxed query, scored by its summary and length.
    first = func.ts_rank(_index.c.summary, queries.c.relaxed, 0, type_=Float).op("/")(
        func.ln(cast(_index.c.document_length, Float) + 2.0, type_=Float))
    scored = _matches("candidate_matches", queries.c.relaxed, queries, filters, first)
    candidates = (select(scored.c.article_id, scored.c.document)
                  .order_by(scored.c.score.desc(), scored.c.article_id)
                  .limit(window)
                  .cte("candidates"))
    # Stage 2: the exact query and ts_rank over the whole vector, for those only
    # (NULL for a candidate that only the relaxed query matches, sorted last).
    matched = candidates.c.document.op("@@")(queries.c.exact)
    rank = case((matched, func.ts_rank(candidates.c.document, queries.c.exact, 1)))
    rows = conn.execute(
        select(candidates.c.article_id, rank, func.count().over())
        .select_from(candidates.join(queries, true()))  # one row: the query
        .order_by(rank.desc().nulls_last(), candidates.c.article_id)
        .limit(limit)
    ).all()
    ranked = [(int(found), float(score)) for found, score, _ in rows if score is not None]
    if len(ranked) == limit or not rows or rows[0][2] < window:
        return ranked  # the best of the window, or every match there is
    # A full window with fewer than ``limit`` exact matches: rank every exact match.
    full_rank = func.ts_rank(_index.c.document, queries.c.exact, 1)
    everything = _matches("exact_matches", queries.c.exact, queries, filters, full_rank)
    return [(int(found), float(score)) for found, score in conn.execute(
        select(everything.c.article_id, everything.c.score)
        .order_by(everything.c.score.desc(), everything.c.article_id).limit(limit))]


def _matches(
    name: str, tsquery: Any, queries: Any, filters: ArticleFilter | None, score: Any
) -> Any:
    """A subquery ``name``: id, vector and ``score`` of every article whose vector
    matches ``tsquery`` and whose facets (in the same row) pass ``filters``.

    The table has no other index than its key and the GIN index, and joins nothing,
    so ``@@`` is always answered by the index: testing it on a row reached another
    way would read the whole vector out of line (a nested loop over a filter's
    200,000 facet rows took 1.8 s instead of 50 ms when the facets were a join).
    """
    found = (select(_index.c.article_id, _index.c.document, score.label("score"))
             .join(queries, _index.c.document.op("@@")(tsquery)))
    if filters is not None:
        # IS TRUE keeps the planner from turning the author test into a join that
        # reads every byline: it stays a lookup for each match, and a DOI's citing
        # versions (an IN) a hash built once.
        found = found.where(and_(*facet_conditions(filters, _index)).is_(True))
    return found.subquery(name)
