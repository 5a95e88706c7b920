"""The initial archive schema.

Written by hand against ``storage.models`` / ``storage.content`` (the test
suite compares the migrated database with the models). Columns use plain
SQLAlchemy types: ``storage.base.UTCDateTime`` is ``DateTime(timezone=True)``
in the database, so this file needs none of the application's code.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CURRENT_VERSION_FK = "fk_articles_current_version_id_article_versions"


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _text(name: str, *, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def _int(name: str, *, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), nullable=nullable)


def _pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*(columns or ("id",)), name=op.f(f"pk_{table}"))


def _fk(
    table: str, column: str, referred: str, *, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{referred}.id"],
        name=op.f(f"fk_{table}_{column}_{referred}"),
        ondelete=ondelete,
    )


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns), unique=False)


def _version_child(table: str, *columns: SchemaItem) -> None:
    """A table keyed by (article_version_id, position), deleted with its version."""
    op.create_table(
        table,
        _int("article_version_id"),
        _int("position"),
        *columns,
        _fk(table, "article_version_id", "article_versions", ondelete="CASCADE"),
        _pk(table, "article_version_id", "position"),
    )


def upgrade() -> None:
    is_sqlite = op.get_bind().dialect.name == "sqlite"

    op.create_table(
        "sites",
        _id(),
        _text("host"),
        _timestamp("first_seen_at"),
        _pk("sites"),
        sa.UniqueConstraint("host", name=op.f("uq_sites_host")),
    )
    op.create_table(
        "crawl_runs",
        _id(),
        _timestamp("started_at"),
        _timestamp("finished_at", nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("start_urls", sa.JSON(), nullable=False),
        sa.Column("stats", sa.JSON(), nullable=False),
        sa.Column("hostname", sa.String(length=255), nullable=False),
        _int("pid"),
        sa.CheckConstraint(
            "status IN ('running', 'finished', 'interrupted', 'failed')",
            name=op.f("ck_crawl_runs_status"),
        ),
        _pk("crawl_runs"),
    )
    op.create_table(
        "raw_pages",
        _id(),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        _int("size"),
        _text("content_type", nullable=True),
        _pk("raw_pages"),
        sa.UniqueConstraint("sha256", name=op.f("uq_raw_pages_sha256")),
    )
    op.create_table(
        "tags",
        _id(),
        _text("name"),
        _pk("tags"),
        sa.UniqueConstraint("name", name=op.f("uq_tags_name")),
    )

    # articles.current_version_id and article_versions.article_id point at each
    # other: SQLite takes the forward reference inline, PostgreSQL gets it by
    # ALTER TABLE once article_versions exists.
    current_version_fk = sa.ForeignKeyConstraint(
        ["current_version_id"],
        ["article_versions.id"],
        name=op.f(CURRENT_VERSION_FK),
        ondelete="SET NULL",
    )
    op.create_table(
        "articles",
        _id(),
        _int("site_id"),
        _text("url"),
        sa.Column("kind", sa.String(length=16), nullable=False),
        _timestamp("first_seen_at"),
        _timestamp("last_seen_at"),
        _timestamp("gone_at", nullable=True),
        _int("current_version_id", nullable=True),
        sa.CheckConstraint("kind IN ('article', 'glossary')", name=op.f("ck_articles_kind")),
        _fk("articles", "site_id", "sites"),
        *([current_version_fk] if is_sqlite else []),
        _pk("articles"),
        sa.UniqueConstraint("url", name=op.f("uq_articles_url")),
    )
    _index("articles", "site_id")
    _index("articles", "kind")

    op.create_table(
        "authors",
        _id(),
        _int("site_id"),
        _text("name"),
        _text("name_key"),
        _text("url", nullable=True),
        _fk("authors", "site_id", "sites"),
        _pk("authors"),
        sa.UniqueConstraint("site_id", "name_key", name=op.f("uq_authors_site_id_name_key")),
    )

    op.create_table(
        "article_versions",
        _id(),
        _int("article_id"),
        _int("version"),
        _text("content_hash"),
        sa.Column("record_sha256", sa.String(length=64), nullable=False),
        _text("title"),
        _text("published", nullable=True),
        _text("updated", nullable=True),
        _timestamp("published_at", nullable=True),
        _timestamp("updated_at", nullable=True),
        _text("category", nullable=True),
        _text("language", nullable=True),
        _text("text"),
        _text("fetched_url"),
        _timestamp("fetched_at"),
        _int("raw_page_id", nullable=True),
        _int("crawl_run_id", nullable=True),
        _timestamp("created_at"),
        _timestamp("refreshed_at", nullable=True),
        _fk("article_versions", "article_id", "articles", ondelete="CASCADE"),
        _fk("article_versions", "raw_page_id", "raw_pages", ondelete="SET NULL"),
        _fk("article_versions", "crawl_run_id", "crawl_runs", ondelete="SET NULL"),
        _pk("article_versions"),
        sa.UniqueConstraint(
            "article_id", "version", name=op.f("uq_article_versions_article_id_version")
        ),
    )
    for column in ("content_hash", "published_at", "category", "raw_page_id", "crawl_run_id"):
        _index("article_versions", column)
    if not is_sqlite:
        op.create_foreign_key(
            op.f(CURRENT_VERSION_FK),
            "articles",
            "article_versions",
            ["current_version_id"],
            ["id"],
            ondelete="SET NULL",
        )

    op.create_table(
        "fetches",
        _id(),
        _int("crawl_run_id"),
        _text("url"),
        _int("status", nullable=True),
        _timestamp("fetched_at"),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        _text("reason", nullable=True),
        _text("detail"),
        _int("raw_page_id", nullable=True),
        _int("article_id", nullable=True),
        _text("etag", nullable=True),
        _text("last_modified", nullable=True),
        sa.CheckConstraint(
            "outcome IN ('archived', 'unchanged', 'skipped', 'error')",
            name=op.f("ck_fetches_outcome"),
        ),
        _fk("fetches", "crawl_run_id", "crawl_runs", ondelete="CASCADE"),
        _fk("fetches", "raw_page_id", "raw_pages", ondelete="SET NULL"),
        _fk("fetches", "article_id", "articles", ondelete="SET NULL"),
        _pk("fetches"),
    )
    _index("fetches", "url")
    _index("fetches", "reason")
    _index("fetches", "raw_page_id")
    _index("fetches", "article_id")
    _index("fetches", "crawl_run_id", "outcome")

    _version_child(
        "article_authors",
        _int("author_id"),
        _text("name"),
        sa.Column("relation", sa.String(length=16), nullable=False),
        _text("role", nullable=True),
        _text("bio", nullable=True),
        _text("url", nullable=True),
        sa.CheckConstraint(
            "relation IN ('author', 'reviewer', 'editor')",
            name=op.f("ck_article_authors_relation"),
        ),
        _fk("article_authors", "author_id", "authors"),
    )
    _index("article_authors", "author_id")

    _version_child(
        "sections",
        _text("heading", nullable=True),
        _int("level"),
        sa.Column("kind", sa.String(length=32), nullable=False),
        _text("text"),
    )

    _version_child(
        "citations",
        _text("text"),
        _text("title", nullable=True),
        _int("year", nullable=True),
        _text("url", nullable=True),
        _text("doi", nullable=True),
        _text("pmid", nullable=True),
    )
    _index("citations", "doi")
    _index("citations", "pmid")

    _version_child("article_tags", _int("tag_id"), _fk("article_tags", "tag_id", "tags"))
    _index("article_tags", "tag_id")

    _version_child("affiliate_links", _text("url"))

    _version_child("article_flags", _text("flag"))
    _index("article_flags", "flag")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f(CURRENT_VERSION_FK), "articles", type_="foreignkey")
    for table in (
        "article_flags",
        "affiliate_links",
        "article_tags",
        "citations",
        "sections",
        "article_authors",
        "fetches",
        "article_versions",
        "authors",
        "articles",
        "tags",
        "raw_pages",
        "crawl_runs",
        "sites",
    ):
        op.drop_table(table)
