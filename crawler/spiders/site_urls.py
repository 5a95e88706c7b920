"""The URLs the site spider deals with: which hosts a crawl covers, which links are
never pages, crawl-rule patterns, the item links of a feed, and the bounded cache of
URLs already requested."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from lxml import etree

# Links to files that are never pages (images, media, archives, documents, assets).
NOT_A_PAGE = re.compile(
    r"\.(?:jpe?g|png|gif|webp|avif|svg|ico|bmp|tiff?|pdf|docx?|xlsx?|pptx?|odt|csv|zip|gz|tgz|"
    r"bz2|rar|7z|mp3|mp4|m4a|m4v|wav|avi|mov|wmv|webm|ogg|flac|css|js|json|woff2?|ttf|eot|otf|"
    r"exe|dmg|apk|iso|bin|ics|vcf)$", re.IGNORECASE)
SKIPPED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "ftp:", "sms:", "whatsapp:")
_WITH_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def scope_of(url: str) -> set[str]:
    """Netlocs in scope for a start URL: its host and port, with and without 'www.'."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = f":{parts.port}" if parts.port else ""
    bare = host[4:] if host.startswith("www.") else host
    return {f"{bare}{port}", f"www.{bare}{port}"}


def netloc_of(url: str) -> str:
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{(parts.hostname or '').lower()}{port}"


def link_url(base: str, href: str) -> str:
    """``href`` (stripped, not empty) joined to the page's ``base`` URL, without its
    fragment, as ``urljoin`` does. An href that does not depend on the base's path (one
    with a scheme, or starting with '/': most of a site's navigation, repeated on every
    page) is joined once per site, not once per link on every page (the last 16,384
    such links: about 5 MB, where a site's navigation needs a few hundred)."""
    if href[0] == "/" or _WITH_SCHEME.match(href):
        end = base.find("/", base.find("//") + 2)
        return _joined(base if end < 0 else base[:end], href)
    return urljoin(base, href).split("#", 1)[0]


@lru_cache(maxsize=1 << 14)
def _joined(origin: str, href: str) -> str:
    return urljoin(origin + "/", href).split("#", 1)[0]


class RecentUrls:
    """The last ``size`` URLs added (a set that forgets its oldest entries)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._urls: dict[str, None] = {}

    def __contains__(self, url: object) -> bool:
        return url in self._urls

    def __len__(self) -> int:
        return len(self._urls)

    def add(self, url: str) -> None:
        if url in self._urls:
            return
        self._urls[url] = None
        if len(self._urls) > self.size:
            del self._urls[next(iter(self._urls))]


def feed_links(body: bytes, *, base_url: str) -> list[str]:
    """Item links of an RSS 2.0, RSS 1.0/RDF or Atom feed."""
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(recover=True, resolve_entities=False,
                                                             no_network=True))
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    links = root.xpath("//*[local-name()='item']/*[local-name()='link']/text()")
    links += root.xpath("//*[local-name()='entry']/*[local-name()='link']"
                        "[not(@rel) or @rel='alternate']/@href")
    return [urljoin(base_url, link.strip()) for link in links if link.strip()]


def url_patterns(value: str | Iterable[str]) -> list[re.Pattern[str]]:
    """Regexes from a list or a comma-separated string (``scrapy crawl -a deny=...``)."""
    items = value.split(",") if isinstance(value, str) else list(value)
    return [re.compile(item.strip()) for item in items if item.strip()]
