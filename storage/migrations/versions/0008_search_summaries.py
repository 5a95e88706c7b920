"""PostgreSQL: a narrow search row per article, its full vector out of line.

Ranking every match by ``ts_rank`` over its whole vector read the vector of every
match: at 200,000 articles a common word matches 35,000 of them, about 2 KB each,
spread over 29,000 pages (240 MB) of a 480 MB table, and a search took 120 ms
whatever the CPU did. Search now ranks in two stages (``storage.search``): a cheap
score over a small per-article summary for every match, then ``ts_rank`` over the
whole vector for the best candidates only. So each row of ``article_search`` gets:

- ``summary``: the vector's title, name and tag lexemes (weights A and B) and the
  16 most frequent lexemes of the text (weight D, first 3 positions each): about
  450 bytes, kept in the row (``STORAGE MAIN``);
- ``document_length``: the number of positions in the whole vector (what
  ``ts_rank`` normalises by), so the first stage needs nothing else;
- the facets that search filters test (version id, site, kind, lower-cased
  category, publication instant), as in ``article_search_facets`` (0006): a
  filter is then a test on the row stage 1 reads anyway, not a lookup per match;
  the triggers that refresh the row now also watch those columns;
- ``document`` moves out of line (``toast_tuple_target`` 128): the row is about
  500 bytes, the table 100 MB at 200,000 articles, and the GIN index still
  answers every query without phrases from the index alone.

On both engines the DOI index of ``citations`` also holds the citing version, so a
DOI filter is answered from the index alone.

The table is rebuilt (not updated in place, which would leave 480 MB of dead rows
behind). SQLite's FTS5 ranks from its index: only the DOI index changes there.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEYWORDS = 16  # most frequent text lexemes in a summary
KEYWORD_POSITIONS = 3  # positions kept for each

_SUMMARY_FUNCTIONS = (
    f"""CREATE FUNCTION article_search_summary(document tsvector) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT ts_filter(document, '{{a,b,c}}') || coalesce((
            SELECT string_agg(
                '''' || replace(replace(lexeme, '\\', '\\\\'), '''', '''''') || ''':'
                || array_to_string(positions[1:{KEYWORD_POSITIONS}], ','), ' ')::tsvector
            FROM (SELECT lexeme, positions FROM unnest(ts_filter(document, '{{d}}'))
                  ORDER BY cardinality(positions) DESC, lexeme LIMIT {KEYWORDS}) keywords
        ), ''::tsvector)
    $$""",
    """CREATE FUNCTION article_search_length(document tsvector) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(sum(greatest(coalesce(cardinality(positions), 1), 1)), 0)::integer
        FROM unnest(document)
    $$""",
)

# The facets search filters test (as in ``article_search_facets``), in the row too:
# a filter is then a test on the row that stage 1 reads anyway, not a lookup per match.
FACET_COLUMNS = ("version_id integer", "site_id integer", "kind varchar(16)",
                 "category_key text", "published_at timestamp with time zone")
# What the rebuilt table adds after its article_id and document.
NEW_COLUMNS = ("document_length integer NOT NULL", "summary tsvector NOT NULL", *FACET_COLUMNS)

_REFRESH_WITH_SUMMARY = """CREATE OR REPLACE FUNCTION article_search_refresh(target integer)
    RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
        current record;
        vector tsvector;
    BEGIN
        SELECT a.current_version_id AS version_id, a.site_id, a.kind,
               lower(v.category) AS category_key, v.published_at
            INTO current
            FROM articles a JOIN article_versions v ON v.id = a.current_version_id
            WHERE a.id = target;
        IF NOT FOUND THEN
            DELETE FROM article_search WHERE article_id = target;
        ELSE
            vector := article_search_document(current.version_id);
            INSERT INTO article_search (article_id, document, document_length, summary,
                                        version_id, site_id, kind, category_key, published_at)
            VALUES (target, vector, article_search_length(vector), article_search_summary(vector),
                    current.version_id, current.site_id, current.kind, current.category_key,
                    current.published_at)
            ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document,
                document_length = EXCLUDED.document_length, summary = EXCLUDED.summary,
                version_id = EXCLUDED.version_id, site_id = EXCLUDED.site_id,
                kind = EXCLUDED.kind, category_key = EXCLUDED.category_key,
                published_at = EXCLUDED.published_at;
        END IF;
    END $$"""

# The triggers that refresh a row: (table, definition now, definition in 0005, which
# watched the current version, the title and the text but not the facets).
_TRIGGERS = {
    "article_search_articles_au": (
        "articles",
        "AFTER UPDATE OF current_version_id, site_id, kind ON articles FOR EACH ROW "
        "WHEN (OLD.current_version_id IS DISTINCT FROM NEW.current_version_id "
        "OR OLD.site_id IS DISTINCT FROM NEW.site_id OR OLD.kind IS DISTINCT FROM NEW.kind) "
        "EXECUTE FUNCTION article_search_on_article()",
        "AFTER UPDATE OF current_version_id ON articles FOR EACH ROW "
        "WHEN (OLD.current_version_id IS DISTINCT FROM NEW.current_version_id) "
        "EXECUTE FUNCTION article_search_on_article()",
    ),
    "article_search_versions_au": (
        "article_versions",
        "AFTER UPDATE OF title, text, category, published_at ON article_versions "
        "FOR EACH ROW EXECUTE FUNCTION article_search_on_version()",
        "AFTER UPDATE OF title, text ON article_versions "
        "FOR EACH ROW EXECUTE FUNCTION article_search_on_version()",
    ),
}

# 0005's definition, which the downgrade restores (frozen here, as migrations are).
_REFRESH_WITHOUT_SUMMARY = """CREATE OR REPLACE FUNCTION article_search_refresh(target integer)
    RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
        current integer;
    BEGIN
        SELECT current_version_id INTO current FROM articles WHERE id = target;
        IF current IS NULL THEN
            DELETE FROM article_search WHERE article_id = target;
        ELSE
            INSERT INTO article_search (article_id, document)
            VALUES (target, article_search_document(current))
            ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document;
        END IF;
    END $$"""


def upgrade() -> None:
    _set_doi_index(("doi", "article_version_id"))
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in _SUMMARY_FUNCTIONS:
        op.execute(statement)
    op.execute(_REFRESH_WITH_SUMMARY)
    _rebuild(
        upgraded=True,
        storage=("ALTER COLUMN document SET STORAGE EXTENDED, "
                 "ALTER COLUMN summary SET STORAGE MAIN, SET (toast_tuple_target = 128)"),
        copy=("s.article_id, s.document, article_search_length(s.document), "
              "article_search_summary(s.document), f.version_id, f.site_id, f.kind, "
              "f.category_key, f.published_at"),
        source="article_search s LEFT JOIN article_search_facets f USING (article_id)",
    )
    _set_triggers(upgraded=True)


def downgrade() -> None:
    _set_doi_index(("doi",))
    if op.get_bind().dialect.name != "postgresql":
        return
    _set_triggers(upgraded=False)
    op.execute(_REFRESH_WITHOUT_SUMMARY)
    _rebuild(upgraded=False, storage="ALTER COLUMN document SET STORAGE MAIN",
             copy="article_id, document", source="article_search")
    op.execute("DROP FUNCTION article_search_summary(tsvector)")
    op.execute("DROP FUNCTION article_search_length(tsvector)")


def _set_doi_index(columns: tuple[str, ...]) -> None:
    # With the citing version in the index, a DOI filter reads no table row (a DOI
    # cited 8,668 times took 21 ms of heap reads per search at 200,000 articles).
    op.drop_index("ix_citations_doi", table_name="citations")
    op.create_index("ix_citations_doi", "citations", list(columns))


def _set_triggers(*, upgraded: bool) -> None:
    for name, (table, now, before) in _TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        op.execute(f"CREATE TRIGGER {name} {now if upgraded else before}")


def _rebuild(*, upgraded: bool, storage: str, copy: str, source: str) -> None:
    """``article_search`` again, with ``NEW_COLUMNS`` (``upgraded``) or without them,
    ``storage`` applied, filled with ``copy`` selected from ``source``; the old table
    is dropped."""
    # LIKE copies the columns' compression (lz4 where 0007 set it) and nothing else.
    op.execute("CREATE TABLE article_search_rebuilt "
               "(LIKE article_search INCLUDING COMPRESSION)")
    change = (f"ADD COLUMN {column}" if upgraded else f"DROP COLUMN {column.split()[0]}"
              for column in NEW_COLUMNS)
    op.execute(f"ALTER TABLE article_search_rebuilt {', '.join(change)}")
    op.execute(f"ALTER TABLE article_search_rebuilt {storage}")
    op.execute(f"INSERT INTO article_search_rebuilt SELECT {copy} FROM {source}")
    op.execute("DROP TABLE article_search")
    op.execute("ALTER TABLE article_search_rebuilt RENAME TO article_search")
    op.execute("ALTER TABLE article_search ADD CONSTRAINT pk_article_search PRIMARY KEY (article_id), "
               "ADD CONSTRAINT fk_article_search_article_id_articles FOREIGN KEY (article_id) "
               "REFERENCES articles (id) ON DELETE CASCADE")
    op.execute("CREATE INDEX ix_article_search_document ON article_search USING gin (document)")
    op.execute("ANALYZE article_search")
