"""Crawling the due sites of a sites file, one cron line for all of them.

Each due site is crawled in its own ``healtharchive crawl`` process (a Twisted reactor
runs once per process, and one site's failure never stops the others) while this
process holds the site's lock in the archive and keeps it alive.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select

from crawler.sites_file import SiteConfig
from storage.models import CrawlRun
from storage.schedule import acquire_lock, extend_lock, release_lock, schedule_states

HEARTBEAT_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class SiteOutcome:
    """What run-due did with one site: 'crawled', 'failed', 'not_due' or 'locked'."""

    name: str
    action: str
    run_id: int | None = None
    seconds: float = 0.0
    detail: str = ""


def crawl_command(site: SiteConfig, *, database_url: str, jobdir: Path | None) -> list[str]:
    """The ``healtharchive crawl`` command line that crawls one site."""
    command = [sys.executable, "-m", "crawler.cli", "crawl", *site.start_urls,
               "--db", database_url, "--site-name", site.name, "--quiet"]
    options: list[tuple[str, object | None]] = [
        ("--max-pages", site.max_pages), ("--delay", site.delay),
        ("--concurrency", site.concurrency), ("--timeout", site.timeout),
    ]
    for flag, value in options:
        if value is not None:
            command += [flag, str(value)]
    for folder in site.rules_dirs:
        command += ["--rules", str(folder)]
    for pattern in site.allow:
        command += ["--allow", pattern]
    for pattern in site.deny:
        command += ["--deny", pattern]
    if not site.obey_robots:
        command.append("--ignore-robots")
    if jobdir is not None:
        command += ["--jobdir", str(jobdir / site.name)]
    return command


def run_due(engine: Engine, sites: list[SiteConfig], *, database_url: str,
            lock_ttl: timedelta, jobdir: Path | None = None, force: bool = False,
            report: Callable[[SiteOutcome], None] = lambda outcome: None) -> list[SiteOutcome]:
    """Crawl every site whose interval has passed (all of them with ``force``), one
    after another; a site locked by another run is left to it."""
    outcomes = []
    states = schedule_states(engine, [site.name for site in sites])
    for site in sites:
        state = states[site.name]
        now = datetime.now(UTC)
        if not force and not state.is_due(site.interval, now):
            due_at = state.next_due_at(site.interval)
            outcome = SiteOutcome(site.name, "not_due", detail=f"next due {due_at:%Y-%m-%d %H:%M} UTC")
        elif not acquire_lock(engine, site.name, ttl=lock_ttl):
            current = schedule_states(engine, [site.name])[site.name]
            outcome = SiteOutcome(site.name, "locked", detail=f"being crawled by {current.locked_by}")
        else:
            outcome = _crawl_locked(engine, site, database_url=database_url, lock_ttl=lock_ttl,
                                    jobdir=jobdir)
        report(outcome)
        outcomes.append(outcome)
    return outcomes


def _crawl_locked(engine: Engine, site: SiteConfig, *, database_url: str, lock_ttl: timedelta,
                  jobdir: Path | None) -> SiteOutcome:
    started = time.monotonic()
    started_at = datetime.now(UTC)
    status, detail = "failed", ""
    try:
        process = subprocess.Popen(crawl_command(site, database_url=database_url, jobdir=jobdir),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        while True:
            try:
                _out, err = process.communicate(timeout=HEARTBEAT_SECONDS)
                break
            except subprocess.TimeoutExpired:
                extend_lock(engine, site.name, ttl=lock_ttl)
        if process.returncode == 0:
            status = "finished"
        else:
            lines = [line for line in err.splitlines() if line.strip()]
            detail = lines[-1] if lines else f"exit status {process.returncode}"
    finally:
        run_id = _last_run_id(engine, site.name, started_at)
        release_lock(engine, site.name, status=status, run_id=run_id)
    action = "crawled" if status == "finished" else "failed"
    return SiteOutcome(site.name, action, run_id, time.monotonic() - started, detail)


def _last_run_id(engine: Engine, name: str, since: datetime) -> int | None:
    with engine.connect() as conn:
        return conn.execute(
            select(CrawlRun.id)
            .where(CrawlRun.site_name == name, CrawlRun.started_at >= since)
            .order_by(CrawlRun.id.desc())
            .limit(1)
        ).scalar()
