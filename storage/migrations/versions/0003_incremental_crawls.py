"""Incremental crawls: each URL's last answer (validators, raw body, article), the
scheduled sites with their locks, and the sites-file name of a run.

Existing archives get their URL states from their latest successful fetches, so the
first re-crawl after the upgrade is already conditional.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "url_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("raw_page_id", sa.Integer(), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"],
                                name=op.f("fk_url_states_article_id_articles"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["raw_page_id"], ["raw_pages.id"],
                                name=op.f("fk_url_states_raw_page_id_raw_pages"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_url_states")),
        sa.UniqueConstraint("url", name=op.f("uq_url_states_url")),
    )
    op.create_index(op.f("ix_url_states_article_id"), "url_states", ["article_id"])
    op.create_index(op.f("ix_url_states_raw_page_id"), "url_states", ["raw_page_id"])
    op.create_table(
        "scheduled_sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("last_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_status", sa.String(length=16), nullable=True),
        sa.Column("last_run_id", sa.Integer(), nullable=True),
        sa.Column("locked_by", sa.String(length=300), nullable=True),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lock_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["last_run_id"], ["crawl_runs.id"],
                                name=op.f("fk_scheduled_sites_last_run_id_crawl_runs"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_sites")),
        sa.UniqueConstraint("name", name=op.f("uq_scheduled_sites_name")),
    )
    # Plain ALTER TABLE (SQLite >= 3.35 has ADD/DROP COLUMN): a batch copy of crawl_runs
    # would drop the table, and with foreign keys on that cascades to its fetches.
    op.add_column("crawl_runs", sa.Column("site_name", sa.String(length=200), nullable=True))
    op.create_index(op.f("ix_crawl_runs_site_name"), "crawl_runs", ["site_name"])
    op.execute(
        """
        INSERT INTO url_states (url, status, etag, last_modified, fetched_at, checked_at,
                                raw_page_id, article_id)
        SELECT f.url, f.status, f.etag, f.last_modified, f.fetched_at, f.fetched_at,
               f.raw_page_id, f.article_id
        FROM fetches f
        WHERE f.id = (SELECT max(g.id) FROM fetches g
                      WHERE g.url = f.url AND g.status = 200 AND g.raw_page_id IS NOT NULL)
        """
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_crawl_runs_site_name"), table_name="crawl_runs")
    op.drop_column("crawl_runs", "site_name")
    op.drop_table("scheduled_sites")
    op.drop_index(op.f("ix_url_states_raw_page_id"), table_name="url_states")
    op.drop_index(op.f("ix_url_states_article_id"), table_name="url_states")
    op.drop_table("url_states")
