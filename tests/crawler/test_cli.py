"""The command line as a contract: help, version, exit codes, one-line errors."""

from __future__ import annotations

import gzip
import json
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from crawl_helpers import FIXTURE_SCHEMA, SHARED_SCHEMA, json_lines, run_cli

from crawler.cli import build_parser

COMMANDS = ["crawl", "export", "extract", "demo", "runs", "boilerplate", "reprocess", "schedule",
            "dedupe", "search", "stats", "browse", "worker"]
FAULT_ARTICLE = Path(__file__).resolve().parents[1] / "fixtures" / "fault_article.html"


def article_html(title: str = "Strength Training And The Brain") -> str:
    return FAULT_ARTICLE.read_text().replace("{{TITLE}}", title).replace("{{EXTRA}}", "")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = run_cli(command, "--help")
    assert result.returncode == 0
    assert "usage: healtharchive" in result.stdout
    assert len(result.stdout.splitlines()) > 3


def test_every_command_is_documented_in_the_readme():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    subcommands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert set(subcommands) == set(COMMANDS)
    for command in COMMANDS:
        assert f"healtharchive {command}" in readme


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("healtharchive ")


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.mark.parametrize(
    "db",
    ["nosuchdialect://x/y", "postgresql+psycopg://postgres@127.0.0.1:1/nothing", "/nonexistent-dir/sub/a.db"],
    ids=["unknown-dialect", "unreachable-server", "missing-directory"],
)
def test_unusable_database_is_one_line(db):
    line = one_line_error(run_cli("export", "--db", db))
    assert line.startswith("healtharchive: error:")


def test_unreadable_file_is_one_line():
    line = one_line_error(run_cli("extract", "/nonexistent/page.html"))
    assert "/nonexistent/page.html" in line


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_start_url_is_one_line(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/"
    result = run_cli("crawl", url, "--db", str(tmp_path / "a.db"), "--quiet", "--timeout", "2")
    line = one_line_error(result)
    assert line == f"healtharchive: error: cannot reach {url} (connection refused)"


def test_bad_start_url_is_rejected(tmp_path):
    line = one_line_error(run_cli("crawl", "ftp://example.org/", "--db", str(tmp_path / "a.db")))
    assert "not an http(s) URL" in line


def test_extract_reads_files_stdin_and_gzip_in_order(tmp_path):
    plain = tmp_path / "a.html"
    plain.write_text(article_html("First Article On Strength And Mood"))
    packed = tmp_path / "b.html.gz"
    packed.write_bytes(gzip.compress(article_html("Second Article On Sleep And Recovery").encode()))
    listing = tmp_path / "c.html"
    listing.write_text("<html><body><h1>Home</h1><a href='/a'>a</a></body></html>")
    stdin = article_html("Third Article From Standard Input").encode()
    result = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "extract", str(plain), str(packed), "-", str(listing),
         "--url", "https://health.example.org/articles/strength-and-mood/"],
        input=stdin, capture_output=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    records = json_lines(result.stdout.decode())
    assert [r.get("title") for r in records[:3]] == [
        "First Article On Strength And Mood", "Second Article On Sleep And Recovery",
        "Third Article From Standard Input"]
    assert records[0]["authors"] == [
        {"name": "Maria Lopez", "role": "RN", "bio": None, "url": None, "relation": "author"}]
    assert records[0]["published"] == "2025-03-03"
    assert set(records[3]) >= {"url", "error"}


def test_extract_output_validates_against_the_schema(tmp_path, article_schema):
    page = tmp_path / "a.html"
    page.write_text(article_html())
    result = run_cli("extract", str(page), "--url", "https://health.example.org/articles/strength-training-brain/")
    (record,) = json_lines(result.stdout)
    article_schema.validate(record)
    assert json.dumps(record)


def test_schema_copy_matches_the_shared_contract():
    if not SHARED_SCHEMA.exists():
        pytest.skip("shared/ is not beside this clone")
    assert json.loads(FIXTURE_SCHEMA.read_text()) == json.loads(SHARED_SCHEMA.read_text())


def test_the_command_line_loads_without_the_dedupe_and_extraction_code():
    # Every command (and each extraction process, which imports the main module) pays
    # for what crawler.cli imports: numpy and datasketch wait for the command that uses them.
    code = ("import sys, crawler.cli; "
            "print(sorted(m for m in ('numpy', 'datasketch', 'trafilatura', 'scrapy') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_crawl_with_extraction_processes_keeps_the_extraction_code_out_of_the_crawler(tmp_path):
    # The extraction processes import trafilatura, dateparser and extruct; the crawler
    # process only hands them pages (pipelines.extract_call), so it stays that much
    # smaller for the whole crawl.
    code = (
        "import sys; from pathlib import Path; from crawler.serve import start_site_server; "
        "from crawler.cli import main; "
        "server, _ = start_site_server(Path(sys.argv[1])); "
        "rc = main(['crawl', server.base_url + '/', '--db', sys.argv[2], '--workers', '1', "
        "'--delay', '0', '--quiet', '--log-level', 'ERROR', '--max-pages', '12']); "
        "print(rc, sorted(m for m in ('trafilatura', 'dateparser', 'extruct', 'pipelines.process') "
        "if m in sys.modules))"
    )
    site = Path(__file__).resolve().parents[2] / "examples" / "site"
    result = subprocess.run([sys.executable, "-c", code, str(site), str(tmp_path / "a.db")],
                            capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip().splitlines()[-1] == "0 []"
    with sqlite3.connect(tmp_path / "a.db") as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] > 0  # it did extract
