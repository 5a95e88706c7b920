"""Reading the archive back as records of ``article.schema.json`` (JSONL, CSV;
Parquet is in ``storage.parquet``).

Records stream in article-id order: versions are read in chunks by keyset
(article id, version number), and each chunk's children with one query per
child table, so memory stays bounded whatever the archive's size (on both
engines: each chunk is one indexed range query) and no connection is held
while the caller consumes a chunk. ``ExportOptions`` says what to read: the
same ``ArticleFilter`` as search, every version or the current one, a limit.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, NamedTuple, TextIO

import orjson
from sqlalchemy import Connection, Engine, Row, Select, func, or_, select

from storage.export_children import Children, child_rows, group_children
from storage.filters import ArticleFilter, conditions
from storage.models import Article, ArticleVersion, Site

CHUNK_SIZE = 1000


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """What an export reads: ``filters`` (as search takes them), ``versions``
    (every archived version instead of the current one; filters then apply to
    each version), ``limit`` (at most that many records)."""

    filters: ArticleFilter | None = None
    versions: bool = False
    limit: int | None = None
    # Inclusive (first, last) article ids: one range of an export split over processes.
    article_ids: tuple[int, int] | None = None

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
    options: ExportOptions | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[dict[str, Any]]:
    """Every archived article as a schema record, ordered by article id.

    ``versions=True`` gives every version of each article (oldest first)
    instead of the current one only; ``first_seen``/``last_seen`` are the
    article's in both cases. ``site`` keeps one host. ``options`` (which
    overrides ``versions``) adds filters and a limit. Records carry two extra
    fields: ``gone_at`` (null unless the URL disappeared) and ``fetched_url``.
    """
    for page in iter_pages(engine, _merge(options, versions=versions, site=site), chunk_size):
        children = group_children(page.children)
        for row in page.rows:
            yield _build_record(row, children)


class RecordPage(NamedTuple):
    """The rows of up to a chunk of records, in record order (the columns of
    ``_version_query``), and each child field's rows for them (``child_rows``)."""

    rows: Sequence[Row[Any]]
    children: dict[str, Sequence[Sequence[Any]]]


def iter_pages(engine: Engine, options: ExportOptions,
               chunk_size: int = CHUNK_SIZE) -> Iterator[RecordPage]:
    """The records of ``options`` as pages of at most ``chunk_size``, in article-id order:
    what ``iter_article_records`` builds its records from, and the Parquet export its
    columns (``storage.parquet_batches``)."""
    query = _version_query(options)
    remaining = options.limit
    after: tuple[int, int] | None = None
    while remaining is None or remaining > 0:
        size = chunk_size if remaining is None else min(chunk_size, remaining)
        page = query
        if after is not None:
            # ``id >= last`` lets both engines seek the articles' primary key; the OR
            # then only tells the last article's remaining versions apart.
            page = page.where(
                Article.id >= after[0],
                or_(Article.id > after[0], ArticleVersion.version > after[1]),
            )
        with engine.connect() as conn:
            rows = conn.execute(page.limit(size)).all()
            children = child_rows(conn, [row.version_id for row in rows])
        if rows:
            yield RecordPage(rows, children)
        if remaining is not None:
            remaining -= len(rows)
        if len(rows) < size:
            return
        after = (rows[-1].article_id, rows[-1].version)


def record_of_version(conn: Connection, version_id: int) -> dict[str, Any] | None:
    """The schema record of one archived version (any version, current or not)."""
    row = conn.execute(
        _version_query(ExportOptions(versions=True)).where(ArticleVersion.id == version_id)
    ).first()
    return None if row is None else _build_record(row, group_children(child_rows(conn, [version_id])))


def count_records(engine: Engine, options: ExportOptions | None = None) -> int:
    """How many records ``iter_article_records`` gives for ``options`` (for a progress bar)."""
    options = options or ExportOptions()
    query = _version_query(options).order_by(None)
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    return int(total) if options.limit is None else min(int(total), options.limit)


def write_jsonl(
    engine: Engine,
    out: TextIO,
    *,
    versions: bool = False,
    site: str | None = None,
    options: ExportOptions | None = None,
) -> int:
    """Write one JSON record per line to ``out``; the number written."""
    return dump_jsonl(iter_article_records(engine, versions=versions, site=site, options=options), out)


def write_csv(
    engine: Engine,
    out: TextIO,
    *,
    versions: bool = False,
    site: str | None = None,
    options: ExportOptions | None = None,
) -> int:
    """Write one CSV row per record to ``out`` (open it with ``newline=""``),
    with a header of ``CSV_COLUMNS``; the number of rows written."""
    return dump_csv(iter_article_records(engine, versions=versions, site=site, options=options), out)


def dump_jsonl(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """Write ``records`` to ``out`` as JSON Lines; the number written."""
    count = 0
    for record in records:
        out.write(orjson.dumps(record).decode() + "\n")  # UTF-8, 5x faster than json
        count += 1
    return count


def dump_csv(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """Write ``records`` to ``out`` as CSV with a header of ``CSV_COLUMNS``; the rows written."""
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    count = 0
    for record in records:
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
            row[column] = orjson.dumps(value).decode()
        else:
            row[column] = str(value)
    row["author_names"] = "; ".join(author["name"] for author in record["authors"])
    row["reference_count"] = str(len(record["references"]))
    return row


def _merge(options: ExportOptions | None, *, versions: bool, site: str | None) -> ExportOptions:
    """``options`` with the ``versions``/``site`` shorthands of older callers folded in."""
    options = options or ExportOptions(versions=versions)
    if site is not None:
        options = replace(options, filters=replace(options.filters or ArticleFilter(), site=site))
    return options


def _version_query(options: ExportOptions) -> Select:
    join_on = (
        ArticleVersion.article_id == Article.id
        if options.versions
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
        .where(*conditions(options.filters))
        .order_by(Article.id, ArticleVersion.version)
    )
    if options.article_ids is not None:
        query = query.where(Article.id.between(*options.article_ids))
    return query


def _build_record(row: Any, children: Children) -> dict[str, Any]:
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
