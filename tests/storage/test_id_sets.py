"""``storage.id_sets.one_of_ids``: an IN on SQLite, = ANY of an array on PostgreSQL,
with the subquery's parameters bound either way."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from storage.id_sets import one_of_ids
from storage.models import ArticleAuthor, Author


def _compiled(dialect):
    ids = select(Author.id).where(Author.name_key.like("%roe%"))
    return select(ArticleAuthor.article_version_id).where(
        one_of_ids(ArticleAuthor.author_id, ids)).compile(dialect=dialect)


def test_sqlite_gets_an_in_over_the_subquery():
    compiled = _compiled(sqlite.dialect())
    assert "article_authors.author_id IN (SELECT authors.id" in str(compiled)
    assert "= 1" not in str(compiled)  # a test in itself, not a boolean column
    assert list(compiled.params.values()) == ["%roe%"]


def test_postgresql_gets_any_of_an_array():
    compiled = _compiled(postgresql.dialect())
    sql = " ".join(str(compiled).split())
    assert ("article_authors.author_id = ANY (CAST((SELECT array_agg(authors.id) AS array_agg_1 "
            "FROM authors WHERE authors.name_key LIKE") in sql
    assert sql.endswith("AS INTEGER[]))")
    assert list(compiled.params.values()) == ["%roe%"]
