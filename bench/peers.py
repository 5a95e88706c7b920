"""The tools the quality benchmark compares, each as ``tool(body, url, fetched_at) -> record``
in the schema's shape, holding only the fields that tool produces (``TOOL_FIELDS``).

The peers come from the ``bench`` extra (``pip install -e '.[bench]'``). ``guarded`` runs a
tool with a time limit and turns any failure into an empty record plus an error code, so
one bad page never stops a run.
"""

from __future__ import annotations

import logging
import signal
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pipelines.process import process_page
from pipelines.records import FetchedPage, Rejection

Record = dict[str, Any]
Tool = Callable[[bytes, str | None, datetime], Record]

ALL_FIELDS = frozenset([
    "text", "title", "published", "updated", "category", "language", "tags", "kind", "authors",
    "authors.role", "authors.bio", "authors.relation", "sections", "references",
    "affiliate_links", "flags",
])
TOOL_FIELDS: dict[str, frozenset[str]] = {
    "healtharchive": ALL_FIELDS,
    "trafilatura": frozenset(["text", "title", "published", "category", "tags", "authors"]),
    "htmldate": frozenset(["published", "updated"]),
    "news-please": frozenset(["text", "title", "authors", "published", "updated", "language"]),
}


class TimedOut(BaseException):
    """Raised by the alarm; a BaseException so a tool's ``except Exception`` cannot hide it."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """SIGALRM-based limit: main thread of a process only (as in a pool worker)."""
    def expire(signum: int, frame: Any) -> None:
        raise TimedOut(f"over {seconds:g}s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def guarded(tool: Tool, body: bytes, url: str | None, fetched_at: datetime, *,
            timeout: float) -> tuple[Record, float, str | None]:
    """(record, ms, error code): an empty record and ``timeout`` / the exception's class
    name when the tool fails on this page."""
    start = time.perf_counter()
    try:
        with time_limit(timeout):
            record = tool(body, url, fetched_at)
        error = None
    except TimedOut:
        record, error = {}, "timeout"
    except Exception as exc:
        record, error = {}, type(exc).__name__
    return record, (time.perf_counter() - start) * 1000, error


def quiet() -> None:
    """Peers log and warn freely on odd pages; the benchmark counts failures itself."""
    logging.disable(logging.CRITICAL)
    warnings.filterwarnings("ignore")


def decode(body: bytes) -> str:
    return body.decode("utf-8", errors="replace")


# -- healtharchive -----------------------------------------------------------------------

def run_healtharchive(body: bytes, url: str | None, fetched_at: datetime) -> Record:
    result = process_page(FetchedPage(url=url or "", body=body, fetched_at=fetched_at))
    if isinstance(result, Rejection):
        if result.reason == "extract:error":
            raise RuntimeError(result.detail)
        return {"rejected": result.reason}
    return result.to_record()


def healtharchive_text(body: bytes, url: str, fetched_at: datetime) -> tuple[str, str]:
    """(body text, outcome) for the Zyte run. For a page it rejects (``skip:*``), the text
    it would have archived: the blocks its extraction kept, rendered as for an article.
    When the URL alone decided the rejection (a home or listing path), the page is
    extracted again under a neutral article path on the same host."""
    from pipelines.body import render_text
    from pipelines.extract import extract_page
    from pipelines.records import ExtractedPage

    page = FetchedPage(url=url, body=body, fetched_at=fetched_at)
    result = process_page(page)
    if not isinstance(result, Rejection):
        return result.text, "archived"
    extracted = extract_page(page)
    if isinstance(extracted, Rejection) and extracted.reason.startswith("skip:"):
        parts = urlsplit(url)
        neutral = urlunsplit((parts.scheme or "https", parts.netloc or "example.invalid",
                              "/healtharchive-bench/article", "", ""))
        extracted = extract_page(FetchedPage(url=neutral, body=body, fetched_at=fetched_at))
    text = render_text(list(extracted.blocks)) if isinstance(extracted, ExtractedPage) else ""
    return text, f"rejected:{result.reason}"


# -- peers -------------------------------------------------------------------------------

def date_config(fetched_at: datetime) -> dict[str, Any]:
    return {"original_date": True, "extensive_search": True,
            "max_date": fetched_at.strftime("%Y-%m-%d")}


def run_trafilatura(body: bytes, url: str | None, fetched_at: datetime) -> Record:
    import trafilatura

    html = decode(body)
    text = trafilatura.extract(html, url=url, include_comments=False) or ""
    meta = trafilatura.extract_metadata(html, default_url=url, date_config=date_config(fetched_at))
    names = [n.strip() for n in (meta.author or "").split(";") if n.strip()]
    return {"text": text, "title": meta.title, "published": meta.date,
            "category": (meta.categories or [None])[0], "tags": list(meta.tags or []),
            "authors": [{"name": n} for n in names]}


def run_htmldate(body: bytes, url: str | None, fetched_at: datetime) -> Record:
    from htmldate import find_date

    html = decode(body)
    config = date_config(fetched_at)
    published = find_date(html, url=url, **config)
    updated = find_date(html, url=url, **{**config, "original_date": False})
    return {"published": published, "updated": updated}


def news_please_date(value: Any) -> str | None:
    """news-please drops the offset: a midnight value is taken as a day."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if (value.hour, value.minute, value.second) == (0, 0, 0):
        return value.strftime("%Y-%m-%d")
    return value.isoformat()


def run_news_please(body: bytes, url: str | None, fetched_at: datetime) -> Record:
    from newsplease import NewsPlease

    article = NewsPlease.from_html(decode(body), url=url, fetch_images=False)
    if article is None:
        raise ValueError("news-please returned no article")
    return {"text": article.maintext or "", "title": article.title,
            "authors": [{"name": n} for n in article.authors or []],
            "published": news_please_date(article.date_publish),
            "updated": news_please_date(article.date_modify), "language": article.language}


TOOLS: dict[str, Tool] = {
    "healtharchive": run_healtharchive,
    "trafilatura": run_trafilatura,
    "htmldate": run_htmldate,
    "news-please": run_news_please,
}


# -- extraction cost -----------------------------------------------------------------

def time_process_page(body: bytes, url: str, fetched_at: datetime) -> float:
    start = time.perf_counter()
    process_page(FetchedPage(url=url, body=body, fetched_at=fetched_at))
    return (time.perf_counter() - start) * 1000


def time_bare_trafilatura(body: bytes, url: str) -> float:
    """Plain trafilatura's full extraction (text and metadata) from the same bytes,
    decoding included, as ``bench/crawl.py``'s baseline."""
    import trafilatura

    start = time.perf_counter()
    trafilatura.bare_extraction(decode(body), url=url, with_metadata=True)
    return (time.perf_counter() - start) * 1000
