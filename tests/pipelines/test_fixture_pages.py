"""Every labelled page of tests/fixtures/pages/<family>/ extracted with the generic
path (no per-site rule) and compared field by field with its label."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import pytest

from pipelines.process import process_page
from pipelines.records import FetchedPage, Rejection

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from labels import compare_record

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
LABELS = sorted(PAGES.glob("*/*.json"))


def extract_fixture(label_path: Path):
    meta = json.loads(label_path.read_text())
    page = FetchedPage(url=meta["url"], body=label_path.with_suffix(".html").read_bytes(),
                       fetched_at=datetime.fromisoformat(meta["fetched_at"]))
    return meta["expected"], process_page(page)


@pytest.mark.parametrize("label_path", LABELS, ids=[f"{p.parent.name}/{p.stem}" for p in LABELS])
def test_fixture_page(label_path):
    expected, result = extract_fixture(label_path)
    if expected["kind"] is None:
        assert isinstance(result, Rejection), f"archived a non-article: {result.title!r}"
        assert result.reason.startswith("skip:")
        return
    assert not isinstance(result, Rejection), result
    record = result.to_record()
    problems = compare_record(record, expected)
    if record["url"] != expected["url"]:
        problems.append(f"url: expected {expected['url']!r}, got {record['url']!r}")
    assert not problems, "\n".join(problems)


def test_corpus_covers_several_template_families():
    families = {p.parent.name for p in LABELS}
    assert len(LABELS) >= 20
    assert len(families) >= 5
