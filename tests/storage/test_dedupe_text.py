"""Text normalisation, shingles and sentences of the dedupe reports (storage/dedupe_text.py)."""

from __future__ import annotations

import numpy as np
import pytest

from pipelines.site_learning import block_sha1 as pipeline_block_sha1
from storage import dedupe_text
from storage.dedupe_text import (
    block_sha1,
    body_text,
    is_countable_sentence,
    jaccard,
    normalise_text,
    shingle_hash,
    shingle_hashes,
    shingles,
    split_sentences,
    strip_learned,
    title_key,
    word_hash,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("Don't  STOP!", "don t stop", id="case-punctuation-space"),
        pytest.param("don’t stop", "don t stop", id="curly-apostrophe"),
        pytest.param("ＦＵＬＬ width", "full width", id="nfkc"),
        pytest.param("Straße", "strasse", id="casefold"),
        pytest.param("  a\n\n- b_c ", "a b c", id="lines-underscores"),
    ],
)
def test_normalise_text(raw, expected):
    assert normalise_text(raw) == expected


def test_block_fingerprint_is_the_one_boilerplate_learning_uses():
    for paragraph in ("Sign up for our newsletter today!", "  Mixed   CASE\nlines here  "):
        assert block_sha1(paragraph) == pipeline_block_sha1(paragraph)


def test_strip_learned_removes_paragraphs_and_list_items():
    box = "Sign up for the newsletter to get tips every week."
    item = "Free shipping on every order this week"
    text = f"Real opening paragraph about sleep.\n\n{box}\n\n- {item}\n- A real list item stays here\n\nEnd."
    learned = {block_sha1(box), block_sha1(item)}
    stripped = strip_learned(text, learned)
    assert box not in stripped and item not in stripped
    assert "Real opening paragraph" in stripped and "- A real list item stays here" in stripped
    assert body_text(text, learned) == normalise_text(stripped)
    assert strip_learned(text, ()) == text


def test_shingles_and_their_hashes():
    text = normalise_text("One two three four. One two three four!")
    assert shingles(text, 3) == ["one two three", "two three four", "three four one", "four one two"]
    assert shingles("a b", 3) == ["a b"]
    assert shingles("", 3) == []
    hashes = shingle_hashes(text, 3)
    assert hashes.dtype == np.uint64 and list(hashes) == sorted(set(hashes))
    assert set(hashes.tolist()) == {shingle_hash(s) for s in shingles(text, 3)}
    assert list(shingle_hashes("a b", 3)) == [shingle_hash("a b")]
    assert shingle_hashes("x y z", 2).tolist() != shingle_hashes("z y x", 2).tolist()  # order matters


def test_word_hashes_stay_bounded_and_stable_past_the_cache(monkeypatch):
    monkeypatch.setattr(dedupe_text, "_WORD_HASHES", {})
    first = [word_hash(f"w{i}") for i in range(dedupe_text._WORD_CACHE_SIZE + 10)]
    assert len(dedupe_text._WORD_HASHES) <= dedupe_text._WORD_CACHE_SIZE
    assert [word_hash(f"w{i}") for i in range(20)] == first[:20]  # recomputed, the same


def test_jaccard_of_hash_sets():
    a = shingle_hashes("a b c d e f", 2)
    b = shingle_hashes("a b c d x y", 2)
    assert jaccard(a, a) == 1.0
    assert jaccard(a, b) == pytest.approx(3 / 7)
    assert jaccard(np.empty(0, np.uint64), np.empty(0, np.uint64)) == 1.0


def test_sentences_split_and_filter():
    text = "First sentence here. Second one?\n\n- A list item without a stop\nHeading\n\"Quoted end.\" Next"
    assert list(split_sentences(text)) == [
        "First sentence here.", "Second one?", "A list item without a stop", "Heading", "\"Quoted end.\"", "Next"]
    assert is_countable_sentence(normalise_text("This doesn't work for everyone."))
    assert not is_countable_sentence(normalise_text("Too short to count."))


def test_title_key():
    assert title_key("What Magnesium Does: A Guide!") == title_key("what magnesium does a guide")
    assert title_key(None) == ""
