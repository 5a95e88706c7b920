"""``healtharchive schedule``: crawl the sites of a sites file when they are due.

    healtharchive schedule list --sites sites.toml
    healtharchive schedule run-due --sites sites.toml      # from cron, every few minutes
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler.cli import _add_db, _open_database
from crawler.errors import UserError
from crawler.schedule import SiteOutcome, run_due
from crawler.sites_file import SiteConfig, SitesFileError, load_sites


def add_parser(sub: argparse._SubParsersAction) -> None:
    schedule = sub.add_parser(
        "schedule", help="crawl the sites of a sites file when their interval has passed",
        description="Scheduled crawls: a sites file (TOML) names each site's start URLs, crawl "
        "rules and interval; 'run-due' (one cron line for every site) crawls the sites that are "
        "due, each under a lock in the archive so that two runs never crawl one site at once.")
    actions = schedule.add_subparsers(title="actions", metavar="ACTION")
    run = actions.add_parser("run-due", help="crawl every site whose interval has passed",
                             description="Crawl every due site, one after another, each in its own "
                             "crawl process; print one line per site.")
    _add_common(run)
    run.add_argument("--force", action="store_true", help="crawl every site now, due or not")
    run.add_argument("--lock-ttl", type=float, default=6.0, metavar="HOURS",
                     help="how long a lock lasts without a heartbeat (default 6 hours)")
    run.add_argument("--jobdir", type=Path, metavar="DIR",
                     help="keep each site's crawl queue in DIR/NAME (resume after a kill)")
    run.set_defaults(handler=cmd_run_due)
    listing = actions.add_parser("list", help="show each site, its last run and when it is due")
    _add_common(listing)
    listing.set_defaults(handler=cmd_list)
    schedule.set_defaults(handler=lambda args: schedule.print_help() or 2)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sites", type=Path, required=True, metavar="FILE",
                        help="the sites file (TOML)")
    _add_db(parser)


def _load(path: Path) -> list[SiteConfig]:
    try:
        return load_sites(path)
    except SitesFileError as exc:
        raise UserError(str(exc)) from exc


def cmd_run_due(args: argparse.Namespace) -> int:
    from storage.db import open_archive

    sites = _load(args.sites)
    database_url = _open_database(args.db)
    engine = open_archive(database_url)
    try:
        outcomes = run_due(engine, sites, database_url=database_url,
                           lock_ttl=timedelta(hours=args.lock_ttl), jobdir=args.jobdir,
                           force=args.force, report=_print_outcome)
    finally:
        engine.dispose()
    return 1 if any(o.action == "failed" for o in outcomes) else 0


def _print_outcome(outcome: SiteOutcome) -> None:
    if outcome.action in ("crawled", "failed"):
        line = f"{outcome.name}: {outcome.action} in {outcome.seconds:.1f}s (run {outcome.run_id})"
        print(line + (f": {outcome.detail}" if outcome.detail else ""), flush=True)
    else:
        print(f"{outcome.name}: {outcome.action.replace('_', ' ')} ({outcome.detail})", flush=True)


def cmd_list(args: argparse.Namespace) -> int:
    from storage.db import open_archive
    from storage.schedule import schedule_states

    sites = _load(args.sites)
    engine = open_archive(_open_database(args.db))
    try:
        states = schedule_states(engine, [site.name for site in sites])
    finally:
        engine.dispose()
    now = datetime.now(UTC)
    print(f"{'site':<24}{'interval':>10}  {'last run':<18}{'status':<12}{'next due':<18}lock")
    for site in sites:
        state = states[site.name]
        due_at = state.next_due_at(site.interval)
        print(f"{site.name:<24}{_interval(site.interval):>10}  {_when(state.last_started_at):<18}"
              f"{state.last_status or '-':<12}"
              f"{'now' if due_at is None or due_at <= now else _when(due_at):<18}"
              f"{state.locked_by or '-'}")
    return 0


def _when(value: datetime | None) -> str:
    return "-" if value is None else f"{value:%Y-%m-%d %H:%M}"


def _interval(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
