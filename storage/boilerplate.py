"""Site-level boilerplate, learned from the archive itself.

Every archived version keeps the SHA-1 of each body paragraph (``version_blocks``).
A paragraph that recurs verbatim in many current articles of one site (an affiliate
plea, a newsletter box, a disclaimer the extractor did not recognise) is that site's
boilerplate: ``learn_site_boilerplate`` counts and records such blocks, and the
extraction step drops them from later pages of the site.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, func, insert, select

from storage.models import Article, ArticleVersion, Site, SiteBoilerplate, VersionBlock

MIN_ARTICLES = 5
MIN_SHARE = 0.05


def learn_site_boilerplate(
    engine: Engine,
    site: str,
    *,
    block_text: Callable[[str], dict[str, str]],
    min_articles: int = MIN_ARTICLES,
    min_share: float = MIN_SHARE,
) -> dict[str, str]:
    """Record and return ``{block_sha1: text}`` for blocks in at least ``min_articles``
    current articles of ``site`` and at least ``min_share`` of them.

    ``block_text`` maps a version's text to ``{sha1: paragraph}`` (the caller owns the
    hashing rule); it recovers each learned block's text from one version holding it.
    """
    with engine.begin() as conn:
        site_id = conn.execute(select(Site.id).where(Site.host == site.lower())).scalar()
        if site_id is None:
            return {}
        current = (
            select(Article.current_version_id)
            .where(Article.site_id == site_id, Article.current_version_id.is_not(None))
            .scalar_subquery()
        )
        total = conn.execute(
            select(func.count()).select_from(Article).where(Article.site_id == site_id)
        ).scalar_one()
        threshold = max(min_articles, math.ceil(min_share * total))
        counts = conn.execute(
            select(VersionBlock.block_sha1, func.count(func.distinct(VersionBlock.article_version_id)),
                   func.min(VersionBlock.article_version_id))
            .where(VersionBlock.article_version_id.in_(current))
            .group_by(VersionBlock.block_sha1)
            .having(func.count(func.distinct(VersionBlock.article_version_id)) >= threshold)
        ).all()
        learned: dict[str, str] = {}
        texts: dict[int, dict[str, str]] = {}
        for sha1, _count, version_id in counts:
            if version_id not in texts:
                text = conn.execute(
                    select(ArticleVersion.text).where(ArticleVersion.id == version_id)
                ).scalar_one()
                texts[version_id] = block_text(text)
            learned[sha1] = texts[version_id].get(sha1, "")
        conn.execute(delete(SiteBoilerplate).where(SiteBoilerplate.site_id == site_id))
        now = datetime.now(UTC)
        if counts:
            conn.execute(
                insert(SiteBoilerplate),
                [{"site_id": site_id, "block_sha1": sha1, "text": learned[sha1],
                  "article_count": count, "learned_at": now} for sha1, count, _ in counts],
            )
    return learned


def site_boilerplate(engine: Engine, site: str) -> dict[str, str]:
    """The learned boilerplate of a site, ``{block_sha1: text}``."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(SiteBoilerplate.block_sha1, SiteBoilerplate.text)
            .join(Site, Site.id == SiteBoilerplate.site_id)
            .where(Site.host == site.lower())
        ).all()
    return {str(sha1): str(text) for sha1, text in rows}


def boilerplate_report(engine: Engine, site: str | None = None) -> list[dict[str, object]]:
    """Learned blocks with their site and how many articles carry them, most common first."""
    query = (
        select(Site.host, SiteBoilerplate.article_count, SiteBoilerplate.text, SiteBoilerplate.learned_at)
        .join(Site, Site.id == SiteBoilerplate.site_id)
        .order_by(SiteBoilerplate.article_count.desc(), Site.host)
    )
    if site:
        query = query.where(Site.host == site.lower())
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]
