"""search, export, stats and browse on the example archive, through the real command
line, on both engines."""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from crawl_helpers import exported_records, json_lines, run_cli


def test_search_table_and_jsonl(example_archive):
    table = run_cli("search", '"deep sleep" OR caffein*', "--db", example_archive, "--limit", "3")
    assert table.returncode == 0, table.stderr
    assert table.stdout.startswith("  1. ")
    assert "[" in table.stdout and "score" in table.stdout  # not a terminal: [matches]
    hits = json_lines(run_cli("search", "sleep -caffeine", "--db", example_archive,
                              "--format", "jsonl", "--category", "Sleep").stdout)
    assert hits and all(hit["category"] == "Sleep" for hit in hits)
    assert all("caffeine" not in hit["title"].lower() for hit in hits)
    assert [hit["score"] for hit in hits] == sorted((hit["score"] for hit in hits), reverse=True)
    assert set(hits[0]) >= {"url", "site", "title", "published", "authors", "snippet", "snippet_html"}


def test_search_filters_by_author_date_and_doi(example_archive):
    def urls(*args: str) -> list[str]:
        result = run_cli("search", *args, "--db", example_archive, "--format", "jsonl")
        assert result.returncode == 0, result.stderr
        return [hit["url"] for hit in json_lines(result.stdout)]

    everything = urls("the OR a OR sleep OR skin OR training", "--limit", "100")
    by_author = urls("the OR a OR sleep OR skin OR training", "--author", "linda wei", "--limit", "100")
    assert by_author and set(by_author) < set(everything)
    assert urls("sleep", "--since", "2030") == []
    records = exported_records(example_archive)
    doi = next(ref["doi"] for record in records for ref in record["references"] if ref["doi"])
    citing = {r["url"] for r in records if any(ref["doi"] == doi for ref in r["references"])}
    assert set(urls("the OR a OR and", "--cites-doi", f"https://doi.org/{doi}")) <= citing


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", '"unclosed'], "bad search query: unclosed quote"),
        (["search", "--", "-only"], "bad search query: a search query needs a term"),
        (["search", "sleep", "--since", "March"], "not a date: 'March'"),
        (["search", "sleep", "--cites-doi", "nope"], "not a DOI"),
        (["export", "--format", "parquet"], "--format parquet needs --out FILE"),
    ],
)
def test_user_errors_are_one_line(example_archive, args, message):
    result = run_cli(args[0], "--db", example_archive, *args[1:])
    assert result.returncode == 2
    assert result.stderr.strip() == result.stderr.strip().splitlines()[0]
    assert message in result.stderr and "Traceback" not in result.stderr


def test_export_formats_agree_with_the_records(example_archive, tmp_path):
    filters = ["--category", "Sleep", "--since", "2025"]
    jsonl = tmp_path / "a.jsonl"
    csv_path = tmp_path / "a.csv"
    parquet = tmp_path / "a.parquet"
    for fmt, path in (("jsonl", jsonl), ("csv", csv_path), ("parquet", parquet)):
        result = run_cli("export", "--db", example_archive, "--format", fmt, "--out", str(path), *filters)
        assert result.returncode == 0, result.stderr
        assert "exported" in result.stderr and "[" not in result.stderr  # no bar off a terminal
    records = json_lines(jsonl.read_text())
    assert records and all(r["category"] == "Sleep" and r["published"] >= "2025" for r in records)
    expected = [r for r in exported_records(example_archive)
                if r["category"] == "Sleep" and (r["published"] or "") >= "2025"]
    assert records == expected
    assert pq.read_table(parquet).to_pylist() == records
    with csv_path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["url"] for row in rows] == [r["url"] for r in records]
    assert [json.loads(row["authors"]) for row in rows] == [r["authors"] for r in records]


def test_export_to_stdout_with_limit_and_versions(example_archive):
    result = run_cli("export", "--db", example_archive, "--versions", "--limit", "3", "--kind", "glossary")
    records = json_lines(result.stdout)
    assert len(records) == 3 and {r["kind"] for r in records} == {"glossary"}


def test_stats_and_plot(example_archive, tmp_path):
    result = run_cli("stats", "--db", example_archive, "--by", "credential")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["credential", "articles", "share"]
    assert any(line.startswith("Registered Dietitian") for line in lines)
    plot = tmp_path / "months.png"
    result = run_cli("stats", "--db", example_archive, "--by", "month", "--plot", str(plot))
    assert result.returncode == 0, result.stderr
    assert plot.read_bytes().startswith(b"\x89PNG")
    bad = run_cli("stats", "--db", example_archive, "--plot", str(tmp_path / "no" / "x.png"))
    assert bad.returncode == 2 and "does not exist" in bad.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_browse_serves_canned_queries_as_json(example_archive, tmp_path):
    if not example_archive.startswith("sqlite"):
        result = run_cli("browse", "--db", example_archive, "--no-open")
        assert result.returncode == 2 and "browse opens SQLite archives" in result.stderr
        return
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "HEALTHARCHIVE_DB"}
    server = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "browse", "--db", example_archive,
         "--port", str(port), "--no-open"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    database = Path(example_archive.removeprefix("sqlite:///")).stem
    try:
        rows = _get_json(f"http://127.0.0.1:{port}/{database}/bdnf_without_citations.json?_shape=array")
        assert [row["url"].rsplit("/", 2)[-2] for row in rows] == ["eccentric-loading-brain"]
        metadata = _get_json(f"http://127.0.0.1:{port}/-/metadata.json")
        tables = metadata["databases"][database]["tables"]
        assert tables["article_overview"]["columns"]["author_names"].startswith("Authors")
        assert len(metadata["databases"][database]["queries"]) >= 10
    finally:
        server.terminate()
        server.wait(timeout=20)


def _get_json(url: str, timeout: float = 30) -> object:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.loads(response.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_browse_refuses_a_missing_archive(tmp_path):
    result = run_cli("browse", "--db", str(tmp_path / "none.db"), "--no-open")
    assert result.returncode == 2 and "no archive at" in result.stderr
    assert not (tmp_path / "none.db").exists()
