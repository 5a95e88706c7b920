"""Reading the archive back as records of ``article.schema.json`` (JSONL, CSV).

Records stream in article-id order: versions are read in chunks by keyset
(article id, version number), and each chunk's children with one query per
child table, so memory stays bounded whatever the archive's size and no
connection is held while the caller consumes a chunk.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, TextIO

from sqlalchemy import Connection, Engine, Select, and_, or_, select

from storage.models import (
    AffiliateLink,
    Article,
    ArticleAuthor,
    ArticleFlag,
    ArticleTag,
    ArticleVersion,
    Citation,
    Section,
    Site,
    Tag,
)

CHUNK_SIZE = 500

# Columns of the CSV export: the record's fields in schema order, the extras,
# then conveniences. List and nested fields are JSON text in their column.
CSV_COLUMNS = (
    "url",
    "site",
    "kind",
    "title",
    "published",
    "updated",
    "authors",
    "category",
    "tags",
    "language",
    "text",
    "sections",
    "references",
    "affiliate_links",
    "flags",
    "content_hash",
    "first_seen",
    "last_seen",
    "version",
    "gone_at",
    "fetched_url",
    "author_names",
    "reference_count",
)


def format_timestamp(value: datetime | None) -> str | None:
    """An archive timestamp as the records give it: ``2026-11-23T18:03:49+00:00``."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds")


def iter_article_records(
    engine: Engine,
    *,
    versions: bool = False,
    site: str | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[dict[str, Any]]:
    """Every archived article as a schema record, ordered by article id.

    ``versions=True`` gives every version of each article (oldest first)
    instead of the current one only; ``first_seen``/``last_seen`` are the
    article's in both cases. ``site`` keeps one host. Records carry two extra
    fields: ``gone_at`` (null unless the URL disappeared) and ``fetched_url``.
    """
    query = _version_query(versions=versions, site=site)
    after: tuple[int, int] | None = None
    while True:
        page = query
        if after is not None:
            page = page.where(
                or_(
                    Article.id > after[0],
                    and_(Article.id == after[0], ArticleVersion.version > after[1]),
                )
            )
        with engine.connect() as conn:
            rows = conn.execute(page.limit(chunk_size)).all()
            children = _load_children(conn, [row.version_id for row in rows])
        for row in rows:
            yield _build_record(row, children)
        if len(rows) < chunk_size:
            return
        after = (rows[-1].article_id, rows[-1].version)


def write_jsonl(
    engine: Engine, out: TextIO, *, versions: bool = False, site: str | None = None
) -> int:
    """Write one JSON record per line to ``out``; the number written."""
    count = 0
    for record in iter_article_records(engine, versions=versions, site=site):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(
    engine: Engine, out: TextIO, *, versions: bool = False, site: str | None = None
) -> int:
    """Write one CSV row per record to ``out`` (open it with ``newline=""``),
    with a header of ``CSV_COLUMNS``; the number of rows written."""
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    count = 0
    for record in iter_article_records(engine, versions=versions, site=site):
        writer.writerow(to_csv_row(record))
        count += 1
    return count


def to_csv_row(record: dict[str, Any]) -> dict[str, str]:
    """A record flattened for CSV: lists and objects as JSON, null as empty."""
    row: dict[str, str] = {}
    for column in CSV_COLUMNS[:-2]:
        value = record.get(column)
        if value is None:
            row[column] = ""
        elif isinstance(value, list | dict):
            row[column] = json.dumps(value, ensure_ascii=False)
        else:
            row[column] = str(value)
    row["author_names"] = "; ".join(author["name"] for author in record["authors"])
    row["reference_count"] = str(len(record["references"]))
    return row


def _version_query(*, versions: bool, site: str | None) -> Select:
    join_on = (
        ArticleVersion.article_id == Article.id
        if versions
        else ArticleVersion.id == Article.current_version_id
    )
    query = (
        select(
            Article.id.label("article_id"),
            Article.url,
            Article.kind,
            Article.first_seen_at,
            Article.last_seen_at,
            Article.gone_at,
            Site.host,
            ArticleVersion.id.label("version_id"),
            ArticleVersion.version,
            ArticleVersion.title,
            ArticleVersion.published,
            ArticleVersion.updated,
            ArticleVersion.category,
            ArticleVersion.language,
            ArticleVersion.text,
            ArticleVersion.content_hash,
            ArticleVersion.fetched_url,
        )
        .join(Site, Site.id == Article.site_id)
        .join(ArticleVersion, join_on)
        .order_by(Article.id, ArticleVersion.version)
    )
    if site is not None:
        query = query.where(Site.host == site.strip().lower())
    return query


_Children = dict[str, dict[int, list[Any]]]


def _load_children(conn: Connection, version_ids: Sequence[int]) -> _Children:
    children: _Children = defaultdict(lambda: defaultdict(list))
    if not version_ids:
        return children
    queries: dict[str, Select] = {
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
    for field, query in queries.items():
        version_column = query.selected_columns[0]
        for row in conn.execute(query.where(version_column.in_(version_ids))):
            mapping = row._asdict()
            version_id = mapping.pop("article_version_id")
            value: Any = mapping if len(mapping) > 1 else next(iter(mapping.values()))
            children[field][version_id].append(value)
    return children


def _build_record(row: Any, children: _Children) -> dict[str, Any]:
    version_id = row.version_id
    return {
        "url": row.url,
        "site": row.host,
        "kind": row.kind,
        "title": row.title,
        "published": row.published,
        "updated": row.updated,
        "authors": children["authors"].get(version_id, []),
        "category": row.category,
        "tags": children["tags"].get(version_id, []),
        "language": row.language,
        "text": row.text,
        "sections": children["sections"].get(version_id, []),
        "references": children["references"].get(version_id, []),
        "affiliate_links": children["affiliate_links"].get(version_id, []),
        "flags": children["flags"].get(version_id, []),
        "content_hash": row.content_hash,
        "first_seen": format_timestamp(row.first_seen_at),
        "last_seen": format_timestamp(row.last_seen_at),
        "version": row.version,
        "gone_at": format_timestamp(row.gone_at),
        "fetched_url": row.fetched_url,
    }
