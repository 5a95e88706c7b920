"""Site-level boilerplate learning end to end: a site whose every article carries the
same signature-free promo paragraph is crawled; the paragraph is learned from the archive
and is absent from every archived article, including those archived before learning."""

from __future__ import annotations

import pytest
from crawl_helpers import exported_records, run_cli

from crawler.serve import start_site_server
from storage.boilerplate import boilerplate_report
from storage.db import open_archive

pytestmark = pytest.mark.integration
PROMO = "Our editors pick every product independently, and our review policy explains how we test each one."
TOPICS = ["walking", "sleep", "hydration", "stretching", "protein", "sunlight", "posture", "breathing"]
SENTENCES = [
    "Short daily habits add up over months, and {t} is one of the easiest to keep.",
    "Researchers have studied {t} in adults of every age with consistent results.",
    "Start small with {t}, track how you feel for two weeks, and adjust from there.",
    "People who stick with {t} usually pair it with a fixed time of day.",
]


def article(topic: str) -> str:
    prose = " ".join(s.format(t=topic) for s in SENTENCES) * 3
    return (f"<!DOCTYPE html><html lang='en'><head><title>{topic.title()} basics</title>"
            f"<meta property='og:type' content='article'></head><body><main><article>"
            f"<h1>The Everyday Guide To {topic.title()}</h1><p>Published on March 3, 2025</p>"
            f"<p>{prose}</p><div class='note'><p>{PROMO}</p></div><h2>Why {topic} works</h2>"
            f"<p>{prose.replace('days', 'weeks')}</p></article></main></body></html>")


@pytest.fixture
def promo_site(tmp_path):
    root = tmp_path / "site"
    links = "".join(f"<li><a href='/articles/{t}/'>{t}</a></li>" for t in TOPICS)
    (root / "articles").mkdir(parents=True)
    (root / "index.html").write_text(f"<html><body><h1>Home</h1><ul>{links}</ul></body></html>")
    for topic in TOPICS:
        (root / "articles" / topic).mkdir()
        (root / "articles" / topic / "index.html").write_text(article(topic))
    server, _ = start_site_server(root)
    yield server
    server.shutdown()
    server.server_close()


def test_repeated_paragraph_is_learned_and_removed_everywhere(promo_site, database_url):
    result = run_cli("crawl", f"{promo_site.base_url}/", "--db", database_url, "--delay", "0",
                     "--quiet", "--workers", "1")
    assert result.returncode == 0, result.stderr
    records = exported_records(database_url)
    assert len(records) == len(TOPICS)
    for record in records:
        assert PROMO not in record["text"]
        assert "Short daily habits add up" in record["text"]
        assert all(PROMO not in s["text"] for s in record["sections"])
        assert record["version"] == 1
    engine = open_archive(database_url)
    try:
        learned = boilerplate_report(engine)
    finally:
        engine.dispose()
    assert [row["text"] for row in learned] == [PROMO]
    assert learned[0]["article_count"] == len(TOPICS)
    listing = run_cli("boilerplate", "--db", database_url)
    assert PROMO[:60] in listing.stdout
