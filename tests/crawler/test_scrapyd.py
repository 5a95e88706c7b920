"""The project under Scrapyd: a real ``scrapyd`` on 127.0.0.1, the project deployed with
``scrapyd-deploy`` (a zipped egg built from a copy of this folder), the ``site`` spider
scheduled over the HTTP API against the example site, its archive and log checked."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from crawl_helpers import exported_records

from crawler.serve import start_site_server

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
EXPECTED = json.loads((REPO / "tests" / "fixtures" / "example_site" / "expected.json").read_text())
BIN = Path(sys.executable).parent
PROJECT_FILES = ("crawler", "pipelines", "storage", "setup.py", "pyproject.toml", "README.md", "scrapy.cfg")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def api(base: str, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(f"{base}/{endpoint}", data=body, timeout=10) as answer:
        return json.loads(answer.read())


def wait_for(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def copy_project(target: Path, *, deploy_url: str) -> Path:
    """This project's files in ``target``, with a ``pytest`` deploy target added to scrapy.cfg
    (scrapyd-deploy builds its egg in the project folder: keep the checkout clean)."""
    for name in PROJECT_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    with (target / "scrapy.cfg").open("a") as cfg:
        cfg.write(f"\n[deploy:pytest]\nurl = {deploy_url}/\nproject = healtharchive\n")
    return target


@pytest.fixture
def scrapyd(tmp_path):
    """A running scrapyd (its own folders, one job at a time); yields its URL and folders."""
    port = free_port()
    home = tmp_path / "scrapyd"
    home.mkdir()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\nbind_address = 127.0.0.1\n"
        f"http_port = {port}\neggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\n"
        f"dbs_dir = {home / 'dbs'}\nitems_dir = {home / 'items'}\nmax_proc = 1\npoll_interval = 0.2\n")
    env = {k: v for k, v in os.environ.items() if k != "HEALTHARCHIVE_DB"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")  # where the egg's migrations get copied
    log = (home / "scrapyd.out").open("w")
    process = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=home, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def answering() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"scrapyd exited: {(home / 'scrapyd.out').read_text()}")
        try:
            return api(base, "daemonstatus.json")["status"] == "ok"
        except OSError:
            return False

    try:
        wait_for(answering, timeout=30, what="scrapyd to answer")
        yield {"url": base, "home": home, "cache": tmp_path / "cache", "tmp": tmp_path}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def site_server():
    server, _ = start_site_server(REPO / "examples" / "site")
    yield server
    server.shutdown()
    server.server_close()


def test_deploy_schedule_and_crawl_under_scrapyd(scrapyd, site_server):
    tmp = scrapyd["tmp"]
    project = copy_project(tmp / "project", deploy_url=scrapyd["url"])
    deploy = subprocess.run([str(BIN / "scrapyd-deploy"), "pytest", "--version", "1"], cwd=project,
                            capture_output=True, text=True, timeout=120)
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert json.loads(deploy.stdout.strip().splitlines()[-1])["status"] == "ok", deploy.stdout
    assert api(scrapyd["url"], "listspiders.json?project=healtharchive")["spiders"] == ["site"]

    db = tmp / "archive.db"
    scheduled = api(scrapyd["url"], "schedule.json", [
        ("project", "healtharchive"), ("spider", "site"), ("start_urls", f"{site_server.base_url}/"),
        ("setting", f"ARCHIVE_DATABASE_URL=sqlite:///{db}"), ("setting", "DOWNLOAD_DELAY=0"),
        ("setting", "AUTOTHROTTLE_ENABLED=False"), ("setting", f"ARCHIVE_WARC_DIR={tmp / 'warc'}"),
    ])
    assert scheduled["status"] == "ok", scheduled
    job = scheduled["jobid"]

    def finished() -> bool:
        jobs = api(scrapyd["url"], "listjobs.json?project=healtharchive")
        return any(j["id"] == job for j in jobs["finished"])

    wait_for(finished, timeout=120, what=f"job {job} to finish")
    log = (scrapyd["home"] / "logs" / "healtharchive" / "site" / f"{job}.log").read_text()
    assert "Traceback" not in log, log[-3000:]
    assert "'finish_reason': 'finished'" in log

    archived = {r["url"][len(site_server.base_url):] for r in exported_records(f"sqlite:///{db}")}
    assert archived == set(EXPECTED["articles"])
    # The job ran from the zipped egg: the migrations were copied out of it to run Alembic.
    assert list((scrapyd["cache"] / "healtharchive").glob("storage-migrations-*/versions/0001_initial.py"))
    assert [p.suffixes for p in (tmp / "warc").iterdir()] == [[".warc", ".gz"]]
