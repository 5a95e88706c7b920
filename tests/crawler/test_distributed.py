"""Two workers on one Redis frontier and one PostgreSQL archive, against the example site
over real HTTP: every article archived exactly once, no page downloaded twice, nothing
robots.txt disallows requested; then again with one worker killed by SIGKILL half-way."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import redis
from crawl_helpers import REQUIRE_POSTGRESQL, create_pg_database, drop_pg_database
from sqlalchemy import func, select

from crawler.serve import start_site_server
from storage.db import open_archive
from storage.models import Article, ArticleVersion, CrawlRun

pytestmark = [pytest.mark.integration, pytest.mark.postgresql]
REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "examples" / "site"
EXPECTED = json.loads((REPO / "tests" / "fixtures" / "example_site" / "expected.json").read_text())
REDIS_URL = "redis://127.0.0.1:6379/0"
# Each process reads robots.txt itself, to obey it: the one path every worker fetches.
PER_WORKER = {"/robots.txt"}


@pytest.fixture
def site_server():
    # 50 ms a response: a crawl lasts long enough for both workers to take part.
    server, _ = start_site_server(SITE, latency=0.05)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def crawl_key():
    client = redis.Redis.from_url(REDIS_URL)
    key = f"test-{uuid.uuid4().hex[:10]}"
    yield key
    leftovers = list(client.scan_iter(f"healtharchive:{key}:*"))
    if leftovers:
        client.delete(*leftovers)
    client.srem("healtharchive:crawls", key)


@pytest.fixture
def pg_db():
    try:
        db = create_pg_database("ha_dist")
    except Exception as exc:
        if REQUIRE_POSTGRESQL:
            pytest.fail(f"PostgreSQL not reachable: {exc}")
        pytest.skip("PostgreSQL not reachable")
    yield db
    drop_pg_database(db)


def launch(*args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "HEALTHARCHIVE_DB"}
    return subprocess.Popen([sys.executable, "-m", "crawler.cli", *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def start_pair(server, db: str, key: str, delay: str) -> tuple[subprocess.Popen[str], subprocess.Popen[str]]:
    common = ["--queue", REDIS_URL, "--crawl-key", key, "--db", db, "--idle-seconds", "2",
              "--heartbeat", "2", "--workers", "1", "--quiet", "--log-level", "INFO"]
    worker = launch("worker", "--wait", "30", *common)  # waiting before the crawl is seeded
    seeder = launch("crawl", f"{server.base_url}/", "--delay", delay, "--concurrency", "4", *common)
    return seeder, worker


def finish(proc: subprocess.Popen[str], timeout: float = 90) -> subprocess.CompletedProcess[str]:
    out, err = proc.communicate(timeout=timeout)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def check_archive(server, db: str, key: str, *, redownloads_allowed: bool = False) -> dict:
    """The acceptance checks; returns the crawl run's stats and the pages downloaded twice."""
    engine = open_archive(db)
    try:
        with engine.connect() as conn:
            urls = [u for (u,) in conn.execute(select(Article.url))]
            versions = dict(conn.execute(select(ArticleVersion.article_id, func.count())
                                         .group_by(ArticleVersion.article_id)).all())
            runs = conn.execute(select(CrawlRun.status, CrawlRun.stats)).all()
    finally:
        engine.dispose()
    paths = [u[len(server.base_url):] for u in urls]
    assert sorted(paths) == sorted(EXPECTED["articles"])  # each archived exactly once
    assert set(versions.values()) == {1}
    downloads = Counter(path for method, path, status in server.request_log
                        if method == "GET" and status == 200 and path not in PER_WORKER)
    twice = [p for p, n in downloads.items() if n > 1]
    if not redownloads_allowed:
        assert twice == []  # nothing downloaded twice
    requested = {path for _, path, _ in server.request_log}
    for path in EXPECTED["disallowed"]:
        assert not any(r.startswith(path) for r in requested), path
    assert len(runs) == 1 and runs[0].status == "finished"  # one run for the whole crawl
    assert list(redis.Redis.from_url(REDIS_URL).scan_iter(f"healtharchive:{key}:*")) == []
    return {**runs[0].stats, "downloaded_twice": twice}


def test_two_workers_share_one_frontier(site_server, pg_db, crawl_key):
    seeder, worker = start_pair(site_server, pg_db, crawl_key, delay="0")
    results = [finish(seeder), finish(worker)]
    for result in results:
        assert result.returncode == 0, result.stderr[-3000:]
    stats = check_archive(site_server, pg_db, crawl_key)
    shares = stats["workers"]
    assert len(shares) == 2
    assert sum(s["articles"] for s in shares.values()) == len(EXPECTED["articles"])
    assert stats["articles_new"] == len(EXPECTED["articles"])
    assert all(s["requests"] > 0 for s in shares.values()), shares  # both took part


def test_a_worker_killed_half_way_loses_nothing(site_server, pg_db, crawl_key):
    seeder, worker = start_pair(site_server, pg_db, crawl_key, delay="0.1")
    deadline = time.monotonic() + 60
    pages = len(EXPECTED["articles"])
    while len(site_server.request_log) < pages and time.monotonic() < deadline:
        assert worker.poll() is None and seeder.poll() is None
        time.sleep(0.05)
    os.killpg(worker.pid, signal.SIGKILL)  # the worker and its extraction processes
    worker.communicate(timeout=10)
    result = finish(seeder)
    assert result.returncode == 0, result.stderr[-3000:]
    stats = check_archive(site_server, pg_db, crawl_key, redownloads_allowed=True)
    # The requests the killed worker held were put back and crawled by the survivor. Of
    # those, a page it had stored is revalidated (304, not downloaded again); only a page
    # it had downloaded but not yet stored when it died is downloaded a second time.
    assert stats["requeued"] > 0
    assert len(stats["downloaded_twice"]) <= stats["requeued"]
    assert stats["articles_new"] == len(EXPECTED["articles"])
    assert len(stats["workers"]) == 2  # the killed worker's share, as last published
