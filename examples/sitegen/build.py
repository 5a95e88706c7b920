"""Assemble the whole site as {relative file path: text} and write it out."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

from . import assets, discovery, listings, pages
from .clinic import render_clinic
from .farm import render_farm
from .magazine import render_magazine
from .markup import links
from .model import Article, Site

RENDERERS: dict[str, Callable[[Site, Article], str]] = {
    "farm": render_farm,
    "clinic": render_clinic,
    "magazine": render_magazine,
}
STATIC_PAGES = ("about", "contact", "privacy")
MEMBERS_PAGE = "private/members-area"


def file_for(path: str) -> str:
    """'/articles/x/' -> 'articles/x/index.html'."""
    return f"{path.strip('/')}/index.html".lstrip("/")


def html_pages(site: Site) -> Iterable[tuple[str, str]]:
    """(URL path, HTML) for every page of the site."""
    yield "/", listings.render_home(site)
    yield from listings.render_categories(site)
    yield from listings.render_tags(site)
    for person in sorted(site.people.values(), key=lambda p: p.slug):
        yield person.path, listings.render_author(site, person)
    for article in site.articles:
        yield article.path, RENDERERS[article.template](site, article)
        if article.syndicated:
            yield pages.syndicated_path(article), pages.render_syndicated(site, article)
    yield "/glossary/", pages.render_glossary_index(site)
    for entry in site.glossary:
        yield entry.path, pages.render_glossary_entry(site, entry)
    for slug in (*STATIC_PAGES, MEMBERS_PAGE):
        yield site.pages[slug].path, pages.render_static(site, site.pages[slug])
    yield "/partners/", pages.render_partners(site)


def build_site(site: Site) -> tuple[dict[str, str], list[str]]:
    """All files of the site, and the URL paths of its HTML pages."""
    files: dict[str, str] = {}
    paths: list[str] = []
    for path, html in html_pages(site):
        if file_for(path) in files:
            raise ValueError(f"two pages at {path}")
        files[file_for(path)] = html
        paths.append(path)
    listed_pages = ["/", "/glossary/", "/about/", "/contact/", "/privacy/", "/partners/"]
    listed_pages += [c.path for c in site.categories] + [p.path for p in site.people.values()]
    listed_pages += [g.path for g in site.glossary]
    files.update(discovery.sitemaps(site, listed_pages))
    files["robots.txt"] = discovery.robots_txt(site)
    files["feed.xml"] = discovery.feed_xml(site)
    files["_redirects"] = discovery.redirects_file(site)
    files["_site.json"] = discovery.site_json(site)
    files.update(assets.asset_files(site))
    check_discovery(site)
    return files, sorted(paths)


def check_discovery(site: Site) -> None:
    """The discovery test cases must hold: fail loudly if content edits broke one."""
    feed = {a.slug for a in discovery.feed_articles(site)}
    for article in site.articles:
        if article.visibility == "feed_only" and article.slug not in feed:
            raise ValueError(f"{article.slug} is feed-only but too old to be in the feed")
    hidden = {a.path for a in site.articles if not a.is_listed}
    for article in site.articles:
        for block in article.blocks():
            for href in links(block.text) + [h for item in block.items for h in links(item)]:
                if href.split("?")[0] in hidden:
                    raise ValueError(f"{article.slug} links hidden article {href}")


def write_site(files: dict[str, str], out: Path) -> None:
    """Replace ``out`` with the site. Refuses a non-empty directory that is not a
    previously generated site (no ``_site.json``), so a typo cannot wipe a folder."""
    if out.exists() and any(out.iterdir()):
        if not (out / "_site.json").is_file():
            raise SystemExit(f"refusing to overwrite {out}: not empty and not a generated site")
        shutil.rmtree(out)
    for name in sorted(files):
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(files[name], encoding="utf-8", newline="\n")
