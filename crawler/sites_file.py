"""The sites file: every site healtharchive crawls on a schedule, as TOML.

    [defaults]                       # optional, applies to every site
    interval = "6h"
    delay = 1.0

    [sites.vitalwell]                # the site's name (used in locks and `runs`)
    start_urls = ["https://vitalwell.example/"]
    interval = "12h"                 # 90s, 30m, 6h, 1d, 2w, or a number of seconds
    rules = "rules"                  # folder of per-site extraction rules (*.toml)
    allow = ['^/articles/']          # crawl rules: URL path regexes to follow
    deny = ['^/shop/', '\\?page=']
    max_pages = 5000
    delay = 0.5                      # seconds between requests to the host
    concurrency = 2
    timeout = 30
    obey_robots = true

Relative paths are relative to the sites file. Every key but ``start_urls`` is
optional; ``interval`` defaults to 24 hours.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEFAULT_INTERVAL = timedelta(hours=24)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_SITE_KEYS = frozenset({"start_urls", "interval", "rules", "allow", "deny", "max_pages", "delay",
                        "concurrency", "timeout", "obey_robots"})


class SitesFileError(ValueError):
    """A sites file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """One site to crawl on a schedule, with its crawl rules."""

    name: str
    start_urls: tuple[str, ...]
    interval: timedelta = DEFAULT_INTERVAL
    rules_dirs: tuple[Path, ...] = ()
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    max_pages: int | None = None
    delay: float | None = None
    concurrency: int | None = None
    timeout: float | None = None
    obey_robots: bool = True


def parse_interval(value: Any) -> timedelta:
    """``"90s"``, ``"30m"``, ``"6h"``, ``"1d"``, ``"2w"``, ``"1h30m"`` or a number of seconds."""
    if isinstance(value, bool):
        raise ValueError(f"not an interval: {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        text = str(value).strip().lower().replace(" ", "")
        parts = re.findall(r"(\d+(?:\.\d+)?)([smhdw])", text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise ValueError(f"not an interval: {value!r} (use e.g. 30m, 6h, 1d)")
        seconds = sum(float(n) * _UNITS[u] for n, u in parts)
    if seconds < 0:
        raise ValueError(f"negative interval: {value!r}")
    return timedelta(seconds=seconds)


def load_sites(path: Path) -> list[SiteConfig]:
    """The sites of a sites file, in file order."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SitesFileError(f"cannot read {path}: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SitesFileError(f"{path}: not valid TOML: {exc}") from exc
    unknown = set(data) - {"defaults", "sites"}
    if unknown:
        raise SitesFileError(f"{path}: unknown top-level keys {sorted(unknown)} (use [defaults] "
                             "and [sites.NAME])")
    defaults = _table(data.get("defaults", {}), f"{path}: [defaults]")
    sites = _table(data.get("sites", {}), f"{path}: [sites]")
    if not sites:
        raise SitesFileError(f"{path}: no [sites.NAME] tables")
    return [_site(name, {**defaults, **_table(entry, f"{path}: [sites.{name}]")}, path)
            for name, entry in sites.items()]


def _site(name: str, entry: dict[str, Any], path: Path) -> SiteConfig:
    where = f"{path}: [sites.{name}]"
    if not _NAME.match(name):
        raise SitesFileError(f"{where}: a site name is letters, digits, '.', '_' or '-'")
    unknown = set(entry) - _SITE_KEYS
    if unknown:
        raise SitesFileError(f"{where}: unknown keys {sorted(unknown)}")
    urls = entry.get("start_urls")
    if isinstance(urls, str):
        urls = [urls]
    if not urls or not isinstance(urls, list):
        raise SitesFileError(f"{where}: start_urls must list at least one URL")
    for url in urls:
        parts = urlsplit(str(url))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SitesFileError(f"{where}: not an http(s) URL: {url!r}")
    try:
        interval = parse_interval(entry.get("interval", DEFAULT_INTERVAL.total_seconds()))
        allow = _regexes(entry.get("allow", []))
        deny = _regexes(entry.get("deny", []))
        rules = entry.get("rules", [])
        rules_dirs = tuple(_resolve(path, r) for r in ([rules] if isinstance(rules, str) else rules))
        return SiteConfig(
            name=name, start_urls=tuple(str(u) for u in urls), interval=interval,
            rules_dirs=rules_dirs, allow=allow, deny=deny,
            max_pages=_number(entry, "max_pages", int), delay=_number(entry, "delay", float),
            concurrency=_number(entry, "concurrency", int), timeout=_number(entry, "timeout", float),
            obey_robots=bool(entry.get("obey_robots", True)),
        )
    except (ValueError, TypeError, re.error) as exc:
        raise SitesFileError(f"{where}: {exc}") from exc


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SitesFileError(f"{where} must be a table")
    return value


def _regexes(value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else list(value)
    for item in items:
        re.compile(item)
    return tuple(items)


def _number(entry: dict[str, Any], key: str, kind: type) -> Any:
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"{key} must be a non-negative number, got {value!r}")
    return kind(value)


def _resolve(sites_file: Path, value: str) -> Path:
    folder = Path(value).expanduser()
    folder = folder if folder.is_absolute() else sites_file.parent / folder
    if not folder.is_dir():
        raise ValueError(f"rules folder {folder} does not exist")
    return folder
