"""Counts of archived articles (current versions) by site, kind, category, month,
author or credential, from the analyst views, with the search/export filters.

``count_articles`` returns ``(key, articles)`` rows, largest first (by month:
in month order); ``plot_counts`` draws them as a PNG with matplotlib (the
``plot`` extra).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import ColumnElement, Engine, Select, column, func, literal_column, select, table

from storage.filters import ArticleFilter, conditions
from storage.models import Article, ArticleVersion

DIMENSIONS = ("site", "kind", "category", "month", "author", "credential")
NONE_LABEL = "(none)"

_overview = table("article_overview", column("article_id"), column("version_id"), column("site"),
                  column("kind"), column("category"), column("published_month"))
_bylines = table("article_bylines", column("article_id"), column("version_id"),
                 column("author_name"), column("role"), column("relation"))


class PlotUnavailableError(RuntimeError):
    """matplotlib is not installed; ``str(error)`` says how to get it."""


def count_articles(
    engine: Engine,
    by: str,
    *,
    filters: ArticleFilter | None = None,
    limit: int | None = None,
) -> list[tuple[str, int]]:
    """Articles per value of ``by`` (one of ``DIMENSIONS``). ``author`` and
    ``credential`` count the articles each author (relation 'author') or each
    author credential appears on, so an article with two authors counts twice
    there. Missing values are grouped as ``(none)``."""
    if by not in DIMENSIONS:
        raise ValueError(f"cannot count by {by!r}: use one of {', '.join(DIMENSIONS)}")
    source = _bylines if by in ("author", "credential") else _overview
    key: ColumnElement[str] = {
        "site": _overview.c.site,
        "kind": _overview.c.kind,
        "category": _overview.c.category,
        "month": _overview.c.published_month,
        "author": _bylines.c.author_name,
        "credential": _bylines.c.role,
    }[by]
    label = func.coalesce(key, literal_column(f"'{NONE_LABEL}'"))
    articles = func.count(source.c.article_id.distinct())
    query: Select = (
        select(label.label("key"), articles.label("articles"))
        .select_from(source)
        .join(Article, Article.id == source.c.article_id)
        .join(ArticleVersion, ArticleVersion.id == source.c.version_id)
        .where(*conditions(filters))
        .group_by(key)
    )
    if source is _bylines:
        query = query.where(_bylines.c.relation == "author")
    if by == "month":  # chronological, undated last
        query = query.order_by(key.is_(None), key)
    else:
        query = query.order_by(articles.desc(), label)
    with engine.connect() as conn:
        return [(str(value), int(count)) for value, count in conn.execute(query.limit(limit))]


def plot_counts(rows: Sequence[tuple[str, int]], path: Path, *, title: str) -> None:
    """Save ``rows`` as a bar chart PNG at ``path`` (months as columns in order,
    anything else as horizontal bars, largest on top)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise PlotUnavailableError(
            "plotting needs matplotlib: pip install 'healtharchive[plot]'"
        ) from error
    labels = [key for key, _ in rows]
    values = [count for _, count in rows]
    chronological = all(len(key) == 7 and key[4] == "-" for key in labels if key != NONE_LABEL)
    height = 4.5 if chronological else max(3.0, 0.32 * len(rows) + 1.2)
    figure, axes = plt.subplots(figsize=(9, height), dpi=100)
    try:
        if chronological:
            axes.bar(labels, values, color="#3b6ea5")
            axes.tick_params(axis="x", labelrotation=60)
            axes.set_ylabel("articles")
        else:
            axes.barh(labels[::-1], values[::-1], color="#3b6ea5")
            axes.set_xlabel("articles")
        axes.set_title(title)
        figure.tight_layout()
        figure.savefig(path, format="png")
    finally:
        plt.close(figure)
