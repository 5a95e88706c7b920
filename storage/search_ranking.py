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

Stage 1 first looks only at the matches with every wanted word in their title,
then (for several words) with one of them (an index of the summaries' title
lexemes, migration 0009): ``ts_rank`` weighs a title occurrence ten times a text
one, so when those fill the window they are the ones stage 1 would pick from every
match (the same 500 for a single word) and a common word does not visit its 30,000
matches. When they are fewer than the window, stage 1 looks at every match; it does
so from the start under a filter that keeps few articles (a site, an author, a DOI).
Among every match it scores those whose summary holds a wanted word or phrase; the
others would score about 0, and the shortest of them fill the rest of the window.
Without such a filter it first looks only at the holders and the matches among the
archive's shortest sixteenth (indexes of migration 0010): when those fill the window
they are the candidates every match would give, and a query that matches 35,000
articles visits some 800 rows instead of 35,000.

A query with at most ``window`` matches is ranked exactly as by ``ts_rank``
alone; a broader one may miss a match that only its text (not its title, names,
tags or keywords) ranks high and that stage 1 placed below the window. When a
full window holds fewer than ``limit`` exact matches (a phrase that few of many
candidates contain), every exact match is ranked instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import (
    Connection,
    Float,
    and_,
    case,
    cast,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
    true,
)

from storage.filters import ArticleFilter, facet_conditions
from storage.search_query import AllOf, ands_wanted, to_any_tsquery, to_tsquery, wanted_part

__all__ = ["RANK_WINDOW", "rank_postgresql"]

RANK_WINDOW = 500
# Stage 1's first look at every match takes the other matches among this share of
# the archive, its shortest: for a query matching 35,000 of 200,000 articles about
# 1,300 of them, enough for a window of 500 (short texts hold both of two words less
# often than long ones); a query whose matches there are too few looks again at all.
SHORTEST_SHARE = 1 / 16

_index = table("article_search", column("article_id"), column("document"),
               column("document_length"), column("summary"), column("version_id"),
               column("site_id"), column("kind"), column("category_key"), column("published_at"))
# The title lexemes of a summary, exactly as ix_article_search_titles indexes them.
_titles = func.ts_filter(_index.c.summary, literal_column("""'{a}'::"char"[]"""))


def rank_postgresql(
    conn: Connection, tree: AllOf, filters: ArticleFilter | None, *, limit: int, window: int
) -> list[tuple[int, float]]:
    """(article id, ts_rank) of the best ``limit`` matches of ``tree``, best first."""
    # No search statement runs long enough for JIT to pay, and a filter's subplans can
    # lift a plan's cost estimate past jit_above_cost: one that did (a plan tried while
    # building this) spent 144 ms of a 240 ms search compiling.
    conn.exec_driver_sql("SET LOCAL jit = off")
    # What matches (exact, and relaxed for the GIN index), what a title must hold, and
    # what ranks: the wanted part (ts_rank of a query with !word in it is next to
    # nothing for every match, and ranked a query's matches by article id).
    wanted = wanted_part(tree)
    columns = [to_tsquery(tree).label("exact"), to_tsquery(tree, relaxed=True).label("relaxed"),
               to_any_tsquery(tree).label("any_word")]
    if wanted != tree:  # the query excludes words
        columns += [to_tsquery(wanted).label("ranked"),
                    to_tsquery(wanted, relaxed=True).label("ranked_relaxed")]
    queries = select(*columns).cte("user_query")
    rank_by, rank_by_relaxed = ((queries.c.exact, queries.c.relaxed) if wanted == tree
                                else (queries.c.ranked, queries.c.ranked_relaxed))
    if filters is not None and filters.is_empty():
        filters = None
    # Stage 1: the matches of the relaxed query (first those with a wanted word in their
    # title), scored by their summary and length.
    first = func.ts_rank(_index.c.summary, rank_by_relaxed, 0, type_=Float).op("/")(
        func.ln(cast(_index.c.document_length, Float) + 2.0, type_=Float))
    for candidates in _attempts(conn, tree, queries, filters, first, window):
        # Stage 2: the exact query and ts_rank over the whole vector, for those only
        # (NULL for a candidate that only the relaxed query matches, sorted last). A
        # query without phrases is its relaxed form: each candidate matches it, and its
        # vector is read once, not twice.
        matched = (queries.c.exact == queries.c.relaxed) | candidates.c.document.op("@@")(
            queries.c.exact)
        rank = case((matched, func.ts_rank(candidates.c.document, rank_by, 1)))
        rows = conn.execute(
            select(candidates.c.article_id, rank, func.count().over())
            .select_from(candidates.join(queries, true()))  # one row: the query
            .order_by(rank.desc().nulls_last(), candidates.c.article_id)
            .limit(limit)
        ).all()
        full_window = bool(rows) and rows[0][2] >= window
        if full_window:
            break  # else the next try, up to every match
    ranked = [(int(found), float(score)) for found, score, _ in rows if score is not None]
    if len(ranked) == limit or not full_window:
        return ranked  # the best of the window, or every match there is
    # A full window with fewer than ``limit`` exact matches: rank every exact match.
    full_rank = func.ts_rank(_index.c.document, rank_by, 1)
    everything = _matches("exact_matches", _index.c.document.op("@@")(queries.c.exact), queries,
                          filters, full_rank)
    return [(int(found), float(score)) for found, score in conn.execute(
        select(everything.c.article_id, everything.c.score)
        .order_by(everything.c.score.desc(), everything.c.article_id).limit(limit))]


