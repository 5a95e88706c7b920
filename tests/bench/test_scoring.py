"""The metric functions of bench/quality.py, against values computed by hand."""

from __future__ import annotations

import pytest

from bench.scoring import (
    Tally,
    author_counts,
    bag_of_words_prf,
    exact_match,
    flag_counts,
    leaks,
    multiset_counts,
    must_contain_found,
    reference_counts,
    same_day,
    section_counts,
    shingle_tp_fp_fn,
    shingles,
    zyte_shingle_scores,
)

# -- bag of words ----------------------------------------------------------------------

BOW_CASES = [
    ("The cat sat.", "the CAT sat", (1.0, 1.0, 1.0), "identical-case-folded"),
    ("alpha beta", "gamma delta", (0.0, 0.0, 0.0), "disjoint"),
    # pred {a:2, b:1, c:1}, truth {a:1, b:2, d:1}: overlap a1 + b1 = 2 of 4 on each side
    ("a a b c", "a b b d", (0.5, 0.5, 0.5), "multiset-overlap"),
    ("one two three", "one two three four five six", (1.0, 0.5, 2 / 3), "subset"),
    ("one two three four", "two three", (0.5, 1.0, 2 / 3), "superset"),
    ("", "some words", (0.0, 0.0, 0.0), "empty-prediction"),
    ("", "", (1.0, 1.0, 1.0), "both-empty"),
]


@pytest.mark.parametrize(("predicted", "truth", "expected"),
                         [c[:3] for c in BOW_CASES], ids=[c[3] for c in BOW_CASES])
def test_bag_of_words_prf(predicted, truth, expected):
    assert bag_of_words_prf(predicted, truth) == pytest.approx(expected)


# -- Zyte shingles -----------------------------------------------------------------------

def test_shingles_are_counted_runs_of_four_tokens():
    assert shingles("a b c d e a b c d") == {
        ("a", "b", "c", "d"): 2, ("b", "c", "d", "e"): 1, ("c", "d", "e", "a"): 1,
        ("d", "e", "a", "b"): 1, ("e", "a", "b", "c"): 1}


@pytest.mark.parametrize(("text", "expected"), [
    ("a, b!", {("a", "b"): 1}),  # shorter than four tokens: one short shingle
    ("", {}),
    ("...", {}),
], ids=["short-text", "empty", "no-tokens"])
def test_shingles_of_short_texts(text, expected):
    assert shingles(text) == expected


def test_shingle_counts_are_normalised_by_their_sum():
    # truth: abcd bcde cdef; prediction: abcd bcde cdex -> tp 2, fp 1, fn 1 (sum 4)
    assert shingle_tp_fp_fn("a b c d e x", "a b c d e f") == pytest.approx((0.5, 0.25, 0.25))
    assert shingle_tp_fp_fn("", "") == (0.0, 0.0, 0.0)


PARTIAL = ("a b c d e x", "a b c d e f")  # page precision 2/3, recall 2/3

ZYTE_CASES = [
    ([("a b c d e", "a b c d e")], (1.0, 1.0, 1.0), "identical"),
    ([("p q r s t", "a b c d e")], (0.0, 0.0, 0.0), "disjoint"),
    ([PARTIAL], (2 / 3, 2 / 3, 2 / 3), "partial-overlap"),
    # the page with no predicted shingles is left out of the precision mean only:
    # precision 2/3 (one page), recall (2/3 + 0) / 2 = 1/3, F1 2PR/(P+R) = 4/9
    ([PARTIAL, ("", "p q r s t")], (2 / 3, 1 / 3, 4 / 9), "empty-prediction-out-of-precision"),
    # the page with no true shingles is left out of the recall mean only
    ([PARTIAL, ("p q r s t", "")], (1 / 3, 2 / 3, 4 / 9), "empty-truth-out-of-recall"),
    # both empty: in neither mean
    ([PARTIAL, ("", "")], (2 / 3, 2 / 3, 2 / 3), "both-empty-ignored"),
    # per-page figures are averaged, not pooled: a long perfect page and a short
    # half-right one weigh the same. Page 2: truth abcd bcde, prediction abcd
    # -> precision 1, recall 1/2.
    ([(" ".join(f"w{i}" for i in range(50)),) * 2, ("a b c d", "a b c d e")],
     (1.0, 0.75, 6 / 7), "pages-weigh-equally"),
    ([("The Cat sat down", "the cat sat down")], (0.0, 0.0, 0.0), "case-sensitive"),
]


@pytest.mark.parametrize(("pairs", "expected"), [c[:2] for c in ZYTE_CASES], ids=[c[2] for c in ZYTE_CASES])
def test_zyte_shingle_scores(pairs, expected):
    scores = zyte_shingle_scores(pairs)
    assert (scores["precision"], scores["recall"], scores["f1"]) == pytest.approx(expected)


