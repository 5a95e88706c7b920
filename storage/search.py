"""Full-text search over the current version of every article, ranked by relevance.

``search_articles`` takes a query in the syntax of ``storage.search_query``
(the same on both engines), optional ``ArticleFilter`` conditions and a limit,
and returns ``SearchHit``s best first. SQLite ranks with FTS5's bm25 (title
counts 10x, names and tags 4x, text 1x) and cuts the snippet with
``snippet()``; PostgreSQL ranks with ``ts_rank`` over weighted vectors
(title A, names and tags B, text D; normalised by document length, as bm25
is), the best matches of a broad query only (``storage.search_ranking``), and
cuts it with ``ts_headline``. Both first pick the best ``limit`` ids, then
build snippets for those only.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    bindparam,
    case,
    column,
    func,
    literal_column,
    select,
    table,
)
from sqlalchemy.exc import OperationalError, ProgrammingError

from storage.derived import search_facets
from storage.filters import ArticleFilter, facet_conditions
from storage.models import Article, ArticleAuthor, ArticleVersion, Site
from storage.search_query import PG_CONFIG, SearchQueryError, parse_query, to_fts5, to_tsquery
from storage.search_ranking import RANK_WINDOW, rank_postgresql

__all__ = ["SearchHit", "SearchQueryError", "search_articles", "snippet_html", "snippet_text"]

MARK_START, MARK_END = "\x02", "\x03"
SNIPPET_WORDS = 24
SNIPPET_SCAN_CHARS = 4000  # PostgreSQL: where a snippet is looked for first
_HEADLINE_OPTIONS = (f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords={SNIPPET_WORDS}, '
                     f'MinWords=12, MaxFragments=2, FragmentDelimiter=" … "')
_BM25_WEIGHTS = (10.0, 4.0, 4.0, 1.0)  # title, authors, tags, text

_sqlite_index = table("article_search", column("rowid"))


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One matching article. ``authors``: credited names in page order; ``score``:
    higher is better (comparable within one search only); ``snippet``: the best
    passage as segments, ``True`` where a query term matched."""

    article_id: int
    url: str
    site: str
    kind: str
    title: str
    published: str | None
    category: str | None
    authors: tuple[str, ...]
    score: float
    snippet: tuple[tuple[str, bool], ...]

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict: the fields, the snippet as text with [matches] and as HTML."""
        return {
            "url": self.url,
            "site": self.site,
            "kind": self.kind,
            "title": self.title,
            "published": self.published,
            "category": self.category,
            "authors": list(self.authors),
            "score": round(self.score, 6),
            "snippet": snippet_text(self.snippet),
            "snippet_html": snippet_html(self.snippet),
        }


def search_articles(
    engine: Engine, query: str, *, filters: ArticleFilter | None = None, limit: int = 20,
    rank_window: int = RANK_WINDOW,
) -> list[SearchHit]:
    """The articles matching ``query`` and ``filters``, best first, at most ``limit``.

    ``rank_window``: on PostgreSQL, how many matches (the best by their stage-1
    score) are ranked by ``ts_rank`` over their whole vector; at least ``limit``.
    Raises ``SearchQueryError`` for a query that does not parse.
    """
    if limit < 1:
        raise SearchQueryError("the limit must be at least 1")
    rank_window = max(rank_window, limit)
    tree = parse_query(query)
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        try:
            if sqlite:
                ranked = _rank_sqlite(conn, to_fts5(tree), filters, limit)
                snippets = _snippets_sqlite(conn, to_fts5(tree), [i for i, _ in ranked])
            else:
                ranked = rank_postgresql(conn, tree, filters, limit=limit, window=rank_window)
                snippets = _snippets_postgresql(conn, tree, [i for i, _ in ranked])
        except (OperationalError, ProgrammingError) as error:
            # What the parser lets through should always run; say so in one line if not.
            message = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise SearchQueryError(f"the search engine refused the query: {message}") from error
        details = _details(conn, [article_id for article_id, _ in ranked])
    hits = []
    for article_id, score in ranked:
        row, names = details[article_id]
        hits.append(
            SearchHit(
                article_id=article_id,
                url=row.url,
                site=row.host,
                kind=row.kind,
                title=row.title,
                published=row.published,
                category=row.category,
                authors=tuple(names),
                score=float(score),
                snippet=split_snippet(snippets.get(article_id) or ""),
            )
        )
    return hits


def split_snippet(marked: str) -> tuple[tuple[str, bool], ...]:
    """Segments of a snippet whose matches are wrapped in the engine's markers."""
    segments: list[tuple[str, bool]] = []
    for index, chunk in enumerate(marked.replace(MARK_END, MARK_START).split(MARK_START)):
        text = re.sub(r"\s+", " ", chunk)
        if text:
            segments.append((text, index % 2 == 1))
    return tuple(segments)


