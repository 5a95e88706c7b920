"""Stopping and resuming a crawl with ``--jobdir``: a crawl killed with SIGKILL
half-way and started again archives every article exactly once and records the
killed run as interrupted; a crawl stopped cleanly resumes from its queue."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from crawl_helpers import exported_records, run_cli
from sqlalchemy import func, select

from crawler.serve import start_site_server
from storage.db import open_archive
from storage.models import Article, ArticleVersion, CrawlRun, Fetch

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
EXPECTED = json.loads((REPO / "tests" / "fixtures" / "example_site" / "expected.json").read_text())


@pytest.fixture(scope="module")
def site_server():
    server, _ = start_site_server(REPO / "examples" / "site")
    yield server
    server.shutdown()
    server.server_close()


def crawl_args(server, db: str, jobdir: Path, *, slow: bool = False) -> list[str]:
    # Slow: one request at a time, 50 ms apart, to stop the crawl half-way. The run that
    # resumes it may go at full speed (the queue on disk does not depend on the pace).
    pace = ["--delay", "0.05", "--concurrency", "1"] if slow else ["--delay", "0", "--concurrency", "8"]
    return ["crawl", f"{server.base_url}/", "--db", db, "--jobdir", str(jobdir), *pace,
            "--quiet", "--workers", "1"]


def count_articles(db: str) -> int:
    engine = open_archive(db)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(Article)).scalar_one())
    finally:
        engine.dispose()


def start_and_stop(server, db: str, jobdir: Path, sig: int, *, after_articles: int = 12) -> None:
    process = subprocess.Popen([sys.executable, "-m", "crawler.cli", *crawl_args(server, db, jobdir, slow=True)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and process.poll() is None:
            if count_articles(db) >= after_articles:
                break
            time.sleep(0.1)
        assert process.poll() is None, "the crawl ended before it could be stopped"
        os.kill(process.pid, sig)
        process.wait(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):  # extraction processes that outlived it
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()


def archive_counts(db: str) -> dict[str, object]:
    engine = open_archive(db)
    try:
        with engine.connect() as conn:
            per_url = conn.execute(select(Article.url, func.count(ArticleVersion.id))
                                   .join(ArticleVersion, ArticleVersion.article_id == Article.id)
                                   .group_by(Article.url)).all()
            runs = conn.execute(select(CrawlRun.id, CrawlRun.status).order_by(CrawlRun.id)).all()
            archived = conn.execute(select(Fetch.url, func.count()).where(Fetch.outcome == "archived")
                                    .group_by(Fetch.url)).all()
    finally:
        engine.dispose()
    return {"versions": dict(per_url), "runs": [status for _, status in runs],
            "archived": dict(archived)}


def test_sigkill_half_way_then_resume_archives_everything_once(site_server, database_url, tmp_path):
    jobdir = tmp_path / "job"
    start_and_stop(site_server, database_url, jobdir, signal.SIGKILL)
    killed_with = count_articles(database_url)
    assert 0 < killed_with < len(EXPECTED["articles"])

    result = run_cli(*crawl_args(site_server, database_url, jobdir))
    assert result.returncode == 0, result.stderr
    assert "was killed" in result.stderr  # the stale queue is set aside, with a log line

    records = exported_records(database_url)
    expected = {site_server.base_url + path for path in EXPECTED["articles"]}
    assert {r["url"] for r in records} == expected  # nothing lost
    counts = archive_counts(database_url)
    assert set(counts["versions"].values()) == {1}  # nothing archived twice
    assert all(n == 1 for n in counts["archived"].values())
    assert counts["runs"] == ["interrupted", "finished"]


# Scrapy's own queue on disk: the archive engine plays no part (the SIGKILL test above runs
# on both engines), so SQLite only, to keep the suite short.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_clean_stop_resumes_from_the_queue(site_server, database_url, tmp_path):
    jobdir = tmp_path / "job"
    start = len(site_server.request_log)
    start_and_stop(site_server, database_url, jobdir, signal.SIGTERM)
    first_requests = len(site_server.request_log) - start
    assert (jobdir / "requests.seen").exists()

    middle = len(site_server.request_log)
    result = run_cli(*crawl_args(site_server, database_url, jobdir), "--log-level", "INFO")
    assert result.returncode == 0, result.stderr
    assert "resuming" in result.stderr
    # The sitemaps the stopped run read are not read again, and not waited for either.
    assert "sitemaps still loading" not in result.stderr
    resumed = [path for _, path, _ in site_server.request_log[middle:]]
    # The resumed run does not start over: the home page is not requested again.
    assert "/" not in resumed
    assert first_requests + len(resumed) < 2 * 150

    expected = {site_server.base_url + path for path in EXPECTED["articles"]}
    assert {r["url"] for r in exported_records(database_url)} == expected
    counts = archive_counts(database_url)
    assert set(counts["versions"].values()) == {1}
    assert counts["runs"] == ["interrupted", "finished"]
    # A finished crawl leaves nothing to resume: the next run starts afresh.
    assert not (jobdir / "requests.seen").exists()
