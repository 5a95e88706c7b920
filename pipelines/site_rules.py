"""Per-site overrides: small declarative rules, one TOML file per site.

The generic path must work on an unknown site; a rules file only corrects it. Every
key is optional:

    site = "example-clinic.com"             # host without 'www.'
    body = "div.entry-content"              # CSS selector of the article body container
    remove = [".promo-strip", "#sticky"]    # CSS selectors removed before extraction
    byline = ".byline, .author-card"        # where the bylines and author boxes are
    references = "#sources"                 # the reference list container
    article_urls = ['^/blog/\\d{4}/']       # URL path regexes that are articles
    skip_urls = ['^/shop/']                 # URL path regexes never archived

Files live in ``crawler/site_rules/`` (shipped) and any folder given with ``--rules``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lxml.cssselect import CSSSelector

from pipelines.dom import HtmlElement

KNOWN_KEYS = frozenset({"site", "body", "remove", "byline", "references", "article_urls", "skip_urls"})


class SiteRulesError(ValueError):
    """A rules file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class SiteRules:
    site: str
    body: str | None = None
    remove: tuple[str, ...] = ()
    byline: str | None = None
    references: str | None = None
    article_urls: tuple[str, ...] = ()
    skip_urls: tuple[str, ...] = ()

    @cached_property
    def _article_patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in self.article_urls)

    @cached_property
    def _skip_patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in self.skip_urls)

    def url_verdict(self, url: str) -> str | None:
        """'skip', 'article' or None (no rule says) for a page URL."""
        path = urlsplit(url).path or "/"
        if any(p.search(path) for p in self._skip_patterns):
            return "skip"
        if any(p.search(path) for p in self._article_patterns):
            return "article"
        return None


def select(doc: HtmlElement, selector: str | None) -> list[HtmlElement]:
    return CSSSelector(selector)(doc) if selector else []


def apply_removals(doc: HtmlElement, rules: SiteRules | None) -> None:
    for selector in rules.remove if rules else ():
        for el in CSSSelector(selector)(doc):
            if el.getparent() is not None:
                el.drop_tree()


def parse_rules(data: dict[str, Any], *, source: str) -> SiteRules:
    unknown = set(data) - KNOWN_KEYS
    if unknown:
        raise SiteRulesError(f"{source}: unknown keys {sorted(unknown)}")
    site = str(data.get("site") or "").lower().removeprefix("www.")
    if not site:
        raise SiteRulesError(f"{source}: 'site' is required")
    rules = SiteRules(
        site=site, body=data.get("body"), remove=tuple(data.get("remove", ())),
        byline=data.get("byline"), references=data.get("references"),
        article_urls=tuple(data.get("article_urls", ())), skip_urls=tuple(data.get("skip_urls", ())),
    )
    try:  # fail at load time, with the file's name, not on the thousandth page
        for selector in (rules.body, rules.byline, rules.references, *rules.remove):
            if selector:
                CSSSelector(selector)
        for pattern in (*rules.article_urls, *rules.skip_urls):
            re.compile(pattern)
    except Exception as exc:
        raise SiteRulesError(f"{source}: {exc}") from exc
    return rules


def load_site_rules(folders: Iterable[Path]) -> dict[str, SiteRules]:
    """Rules by site from every ``*.toml`` in the folders (later folders win)."""
    found: dict[str, SiteRules] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise SiteRulesError(f"{path}: {exc}") from exc
            rules = parse_rules(data, source=str(path))
            found[rules.site] = rules
    return found