def snippet_text(segments: Sequence[tuple[str, bool]], *, start: str = "[", end: str = "]") -> str:
    """The snippet as plain text, matches between ``start`` and ``end``."""
    return "".join(f"{start}{text}{end}" if hit else text for text, hit in segments)


def snippet_html(segments: Sequence[tuple[str, bool]]) -> str:
    """The snippet as HTML: archived text escaped, matches in ``<mark>``."""
    return "".join(
        f"<mark>{html.escape(text)}</mark>" if hit else html.escape(text) for text, hit in segments
    )


def _rank_sqlite(
    conn: Connection, match: str, filters: ArticleFilter | None, limit: int
) -> list[tuple[int, float]]:
    bm25 = func.bm25(literal_column("article_search"), *_BM25_WEIGHTS)
    rowid = _sqlite_index.c.rowid
    query = (
        select(rowid, bm25)
        .select_from(_sqlite_index)
        .where(literal_column("article_search").op("MATCH")(bindparam("match", match)))
        .order_by(bm25, rowid)
        .limit(limit)
    )
    if filters is not None and not filters.is_empty():  # a join only when filters need it
        query = query.join(search_facets, search_facets.c.article_id == rowid).where(
            *facet_conditions(filters, search_facets))
    return [(int(article_id), -float(score)) for article_id, score in conn.execute(query)]


def _snippets_sqlite(conn: Connection, match: str, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    snippet = func.snippet(
        literal_column("article_search"), -1, MARK_START, MARK_END, "…", SNIPPET_WORDS
    )
    query = (
        select(_sqlite_index.c.rowid, snippet)
        .select_from(_sqlite_index)
        .where(literal_column("article_search").op("MATCH")(bindparam("match", match)))
        .where(_sqlite_index.c.rowid.in_(ids))
    )
    return {int(article_id): text for article_id, text in conn.execute(query)}


def _snippets_postgresql(conn: Connection, tree: Any, ids: list[int]) -> dict[int, str]:
    """``ts_headline`` of each article's title and text, first over the text's start.

    ``ts_headline`` parses everything it is given, about 0.12 ms per KB: 20 hits of
    20 KB would take 50 ms. A match in the title or the first ``SNIPPET_SCAN_CHARS``
    characters (most hits) needs no more; a hit whose snippet has no match there is
    done again over its whole text.
    """
    found = _headlines(conn, tree, ids, whole_text=False)
    unmarked = [article_id for article_id, text in found.items() if MARK_START not in text]
    if unmarked:
        found.update(_headlines(conn, tree, unmarked, whole_text=True))
    return found


def _headlines(conn: Connection, tree: Any, ids: list[int], *, whole_text: bool) -> dict[int, str]:
    if not ids:
        return {}
    config: ColumnElement[Any] = literal_column(f"'{PG_CONFIG}'::regconfig")
    text: ColumnElement[Any] = ArticleVersion.__table__.c.text
    if not whole_text:  # the start, without a word cut in two at its end
        text = case((func.length(text) <= SNIPPET_SCAN_CHARS, text), else_=func.regexp_replace(
            func.left(text, SNIPPET_SCAN_CHARS), r"\s+\S*$", ""))
    document = func.concat_ws(" … ", ArticleVersion.title, text)
    headline = func.ts_headline(config, document, to_tsquery(tree), _HEADLINE_OPTIONS)
    query = (
        select(Article.id, headline)
        .join(ArticleVersion, ArticleVersion.id == Article.current_version_id)
        .where(Article.id.in_(ids))
    )
    return {int(article_id): text for article_id, text in conn.execute(query)}


def _details(conn: Connection, ids: list[int]) -> dict[int, tuple[Any, list[str]]]:
    if not ids:
        return {}
    rows = conn.execute(
        select(
            Article.id,
            Article.url,
            Article.kind,
            Site.host,
            ArticleVersion.id.label("version_id"),
            ArticleVersion.title,
            ArticleVersion.published,
            ArticleVersion.category,
        )
        .join(Site, Site.id == Article.site_id)
        .join(ArticleVersion, ArticleVersion.id == Article.current_version_id)
        .where(Article.id.in_(ids))
    ).all()
    names: dict[int, list[str]] = defaultdict(list)
    for version_id, name in conn.execute(
        select(ArticleAuthor.article_version_id, ArticleAuthor.name)
        .where(ArticleAuthor.article_version_id.in_([row.version_id for row in rows]))
        .order_by(ArticleAuthor.article_version_id, ArticleAuthor.position)
    ):
        names[version_id].append(name)
    return {row.id: (row, names[row.version_id]) for row in rows}
