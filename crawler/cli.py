"""The ``healtharchive`` command line: a thin layer over the crawler, the pipelines and
the storage packages. Errors a user can fix print one line and exit with status 2."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from crawler import __version__
from crawler.cli_dedupe import add_parser as add_dedupe_parser
from crawler.errors import UserError
from crawler.settings import ARCHIVE_RULES_DIRS

EXIT_USAGE = 2
__all__ = ["UserError", "build_parser", "main"]


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.handler(args) or 0)
    except UserError as exc:
        print(f"healtharchive: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("healtharchive: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="healtharchive",
        description="Crawl health and wellness sites into a relational archive of their articles.",
    )
    parser.add_argument("--version", action="version", version=f"healtharchive {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    crawl = sub.add_parser("crawl", help="crawl sites into the archive",
                           description="Crawl the given sites (scope: the start URLs' hosts, port "
                           "included) and archive every article and glossary page found.")
    crawl.add_argument("urls", nargs="+", metavar="URL", help="start URL(s) of the site(s)")
    _add_db(crawl)
    _add_crawl_options(crawl)
    crawl.set_defaults(handler=cmd_crawl)

    from crawler import cli_demo, cli_extract, cli_reprocess, cli_schedule, cli_worker
    from crawler.cli_query import add_parsers  # search, export, stats, browse

    cli_extract.add_parser(sub)
    cli_demo.add_parser(sub)
    boilerplate = sub.add_parser("boilerplate", help="show the boilerplate learned per site",
                                 description="Paragraphs that recur across many articles of a site, "
                                 "learned from the archive and removed from article text.")
    _add_db(boilerplate)
    boilerplate.add_argument("--site", help="only this site (host without www.)")
    boilerplate.set_defaults(handler=cmd_boilerplate)

    runs = sub.add_parser("runs", help="list past crawl runs with their stats")
    _add_db(runs)
    runs.add_argument("--limit", type=int, default=20, help="how many runs (newest first)")
    runs.add_argument("--site", metavar="NAME", help="only the runs of this sites-file entry")
    runs.set_defaults(handler=cmd_runs)

    add_parsers(sub)
    cli_worker.add_parser(sub, crawl=crawl)
    cli_reprocess.add_parser(sub)
    cli_schedule.add_parser(sub)
    add_dedupe_parser(sub, _add_db, UserError)
    return parser


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="DB", help="SQLAlchemy URL or SQLite file path (default: "
                        "$HEALTHARCHIVE_DB or ./healtharchive.db)")


def _add_crawl_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-pages", type=int, metavar="N", help="stop after N HTML pages")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="extraction processes (default: one per core; 0: in the crawler process)")
    parser.add_argument("--delay", type=float, metavar="SECONDS",
                        help="minimum delay between requests to one host (default 0.25, AutoThrottle "
                        "adapting above it; 0 turns throttling off: only for sites you own)")
    parser.add_argument("--concurrency", type=int, metavar="N", help="parallel requests per host (default 4)")
    parser.add_argument("--timeout", type=float, metavar="SECONDS", help="download timeout (default 30)")
    parser.add_argument("--max-size", type=int, metavar="BYTES",
                        help="largest response body accepted (default 10 MB); larger ones are recorded as errors")
    parser.add_argument("--ignore-robots", action="store_true",
                        help="do not obey robots.txt (only for sites you own)")
    parser.add_argument("--log-level", default="WARNING",
                        choices=("DEBUG", "INFO", "WARNING", "ERROR"), help="log verbosity (default WARNING)")
    parser.add_argument("--quiet", action="store_true", help="no progress line")
    parser.add_argument("--rules", type=Path, action="append", metavar="DIR",
                        help="folder of per-site rules (*.toml) to apply; repeatable")
    parser.add_argument("--full", action="store_true",
                        help="download every page again (no conditional requests, no sitemap "
                        "lastmod skipping); unchanged content still makes no new version")
    parser.add_argument("--lastmod-trust-days", type=float, metavar="DAYS",
                        help="skip a page whose sitemap lastmod is older than our last download "
                        "if that download is younger than DAYS (default 30; 0: never skip)")
    parser.add_argument("--allow", action="append", default=[], metavar="REGEX",
                        help="only follow pages whose URL path matches (repeatable)")
    parser.add_argument("--deny", action="append", default=[], metavar="REGEX",
                        help="never follow pages whose URL path matches (repeatable)")
    parser.add_argument("--site-name", metavar="NAME", help=argparse.SUPPRESS)
    parser.add_argument("--jobdir", type=Path, metavar="DIR",
                        help="keep the crawl's queue in DIR so an interrupted crawl resumes "
                        "where it stopped (run the same command again)")
    parser.add_argument("--warc", metavar="DIR", help="also write every downloaded response as WARC "
                        "1.1 files (.warc.gz, 1 GB each) into DIR")


# -- commands -------------------------------------------------------------------------
def cmd_crawl(args: argparse.Namespace) -> int:
    from crawler.runner import CrawlOptions

    urls = [_check_start_url(u) for u in args.urls]
    _load_rules(args.rules or [])  # a broken rules file fails now, in one line
    database_url = _open_database(args.db)
    warc_dir = _warc_dir(args.warc) if args.warc else None
    _check_reachable(urls, timeout=args.timeout or 30)
    options = CrawlOptions(
        start_urls=tuple(urls), database_url=database_url, max_pages=args.max_pages,
        workers=args.workers, delay=args.delay, concurrency=args.concurrency, timeout=args.timeout,
        progress_interval=0 if args.quiet else 5, log_level=args.log_level,
        obey_robots=not args.ignore_robots, warc_dir=warc_dir,
        extra_settings=_crawl_settings(args), jobdir=args.jobdir,
        allow=tuple(_check_regexes(args.allow)), deny=tuple(_check_regexes(args.deny)),
        site_name=args.site_name,
    )
    if args.queue:
        from crawler.cli_worker import crawl_on_queue
        return crawl_on_queue(args, options)
    return _run_and_report(options, sys.stdout)


def _crawl_settings(args: argparse.Namespace) -> dict[str, Any]:
    """Scrapy settings of the crawl options that have no CrawlOptions field."""
    settings: dict[str, Any] = {
        "ARCHIVE_RULES_DIRS": [*ARCHIVE_RULES_DIRS, *(str(_rules_dir(d)) for d in args.rules or [])],
        "ARCHIVE_CONDITIONAL_FETCH": not args.full,
    }
    if args.max_size:
        settings["DOWNLOAD_MAXSIZE"] = args.max_size
    if args.lastmod_trust_days is not None:
        settings["ARCHIVE_LASTMOD_TRUST_DAYS"] = args.lastmod_trust_days
    return settings


def cmd_boilerplate(args: argparse.Namespace) -> int:
    from storage.boilerplate import boilerplate_report
    from storage.db import open_archive

    engine = _engine(args.db, open_archive)
    rows = boilerplate_report(engine, args.site)
    if not rows:
        print("no boilerplate learned yet")
    for row in rows:
        print(f"{row['host']:<28} {row['article_count']:>6} articles  {str(row['text'])[:90]}")
    return 0


def cmd_runs(args: argparse.Namespace) -> int:
    from storage.db import open_archive
    from storage.queries import list_runs

    engine = _engine(args.db, open_archive)
    runs = list_runs(engine, limit=args.limit, site_name=args.site)
    if not runs:
        print("no crawl runs yet")
        return 0
    print(f"{'run':>5}  {'site':<16}{'status':<12}{'started (UTC)':<17}{'duration':>9}  {'pages':>6}"
          f"{'304':>6}{'new':>6}{'upd':>6}{'same':>6}{'gone':>6}{'err':>6}")
    for run in runs:
        stats = run.get("stats") or {}
        started, finished = run.get("started_at"), run.get("finished_at")
        duration = f"{(finished - started).total_seconds():.1f}s" if started and finished else "-"
        counts = [stats.get(key, 0) for key in ("pages_fetched", "not_modified", "articles_new",
                                                "articles_updated", "articles_unchanged",
                                                "articles_gone", "errors")]
        print(f"{run['id']:>5}  {(run.get('site_name') or '-')[:15]:<16}{run.get('status', ''):<12}"
              f"{started:%Y-%m-%d %H:%M}  {duration:>9}  {counts[0]:>6}"
              + "".join(f"{c:>6}" for c in counts[1:]))
    return 0


# -- helpers --------------------------------------------------------------------------
def _run_and_report(options: Any, out: TextIO) -> int:
    from crawler.jobdir import JobDirBusy
    from crawler.runner import run_crawl

    started = time.monotonic()
    try:
        outcome = run_crawl(options)
    except JobDirBusy as exc:
        raise UserError(str(exc)) from exc
    elapsed = time.monotonic() - started
    print(format_summary(outcome, elapsed), file=out)
    if outcome.unreachable:
        raise UserError("cannot reach " + ", ".join(outcome.unreachable))
    return 0


def format_summary(outcome: Any, elapsed: float) -> str:
    stats = outcome.stats

    def breakdown(prefix: str) -> str:
        parts = sorted((k.split("/", 2)[2], v) for k, v in stats.items()
                       if k.startswith(f"healtharchive/{prefix}/"))
        return f"  ({', '.join(f'{k} {v}' for k, v in parts)})" if parts else ""

    lines = [
        f"crawl finished in {elapsed:.1f}s (run {outcome.run_id}, {outcome.finish_reason or 'done'})",
        f"  pages fetched:  {outcome.count('pages_fetched')}",
        f"  articles:       {outcome.count('articles_new')} new, {outcome.count('articles_updated')} updated, "
        f"{outcome.count('articles_unchanged')} unchanged, {outcome.count('articles_gone')} gone",
        f"  not modified:   {outcome.count('not_modified')} (answered 304 or older than the "
        "sitemap's lastmod: not downloaded again)",
        f"  skipped:        {outcome.count('skipped')} (non-articles, robots.txt){breakdown('skipped')}",
        f"  errors:         {outcome.count('errors')}{breakdown('errors')}",
        f"  downloaded:     {stats.get('downloader/request_count', 0)} requests, "
        f"{stats.get('downloader/response_bytes', 0) / 1e6:.2f} MB "
        f"({stats.get('downloader/response_status_count/200', 0)} answered 200, "
        f"{stats.get('downloader/response_status_count/304', 0)} answered 304)",
    ]
    return "\n".join(lines)


def _check_regexes(patterns: list[str]) -> list[str]:
    import re

    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise UserError(f"not a regular expression: {pattern!r} ({exc})") from exc
    return patterns


def _check_start_url(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(f"not an http(s) URL: {url!r}")
    return url.strip()


def _check_reachable(urls: list[str], *, timeout: float) -> None:
    from crawler.preflight import unreachable_reason
    from crawler.settings import USER_AGENT

    problems = [f"{url} ({why})" for url in urls
                if (why := unreachable_reason(url, timeout=timeout, user_agent=USER_AGENT))]
    if problems:
        raise UserError("cannot reach " + ", ".join(problems))


def _open_database(value: str | None) -> str:
    """Resolve and migrate the archive now, so a bad URL fails before any crawling."""
    from storage.db import open_archive, resolve_database_url

    url = resolve_database_url(value)
    _engine(url, open_archive).dispose()
    return url


def _engine(value: str | None, opener: Any) -> Any:
    from storage.db import ArchiveError

    try:
        return opener(value)
    except ArchiveError as exc:
        raise UserError(str(exc)) from exc


def _warc_dir(value: str) -> str:
    from crawler.warc import WarcDirError, prepare_warc_dir

    try:
        return str(prepare_warc_dir(value))
    except WarcDirError as exc:
        raise UserError(str(exc)) from exc


def _rules_dir(path: Path) -> Path:
    if not path.is_dir():
        raise UserError(f"rules folder not found: {path}")
    return path.resolve()


def _load_rules(folders: list[Path]) -> dict[str, Any]:
    from pipelines.site_rules import SiteRulesError, load_site_rules

    try:
        return load_site_rules([*map(Path, ARCHIVE_RULES_DIRS), *(_rules_dir(f) for f in folders)])
    except SiteRulesError as exc:
        raise UserError(str(exc)) from exc


if __name__ == "__main__":
    sys.exit(main())