def _attempts(conn: Connection, tree: AllOf, queries: Any, filters: ArticleFilter | None,
              score: Any, window: int) -> Iterator[Any]:
    """Stage 1's tries, each a CTE of the candidates for a window, in the order they are
    tried until one fills its window: the matches with every wanted word in their title,
    then (for a query that ANDs words or phrases) with one, each ``@@`` answered by its
    index and the two by a BitmapAnd; then the holders and the shortest matches
    (``_shortest_matches``); then every match. The first three only when
    ``_titles_first``. Built as they are tried: a try may read the archive's statistics."""
    matches = _index.c.document.op("@@")(queries.c.relaxed)
    holds = _index.c.summary.op("@@")(queries.c.any_word)
    if _titles_first(filters):
        titled = [_titles.op("@@")(queries.c.relaxed)]
        if ands_wanted(tree):
            titled.append(_titles.op("@@")(queries.c.any_word))
        for title in titled:
            yield _best_scored(and_(title, matches), queries, filters, score, window)
        longest = _share_length(conn, SHORTEST_SHARE)
        if longest is not None:
            yield _shortest_matches(matches, holds, longest, queries, filters, score, window)
    yield _every_match(matches, holds, queries, filters, score, window)


def _titles_first(filters: ArticleFilter | None) -> bool:
    """Whether stage 1 looks at the matches with a wanted word in their title first:
    not under a filter that keeps a small part of an archive (a site, an author, a
    DOI), where those that pass it seldom fill the window and looking at them first
    was wasted (10-15 ms)."""
    return filters is None or (filters.site, filters.author, filters.cites_doi) == (None, None, None)


def _best_scored(found: Any, queries: Any, filters: ArticleFilter | None, score: Any,
                 window: int) -> Any:
    """The candidates: the best ``window`` by ``score`` of the matches ``found`` keeps."""
    scored = _matches("candidate_matches", found, queries, filters, score)
    return (select(scored.c.article_id, scored.c.document)
            .order_by(scored.c.score.desc(), scored.c.article_id)
            .limit(window)
            .cte("candidates"))


def _every_match(matches: Any, holds: Any, queries: Any, filters: ArticleFilter | None,
                 score: Any, window: int) -> Any:
    """The candidates among every match: the best ``window`` by ``score`` of those
    whose summary ``holds`` a wanted word or phrase, then the shortest of the others.

    ``ts_rank`` of a summary without the query's words is next to nothing (0, or
    1e-20 for an AND), so scoring the others ordered them by accident: by article id,
    or for an AND by length. ``ts_rank`` divides by the log of a document's length,
    and these hold each word a few times at most, so the shortest are the likeliest
    to rank high: they come next, on purpose, and their summaries are not scored.
    """
    ordered = case((holds, score), else_=-cast(_index.c.document_length, Float))
    return _best_scored(matches, queries, filters, ordered, window)


def _shortest_matches(matches: Any, holds: Any, longest: int, queries: Any,
                      filters: ArticleFilter | None, score: Any, window: int) -> Any:
    """``_every_match`` over the matches that hold a wanted word in their summary or are
    at most ``longest`` long.

    PostgreSQL tells which rows those are from its indexes (the vectors' ANDed with
    the summaries' ORed with the lengths') and visits those rows only. Each is ordered
    as among every match, and a longer match would rank after all of them; so when
    they fill the window they are exactly the candidates of every match.
    """
    bounded = and_(matches, or_(holds, _index.c.document_length <= longest))
    return _every_match(bounded, holds, queries, filters, score, window)


def _share_length(conn: Connection, share: float) -> int | None:
    """The length under which about ``share`` of the archive's search rows fall, read
    from the histogram ANALYZE (or autovacuum) keeps of the column; ``None`` without one."""
    bounds = conn.exec_driver_sql(  # of the table the search statements name
        "SELECT histogram_bounds::text::integer[] FROM pg_stats "
        "WHERE schemaname = (SELECT n.nspname FROM pg_class c JOIN pg_namespace n "
        "ON n.oid = c.relnamespace WHERE c.oid = 'article_search'::regclass) "
        "AND tablename = 'article_search' AND attname = 'document_length' "
        "AND NOT inherited").scalar()
    if not bounds:
        return None
    return int(bounds[round((len(bounds) - 1) * share)])


def _matches(
    name: str, found: Any, queries: Any, filters: ArticleFilter | None, score: Any
) -> Any:
    """A subquery ``name``: id, vector and ``score`` of every article that ``found``
    (``@@`` tests on its vector and title lexemes) keeps and whose facets (in the same
    row) pass ``filters``.

    The table's indexes are its key and a GIN index on the vector and on the title
    lexemes; the statement joins nothing, so every ``@@`` is answered by an index
    (two by a BitmapAnd): testing one on a row reached another way would read the
    whole vector out of line (a nested loop over a filter's 200,000 facet rows took
    1.8 s instead of 50 ms when the facets were a join).
    """
    found = (select(_index.c.article_id, _index.c.document, score.label("score"))
             .select_from(_index).join(queries, found))
    if filters is not None:
        # IS TRUE keeps the planner from turning the author test into a join that
        # reads every byline: it stays a lookup for each match, and a DOI's citing
        # versions (an IN) a hash built once.
        found = found.where(and_(*facet_conditions(filters, _index)).is_(True))
    return found.subquery(name)
