"""``healtharchive reprocess``: re-extract stored pages with no network."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from crawler.cli import _add_db, _engine, _load_rules, _rules_dir
from crawler.errors import UserError
from crawler.settings import ARCHIVE_RULES_DIRS


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "reprocess", help="re-run extraction over stored pages (no network), updating in place",
        description="Re-run extraction and normalisation over the raw pages the archive keeps "
        "(the last download of each URL), with no network. The current version of each article "
        "is updated in place (a page that did not change gets no new version), pages that are "
        "articles for the first time are archived, and what changed is reported.")
    _add_db(parser)
    parser.add_argument("--site", action="append", metavar="HOST",
                        help="only pages of this site (host, with or without www.; repeatable)")
    parser.add_argument("--since", metavar="DATE",
                        help="only pages downloaded on or after DATE (YYYY-MM-DD or ISO timestamp)")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="extraction processes (default: one per core; 0: in this process)")
    parser.add_argument("--rules", type=Path, action="append", metavar="DIR",
                        help="folder of per-site rules (*.toml) to apply; repeatable")
    parser.add_argument("--verbose", action="store_true",
                        help="one line per page that changed, with the fields that changed")
    parser.set_defaults(handler=cmd_reprocess)


def parse_since(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise UserError(f"--since: not a date: {value!r} (use YYYY-MM-DD)") from exc
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def cmd_reprocess(args: argparse.Namespace) -> int:
    from crawler.reprocess import reprocess_archive
    from pipelines.scrapy_adapters import default_workers
    from storage.db import open_archive
    from storage.writer import ArchiveWriter

    since = parse_since(args.since) if args.since else None
    _load_rules(args.rules or [])  # a broken rules file fails now, in one line
    hosts = [h.strip().lower().removeprefix("www.") for h in args.site or []] or None
    rules = [*map(Path, ARCHIVE_RULES_DIRS), *(_rules_dir(d) for d in args.rules or [])]
    engine = _engine(args.db, open_archive)
    writer = ArchiveWriter(engine)
    workers = default_workers() if args.workers is None else args.workers

    def report(outcome) -> None:
        if args.verbose and outcome.kind in ("refreshed", "new", "rejected"):
            fields = f" ({', '.join(outcome.changed)})" if outcome.changed else ""
            print(f"{outcome.kind:<10} {outcome.url}{fields}")

    started = time.monotonic()
    try:
        summary = reprocess_archive(writer, hosts=hosts, since=since, workers=workers,
                                    rules_dirs=rules, report=report)
    finally:
        engine.dispose()
    kinds = summary.kinds
    print(f"reprocessed {summary.pages} stored pages in {time.monotonic() - started:.1f}s "
          f"(run {summary.run_id}): {kinds['refreshed']} articles updated in place, "
          f"{kinds['new']} new articles, {kinds['unchanged']} unchanged, "
          f"{kinds['rejected']} no longer extracted as articles (kept), "
          f"{kinds['not_article']} other pages")
    if summary.fields:
        print("fields changed: " + ", ".join(f"{name} {count}"
                                            for name, count in summary.fields.most_common()))
    if summary.pages == 0:
        print("no stored pages matched", file=sys.stderr)
    return 0
