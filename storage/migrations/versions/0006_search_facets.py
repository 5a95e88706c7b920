"""Search facets: one narrow row per article with what search filters test.

``article_search_facets`` holds, for the current version of every article, its
version id, site, kind, lower-cased category and publication instant. A filtered
search joins each full-text match to this row (a few dozen bytes, in cache)
instead of to ``articles`` and the wide ``article_versions`` rows (title and text
inline), which at 200,000 articles made a filtered search three times slower
than an unfiltered one. Triggers keep it in step on both engines, like the
full-text index.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_TRIGGERS = ("article_search_facets_articles_ai", "article_search_facets_articles_au",
                   "article_search_facets_versions_au", "article_search_facets_versions_bd")
PG_TRIGGERS = (("articles", "article_search_facets_articles"),
               ("article_versions", "article_search_facets_versions_au"),
               ("article_versions", "article_search_facets_versions_bd"))
PG_FUNCTIONS = ("article_search_facets_on_article()", "article_search_facets_on_version()",
                "article_search_facets_on_version_delete()")

# The facets of article ``{article}`` from its current version (none when it has none).
_SELECT_FACETS = """SELECT a.id, v.id, a.site_id, a.kind, lower(v.category), v.published_at
    FROM articles a JOIN article_versions v ON v.id = a.current_version_id
    WHERE a.id = {article}"""
_COLUMNS = "(article_id, version_id, site_id, kind, category_key, published_at)"


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    timestamp = "DATETIME" if sqlite else "TIMESTAMP WITH TIME ZONE"
    op.execute(f"""CREATE TABLE article_search_facets (
        article_id INTEGER NOT NULL,
        version_id INTEGER NOT NULL,
        site_id INTEGER NOT NULL,
        kind VARCHAR(16) NOT NULL,
        category_key TEXT,
        published_at {timestamp},
        CONSTRAINT pk_article_search_facets PRIMARY KEY (article_id),
        CONSTRAINT fk_article_search_facets_article_id_articles FOREIGN KEY (article_id)
            REFERENCES articles (id) ON DELETE CASCADE
    )""")
    op.execute("CREATE UNIQUE INDEX ix_article_search_facets_version_id "
               "ON article_search_facets (version_id)")
    for statement in (_sqlite_triggers() if sqlite else _postgresql_triggers()):
        op.execute(statement)
    op.execute(f"INSERT INTO article_search_facets {_COLUMNS} "
               + _SELECT_FACETS.format(article="a.id"))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    else:
        for table, trigger in PG_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        for function in PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
    op.execute("DROP TABLE IF EXISTS article_search_facets")


def _sqlite_triggers() -> list[str]:
    return [
        f"""CREATE TRIGGER article_search_facets_articles_ai AFTER INSERT ON articles
            WHEN NEW.current_version_id IS NOT NULL BEGIN
            INSERT OR REPLACE INTO article_search_facets {_COLUMNS}
            {_SELECT_FACETS.format(article="NEW.id")};
        END""",
        f"""CREATE TRIGGER article_search_facets_articles_au
            AFTER UPDATE OF current_version_id, site_id, kind ON articles BEGIN
            DELETE FROM article_search_facets WHERE article_id = NEW.id;
            INSERT INTO article_search_facets {_COLUMNS}
            {_SELECT_FACETS.format(article="NEW.id")};
        END""",
        """CREATE TRIGGER article_search_facets_versions_au
            AFTER UPDATE OF category, published_at ON article_versions BEGIN
            UPDATE article_search_facets
            SET category_key = lower(NEW.category), published_at = NEW.published_at
            WHERE version_id = NEW.id;
        END""",
        """CREATE TRIGGER article_search_facets_versions_bd BEFORE DELETE ON article_versions
            BEGIN
            DELETE FROM article_search_facets WHERE version_id = OLD.id;
        END""",
    ]


def _postgresql_triggers() -> list[str]:
    return [
        f"""CREATE FUNCTION article_search_facets_on_article() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM article_search_facets WHERE article_id = NEW.id;
            INSERT INTO article_search_facets {_COLUMNS}
            {_SELECT_FACETS.format(article="NEW.id")};
            RETURN NULL;
        END $$""",
        """CREATE FUNCTION article_search_facets_on_version() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE article_search_facets
            SET category_key = lower(NEW.category), published_at = NEW.published_at
            WHERE version_id = NEW.id;
            RETURN NULL;
        END $$""",
        """CREATE FUNCTION article_search_facets_on_version_delete() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM article_search_facets WHERE version_id = OLD.id;
            RETURN OLD;
        END $$""",
        """CREATE TRIGGER article_search_facets_articles
            AFTER INSERT OR UPDATE OF current_version_id, site_id, kind ON articles
            FOR EACH ROW EXECUTE FUNCTION article_search_facets_on_article()""",
        """CREATE TRIGGER article_search_facets_versions_au
            AFTER UPDATE OF category, published_at ON article_versions
            FOR EACH ROW EXECUTE FUNCTION article_search_facets_on_version()""",
        """CREATE TRIGGER article_search_facets_versions_bd BEFORE DELETE ON article_versions
            FOR EACH ROW EXECUTE FUNCTION article_search_facets_on_version_delete()""",
    ]
