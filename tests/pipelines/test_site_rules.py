from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipelines.process import process_page
from pipelines.records import ExtractOptions, FetchedPage, Rejection
from pipelines.site_rules import SiteRulesError, load_site_rules, parse_rules

PROSE = " ".join(["Fibre feeds the bacteria that line the gut and keeps digestion regular."] * 12)
PAGE = f"""<html><body><div class="layout"><h1>Feeding Your Gut</h1>
<div class="meta-x">Jane Roe<br>Registered Dietitian</div>
<div class="copy"><p>{PROSE}</p><div class="partner-strip"><p>Our partners at BrandCo make this possible every single week.</p></div>
<p>{PROSE} The end.</p></div>
<div class="srcs"><p>Smith J. Fibre and the microbiome. Gut. 2020;69(1):1-9. doi:10.1136/gutjnl-2019-1</p></div>
</div></body></html>""".encode()


def extract(rules=None, url="https://gut.example/articles/fibre/"):
    return process_page(FetchedPage(url=url, body=PAGE, fetched_at=datetime.now(UTC)),
                        ExtractOptions(site_rules=rules))


def test_generic_path_misses_what_the_rules_correct():
    plain = extract()
    assert "Our partners at BrandCo" in plain.text
    assert plain.authors == ()
    rules = parse_rules({"site": "gut.example", "body": "div.copy", "remove": [".partner-strip"],
                         "byline": ".meta-x", "references": ".srcs"}, source="test")
    fixed = extract(rules)
    assert "Our partners at BrandCo" not in fixed.text
    assert [(a.name, a.role) for a in fixed.authors] == [("Jane Roe", "Registered Dietitian")]
    assert [r.doi for r in fixed.references] == ["10.1136/gutjnl-2019-1"]
    assert "doi:" not in fixed.text


@pytest.mark.parametrize(
    ("url", "expected"),
    [("https://gut.example/shop/fibre-gummies/", "skip:rule"), ("https://gut.example/page/3/", "article")],
)
def test_url_rules_skip_or_force_articles(url, expected):
    rules = parse_rules({"site": "gut.example", "skip_urls": ["^/shop/"], "article_urls": ["^/page/\\d+/$"]},
                        source="test")
    result = extract(rules, url=url)
    kind = result.reason if isinstance(result, Rejection) else result.kind
    assert kind == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [({"body": "div"}, "'site' is required"), ({"site": "a.b", "colour": "red"}, "unknown keys"),
     ({"site": "a.b", "body": "div[["}, "test.toml"), ({"site": "a.b", "skip_urls": ["(unclosed"]}, "test.toml")],
)
def test_bad_rules_fail_at_load_with_the_file_name(data, message):
    with pytest.raises(SiteRulesError, match=message):
        parse_rules(data, source="test.toml")


def test_load_site_rules_later_folders_win(tmp_path: Path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "x.toml").write_text('site = "www.Gut.example"\nbody = "main"\n')
    (second / "y.toml").write_text('site = "gut.example"\nbody = "article"\n')
    assert load_site_rules([first, second, tmp_path / "missing"])["gut.example"].body == "article"
