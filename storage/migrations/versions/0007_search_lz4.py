"""PostgreSQL: the search vectors compressed with lz4 instead of pglz.

Ranking reads the vector of every matching article; at 200,000 articles a common
word matches tens of thousands, and decompressing pglz was a third of a search's
time. lz4 decompresses several times faster for about the same size. Existing
vectors are rewritten so they use it too. Servers built without lz4 keep pglz.
SQLite has nothing to change.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _set_compression("lz4")


def downgrade() -> None:
    _set_compression("pglz")


def _set_compression(method: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # One DO block (it also renders for `alembic upgrade --sql`): only on servers that
    # have the method. Values keep the compression they were written with, so each
    # vector is written again.
    op.execute(f"""DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression'
                   AND '{method}' = ANY(enumvals)) THEN
            ALTER TABLE article_search ALTER COLUMN document SET COMPRESSION {method};
            UPDATE article_search SET document = document || ''::tsvector;
        END IF;
    END $$""")
