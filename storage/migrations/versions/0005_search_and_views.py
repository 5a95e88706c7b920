"""Full-text search over the current version of every article, and the analyst views.

SQLite: ``article_search`` is an FTS5 table with external content (the view
``article_search_documents``: title, byline names, tags, text), tokenised with
Porter stemming. Triggers keep it in step whatever writes: before a change that
alters an indexed document the old document is removed from the index (FTS5
needs its old values), after it the new one is added.

PostgreSQL: ``article_search`` holds one English ``tsvector`` per article
(title weight A, names and tags B, text D) under a GIN index; row triggers
recompute it when the current version, its title/text, bylines or tags change.

Views (identical column names on both engines) give analysts one row per
article, per byline entry, per reference and per affiliate link, all for the
current version of each article. The SQL is frozen here: a later change to a
view is a new migration.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VIEWS = (
    "article_affiliate_links",
    "article_references",
    "article_bylines",
    "article_overview",
    "article_search_documents",
)
FLAGS = ("affiliate_disclosure", "template_placeholder", "repeated_title_phrase",
         "author_topic_mismatch")
SQLITE_TRIGGERS = (
    "article_search_articles_au", "article_search_articles_bd", "article_search_versions_bu",
    "article_search_versions_au", "article_search_versions_bd",
    *(f"article_search_{table}_{when}{event}"
      for table in ("article_authors", "article_tags")
      for when in ("b", "a")
      for event in ("i", "d", "u", "v")),
)
# Per child table: trigger suffix, event, which row's version, extra condition.
_CHILD_TRIGGERS = (
    ("i", "INSERT", "NEW", ""),
    ("d", "DELETE", "OLD", ""),
    ("u", "UPDATE", "OLD", ""),
    ("v", "UPDATE", "NEW", "OLD.article_version_id IS NOT NEW.article_version_id AND "),
)
PG_TRIGGERS = (("articles", "article_search_articles_ai"), ("articles", "article_search_articles_au"),
               ("article_versions", "article_search_versions_au"),
               ("article_authors", "article_search_article_authors"),
               ("article_tags", "article_search_article_tags"))
PG_FUNCTIONS = ("article_search_on_child()", "article_search_on_version()",
                "article_search_on_article()", "article_search_refresh(integer)",
                "article_search_document(integer)")


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in _views(sqlite=sqlite):
        op.execute(statement)
    for statement in (_sqlite_search() if sqlite else _postgresql_search()):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS article_search")
    else:
        for table, trigger in PG_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        op.execute("DROP TABLE IF EXISTS article_search")
        for function in PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
    for view in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {view}")


# -- views ----------------------------------------------------------------------------


def _joined(sqlite: bool, value: str, source: str, order: str, separator: str) -> str:
    """A scalar subquery joining ``value`` over ``source`` rows in ``order``."""
    if sqlite:
        return (f"(SELECT group_concat(joined_value, '{separator}') FROM "
                f"(SELECT {value} AS joined_value FROM {source} ORDER BY {order}))")
    return f"(SELECT string_agg({value}, '{separator}' ORDER BY {order}) FROM {source})"


def _month(sqlite: bool, column: str) -> str:
    if sqlite:
        return f"strftime('%Y-%m', {column})"
    return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM')"


def _host(sqlite: bool, column: str) -> str:
    """The lower-case host of a URL column, without a leading ``www.``."""
    if sqlite:
        rest = f"substr({column}, instr({column}, '://') + 3)"
        host = f"lower(substr({rest}, 1, instr({rest} || '/', '/') - 1))"
        return f"CASE WHEN {host} LIKE 'www.%' THEN substr({host}, 5) ELSE {host} END"
    return f"regexp_replace(lower(substring({column} from '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#:]+)')), '^www\\.', '')"


def _count(source: str) -> str:
    return f"(SELECT count(*) FROM {source})"


def _has(source: str) -> str:
    return f"CASE WHEN EXISTS (SELECT 1 FROM {source}) THEN 1 ELSE 0 END"


def _current_article_columns(sqlite: bool) -> str:
    """The columns every view repeats to say which article a row belongs to."""
    return f"""a.id AS article_id,
        v.id AS version_id,
        a.url AS url,
        s.host AS site,
        a.kind AS kind,
        v.title AS title,
        v.category AS category,
        v.published AS published,
        {_month(sqlite, 'v.published_at')} AS published_month"""


_CURRENT = """FROM articles a
    JOIN article_versions v ON v.id = a.current_version_id
    JOIN sites s ON s.id = a.site_id"""


def _views(*, sqlite: bool) -> list[str]:
    byline = "article_authors aa WHERE aa.article_version_id = v.id"
    flags = ",\n        ".join(
        f"{_has(f'article_flags f WHERE f.article_version_id = v.id AND f.flag = {name!r}')} AS has_{name}"
        for name in FLAGS
    )
    tag_source = "article_tags t JOIN tags tn ON tn.id = t.tag_id WHERE t.article_version_id = v.id"
    overview = f"""CREATE VIEW article_overview AS SELECT
        {_current_article_columns(sqlite)},
        v.published_at AS published_at,
        v.updated AS updated,
        v.language AS language,
        v.version AS version,
        v.content_hash AS content_hash,
        a.first_seen_at AS first_seen_at,
        a.last_seen_at AS last_seen_at,
        a.gone_at AS gone_at,
        {_joined(sqlite, 'aa.name', f"{byline} AND aa.relation = 'author'", 'aa.position', '; ')} AS author_names,
        {_joined(sqlite, 'aa.name', f"{byline} AND aa.relation = 'reviewer'", 'aa.position', '; ')} AS reviewer_names,
        {_count(f"{byline} AND aa.relation = 'author'")} AS author_count,
        {_count(f"{byline} AND aa.relation = 'reviewer'")} AS reviewer_count,
        {_count('citations c WHERE c.article_version_id = v.id')} AS citation_count,
        {_count('citations c WHERE c.article_version_id = v.id AND c.doi IS NOT NULL')} AS doi_count,
        {_count('citations c WHERE c.article_version_id = v.id AND c.pmid IS NOT NULL')} AS pmid_count,
        {_count('affiliate_links l WHERE l.article_version_id = v.id')} AS affiliate_link_count,
        {_count('sections sc WHERE sc.article_version_id = v.id')} AS section_count,
        {_joined(sqlite, 'tn.name', tag_source, 't.position', '; ')} AS tag_names,
        {_joined(sqlite, 'f.flag', 'article_flags f WHERE f.article_version_id = v.id', 'f.position', '; ')} AS flags,
        {flags},
        length(v.text) AS text_length
    {_CURRENT}"""
    bylines = f"""CREATE VIEW article_bylines AS SELECT
        {_current_article_columns(sqlite)},
        aa.position AS position,
        aa.author_id AS author_id,
        aa.name AS author_name,
        au.name_key AS author_key,
        aa.relation AS relation,
        aa.role AS role,
        coalesce(aa.url, au.url) AS author_url
    {_CURRENT}
    JOIN article_authors aa ON aa.article_version_id = v.id
    JOIN authors au ON au.id = aa.author_id"""
    references = f"""CREATE VIEW article_references AS SELECT
        {_current_article_columns(sqlite)},
        c.position AS position,
        c.text AS citation_text,
        c.title AS citation_title,
        c.year AS citation_year,
        c.doi AS doi,
        c.pmid AS pmid,
        c.url AS citation_url
    {_CURRENT}
    JOIN citations c ON c.article_version_id = v.id"""
    affiliate = f"""CREATE VIEW article_affiliate_links AS SELECT
        {_current_article_columns(sqlite)},
        l.position AS position,
        l.url AS link_url,
        {_host(sqlite, 'l.url')} AS link_host
    {_CURRENT}
    JOIN affiliate_links l ON l.article_version_id = v.id"""
    documents = f"""CREATE VIEW article_search_documents AS SELECT
        a.id AS article_id,
        {_document_columns(sqlite, 'v.id')}
    FROM articles a JOIN article_versions v ON v.id = a.current_version_id"""
    return [documents, overview, bylines, references, affiliate]


def _document_columns(sqlite: bool, version: str) -> str:
    """title, authors, tags, text of the version whose id is the SQL ``version``."""
    names = _joined(sqlite, "aa.name", f"article_authors aa WHERE aa.article_version_id = {version}",
                    "aa.position", " ")
    tags = _joined(sqlite, "tn.name",
                   f"article_tags t JOIN tags tn ON tn.id = t.tag_id WHERE t.article_version_id = {version}",
                   "t.position", " ")
    return f"""(SELECT title FROM article_versions WHERE id = {version}) AS title,
        {names} AS authors,
        {tags} AS tags,
        (SELECT text FROM article_versions WHERE id = {version}) AS text"""


# -- SQLite: FTS5 with external content, kept by triggers --------------------------------


def _fts_write(article: str, version: str, *, delete: bool) -> str:
    """Add (or remove: FTS5 is given the indexed values back) the document of
    ``version`` under rowid ``article``, if that version exists."""
    command = "'delete', " if delete else ""
    target = "article_search(article_search, rowid, title, authors, tags, text)" if delete else \
        "article_search(rowid, title, authors, tags, text)"
    return (f"INSERT INTO {target} SELECT {command}{article}, {_document_columns(True, version)} "
            f"WHERE EXISTS (SELECT 1 FROM article_versions WHERE id = {version});")


def _is_current(version: str) -> str:
    return (f"EXISTS (SELECT 1 FROM article_versions cv JOIN articles ca ON ca.id = cv.article_id "
            f"AND ca.current_version_id = cv.id WHERE cv.id = {version})")


def _article_of(version: str) -> str:
    return f"(SELECT article_id FROM article_versions WHERE id = {version})"


def _sqlite_search() -> list[str]:
    statements = [
        """CREATE VIRTUAL TABLE article_search USING fts5(
            title, authors, tags, text,
            content='article_search_documents', content_rowid='article_id',
            tokenize='porter unicode61 remove_diacritics 2')""",
        f"""CREATE TRIGGER article_search_articles_au AFTER UPDATE OF current_version_id ON articles
            WHEN OLD.current_version_id IS NOT NEW.current_version_id BEGIN
            {_fts_write('OLD.id', 'OLD.current_version_id', delete=True)}
            {_fts_write('NEW.id', 'NEW.current_version_id', delete=False)}
        END""",
        f"""CREATE TRIGGER article_search_articles_bd BEFORE DELETE ON articles BEGIN
            {_fts_write('OLD.id', 'OLD.current_version_id', delete=True)}
        END""",
        f"""CREATE TRIGGER article_search_versions_bu BEFORE UPDATE OF title, text ON article_versions
            WHEN {_is_current('OLD.id')} BEGIN
            {_fts_write('OLD.article_id', 'OLD.id', delete=True)}
        END""",
        f"""CREATE TRIGGER article_search_versions_au AFTER UPDATE OF title, text ON article_versions
            WHEN {_is_current('NEW.id')} BEGIN
            {_fts_write('NEW.article_id', 'NEW.id', delete=False)}
        END""",
        f"""CREATE TRIGGER article_search_versions_bd BEFORE DELETE ON article_versions
            WHEN {_is_current('OLD.id')} BEGIN
            {_fts_write('OLD.article_id', 'OLD.id', delete=True)}
        END""",
    ]
    # A byline or tag row of a current version changes the indexed document: take
    # the document out before the change and put it back after (for an update that
    # moves a row to another version, both versions' documents).
    for table in ("article_authors", "article_tags"):
        for name, event, row, extra in _CHILD_TRIGGERS:
            version = f"{row}.article_version_id"
            condition = f"{extra}{_is_current(version)}"
            for when, delete in (("b", True), ("a", False)):
                statements.append(
                    f"""CREATE TRIGGER article_search_{table}_{when}{name}
                    {'BEFORE' if delete else 'AFTER'} {event} ON {table} WHEN {condition} BEGIN
                    {_fts_write(_article_of(version), version, delete=delete)}
                    END"""
                )
    statements.append("INSERT INTO article_search(article_search) VALUES ('rebuild')")
    return statements


# -- PostgreSQL: a tsvector per article under a GIN index, kept by triggers ---------------


def _postgresql_search() -> list[str]:
    return [
        """CREATE TABLE article_search (
            article_id integer NOT NULL,
            document tsvector NOT NULL,
            CONSTRAINT pk_article_search PRIMARY KEY (article_id),
            CONSTRAINT fk_article_search_article_id_articles FOREIGN KEY (article_id)
                REFERENCES articles (id) ON DELETE CASCADE
        )""",
        # Vectors stay in the table's own pages (compressed), not in TOAST: ranking reads
        # each matching vector, and a heap read is far cheaper than a TOAST lookup; it also
        # shows the planner the table's real size, so it keeps to the GIN index instead
        # of a sequential scan that would read every vector (20x slower on 20,000 rows).
        "ALTER TABLE article_search ALTER COLUMN document SET STORAGE MAIN",
        "CREATE INDEX ix_article_search_document ON article_search USING gin (document)",
        """CREATE FUNCTION article_search_document(wanted_version_id integer) RETURNS tsvector
        LANGUAGE sql STABLE AS $$
            SELECT setweight(to_tsvector('english', coalesce(d.title, '')), 'A')
                || setweight(to_tsvector('english', coalesce(d.authors, '')), 'B')
                || setweight(to_tsvector('english', coalesce(d.tags, '')), 'B')
                || setweight(to_tsvector('english', coalesce(d.text, '')), 'D')
            FROM (SELECT """ + _document_columns(False, "wanted_version_id") + """) d
        $$""",
        """CREATE FUNCTION article_search_refresh(target integer) RETURNS void
        LANGUAGE plpgsql AS $$
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
        END $$""",
        """CREATE FUNCTION article_search_on_article() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM article_search_refresh(NEW.id);
            RETURN NULL;
        END $$""",
        """CREATE FUNCTION article_search_on_version() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM articles WHERE id = NEW.article_id
                       AND current_version_id = NEW.id) THEN
                PERFORM article_search_refresh(NEW.article_id);
            END IF;
            RETURN NULL;
        END $$""",
        """CREATE FUNCTION article_search_on_child() RETURNS trigger
        LANGUAGE plpgsql AS $$
        DECLARE
            changed integer;
            owner integer;
        BEGIN
            FOR changed IN
                SELECT DISTINCT version_id FROM (VALUES
                    (CASE WHEN TG_OP <> 'INSERT' THEN OLD.article_version_id END),
                    (CASE WHEN TG_OP <> 'DELETE' THEN NEW.article_version_id END)
                ) AS touched (version_id) WHERE version_id IS NOT NULL
            LOOP
                SELECT a.id INTO owner FROM article_versions v
                    JOIN articles a ON a.id = v.article_id AND a.current_version_id = v.id
                    WHERE v.id = changed;
                IF owner IS NOT NULL THEN
                    PERFORM article_search_refresh(owner);
                END IF;
            END LOOP;
            RETURN NULL;
        END $$""",
        """CREATE TRIGGER article_search_articles_ai AFTER INSERT ON articles FOR EACH ROW
            WHEN (NEW.current_version_id IS NOT NULL)
            EXECUTE FUNCTION article_search_on_article()""",
        """CREATE TRIGGER article_search_articles_au AFTER UPDATE OF current_version_id ON articles
            FOR EACH ROW WHEN (OLD.current_version_id IS DISTINCT FROM NEW.current_version_id)
            EXECUTE FUNCTION article_search_on_article()""",
        """CREATE TRIGGER article_search_versions_au AFTER UPDATE OF title, text ON article_versions
            FOR EACH ROW EXECUTE FUNCTION article_search_on_version()""",
        """CREATE TRIGGER article_search_article_authors AFTER INSERT OR UPDATE OR DELETE
            ON article_authors FOR EACH ROW EXECUTE FUNCTION article_search_on_child()""",
        """CREATE TRIGGER article_search_article_tags AFTER INSERT OR UPDATE OR DELETE
            ON article_tags FOR EACH ROW EXECUTE FUNCTION article_search_on_child()""",
        """INSERT INTO article_search (article_id, document)
            SELECT id, article_search_document(current_version_id) FROM articles
            WHERE current_version_id IS NOT NULL""",
    ]