def test_zyte_shingle_scores_of_nothing_is_zero():
    assert zyte_shingle_scores([]) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}


# -- body text checks -----------------------------------------------------------------

def test_must_contain_compares_with_whitespace_collapsed():
    text = "First sentence.\n\nSecond   sentence here."
    assert must_contain_found(text, ["Second sentence here.", "First sentence.", "Missing."]) == (2, 3)


@pytest.mark.parametrize(("text", "expected"), [
    ("Body. Share this article: now", True),
    ("Body only.", False),
    ("Body. Share this\narticle: now", True),
], ids=["one-string-leaks", "clean", "across-a-line-break"])
def test_leaks_when_any_boilerplate_string_is_kept(text, expected):
    assert leaks(text, ["Share this article:", "Leave a Reply"]) is expected


# -- fields --------------------------------------------------------------------------------

@pytest.mark.parametrize(("predicted", "expected", "match"), [
    ("Croup  (for Parents)", "Croup (for Parents)", True),
    ("Croup (for Parents)", "Croup", False),
    (None, None, True),
    (["a", "b "], ["a", "b"], True),
    (["b", "a"], ["a", "b"], False),
    (None, [], True),
], ids=["whitespace", "different", "both-null", "list", "list-order", "none-is-empty-list"])
def test_exact_match(predicted, expected, match):
    assert exact_match(predicted, expected) is match


def test_same_day_ignores_the_time():
    assert same_day("2025-01-05", "2025-01-05T07:00:00-05:00")
    assert not same_day("2025-01-06", "2025-01-05T07:00:00-05:00")
    assert same_day(None, None)


def test_multiset_counts():
    assert multiset_counts(["a", "a", "b"], ["a", "c"]) == (1, 2, 1)


def test_author_counts_match_names_then_score_role_and_relation():
    predicted = [{"name": "Jane Roe", "role": "RD", "relation": "reviewer"}, {"name": "Staff"}]
    expected = [{"name": "jane  roe", "role": "RD", "relation": "author"},
                {"name": "Bob Lee", "role": None, "relation": "author"}]
    tally = author_counts(predicted, expected)
    assert tally.count("authors.name.p") == (1, 2)
    assert tally.count("authors.name.r") == (1, 2)
    assert tally.count("authors.role") == (1, 1)
    assert tally.count("authors.relation") == (0, 1)
    assert tally.value("authors.bio") is None  # the label states no bio


def test_section_counts():
    predicted = [{"heading": None, "kind": "lead"}, {"heading": "A", "kind": "other"}]
    tally = section_counts(predicted, [None, "A", "B"], ["lead", "summary", "other"])
    assert tally.count("sections.headings") == (0, 1)
    assert tally.count("sections.kind") == (1, 3)  # B was missed, A has the wrong kind
    assert section_counts(predicted, [None, "A"]).value("sections.headings") == 1.0


def test_reference_counts_match_by_doi_pmid_or_title():
    expected = [
        {"title": "Title One", "year": 2018, "doi": "10.5555/abc", "pmid": None},
        {"title": "Second, the title", "year": 2020, "doi": None, "pmid": "123"},
        {"title": "Third title", "year": 2021, "doi": None, "pmid": None},
    ]
    predicted = [
        {"title": "Another title", "year": 2018, "doi": "10.5555/ABC", "pmid": None},  # by DOI
        {"title": "second the  title.", "year": 2019, "doi": None, "pmid": None},  # by title
        {"title": "Unrelated", "year": 2021, "doi": None, "pmid": None},
    ]
    tally = reference_counts(predicted, expected)
    assert tally.count("references.p") == (2, 3)
    assert tally.count("references.r") == (2, 3)
    assert tally.count("references.title") == (0, 2)
    assert tally.count("references.year") == (1, 2)
    assert tally.count("references.doi") == (1, 2)  # the upper-case DOI is not the label's
    assert tally.count("references.pmid") == (1, 2)  # the missed PMID is wrong, None == None right


def test_flag_counts_per_flag_name():
    assert flag_counts(["a", "b"], ["b", "c"]) == {"a": (0, 1, 0), "b": (1, 0, 0), "c": (0, 0, 1)}


def test_tally_adds_pages_up():
    tally = Tally()
    tally.add_prf("x", 1, 1, 0)
    other = Tally()
    other.add_prf("x", 1, 0, 2)
    tally.merge(other)
    assert tally.value("x.p") == pytest.approx(2 / 3)
    assert tally.value("x.r") == pytest.approx(2 / 4)
    assert tally.value("missing") is None
