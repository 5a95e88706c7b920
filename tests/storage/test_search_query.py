"""The search syntax: parsed once, rendered for FTS5 and tsquery; bad queries refused."""

from __future__ import annotations

import pytest
from sqlalchemy.dialects import postgresql

from storage.search_query import (
    AllOf,
    AnyOf,
    Phrase,
    SearchQueryError,
    Term,
    ands_wanted,
    parse_query,
    to_fts5,
    to_tsquery,
    wanted_part,
)


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("sleep", AllOf((Term("sleep"),))),
        ("sleep  debt", AllOf((Term("sleep"), Term("debt")))),
        ('"sleep debt"', AllOf((Phrase("sleep debt"),))),
        ("magnes*", AllOf((Term("magnes", prefix=True),))),
        ("apnea OR insomnia", AllOf((AnyOf((Term("apnea"), Term("insomnia"))),))),
        ("sleep apnea OR insomnia",
         AllOf((Term("sleep"), AnyOf((Term("apnea"), Term("insomnia")))))),
        ("sleep -caffeine", AllOf((Term("sleep"),), (Term("caffeine"),))),
        ('sleep -"blue light"', AllOf((Term("sleep"),), (Phrase("blue light"),))),
        ("(sleep OR rest) -caffeine",
         AllOf((AllOf((AnyOf((Term("sleep"), Term("rest"))),)),), (Term("caffeine"),))),
        ("well-being covid-19", AllOf((Term("well-being"), Term("covid-19")))),
        ("sleep or rest", AllOf((Term("sleep"), Term("or"), Term("rest")))),
    ],
    ids=["word", "and", "phrase", "prefix", "or", "or-binds-tighter", "exclude",
         "exclude-phrase", "group", "hyphenated", "lower-case-or-is-a-word"],
)
def test_parse(query, tree):
    assert parse_query(query) == tree


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty search query"),
        ("   ", "empty search query"),
        ('"sleep debt', "unclosed quote"),
        ("(sleep OR rest", "unclosed '('"),
        ("sleep)", "unbalanced ')'"),
        ("OR sleep", "OR needs a term on both sides"),
        ("sleep OR", "OR needs a term on both sides"),
        ("sleep OR OR rest", "OR needs a term on both sides"),
        ("-caffeine", "needs a term that is not excluded"),
        ("sleep OR -caffeine", "cannot be part of an OR"),
        ('""', "nothing to search for"),
        ("&&", "nothing to search for"),
        ("m*", "two or more letters"),
        ("*", "two or more letters"),
        ("()", "empty ( )"),
        ("sleep -", "a term is missing after '-'"),
    ],
)
def test_malformed_queries_say_why(query, message):
    with pytest.raises(SearchQueryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_query(query)


def test_fts5_rendering_quotes_every_user_string():
    assert to_fts5(parse_query('sleep "deep sleep" magnes* -caffeine')) == (
        '(("sleep" AND "deep sleep" AND "magnes"*) NOT "caffeine")'
    )
    # FTS5 operators and column filters in the user's words are only words.
    assert to_fts5(parse_query('title:NEAR "x""y"')) == '("title:NEAR" AND "x" AND "y")'
    assert to_fts5(parse_query("a OR b c")) == '(("a" OR "b") AND "c")'


def test_tsquery_rendering_binds_every_user_string():
    compiled = to_tsquery(parse_query('sleep "deep sleep" magnes* -caffeine')).compile(
        dialect=postgresql.dialect()
    )
    sql = str(compiled)
    assert "phraseto_tsquery('english'::regconfig" in sql
    assert "tsquery_not" in sql and "tsquery_and" in sql
    assert sorted(compiled.params.values()) == ["'magnes':*", "caffeine", "deep sleep", "sleep"]
    assert "sleep" not in sql.replace("deep sleep", "")  # values only as parameters


@pytest.mark.parametrize(
    ("query", "ands", "wanted"),
    [
        ("sleep", False, "sleep"),
        ('"deep sleep"', False, '"deep sleep"'),
        ("insomnia OR snoring", False, "insomnia OR snoring"),
        ("sleep -caffeine", False, "sleep"),
        ("sleep apnea", True, "sleep apnea"),
        ("(eczema OR rosacea) sunscreen", True, "(eczema OR rosacea) sunscreen"),
        ("(sleep debt) OR rest", True, "(sleep debt) OR rest"),
        ("magnes* -(caffeine OR alcohol) (cramps -night)", True, "magnes* (cramps)"),
    ],
)
def test_what_ranking_reads_of_a_query(query, ands, wanted):
    tree = parse_query(query)
    assert ands_wanted(tree) is ands
    assert wanted_part(tree) == parse_query(wanted)
