"""Affiliate and product links: known networks, Amazon with a tag, cloaked /go/ links."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from pipelines.dom import HtmlElement
from pipelines.urls import absolute_url, site_of

# Hosts of affiliate networks and link shorteners used for product links.
AFFILIATE_HOSTS = frozenset({
    "amzn.to", "amzn.com", "amzn.eu", "a.co", "shareasale.com", "shrsl.com", "awin1.com",
    "go.skimresources.com", "go.redirectingat.com", "click.linksynergy.com", "linksynergy.com",
    "rstyle.me", "shopstyle.it", "anrdoezrs.net", "dpbolvw.net", "jdoqocy.com", "kqzyfj.com",
    "tkqlhce.com", "emjcd.com", "qksrv.net", "prf.hn", "avantlink.com", "pntra.com",
    "gopjn.com", "pjtra.com", "hop.clickbank.net", "fave.co", "howl.me", "bit.ly/amzn",
    "clkuk.pvnsolutions.com", "tidd.ly", "ojrq.net", "sjv.io", "pxf.io", "evyy.net",
    "refersion.com", "partnerize.com", "geni.us", "target.georiot.com", "clickserve.dartsearch.net",
})
AFFILIATE_SUFFIXES = (".sjv.io", ".pxf.io", ".evyy.net", ".refersion.com", ".clickbank.net")
AMAZON_HOST = re.compile(r"(^|\.)amazon\.(com|ca|co\.uk|de|fr|es|it|in|com\.au|co\.jp|com\.mx|nl)$")
AFFILIATE_PARAMS = frozenset({"tag", "affid", "aff_id", "affiliate_id", "ref_id", "irclickid",
                              "clickid", "aff", "affiliate", "partner_id", "ascsubtag"})
CLOAKED_PATH = re.compile(r"^/(go|recommends|recommend|refer|out|visit|link|shop)/[^/]+", re.I)


def is_affiliate_url(url: str, *, page_url: str | None = None, rel: str = "") -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    if "sponsored" in rel.lower():
        return True
    if host in AFFILIATE_HOSTS or host.endswith(AFFILIATE_SUFFIXES):
        return True
    params = {k.lower() for k in parse_qs(parts.query)}
    if AMAZON_HOST.search(host):
        return bool(params & AFFILIATE_PARAMS) or bool(re.search(r"/(dp|gp/product)/", parts.path))
    if params & {"affid", "aff_id", "affiliate_id", "irclickid", "ascsubtag"}:
        return True
    return bool(page_url and site_of(url) == site_of(page_url) and CLOAKED_PATH.match(parts.path))


def find_affiliate_links(area: HtmlElement, *, base_url: str) -> list[str]:
    """Absolute affiliate URLs linked inside ``area``, in page order, each once."""
    found: list[str] = []
    for link in area.iter("a"):
        url = absolute_url(link.get("href"), base_url)
        if url and url not in found and is_affiliate_url(url, page_url=base_url,
                                                         rel=link.get("rel") or ""):
            found.append(url)
    return found
