"""Every worked question of docs/querying.md runs, unchanged, against the example
archive on SQLite and on PostgreSQL, and gives the answers the example data holds."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from storage.db import open_archive
from storage.questions import ENGINES, QuestionsError, parse_questions

DOC = Path(__file__).resolve().parents[2] / "docs" / "querying.md"
QUESTIONS = parse_questions(DOC.read_text(encoding="utf-8"))


def _column(rows: list[dict[str, Any]], name: str) -> set[Any]:
    return {row[name] for row in rows}


# What the example site (examples/content) makes each answer hold, beyond "some rows".
CHECKS = {
    "bdnf_without_citations": lambda rows: any(
        row["url"].endswith("/articles/eccentric-loading-brain/") for row in rows),
    "articles_per_credential_per_month": lambda rows: len(rows) >= 10
    and {"Registered Dietitian", "(none)"} <= _column(rows, "credential"),
    "affiliate_links_in_medical_articles": lambda rows: _column(rows, "link_host") <= {
        "amazon.com", "amzn.to"},
    "most_cited_dois": lambda rows: len(rows) >= 10
    and all(row["doi"].startswith("10.") and row["citing_articles"] >= 1 for row in rows),
    "authors_across_sites": lambda rows: all(row["categories"] > 1 for row in rows),
    "reviewer_coverage": lambda rows: len(rows) >= 3
    and all(0 <= float(row["reviewed_percent"]) <= 100 for row in rows),
    "identical_copies": lambda rows: len(rows) >= 2 and len(_column(rows, "content_hash")) < len(rows),
    "shared_paragraphs": lambda rows: all(row["shared_paragraphs"] >= 3 for row in rows),
    "flags_per_site": lambda rows: "affiliate_disclosure" in _column(rows, "flag"),
    "reference_age_per_category": lambda rows: len(rows) >= 3,
    "anonymous_or_unsourced": lambda rows: _column(rows, "kind") == {"article", "glossary"},
    "tags_of_unsourced_articles": lambda rows: len(rows) >= 3,
    "fetch_outcomes_per_run": lambda rows: {"archived", "skipped"} <= _column(rows, "outcome"),
    "articles_per_category_per_month": lambda rows: len(rows) >= 10,
}


def test_the_document_has_at_least_ten_named_questions_and_a_pandas_one():
    assert len(QUESTIONS) >= 10
    assert [q.number for q in QUESTIONS] == list(range(1, len(QUESTIONS) + 1))
    assert all(set(q.sql) == set(ENGINES) for q in QUESTIONS)
    assert any(q.python and "pandas" in q.python for q in QUESTIONS)
    assert set(CHECKS) == {q.name for q in QUESTIONS}, "give every new question its check"


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.name)
def test_every_query_runs_and_answers(example_archive, question):
    engine = open_archive(example_archive)
    try:
        with engine.connect() as conn:
            result = conn.execute(text(question.sql[engine.dialect.name]))
            rows = [dict(row._mapping) for row in result]
    finally:
        engine.dispose()
    assert rows, f"{question.name} found nothing in the example archive"
    assert CHECKS[question.name](rows), rows[:5]


def test_the_pandas_example_runs(example_archive):
    (question,) = [q for q in QUESTIONS if q.python]
    engine = open_archive(example_archive)
    namespace: dict[str, Any] = {"engine": engine}
    try:
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            exec(compile(question.python or "", str(DOC), "exec"), namespace)
    finally:
        engine.dispose()
    monthly = namespace["monthly"]
    assert monthly.shape[0] >= 6 and {"Sleep", "Nutrition"} <= set(monthly.columns)
    assert int(monthly.to_numpy().sum()) >= 20
    assert "published_month" in printed.getvalue()


def test_format_errors_are_reported():
    with pytest.raises(QuestionsError, match="lacks its '-- name:' line"):
        parse_questions("### 1. Q\n\n```sql\nSELECT 1\n```\n")
    with pytest.raises(QuestionsError, match="one named sql block"):
        parse_questions("### 1. Q\n\n```sql sqlite\n-- name: q\nSELECT 1\n```\n")
    both = parse_questions(
        "### 1. Q\n\nWhy.\n\n```sql sqlite\n-- name: q\nSELECT 1\n```\n\n"
        "```sql postgresql\n-- name: q\nSELECT 2\n```\n"
    )
    assert both[0].sql == {"sqlite": "-- name: q\nSELECT 1", "postgresql": "-- name: q\nSELECT 2"}
    assert both[0].description == "Why."
