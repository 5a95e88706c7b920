"""Site-level boilerplate learning: paragraph fingerprints per version and the blocks
learned as a site's boilerplate.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "version_blocks",
        sa.Column("article_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("block_sha1", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["article_version_id"], ["article_versions.id"],
                                name=op.f("fk_version_blocks_article_version_id_article_versions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_version_id", "position", name=op.f("pk_version_blocks")),
    )
    op.create_index(op.f("ix_version_blocks_block_sha1"), "version_blocks", ["block_sha1"])
    op.create_table(
        "site_boilerplate_blocks",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("block_sha1", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("article_count", sa.Integer(), nullable=False),
        sa.Column("learned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_site_boilerplate_blocks_site_id_sites"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("site_id", "block_sha1", name=op.f("pk_site_boilerplate_blocks")),
    )


def downgrade() -> None:
    op.drop_table("site_boilerplate_blocks")
    op.drop_index(op.f("ix_version_blocks_block_sha1"), table_name="version_blocks")
    op.drop_table("version_blocks")
