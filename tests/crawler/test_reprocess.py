"""``healtharchive reprocess``: stored pages re-extracted with no network, articles
updated in place (no new version), what changed reported. On both engines."""

from __future__ import annotations

from pathlib import Path

import pytest
from crawl_helpers import exported_records, run_cli
from sqlalchemy import func, select, update

from crawler.serve import start_site_server
from storage.db import open_archive
from storage.models import Article, ArticleVersion, CrawlRun

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def archived(database_url):
    """The example site crawled into a fresh archive; the server is gone afterwards."""
    server, _ = start_site_server(REPO / "examples" / "site")
    try:
        result = run_cli("crawl", f"{server.base_url}/", "--db", database_url, "--delay", "0",
                         "--concurrency", "8", "--quiet", "--workers", "1")
        assert result.returncode == 0, result.stderr
        base = server.base_url
    finally:
        server.shutdown()
        server.server_close()
    return database_url, base


def degrade(db: str, url: str) -> None:
    """Make one stored version look like an older, worse extraction."""
    engine = open_archive(db)
    with engine.begin() as conn:
        version_id = conn.execute(select(Article.current_version_id).where(Article.url == url)).scalar_one()
        conn.execute(update(ArticleVersion).where(ArticleVersion.id == version_id)
                     .values(title="Home | VitalWell", text="Cookie settings. Subscribe now!",
                             record_sha256="0" * 64, content_hash="0" * 64))
    engine.dispose()


def version_count(db: str) -> int:
    engine = open_archive(db)
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(ArticleVersion)).scalar_one()
    engine.dispose()
    return int(count)


def test_reprocess_repairs_in_place_and_says_what_changed(archived):
    db, base = archived
    before = {r["url"]: r for r in exported_records(db)}
    url = base + "/articles/box-breathing-anxiety/"
    degrade(db, url)
    versions = version_count(db)

    result = run_cli("reprocess", "--db", db, "--workers", "1", "--verbose")
    assert result.returncode == 0, result.stderr
    assert f"refreshed  {url} (title, text)" in result.stdout
    assert "1 articles updated in place, 0 new articles, 38 unchanged" in result.stdout
    assert "fields changed: title 1, text 1" in result.stdout

    after = {r["url"]: r for r in exported_records(db)}
    assert after[url] == {**before[url], "last_seen": after[url]["last_seen"]}  # restored
    assert after[url]["version"] == 1 and version_count(db) == versions  # in place
    engine = open_archive(db)
    with engine.connect() as conn:
        run = conn.execute(select(CrawlRun.status, CrawlRun.stats).order_by(CrawlRun.id.desc())).first()
    engine.dispose()
    assert run.status == "finished" and run.stats["refreshed"] == 1

    again = run_cli("reprocess", "--db", db, "--workers", "0")
    assert "0 articles updated in place, 0 new articles, 39 unchanged" in again.stdout


def test_reprocess_with_new_rules_and_filters(archived, tmp_path):
    db, base = archived
    rules = tmp_path / "rules"
    rules.mkdir()
    host = base.split("//")[1]
    # A better extraction: the site's "Key takeaways" box is not body text.
    (rules / "vitalwell.toml").write_text('site = "127.0.0.1"\nremove = ["aside", ".key-takeaways"]\n'
                                          'skip_urls = ["^/glossary/"]\n')
    unmatched = run_cli("reprocess", "--db", db, "--site", "other.example")
    assert unmatched.returncode == 0 and "reprocessed 0 stored pages" in unmatched.stdout
    future = run_cli("reprocess", "--db", db, "--since", "2999-01-01")
    assert "reprocessed 0 stored pages" in future.stdout

    result = run_cli("reprocess", "--db", db, "--site", host, "--rules", str(rules), "--workers", "1")
    assert result.returncode == 0, result.stderr
    assert "6 no longer extracted as articles (kept)" in result.stdout  # the glossary pages
    records = exported_records(db)
    assert sum(1 for r in records if "/glossary/" in r["url"]) == 6  # never deleted


def test_reprocess_errors_are_one_line(tmp_path):
    result = run_cli("reprocess", "--db", str(tmp_path / "a.db"), "--since", "last tuesday")
    assert result.returncode == 2 and "--since: not a date" in result.stderr
