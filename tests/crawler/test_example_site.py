"""The walking skeleton end to end: the example site served over real HTTP, crawled
through the real Scrapy stack by the ``healtharchive`` command, into SQLite and into
PostgreSQL, checked against the site's hand-written labels."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from crawl_helpers import (
    REQUIRE_POSTGRESQL,
    create_pg_database,
    drop_pg_database,
    exported_records,
    fetch_rows,
    run_cli,
)

from crawler.serve import start_site_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from labels import compare_record

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "examples" / "site"
EXPECTED = json.loads((REPO / "tests" / "fixtures" / "example_site" / "expected.json").read_text())
TIMESTAMPS = ("first_seen", "last_seen")


@pytest.fixture(scope="module")
def site_server():
    server, _ = start_site_server(SITE)
    yield server
    server.shutdown()
    server.server_close()


def crawl(server, db: str):
    return run_cli("crawl", f"{server.base_url}/", "--db", db, "--delay", "0", "--concurrency", "8",
                   "--quiet", "--workers", "2")


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def archive(request, site_server, tmp_path_factory):
    """The example site crawled once into a fresh archive of each engine."""
    if request.param == "sqlite":
        db = f"sqlite:///{tmp_path_factory.mktemp('archive') / 'archive.db'}"
    else:
        try:
            db = create_pg_database()
        except Exception as exc:
            if REQUIRE_POSTGRESQL:
                pytest.fail(f"PostgreSQL not reachable: {exc}")
            pytest.skip("PostgreSQL not reachable")
    start = len(site_server.request_log)
    result = crawl(site_server, db)
    requests = [path for _, path, _ in site_server.request_log[start:]]
    yield {"db": db, "result": result, "records": exported_records(db), "requests": requests,
           "engine": request.param, "base": site_server.base_url}
    if request.param == "postgresql":
        drop_pg_database(db)


def by_path(archive) -> dict[str, dict]:
    return {r["url"][len(archive["base"]):]: r for r in archive["records"]}


def test_crawl_archives_every_article_and_no_listing(archive):
    assert archive["result"].returncode == 0, archive["result"].stderr
    archived = by_path(archive)
    expected_paths = set(EXPECTED["articles"])
    assert set(archived) == expected_paths
    for path, label in EXPECTED["articles"].items():
        assert archived[path]["kind"] == label["kind"], path
    assert not set(archived) & set(EXPECTED["non_articles"])


def test_every_field_matches_the_labels(archive):
    problems = {}
    for path, record in by_path(archive).items():
        mismatches = compare_record(record, EXPECTED["articles"][path], origin=archive["base"])
        if mismatches:
            problems[path] = mismatches
    assert not problems, json.dumps(problems, indent=1)


def test_every_record_validates_against_the_schema(archive, article_schema):
    for record in archive["records"]:
        article_schema.validate(record)
        assert record["version"] == 1


def test_robots_disallowed_paths_are_never_requested(archive):
    requested = set(archive["requests"])
    for path in EXPECTED["disallowed"]:
        assert not any(r.startswith(path) for r in requested), path
    rows = {r["url"][len(archive["base"]):]: r for r in fetch_rows(archive["db"])}
    for path in EXPECTED["disallowed"]:
        assert rows[path]["reason"] == "robots:disallowed"


def test_discovery_through_sitemap_feed_redirects_and_tracking_links(archive):
    archived = by_path(archive)
    for path in EXPECTED["sitemap_only"] + EXPECTED["feed_only"]:
        assert path in archived
    for target in EXPECTED["redirects"].values():
        assert target in archived
    assert not any("utm_" in path for path in archived)
    requested = set(archive["requests"])
    assert "/robots.txt" in requested and "/sitemap.xml" in requested and "/feed.xml" in requested


def test_broken_link_is_an_error_row(archive):
    rows = {r["url"][len(archive["base"]):]: r for r in fetch_rows(archive["db"])}
    for path in EXPECTED["broken"]:
        assert rows[path]["outcome"] == "error"
        assert rows[path]["reason"] == "http:404"
    assert "http:404" in archive["result"].stdout


def test_syndicated_copy_is_archived_with_the_same_text(archive):
    archived = by_path(archive)
    for copy, original in EXPECTED["syndicated"].items():
        assert archived[copy]["content_hash"] == archived[original]["content_hash"]


def test_summary_counts(archive):
    out = archive["result"].stdout
    assert f"articles:       {len(EXPECTED['articles'])} new, 0 updated, 0 unchanged" in out
    assert "skipped:" in out and "errors:" in out


def test_recrawl_is_idempotent(archive, site_server):
    before = {r["url"]: r for r in archive["records"]}
    result = crawl(site_server, archive["db"])
    assert result.returncode == 0, result.stderr
    assert f"0 new, 0 updated, {len(EXPECTED['articles'])} unchanged" in result.stdout
    after = {r["url"]: r for r in exported_records(archive["db"])}
    assert set(after) == set(before)
    for url, record in after.items():
        assert record["version"] == 1
        assert record["first_seen"] == before[url]["first_seen"]
        assert record["last_seen"] >= before[url]["last_seen"]
        assert {k: v for k, v in record.items() if k not in TIMESTAMPS} == {
            k: v for k, v in before[url].items() if k not in TIMESTAMPS}


@pytest.mark.postgresql
def test_postgresql_export_equals_sqlite_export(site_server, tmp_path):
    sqlite_db = f"sqlite:///{tmp_path / 'a.db'}"
    pg_db = create_pg_database()
    try:
        assert crawl(site_server, sqlite_db).returncode == 0
        assert crawl(site_server, pg_db).returncode == 0

        def comparable(db):
            return sorted(({k: v for k, v in r.items() if k not in TIMESTAMPS} for r in exported_records(db)),
                          key=lambda r: r["url"])
        assert comparable(sqlite_db) == comparable(pg_db)
    finally:
        drop_pg_database(pg_db)
