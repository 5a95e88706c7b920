"""Discovery files: robots.txt, the sitemap index and its two sitemaps, the RSS
feed, the _redirects table and _site.json."""

from __future__ import annotations

import json
from collections.abc import Sequence
from xml.sax.saxutils import escape as xml_escape

from .markup import rfc822
from .model import Article, Site

FEED_SIZE = 10


def robots_txt(site: Site) -> str:
    return f"""User-agent: *
Disallow: /private/

Sitemap: {site.origin}/sitemap.xml
"""


def sitemap_articles(site: Site) -> list[Article]:
    """Listed articles plus the sitemap-only one; never the feed-only one."""
    chosen = [a for a in site.articles if a.visibility in ("linked", "sitemap_only")]
    return sorted(chosen, key=lambda a: a.path)


def feed_articles(site: Site) -> list[Article]:
    """The newest dated articles, the feed-only one included, the sitemap-only one not."""
    dated = [a for a in site.articles if a.published and a.visibility in ("linked", "feed_only")]
    dated.sort(key=lambda a: (a.sort_date, a.slug), reverse=True)
    return dated[:FEED_SIZE]


def lastmod(article: Article) -> str | None:
    value = article.updated or article.published
    return value[:10] if value else None


def urlset(site: Site, entries: Sequence[tuple[str, str | None]]) -> str:
    rows = []
    for path, modified in entries:
        mod = f"\n    <lastmod>{modified}</lastmod>" if modified else ""
        rows.append(f"  <url>\n    <loc>{xml_escape(site.url(path))}</loc>{mod}\n  </url>")
    body = "\n".join(rows)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{body}
</urlset>
"""


def sitemaps(site: Site, page_paths: list[str]) -> dict[str, str]:
    """sitemap.xml (an index), sitemap-articles.xml and sitemap-pages.xml."""
    articles = [(a.path, lastmod(a)) for a in sitemap_articles(site)]
    newest = max(m for _, m in articles if m)
    pages = [(path, None) for path in sorted(page_paths)]
    index = f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap>
    <loc>{site.origin}/sitemap-articles.xml</loc>
    <lastmod>{newest}</lastmod>
  </sitemap>
  <sitemap>
    <loc>{site.origin}/sitemap-pages.xml</loc>
    <lastmod>{newest}</lastmod>
  </sitemap>
</sitemapindex>
"""
    return {
        "sitemap.xml": index,
        "sitemap-articles.xml": urlset(site, articles),
        "sitemap-pages.xml": urlset(site, pages),
    }


def feed_xml(site: Site) -> str:
    items = []
    chosen = feed_articles(site)
    for article in chosen:
        url = site.url(article.path)
        creators = " and ".join(site.people[s].display_name for s in article.authors)
        creator = f"\n      <dc:creator>{xml_escape(creators)}</dc:creator>" if creators else ""
        category = site.category(article.category).name
        items.append(f"""    <item>
      <title>{xml_escape(article.title)}</title>
      <link>{url}</link>
      <guid isPermaLink="true">{url}</guid>
      <pubDate>{rfc822(article.published or article.sort_date)}</pubDate>{creator}
      <category>{xml_escape(category)}</category>
      <description>{xml_escape(article.description)}</description>
    </item>""")
    build_date = rfc822(chosen[0].published or chosen[0].sort_date)
    body = "\n".join(items)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>{xml_escape(site.name)}</title>
    <link>{site.origin}/</link>
    <description>{xml_escape(site.tagline)}</description>
    <language>en</language>
    <lastBuildDate>{build_date}</lastBuildDate>
    <atom:link href="{site.origin}/feed.xml" rel="self" type="application/rss+xml"/>
{body}
  </channel>
</rss>
"""


def redirects(site: Site) -> dict[str, str]:
    return {old: a.path for a in site.articles for old in a.redirect_from}


def redirects_file(site: Site) -> str:
    lines = [f"{old} {new} 301" for old, new in sorted(redirects(site).items())]
    return "\n".join(lines) + "\n"


def site_json(site: Site) -> str:
    return json.dumps({"origin": site.origin, "name": site.name}, indent=2) + "\n"
