"""``healtharchive search``: ranked full-text search with a highlighted snippet."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from typing import Any, TextIO

from crawler.cli import _add_db, _engine
from crawler.cli_filters import add_filter_arguments, positive_int, read_filters
from crawler.errors import UserError

BOLD, RESET = "\x1b[1m", "\x1b[0m"


def add_parser(sub: Any) -> None:
    search = sub.add_parser(
        "search", help="full-text search of the archived articles",
        description="Search the current version of every article (title, byline names, tags, "
        "text), best match first. Syntax: words are AND-ed and stemmed; \"a phrase\"; prefix*; "
        "a OR b (binds tighter than AND); -excluded; ( grouping ). See docs/querying.md.")
    search.add_argument("query", help="the search query (quote it in the shell)")
    _add_db(search)
    add_filter_arguments(search)
    search.add_argument("--limit", type=positive_int, default=20, help="most results (default 20)")
    search.add_argument("--format", choices=("table", "jsonl"), default="table",
                        help="table (default) or one JSON object per line")
    search.set_defaults(handler=cmd_search)


def cmd_search(args: argparse.Namespace) -> int:
    from storage.db import open_archive
    from storage.search import SearchQueryError, search_articles

    filters = read_filters(args)
    engine = _engine(args.db, open_archive)
    try:
        hits = search_articles(engine, args.query, filters=filters, limit=args.limit)
    except SearchQueryError as exc:
        raise UserError(f"bad search query: {exc}") from exc
    finally:
        engine.dispose()
    if args.format == "jsonl":
        for hit in hits:
            sys.stdout.write(json.dumps(hit.to_record(), ensure_ascii=False) + "\n")
    else:
        print_table(hits, sys.stdout, color=sys.stdout.isatty())
    if not hits:
        print("no matching articles", file=sys.stderr)
    return 0


def print_table(hits: list[Any], out: TextIO, *, color: bool) -> None:
    """Hits as numbered blocks: title, then site, date, authors and score, then the
    snippet (matches in bold on a terminal, in [brackets] otherwise)."""
    from storage.search import snippet_text

    width = max(60, min(shutil.get_terminal_size((100, 20)).columns, 140))
    for rank, hit in enumerate(hits, 1):
        authors = ", ".join(hit.authors) or "no byline"
        date = (hit.published or "undated")[:10]
        start, end = (BOLD, RESET) if color else ("[", "]")
        print(f"{rank:>3}. {_clean(hit.title)}", file=out)
        print(f"     {hit.site} · {date} · {_clean(authors)} · {hit.kind} · score {hit.score:.3f}",
              file=out)
        print(f"     {hit.url}", file=out)
        cleaned = [(_clean(text), matched) for text, matched in hit.snippet]
        snippet = snippet_text(cleaned, start=start, end=end)
        for line in _wrap(snippet, width - 5):
            print(f"     {line}", file=out)
        print(file=out)


def _clean(text: str) -> str:
    """Archived text without control characters (no terminal escapes from a page)."""
    return "".join(ch if ch.isprintable() else " " for ch in text)


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        visible = len(current.replace(BOLD, "").replace(RESET, ""))
        if current and visible + 1 + len(word.replace(BOLD, "").replace(RESET, "")) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines
