"""Reading the sites file: intervals, defaults, crawl rules, and clear errors."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crawler.sites_file import SitesFileError, load_sites, parse_interval


@pytest.mark.parametrize(("text", "seconds"), [
    ("90s", 90), ("30m", 1800), ("6h", 21600), ("1d", 86400), ("2w", 1209600),
    ("1h30m", 5400), (3600, 3600), (0.5, 0.5), ("0s", 0),
], ids=str)
def test_intervals(text, seconds):
    assert parse_interval(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "6", "6 hours", "h", "1x", "-1h", True], ids=str)
def test_bad_intervals(text):
    with pytest.raises(ValueError):
        parse_interval(text)


def test_sites_with_defaults_rules_and_crawl_rules(tmp_path):
    (tmp_path / "rules").mkdir()
    path = tmp_path / "sites.toml"
    path.write_text("""
[defaults]
interval = "6h"
delay = 1.5

[sites.clinic]
start_urls = ["https://clinic.example/", "https://clinic.example/blog/"]
interval = "1d"
rules = "rules"
allow = ['^/blog/']
deny = ['^/shop/', '\\?page=']
max_pages = 500

[sites.wellness-mag]
start_urls = "https://wellness.example/"
obey_robots = false
""")
    clinic, mag = load_sites(path)
    assert clinic.name == "clinic" and clinic.interval == timedelta(days=1)
    assert clinic.start_urls == ("https://clinic.example/", "https://clinic.example/blog/")
    assert clinic.rules_dirs == (tmp_path / "rules",)
    assert clinic.allow == ("^/blog/",) and clinic.deny == ("^/shop/", r"\?page=")
    assert clinic.max_pages == 500 and clinic.delay == 1.5
    assert mag.interval == timedelta(hours=6) and mag.start_urls == ("https://wellness.example/",)
    assert mag.obey_robots is False and mag.max_pages is None


@pytest.mark.parametrize(("body", "message"), [
    ("[sites.a]\nstart_urls = []", "start_urls must list"),
    ("[sites.a]\nstart_urls = ['ftp://x.example/']", "not an http(s) URL"),
    ("[sites.a]\nstart_urls = ['https://x.example/']\ninterval = 'often'", "not an interval"),
    ("[sites.a]\nstart_urls = ['https://x.example/']\ndeny = ['(']", "[sites.a]"),
    ("[sites.a]\nstart_urls = ['https://x.example/']\nrules = 'nowhere'", "does not exist"),
    ("[sites.a]\nstart_urls = ['https://x.example/']\nspeed = 3", "unknown keys ['speed']"),
    ("[sites.a]\nstart_urls = ['https://x.example/']\nmax_pages = -3", "max_pages"),
    ("[site.a]\nstart_urls = ['https://x.example/']", "unknown top-level keys"),
    ("[defaults]\ninterval = '1h'", "no [sites.NAME]"),
    ("[sites.a\n", "not valid TOML"),
], ids=["no-urls", "bad-url", "bad-interval", "bad-regex", "no-rules-dir", "unknown-key",
        "negative", "typo-table", "no-sites", "broken-toml"])
def test_errors_name_the_file_and_the_problem(tmp_path, body, message):
    path = tmp_path / "sites.toml"
    path.write_text(body)
    with pytest.raises(SitesFileError) as error:
        load_sites(path)
    assert message in str(error.value) and str(path) in str(error.value)


def test_the_example_sites_file_loads():
    path = __import__("pathlib").Path(__file__).resolve().parents[2] / "examples" / "sites.toml"
    names = [site.name for site in load_sites(path)]
    assert names == ["vitalwell", "example-clinic"]
