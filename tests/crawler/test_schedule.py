"""``healtharchive schedule``: the due sites of a sites file crawled by one command,
never two runs on one site at once, and ``runs`` showing what each run did."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from crawl_helpers import exported_records, run_cli

from crawler.serve import start_site_server

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site_server():
    server, _ = start_site_server(REPO / "examples" / "site")
    yield server
    server.shutdown()
    server.server_close()


def sites_file(tmp_path: Path, server, *, interval: str = "6h") -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(f"""
[defaults]
interval = "{interval}"
delay = 0
concurrency = 8

[sites.vitalwell]
start_urls = ["{server.base_url}/"]
deny = ['^/glossary/']
""")
    return path


def test_run_due_crawls_then_waits_for_the_interval(site_server, database_url, tmp_path):
    sites = sites_file(tmp_path, site_server)
    first = run_cli("schedule", "run-due", "--sites", str(sites), "--db", database_url)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("vitalwell: crawled in ")
    urls = {r["url"] for r in exported_records(database_url)}
    assert urls and not any("/glossary/" in u for u in urls)  # the site's crawl rules apply

    again = run_cli("schedule", "run-due", "--sites", str(sites), "--db", database_url)
    assert again.returncode == 0 and again.stdout.startswith("vitalwell: not due (next due ")

    listing = run_cli("schedule", "list", "--sites", str(sites), "--db", database_url)
    assert listing.returncode == 0
    line = next(ln for ln in listing.stdout.splitlines() if ln.startswith("vitalwell"))
    assert "6h" in line and "finished" in line

    runs = run_cli("runs", "--db", database_url, "--site", "vitalwell")
    assert runs.returncode == 0
    header, row = runs.stdout.splitlines()[:2]
    assert header.split()[-7:] == ["pages", "304", "new", "upd", "same", "gone", "err"]
    assert "vitalwell" in row and "finished" in row
    assert row.split()[-5] == str(len(urls))  # new articles


def test_two_runs_never_crawl_one_site_at_once(site_server, database_url, tmp_path):
    sites = sites_file(tmp_path, site_server, interval="0s")
    command = [sys.executable, "-m", "crawler.cli", "schedule", "run-due", "--sites", str(sites),
               "--db", database_url]
    run_cli("runs", "--db", database_url)  # migrate once, before the race
    first = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    outputs = sorted(p.communicate(timeout=180)[0] for p in (first, second))
    assert [o.split(":")[1].split()[0] for o in outputs] == ["being", "crawled"] or \
        sorted(o.split(": ")[1].split()[0] for o in outputs) == ["crawled", "locked"], outputs
    # With a zero interval the site is due again as soon as the lock is free.
    third = run_cli("schedule", "run-due", "--sites", str(sites), "--db", database_url)
    assert third.stdout.startswith("vitalwell: crawled"), third.stdout


def test_a_bad_sites_file_is_one_line(tmp_path):
    path = tmp_path / "sites.toml"
    path.write_text("[sites.x]\nstart_urls = ['nope']\n")
    result = run_cli("schedule", "run-due", "--sites", str(path), "--db", str(tmp_path / "a.db"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "not an http(s) URL" in result.stderr
