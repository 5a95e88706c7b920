"""Dedupe index: one row per distinct normalised body with its MinHash signature,
its LSH band keys, the version -> text map and the verified similar pairs.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text_fk(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["dedupe_texts.id"],
                                   name=op.f(f"fk_{table}_{column}_dedupe_texts"), ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "dedupe_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("scheme", sa.String(length=96), nullable=False),
        sa.Column("shingle_count", sa.Integer(), nullable=False),
        sa.Column("minhash", sa.LargeBinary(), nullable=False),
        sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dedupe_texts")),
        sa.UniqueConstraint("text_sha256", name=op.f("uq_dedupe_texts_text_sha256")),
    )
    op.create_index(op.f("ix_dedupe_texts_paired_at"), "dedupe_texts", ["paired_at"])
    op.create_table(
        "version_dedupe_keys",
        sa.Column("article_version_id", sa.Integer(), nullable=False),
        sa.Column("dedupe_text_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["article_version_id"], ["article_versions.id"],
                                name=op.f("fk_version_dedupe_keys_article_version_id_article_versions"),
                                ondelete="CASCADE"),
        _text_fk("dedupe_text_id", "version_dedupe_keys"),
        sa.PrimaryKeyConstraint("article_version_id", name=op.f("pk_version_dedupe_keys")),
    )
    op.create_index(op.f("ix_version_dedupe_keys_dedupe_text_id"), "version_dedupe_keys",
                    ["dedupe_text_id"])
    op.create_table(
        "dedupe_band_keys",
        sa.Column("dedupe_text_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.SmallInteger(), nullable=False),
        sa.Column("band_key", sa.BigInteger(), nullable=False),
        _text_fk("dedupe_text_id", "dedupe_band_keys"),
        sa.PrimaryKeyConstraint("dedupe_text_id", "band", name=op.f("pk_dedupe_band_keys")),
    )
    op.create_index(op.f("ix_dedupe_band_keys_band_key_dedupe_text_id"), "dedupe_band_keys",
                    ["band_key", "dedupe_text_id"])
    op.create_table(
        "dedupe_similarities",
        sa.Column("dedupe_text_id", sa.Integer(), nullable=False),
        sa.Column("similar_text_id", sa.Integer(), nullable=False),
        sa.Column("jaccard", sa.Float(), nullable=False),
        _text_fk("dedupe_text_id", "dedupe_similarities"),
        sa.ForeignKeyConstraint(["similar_text_id"], ["dedupe_texts.id"],
                                name=op.f("fk_dedupe_similarities_similar_text_id_dedupe_texts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("dedupe_text_id", "similar_text_id",
                                name=op.f("pk_dedupe_similarities")),
    )
    op.create_index(op.f("ix_dedupe_similarities_similar_text_id"), "dedupe_similarities",
                    ["similar_text_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_dedupe_similarities_similar_text_id"), table_name="dedupe_similarities")
    op.drop_table("dedupe_similarities")
    op.drop_index(op.f("ix_dedupe_band_keys_band_key_dedupe_text_id"), table_name="dedupe_band_keys")
    op.drop_table("dedupe_band_keys")
    op.drop_index(op.f("ix_version_dedupe_keys_dedupe_text_id"), table_name="version_dedupe_keys")
    op.drop_table("version_dedupe_keys")
    op.drop_index(op.f("ix_dedupe_texts_paired_at"), table_name="dedupe_texts")
    op.drop_table("dedupe_texts")
