import pytest

from pipelines.flags import (
    content_flags,
    has_placeholder,
    has_repeated_phrase,
    is_author_topic_mismatch,
)
from pipelines.records import Author


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("The Missing Link Between The Missing Link Between Eccentric Loading Benefits And Your Mental Clarity", True),
        ("The Hidden Truth About What Actually Happens Inside Your Cells During Eccentric Loading Benefits", False),
        ("Sleep, Sleep, Sleep: Why Rest Matters", False),
        ("Vitamin D and Sleep: What Vitamin D and Sleep Research Says", False),
        ("How To Lift How To Lift Safely", True),
        ("Ten Ways To Sleep Better Ten Ways To Sleep Better", True),
    ],
    ids=["seed-doubled", "seed-normal", "single-word-repeat", "phrase-recurs-later", "three-word-doubled", "doubled"],
)
def test_repeated_title_phrase(title, expected):
    assert has_repeated_phrase(title) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("[AMAZON_PRODUCT_PLACEHOLDER]", True), ("Buy {{ product_name }} today", True),
     ("See [1] and [CITATION]", False), ("[INSERT IMAGE HERE]", True), ("%%AFFILIATE_LINK%%", True),
     ("A study [12] found", False)],
)
def test_placeholder(text, expected):
    assert has_placeholder(text) is expected


@pytest.mark.parametrize(
    ("role", "category", "tags", "expected"),
    [
        ("Dermatologist & Skincare Expert", "Fitness & Exercise", [], True),
        ("Certified Fitness Coach", "Fitness & Exercise", [], False),
        ("RD", "Sleep", ["insomnia"], True),
        ("Registered Dietitian", "Nutrition", [], False),
        ("MD", "Skin Care", [], False),
        ("Staff Writer", "Sleep", [], False),
        ("Sleep Physician", "Mental Health", ["stress"], False),
        ("Board-certified dermatologist", "Skin Care", ["acne"], False),
        ("Dermatologist", None, [], False),
    ],
)
def test_author_topic_mismatch(role, category, tags, expected):
    authors = [Author(name="A B", role=role)]
    assert is_author_topic_mismatch(authors, category=category, tags=tags) is expected


@pytest.mark.parametrize(("relation", "expected"), [("reviewer", True), ("editor", False)])
def test_reviewers_are_checked_editors_are_not(relation, expected):
    authors = [Author(name="A B", role="Dermatologist", relation=relation)]
    assert is_author_topic_mismatch(authors, category="Gut Health", tags=["probiotics"]) is expected


def test_tags_extend_the_topic():
    """A dietitian reviewing an acne-and-diet article is within the topic."""
    authors = [Author(name="A B", role="RD", relation="reviewer")]
    assert not is_author_topic_mismatch(authors, category="Skin Care", tags=["acne", "diet"])


def test_content_flags_sorted_by_rule():
    flags = content_flags(title="Go Go Go Go Go Go", raw_text="[X_PLACEHOLDER]", disclosure=True,
                          authors=[], category=None, tags=[])
    assert flags == ["affiliate_disclosure", "template_placeholder", "repeated_title_phrase"]
