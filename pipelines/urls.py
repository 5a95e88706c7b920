"""URL normalisation: canonical URLs for the archive and the site key."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import safe_url_string

TRACKING_PARAM = re.compile(
    r"^(utm_\w+|fbclid|gclid|gclsrc|dclid|msclkid|mc_cid|mc_eid|_ga|_gl|igshid|yclid|"
    r"ref_src|oly_enc_id|oly_anon_id|vero_id|wickedid|__s|_hsenc|_hsmi|mkt_tok)$",
    re.IGNORECASE,
)
DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_url(url: str, *, base: str | None = None) -> str:
    """Absolute, lower-case scheme and host, default port and fragment dropped,
    tracking parameters removed, other parameters kept in their order."""
    if base:
        url = urljoin(base, url.strip())
    parts = urlsplit(safe_url_string(url.strip()))
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    netloc = host
    if parts.port and parts.port != DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{parts.port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query_pairs = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not TRACKING_PARAM.match(k)
    ]
    query = urlencode(query_pairs, doseq=True) if query_pairs else ""
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, query, ""))


def site_of(url: str) -> str:
    """Host name of the site, lower case, without a leading 'www.'."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def same_site(url_a: str, url_b: str) -> bool:
    return site_of(url_a) == site_of(url_b)


def absolute_url(href: str | None, base: str) -> str | None:
    """An absolute http(s) URL for a link, or None for mailto:, javascript: and the like."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    joined = urljoin(base, href)
    return joined if joined.startswith(("http://", "https://")) else None
