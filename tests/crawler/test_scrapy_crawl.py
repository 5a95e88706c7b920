"""The spider under plain ``scrapy crawl`` from the project folder (scrapy.cfg), with the
archive named by ``-s ARCHIVE_DATABASE_URL`` or by ``HEALTHARCHIVE_DB``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from crawl_helpers import exported_records, fetch_rows

from crawler.serve import start_site_server

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
EXPECTED = json.loads((REPO / "tests" / "fixtures" / "example_site" / "expected.json").read_text())
FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "ARCHIVE_WORKERS=1")


@pytest.fixture(scope="module")
def site_server():
    server, _ = start_site_server(REPO / "examples" / "site")
    yield server
    server.shutdown()
    server.server_close()


def scrapy_crawl(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in ("HEALTHARCHIVE_DB", "SCRAPY_SETTINGS_MODULE")}
    return subprocess.run([sys.executable, "-m", "scrapy", "crawl", "site", *args, *FAST],
                          cwd=REPO, env={**full_env, **(env or {})}, capture_output=True, text=True,
                          timeout=180)


def test_scrapy_crawl_archives_the_example_site(site_server, tmp_path):
    db = f"sqlite:///{tmp_path / 'archive.db'}"
    result = scrapy_crawl("-a", f"start_urls={site_server.base_url}/", "-s", f"ARCHIVE_DATABASE_URL={db}")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert "'finish_reason': 'finished'" in result.stderr
    archived = {r["url"][len(site_server.base_url):] for r in exported_records(db)}
    assert archived == set(EXPECTED["articles"])


def test_scrapy_crawl_uses_healtharchive_db_and_max_pages(site_server, tmp_path):
    path = tmp_path / "from-env.db"
    result = scrapy_crawl("-a", f"start_urls={site_server.base_url}/", "-a", "max_pages=3",
                          env={"HEALTHARCHIVE_DB": str(path)})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "'finish_reason': 'max_pages'" in result.stderr
    rows = fetch_rows(f"sqlite:///{path}")
    assert 1 <= sum(r["status"] == 200 and r["outcome"] != "error" for r in rows) <= 3
