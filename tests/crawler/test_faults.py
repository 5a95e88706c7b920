"""A crawl over a server that misbehaves in every way we know: each fault is logged,
recorded as a fetch row of the run, and the crawl goes on."""

from __future__ import annotations

import pytest
from crawl_helpers import exported_records, fetch_rows, run_cli
from fault_server import FaultServer

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def fault_server():
    server = FaultServer(slow_seconds=4.0).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def crawl_result(fault_server, database_url):
    result = run_cli("crawl", f"{fault_server.base_url}/", "--db", database_url, "--delay", "0",
                     "--timeout", "1.5", "--max-size", "200000", "--workers", "1", "--quiet")
    return result, fault_server


def test_faults_are_recorded_and_the_crawl_goes_on(crawl_result, database_url):
    result, server = crawl_result
    assert result.returncode == 0, result.stderr
    rows = fetch_rows(database_url)
    reasons = {row["url"].split(server.base_url)[1]: row["reason"] for row in rows}
    assert reasons["/error500/"] == "http:500"
    assert reasons["/gone/"] == "http:410"
    assert reasons["/missing/"] == "http:404"
    assert reasons["/slow/"] == "fetch:timeout"
    assert reasons["/big/"] == "fetch:too_large"
    assert reasons["/pdf/"] == "fetch:non_html"
    assert reasons["/garbage/"] == "extract:not_html"
    assert reasons["/empty/"].startswith("extract:")
    assert reasons["/drop/"] == "fetch:connection_lost"
    assert reasons["/private/secret/"] == "robots:disallowed"
    assert reasons["/loop/a"] == "fetch:redirect_loop"
    # Every row of a failed fetch carries a detail a person can read.
    assert all(row["detail"] for row in rows if row["outcome"] == "error")
    assert "errors:" in result.stdout


def test_good_pages_survive_the_faults(crawl_result, database_url):
    result, server = crawl_result
    assert result.returncode == 0, result.stderr
    titles = {r["title"]: r for r in exported_records(database_url)}
    assert "Why Strength Training Sharpens Your Mind" in titles
    assert "Redirect Target Article About Sleep And Recovery" in titles
    assert "Broken Markup Still Counts As An Article" in titles
    latin = titles["Caf\u00e9 Culture And Caffeine: A Na\u00efve Look"]
    assert "Cr\u00e8me br\u00fbl\u00e9e." in latin["text"]
    # A wrong charset header garbles accents but never loses the article.
    assert any(t.startswith("Wrong Charset Article On Hydration") for t in titles)
    assert "/private/secret/" not in server.requests
