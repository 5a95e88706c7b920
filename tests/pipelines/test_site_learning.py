from datetime import UTC, datetime

import pytest

from pipelines.process import process_page
from pipelines.records import Block, ExtractOptions, FetchedPage
from pipelines.site_learning import block_sha1, block_sha1s, clean_record, drop_learned, text_blocks

PLEA = "Our editors pick every product independently; our review policy explains how we test."
LEAD = "Lead prose stays, and it is the larger part of this short article's own text. " * 4


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [(PLEA, PLEA.upper(), True), (PLEA, f"  {PLEA}  ", True), (PLEA, PLEA + " Extra.", False)],
)
def test_block_sha1_ignores_case_and_spacing(a, b, same):
    assert (block_sha1(a) == block_sha1(b)) is same


def test_block_sha1s_skip_headings_and_short_blocks():
    blocks = [Block("heading", "Summary of the long heading text", 2), Block("paragraph", "Too short"),
              Block("paragraph", PLEA), Block("item", "A list item long enough to count")]
    assert block_sha1s(blocks) == [block_sha1(PLEA), block_sha1("A list item long enough to count")]


def test_drop_learned_keeps_headings():
    prose = "Real prose here, long enough to be most of the article's own text. " * 3
    blocks = [Block("heading", "Why it matters", 2), Block("paragraph", PLEA), Block("paragraph", prose)]
    assert [b.text for b in drop_learned(blocks, frozenset({block_sha1(PLEA)}))] == ["Why it matters", prose]


def record(sections):
    parts = []
    for s in sections:
        parts += [p for p in (s["heading"], s["text"]) if p]
    return {"url": "https://ex.org/a/", "text": "\n\n".join(parts), "sections": sections,
            "content_hash": "x"}


def test_clean_record_drops_learned_paragraphs_and_emptied_sections():
    sections = [
        {"heading": None, "level": 0, "kind": "lead", "text": f"{LEAD}\n\n{PLEA}"},
        {"heading": "Support our work", "level": 3, "kind": "other", "text": PLEA},
        {"heading": "Action Plan", "level": 2, "kind": "action_plan", "text": f"- Walk daily for thirty minutes\n- {PLEA}"},
    ]
    cleaned = clean_record(record(sections), frozenset({block_sha1(PLEA)}))
    assert cleaned is not None
    assert [s["heading"] for s in cleaned["sections"]] == [None, "Action Plan"]
    assert cleaned["text"] == f"{LEAD}\n\nAction Plan\n\n- Walk daily for thirty minutes"
    assert PLEA not in cleaned["text"]
    assert cleaned["content_hash"] != "x"
    assert clean_record(cleaned, frozenset({block_sha1(PLEA)})) is None


def test_text_blocks_recovers_paragraph_text():
    assert text_blocks(f"Intro paragraph long enough.\n\n- {PLEA}")[block_sha1(PLEA)] == PLEA


def test_extraction_drops_learned_paragraphs():
    prose = " ".join(["Walking after meals lowers blood sugar spikes in most adults."] * 10)
    html = (f"<html><body><article><h1>Walking After Meals</h1><p>{prose}</p><p>{PLEA}</p>"
            f"<p>{prose} Final.</p></article></body></html>").encode()
    page = FetchedPage(url="https://ex.org/walking/", body=html, fetched_at=datetime.now(UTC))
    plain = process_page(page)
    learned = process_page(page, ExtractOptions(learned_boilerplate=frozenset({block_sha1(PLEA)})))
    assert PLEA in plain.text
    assert PLEA not in learned.text
    assert block_sha1(PLEA) not in learned.block_sha1s


def test_long_shared_paragraphs_are_not_boilerplate():
    long_paragraph = "Copied article prose that a content farm pastes into many pieces. " * 8
    assert block_sha1s([Block("paragraph", long_paragraph)]) == []


def test_learning_never_strips_most_of_an_article():
    blocks = [Block("paragraph", PLEA), Block("paragraph", "Short own text.")]
    assert drop_learned(blocks, frozenset({block_sha1(PLEA)})) == blocks
