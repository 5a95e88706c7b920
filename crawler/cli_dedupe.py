"""``healtharchive dedupe``: exact copies, near-duplicates and reused sentences."""

from __future__ import annotations

import argparse
import sys
from functools import partial
from typing import Any

# The defaults only: the report's code (numpy, datasketch) is imported when it runs.
from storage.dedupe_defaults import (
    DEFAULT_MIN_ARTICLES,
    DEFAULT_SCHEME,
    DEFAULT_THRESHOLD,
    PAIR_FLOOR,
)

HTML_LIMIT = 200


def add_parser(sub: Any, add_db: Any, user_error: type[Exception]) -> None:
    """Register the ``dedupe`` command on the CLI's subparsers; ``user_error`` is the
    CLI's ``UserError`` (the class of the running ``crawler.cli``, ``__main__`` or not)."""
    scheme = DEFAULT_SCHEME
    parser = sub.add_parser(
        "dedupe", help="report duplicate articles and reused sentences",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Group the live articles of the archive into clusters: exact copies (same "
        "normalised text), near-duplicates (MinHash LSH candidates verified by the Jaccard similarity "
        "of word shingles, merged transitively) and title duplicates; and rank the sentences reused "
        "across articles. Indexes what is not indexed yet first (incremental).",
        epilog=f"defaults: threshold {DEFAULT_THRESHOLD} (clusters rewrites of up to 30% of the "
        f"sentences, not different articles on one topic), {scheme.shingle_size}-word shingles, MinHash "
        f"with {scheme.num_perm} permutations, LSH {scheme.bands} bands x {scheme.rows} rows. Cluster "
        "similarity = the smallest pairwise Jaccard similarity between its texts.")
    parser.add_argument("--format", choices=("html", "json", "csv"), default="json", help="output format "
                        "(default json; csv: one row per cluster and article)")
    add_db(parser)
    parser.add_argument("--out", metavar="PATH", help="output file (default: standard output)")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD, metavar="T",
                        help=f"near-duplicate Jaccard threshold, {PAIR_FLOOR}-1.0 (default {DEFAULT_THRESHOLD})")
    parser.add_argument("--shingle-size", type=int, default=scheme.shingle_size, metavar="K",
                        help=f"words per shingle (default {scheme.shingle_size}, the stored index; another "
                        "size is computed from the texts for this report)")
    parser.add_argument("--site", help="only clusters with an article on this site (host without www.), "
                        "and sentences of its articles")
    parser.add_argument("--min-articles", type=int, default=DEFAULT_MIN_ARTICLES, metavar="N",
                        help=f"reused sentences: in at least N articles (default {DEFAULT_MIN_ARTICLES})")
    parser.add_argument("--limit", type=int, metavar="N",
                        help=f"at most N clusters, largest first (default: all; html {HTML_LIMIT})")
    parser.set_defaults(handler=partial(cmd_dedupe, user_error=user_error))


def cmd_dedupe(args: argparse.Namespace, *, user_error: type[Exception]) -> int:
    from storage.db import ArchiveError, open_archive
    from storage.dedupe_html import render_html
    from storage.dedupe_output import write_csv, write_json
    from storage.dedupe_report import DedupeOptions, ReportError, build_report, load_texts

    limit = args.limit if args.limit is not None else (HTML_LIMIT if args.format == "html" else None)
    options = DedupeOptions(threshold=args.threshold, shingle_size=args.shingle_size,
                            site=args.site, min_articles=args.min_articles, limit=limit)
    try:
        options.check()
    except ReportError as exc:
        raise user_error(str(exc)) from exc
    out = sys.stdout
    if args.out:
        try:
            out = open(args.out, "w", encoding="utf-8", newline="")  # noqa: SIM115
        except OSError as exc:
            raise user_error(f"cannot write {args.out}: {exc.strerror}") from exc
    try:
        engine = open_archive(args.db)
    except ArchiveError as exc:
        raise user_error(str(exc)) from exc
    try:
        report = build_report(engine, options)
        if args.format == "json":
            write_json(report, out)
        elif args.format == "csv":
            write_csv(report, out)
        else:
            pairs = [v for c in report.clusters for v in (c.most_different or ())]
            out.write(render_html(report, load_texts(engine, pairs)))
    finally:
        engine.dispose()
        if out is not sys.stdout:
            out.close()
    if args.out:
        counts = report.summary["clusters"]
        print(f"wrote {args.out}: {counts['exact']} exact, {counts['near']} near, {counts['title']} title "
              f"clusters, {len(report.reused)} reused sentences", file=sys.stderr)
    return 0
