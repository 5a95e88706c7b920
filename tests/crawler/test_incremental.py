"""Incremental re-crawls over real HTTP: a copy of the example site is crawled,
changed on disk (an article edited, one removed, new ones in the sitemap and the feed,
one re-rendered with the same text), and crawled again. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from crawl_helpers import exported_records, fetch_rows, run_cli

from crawler.serve import start_site_server
from storage.db import open_archive
from storage.export import iter_article_records

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
EXPECTED = json.loads((REPO / "tests" / "fixtures" / "example_site" / "expected.json").read_text())
ARTICLES = set(EXPECTED["articles"])
EDITED = "/articles/box-breathing-anxiety/"
REMOVED = "/articles/caffeine-half-life/"
RERENDERED = "/articles/acne-diet-link/"
TODAY = datetime.now(UTC).date().isoformat()


@pytest.fixture
def site(tmp_path):
    """A private copy of the example site, served over HTTP."""
    root = tmp_path / "site"
    shutil.copytree(REPO / "examples" / "site", root)
    server, _ = start_site_server(root)
    yield root, server
    server.shutdown()
    server.server_close()


def crawl(server, db: str, *extra: str):
    result = run_cli("crawl", f"{server.base_url}/", "--db", db, "--delay", "0", "--concurrency", "8",
                     "--quiet", "--workers", "1", *extra)
    assert result.returncode == 0, result.stderr
    return result


def requests_since(server, start: int) -> list[tuple[str, str, int]]:
    return server.request_log[start:]


def article_paths(requests) -> dict[str, list[int]]:
    seen: dict[str, list[int]] = {}
    for _, path, status in requests:
        if path in ARTICLES or path.startswith("/articles/"):
            seen.setdefault(path, []).append(status)
    return seen


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new, 1))


def add_article(root: Path, source: str, slug: str, title: str, *, sitemap: bool, feed: bool) -> str:
    """A new article made from an existing one (new slug, title and first sentence)."""
    old_slug = source.strip("/").split("/")[-1]
    html = (root / source.strip("/") / "index.html").read_text().replace(old_slug, slug)
    html = re.sub(r"<title>[^<]*</title>", f"<title>{title}</title>", html, count=1)
    html = re.sub(r"<h1([^>]*)>[^<]*</h1>", rf"<h1\1>{title}</h1>", html, count=1)
    html = html.replace("<p>", f"<p>{title} is the question this new piece answers. ", 1)
    target = root / "articles" / slug
    target.mkdir()
    (target / "index.html").write_text(html)
    loc = f"https://vitalwell.example/articles/{slug}/"
    if sitemap:
        edit(root / "sitemap-articles.xml", "</urlset>",
             f"  <url>\n    <loc>{loc}</loc>\n    <lastmod>{TODAY}</lastmod>\n  </url>\n</urlset>")
    if feed:
        edit(root / "feed.xml", "<item>", f"<item>\n      <title>{title}</title>\n      <link>{loc}</link>\n"
             f"    </item>\n    <item>")
    return f"/articles/{slug}/"


def touch_lastmod(root: Path, path: str) -> None:
    sitemap = root / "sitemap-articles.xml"
    pattern = re.escape(path) + r"(</loc>\s*<lastmod>)[^<]+"
    text, count = re.subn(pattern, path + rf"\g<1>{TODAY}", sitemap.read_text())
    assert count == 1
    sitemap.write_text(text)


def test_unchanged_recrawl_downloads_no_article(site, database_url):
    _root, server = site
    crawl(server, database_url)
    first = {r["url"]: r for r in exported_records(database_url)}
    start = len(server.request_log)
    # Lastmod trust off: every known article is asked for, conditionally.
    result = crawl(server, database_url, "--lastmod-trust-days", "0")
    seen = article_paths(requests_since(server, start))
    known = {p for p in ARTICLES if p.startswith("/articles/")}
    assert known <= set(seen)
    assert all(statuses == [304] for path, statuses in seen.items() if path in known), seen
    assert "0 new, 0 updated, 39 unchanged, 0 gone" in result.stdout
    after = {r["url"]: r for r in exported_records(database_url)}
    assert set(after) == set(first)
    for url, record in after.items():
        assert record["version"] == 1
        assert record["last_seen"] > first[url]["last_seen"]
        assert record["gone_at"] is None
    outcomes = {(r["status"], r["outcome"], r["reason"]) for r in fetch_rows(database_url)
                if "/articles/" in r["url"] and r["outcome"] == "unchanged"}
    assert (304, "unchanged", "http:304") in outcomes


def test_sitemap_lastmod_skips_the_request(site, database_url):
    _root, server = site
    crawl(server, database_url)
    start = len(server.request_log)
    result = crawl(server, database_url)  # lastmod dates in the sitemap are in the past
    seen = article_paths(requests_since(server, start))
    assert all(200 not in statuses for statuses in seen.values()), seen
    sitemap_only = set(EXPECTED["sitemap_only"]) if isinstance(EXPECTED["sitemap_only"], list) else set()
    assert not sitemap_only & set(seen)  # reached only through the sitemap: never requested
    assert "0 new, 0 updated, 39 unchanged" in result.stdout
    reasons = {r["reason"] for r in fetch_rows(database_url) if r["outcome"] == "unchanged"}
    assert "sitemap:lastmod" in reasons


def test_changes_make_versions_gone_marks_and_new_articles(site, database_url):
    root, server = site
    crawl(server, database_url)
    before = {r["url"]: r for r in exported_records(database_url)}
    base = server.base_url

    # An edit (and the CMS moves the sitemap lastmod), a removal, a re-render with the
    # same text, a page only in the sitemap and one only in the feed.
    edit(root / EDITED.strip("/") / "index.html", "<p>When anxiety rises",
         "<p>Updated guidance: a 2026 trial found the same calming effect in children. When anxiety rises")
    touch_lastmod(root, EDITED)
    shutil.rmtree(root / REMOVED.strip("/"))  # and the CMS drops it from the sitemap
    sitemap = root / "sitemap-articles.xml"
    sitemap.write_text(re.sub(r"\s*<url>\s*<loc>[^<]*" + re.escape(REMOVED) + r"</loc>.*?</url>", "",
                              sitemap.read_text(), flags=re.S))
    edit(root / RERENDERED.strip("/") / "index.html", "</head>", "<!-- cache 8f3a --></head>")
    touch_lastmod(root, RERENDERED)
    in_sitemap = add_article(root, "/articles/box-breathing-anxiety/", "sleep-and-stress-2026",
                             "Sleep and stress in 2026", sitemap=True, feed=False)
    in_feed = add_article(root, "/articles/acne-diet-link/", "skin-and-sugar-update",
                          "Skin and sugar: an update", sitemap=False, feed=True)

    result = crawl(server, database_url)
    assert "2 new, 1 updated" in result.stdout and "1 gone" in result.stdout, result.stdout
    after = {r["url"]: r for r in exported_records(database_url)}

    edited = after[base + EDITED]
    assert edited["version"] == 2 and "2026 trial" in edited["text"]
    assert edited["first_seen"] == before[base + EDITED]["first_seen"]
    removed = after[base + REMOVED]
    assert removed["gone_at"] is not None and removed["version"] == 1
    assert removed["text"] == before[base + REMOVED]["text"]  # kept, never deleted
    assert after[base + RERENDERED]["version"] == 1  # new bytes, same text: not a new version
    assert after[base + in_sitemap]["version"] == 1 and after[base + in_feed]["version"] == 1
    assert sum(1 for r in after.values() if r["gone_at"]) == 1

    engine = open_archive(database_url)
    try:
        versions = [r for r in iter_article_records(engine, versions=True) if r["url"] == base + EDITED]
    finally:
        engine.dispose()
    assert sorted(r["version"] for r in versions) == [1, 2]
    assert "2026 trial" not in next(r for r in versions if r["version"] == 1)["text"]

    # The page comes back: saved again, the gone mark is cleared.
    shutil.copytree(REPO / "examples" / "site" / REMOVED.strip("/"), root / REMOVED.strip("/"))
    crawl(server, database_url)
    assert {r["url"]: r for r in exported_records(database_url)}[base + REMOVED]["gone_at"] is None
