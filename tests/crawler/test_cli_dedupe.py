"""``healtharchive dedupe`` end to end, and its HTML report in headless Chromium."""

from __future__ import annotations

import csv
import json
import os
import random
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from crawl_helpers import run_cli

from bench.dedupe_corpus import make_article, rewrite
from storage.db import open_archive
from storage.writer import ArchiveWriter

# CI sets this: there the Chromium test must run, not skip.
REQUIRE_CHROMIUM = os.environ.get("HEALTHARCHIVE_REQUIRE_CHROMIUM") == "1"
TITLE_PAYLOAD = "<script>document.documentElement.setAttribute('data-pwned', 'title')</script>Sleep"
TEXT_PAYLOAD = "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned', 'text')\">"
STOCK_PAYLOAD = "<script>document.documentElement.setAttribute('data-pwned', 'sentence')</script> stays text."


@pytest.fixture
def archive(tmp_path) -> str:
    """A SQLite archive with an exact copy, a near-duplicate and a reused sentence,
    their titles and texts carrying script payloads."""
    rng = random.Random(3)
    original = make_article(rng, site="well.example", topic="sleep", url="https://well.example/a", story=0)
    original = replace(original, title=TITLE_PAYLOAD,
                       sentences=(TEXT_PAYLOAD + " Opening line.", STOCK_PAYLOAD, *original.sentences))
    others = [make_article(rng, site="care.example", topic="skin", url=f"https://care.example/{i}")
              for i in range(3)]
    others = [replace(a, sentences=(STOCK_PAYLOAD, *a.sentences)) for a in others]
    articles = [original, replace(original, url="https://copy.example/a", site="copy.example"),
                rewrite(rng, original, changed=0.2, site="farm.example", url="https://farm.example/a"), *others]
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    engine = open_archive(url)
    writer = ArchiveWriter(engine)
    run_id = writer.start_run(start_urls=["https://well.example/"])
    writer.save_articles(run_id, [(a.to_record(), {"fetched_at": datetime(2026, 11, 30, tzinfo=UTC)}) for a in articles])
    engine.dispose()
    return url


def test_json_and_csv(archive, tmp_path):
    out = tmp_path / "report.json"
    result = run_cli("dedupe", "--db", archive, "--format", "json", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "1 exact, 1 near" in result.stderr
    data = json.loads(out.read_text())
    kinds = {c["kind"]: c for c in data["clusters"]}
    assert {a["url"] for a in kinds["exact"]["articles"]} == {"https://well.example/a", "https://copy.example/a"}
    assert kinds["near"]["articles"][0]["title"] == TITLE_PAYLOAD
    assert data["reused_sentences"][0]["sentence"] == STOCK_PAYLOAD
    result = run_cli("dedupe", "--db", archive, "--format", "csv", "--min-articles", "2", "--site", "farm.example")
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert [r["kind"] for r in rows] == ["near"] * 3


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--threshold", "0.05"], "threshold must be between"), (["--min-articles", "1"], "--min-articles"),
     (["--out", "/nonexistent-dir/x.html"], "cannot write")],
    ids=["threshold", "min-articles", "out"],
)
def test_bad_options_are_one_line(archive, args, message):
    result = run_cli("dedupe", "--db", archive, *args)
    assert result.returncode == 2
    assert [line for line in result.stderr.splitlines() if line.strip()] == [
        next(line for line in result.stderr.splitlines() if message in line)]
    assert "Traceback" not in result.stderr


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_html_report_in_headless_chromium(archive, tmp_path):
    browser = _chromium()
    if browser is None:
        if REQUIRE_CHROMIUM:
            pytest.fail("chromium is not installed (HEALTHARCHIVE_REQUIRE_CHROMIUM=1)")
        pytest.skip("chromium is not installed")
    page = tmp_path / "report.html"
    result = run_cli("dedupe", "--db", archive, "--format", "html", "--out", str(page))
    assert result.returncode == 0, result.stderr
    html = page.read_text()
    assert "<script>document" not in html and "<img src=x" not in html  # escaped in the file
    dom = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)},
    ).stdout
    assert 'data-rendered="1"' in dom  # the page's own script ran
    chart = re.search(r'<svg id="cluster-sizes".*?</svg>', dom, re.S)
    assert chart and chart.group(0).count('<rect class="bar"') == 8
    assert "data-pwned=" not in dom  # no payload ran: not in the title, the text or a sentence
    assert "&lt;script&gt;document.documentElement.setAttribute('data-pwned', 'title')" in dom
    assert "&lt;img src=x onerror=" in dom
    assert dom.count('<section class="cluster"') == 2
    assert '<table class="diff">' in dom
