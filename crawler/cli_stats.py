"""``healtharchive stats``: article counts by site, kind, category, month, author or
credential, as a table, with a bar chart PNG on request."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from crawler.cli import _add_db, _engine
from crawler.cli_filters import add_filter_arguments, positive_int, read_filters
from crawler.errors import UserError


def add_parser(sub: Any) -> None:
    from storage.stats import DIMENSIONS

    stats = sub.add_parser(
        "stats", help="count archived articles by site, kind, month, author...",
        description="Counts of archived articles (current versions). 'author' and 'credential' "
        "count the articles each author, or each author credential, appears on.")
    _add_db(stats)
    stats.add_argument("--by", choices=DIMENSIONS, default="site", help="what to count by (default site)")
    add_filter_arguments(stats)
    stats.add_argument("--limit", type=positive_int, help="only the largest N rows (month: the first N)")
    stats.add_argument("--plot", type=Path, metavar="FILE",
                       help="also save a bar chart as PNG (needs the plot extra: matplotlib)")
    stats.set_defaults(handler=cmd_stats)


def cmd_stats(args: argparse.Namespace) -> int:
    from storage.db import open_archive
    from storage.stats import PlotUnavailableError, count_articles, plot_counts

    filters = read_filters(args)
    if args.plot is not None and not args.plot.parent.is_dir():
        raise UserError(f"cannot write {args.plot}: directory {args.plot.parent} does not exist")
    engine = _engine(args.db, open_archive)
    try:
        rows = count_articles(engine, args.by, filters=filters, limit=args.limit)
    finally:
        engine.dispose()
    total = sum(count for _, count in rows)
    width = max([len(args.by), *(len(key) for key, _ in rows)])
    print(f"{args.by:<{width}}  {'articles':>8}  {'share':>6}")
    for key, count in rows:
        print(f"{key:<{width}}  {count:>8}  {count / total:>6.1%}")
    if args.plot is not None:
        if not rows:
            raise UserError("nothing to plot: no articles match")
        try:
            plot_counts(rows, args.plot, title=f"Archived articles by {args.by}")
        except PlotUnavailableError as exc:
            raise UserError(str(exc)) from exc
        except OSError as exc:
            raise UserError(f"cannot write {args.plot}: {exc.strerror or exc}") from exc
        print(f"plot saved to {args.plot}", file=sys.stderr)
    return 0
