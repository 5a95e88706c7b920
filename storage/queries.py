"""Read-side questions the command line and reports ask of the archive.

Results are lists of plain dicts; timestamps are UTC-aware ``datetime``s
(format them with ``storage.export.format_timestamp``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from storage.db import ArchiveError
from storage.models import (
    Article,
    ArticleAuthor,
    ArticleVersion,
    Citation,
    CrawlRun,
    Fetch,
    Site,
)


def archive_summary(
    engine: Engine, *, limit: int | None = None, site: str | None = None
) -> list[dict[str, Any]]:
    """One row per article (current version), in article-id order: url, site,
    kind, title, published, authors ("; "-joined names), reference_count,
    version. ``site`` keeps one host; ``limit`` the first rows."""
    reference_count = (
        select(func.count())
        .where(Citation.article_version_id == ArticleVersion.id)
        .scalar_subquery()
    )
    query = (
        select(
            ArticleVersion.id.label("version_id"),
            Article.url,
            Site.host,
            Article.kind,
            ArticleVersion.title,
            ArticleVersion.published,
            reference_count.label("reference_count"),
            ArticleVersion.version,
        )
        .join(ArticleVersion, ArticleVersion.id == Article.current_version_id)
        .join(Site, Site.id == Article.site_id)
        .order_by(Article.id)
        .limit(limit)
    )
    if site is not None:
        query = query.where(Site.host == site.strip().lower())
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        names: dict[int, list[str]] = defaultdict(list)
        version_ids = [row.version_id for row in rows]
        for start in range(0, len(version_ids), 500):
            for version_id, name in conn.execute(
                select(ArticleAuthor.article_version_id, ArticleAuthor.name)
                .where(ArticleAuthor.article_version_id.in_(version_ids[start : start + 500]))
                .order_by(ArticleAuthor.article_version_id, ArticleAuthor.position)
            ):
                names[version_id].append(name)
    return [
        {
            "url": row.url,
            "site": row.host,
            "kind": row.kind,
            "title": row.title,
            "published": row.published,
            "authors": "; ".join(names.get(row.version_id, [])),
            "reference_count": int(row.reference_count),
            "version": row.version,
        }
        for row in rows
    ]


def run_stats(engine: Engine, run_id: int) -> dict[str, Any]:
    """What one crawl run did: the run's own fields, its fetch count, counts
    by outcome and by reason, and how many articles it archived new or updated.

    Raises ``ArchiveError`` if there is no such run.
    """
    with Session(engine) as session:
        run = session.get(CrawlRun, run_id)
        if run is None:
            raise ArchiveError(f"no crawl run with id {run_id}")
        outcomes = dict(
            session.execute(
                select(Fetch.outcome, func.count())
                .where(Fetch.crawl_run_id == run_id)
                .group_by(Fetch.outcome)
                .order_by(Fetch.outcome)
            ).all()
        )
        reasons = dict(
            session.execute(
                select(Fetch.reason, func.count())
                .where(Fetch.crawl_run_id == run_id, Fetch.reason.is_not(None))
                .group_by(Fetch.reason)
                .order_by(func.count().desc(), Fetch.reason)
            ).all()
        )
        stored = stored_version_counts(session, run_id)
    return {
        **_run_fields(run),
        "fetches": sum(outcomes.values()),
        "outcomes": outcomes,
        "reasons": reasons,
        **stored,
    }


def stored_version_counts(session: Session, run_id: int) -> dict[str, int]:
    """How many articles a run archived for the first time (``articles_new``) and how
    many got a new version (``articles_updated``), read from the versions it stored."""
    is_first = ArticleVersion.version == 1
    new, updated = session.execute(
        select(func.count().filter(is_first), func.count().filter(~is_first)).where(
            ArticleVersion.crawl_run_id == run_id
        )
    ).one()
    return {"articles_new": int(new or 0), "articles_updated": int(updated or 0)}


def list_runs(
    engine: Engine, *, limit: int | None = None, site_name: str | None = None
) -> list[dict[str, Any]]:
    """Crawl runs, newest first, with their fetch and archived-fetch counts;
    ``site_name`` keeps the runs of one sites-file entry."""
    fetches = select(func.count()).where(Fetch.crawl_run_id == CrawlRun.id).scalar_subquery()
    archived = (
        select(func.count())
        .where(Fetch.crawl_run_id == CrawlRun.id, Fetch.outcome == "archived")
        .scalar_subquery()
    )
    query = (
        select(CrawlRun, fetches.label("fetches"), archived.label("archived"))
        .order_by(CrawlRun.id.desc())
        .limit(limit)
    )
    if site_name is not None:
        query = query.where(CrawlRun.site_name == site_name)
    with Session(engine) as session:
        rows = session.execute(query).all()
    return [
        {**_run_fields(run), "fetches": int(count), "archived": int(archived_count)}
        for run, count, archived_count in rows
    ]


def _run_fields(run: CrawlRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "status": run.status,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "start_urls": run.start_urls,
        "stats": run.stats,
        "hostname": run.hostname,
        "pid": run.pid,
        "site_name": run.site_name,
    }
