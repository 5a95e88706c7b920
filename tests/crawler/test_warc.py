"""``healtharchive crawl --warc DIR``: the example site crawled over real HTTP, its WARC
files read back with warcio and checked with warcio's own command line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from crawl_helpers import run_cli
from warcio.archiveiterator import ArchiveIterator

from crawler.serve import start_site_server

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
EXPECTED = json.loads((REPO / "tests" / "fixtures" / "example_site" / "expected.json").read_text())
WARCIO = Path(sys.executable).with_name("warcio")
NAME = re.compile(r"^healtharchive-\d{14}-\d{5}\.warc\.gz$")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """The example site crawled once with --warc; the server's request log of that crawl."""
    server, _ = start_site_server(REPO / "examples" / "site")
    tmp = tmp_path_factory.mktemp("warc")
    try:
        result = run_cli("crawl", f"{server.base_url}/", "--db", str(tmp / "archive.db"),
                         "--warc", str(tmp / "warc"), "--delay", "0", "--quiet", "--workers", "1")
        requests = list(server.request_log)
        yield {"result": result, "folder": tmp / "warc", "base": server.base_url,
               "requests": requests, "server": server}
    finally:
        server.shutdown()
        server.server_close()


def records(folder: Path) -> list[dict]:
    """Every record of the folder's WARC files, in file then record order."""
    out = []
    for path in sorted(folder.glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                out.append({
                    "file": path.name, "type": record.rec_type, "headers": record.rec_headers,
                    "uri": record.rec_headers.get_header("WARC-Target-URI"),
                    "status": int(record.http_headers.get_statuscode())
                    if record.rec_type == "response" else None,
                    "http": record.http_headers, "payload": record.content_stream().read(),
                })
    return out


def responses(folder: Path) -> dict[str, list[dict]]:
    by_uri: dict[str, list[dict]] = {}
    for record in records(folder):
        if record["type"] == "response":
            by_uri.setdefault(record["uri"], []).append(record)
    return by_uri


def test_crawl_writes_closed_warc_files(crawled):
    assert crawled["result"].returncode == 0, crawled["result"].stderr
    names = sorted(p.name for p in crawled["folder"].iterdir())
    assert names and all(NAME.match(n) for n in names), names
    assert not any(n.endswith(".open") for n in names)


def test_every_article_has_the_bytes_the_server_sent(crawled):
    by_uri = responses(crawled["folder"])
    for path in EXPECTED["articles"]:
        url = crawled["base"] + path
        with urllib.request.urlopen(url, timeout=10) as answer:
            sent = answer.read()
        archived = [r for r in by_uri.get(url, []) if r["status"] == 200]
        assert archived, f"no response record for {path}"
        assert archived[0]["payload"] == sent, path
        assert archived[0]["http"].get_header("Content-Length") == str(len(sent))


def test_every_download_is_archived_once_and_nothing_else(crawled):
    """The server's log of the crawl (less the preflight robots.txt probe) is exactly the
    set of response records: pages, sitemaps, feeds, robots.txt, redirects and errors."""
    served = Counter(path for method, path, _ in crawled["requests"] if method == "GET")
    served["/robots.txt"] -= 1  # the command's reachability probe, before the crawl
    archived = Counter(unquote(urlsplit(uri).path)
                       for uri, hits in responses(crawled["folder"]).items() for _ in hits)
    assert archived == +served
    for path in ("/robots.txt", "/sitemap.xml", "/feed.xml"):
        assert archived[path] >= 1


def test_error_and_redirect_statuses_are_archived(crawled):
    by_uri = responses(crawled["folder"])
    for path in EXPECTED["broken"]:
        assert [r["status"] for r in by_uri[crawled["base"] + path]] == [404]
    for source in EXPECTED["redirects"]:
        record = by_uri[crawled["base"] + source][0]
        assert 300 <= record["status"] < 400
        assert record["http"].get_header("Location")


def test_each_response_has_its_request_and_each_file_its_warcinfo(crawled):
    all_records = records(crawled["folder"])
    files = {r["file"] for r in all_records}
    firsts = {f: next(r for r in all_records if r["file"] == f) for f in files}
    for first in firsts.values():
        assert first["type"] == "warcinfo"
        info = first["payload"].decode()
        assert f"start-url: {crawled['base']}/" in info
        assert "robots: obey" in info
        assert "software: healtharchive/" in info
        assert first["headers"].get_header("WARC-Filename") == first["file"]
    response_ids = {r["headers"].get_header("WARC-Record-ID"): r for r in all_records if r["type"] == "response"}
    requests = [r for r in all_records if r["type"] == "request"]
    assert len(requests) == len(response_ids)
    for request in requests:
        response = response_ids[request["headers"].get_header("WARC-Concurrent-To")]
        assert request["uri"] == response["uri"]
        assert request["http"].protocol == "GET"
        assert request["http"].get_header("User-Agent").startswith("healtharchive/")
    for response in response_ids.values():
        assert response["headers"].get_header("WARC-Payload-Digest").startswith("sha1:")
        assert response["headers"].get_header("WARC-Block-Digest").startswith("sha1:")
        assert response["headers"].protocol == "WARC/1.1"


def test_warcio_cli_checks_and_indexes_the_files(crawled):
    files = [str(p) for p in sorted(crawled["folder"].glob("*.warc.gz"))]
    check = subprocess.run([str(WARCIO), "check", "-v", *files], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "digest pass" in check.stdout and "fail" not in check.stdout
    index = subprocess.run([str(WARCIO), "index", "-f", "warc-type,warc-target-uri,http:status", *files],
                           capture_output=True, text=True, timeout=60)
    assert index.returncode == 0, index.stderr
    rows = [json.loads(line) for line in index.stdout.splitlines()]
    statuses = {r["warc-target-uri"]: r["http:status"] for r in rows if r["warc-type"] == "response"}
    assert statuses[crawled["base"] + EXPECTED["broken"][0]] == "404"
    assert sum(r["warc-type"] == "response" for r in rows) == sum(len(v) for v in responses(crawled["folder"]).values())
