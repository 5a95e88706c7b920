"""Distributed crawls on the command line: ``healtharchive crawl URL... --queue redis://...``
seeds a shared frontier and works on it; ``healtharchive worker --queue redis://...``
joins that crawl from any machine. Both exit once the frontier has stayed empty, with
nothing in flight anywhere, for ``--idle-seconds``."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import Any

from crawler.errors import UserError


def add_queue_options(parser: argparse.ArgumentParser) -> None:
    """The options of ``crawl`` that make it a distributed crawl (``--queue``...)."""
    parser.add_argument("--queue", metavar="REDIS_URL",
                        help="share the crawl's frontier in Redis (redis://HOST:PORT/DB) so that "
                        "'healtharchive worker' processes on other machines join it")
    _add_frontier_options(parser)


def _add_frontier_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--crawl-key", metavar="KEY",
                        help="the crawl's name in Redis (default: derived from the start URLs)")
    parser.add_argument("--idle-seconds", type=float, default=30, metavar="SECONDS",
                        help="exit once the frontier has been empty, with nothing in flight in "
                        "any worker, this long (default 30)")
    parser.add_argument("--heartbeat", type=float, default=10, metavar="SECONDS",
                        help="a worker silent this long is presumed dead: the requests it held "
                        "are crawled by another worker (default 10)")


def add_parser(sub: Any, *, crawl: argparse.ArgumentParser) -> None:
    """The ``worker`` command, and the distributed-crawl options of ``crawl``."""
    from crawler.cli import _add_db

    add_queue_options(crawl)
    worker = sub.add_parser(
        "worker", help="join a distributed crawl on a Redis frontier",
        description="Work on the crawl seeded by 'healtharchive crawl URL... --queue REDIS_URL': "
        "take requests from the shared frontier, archive what they fetch into --db (the same "
        "PostgreSQL archive as the other workers), exit once the frontier stays empty.")
    worker.add_argument("--queue", metavar="REDIS_URL", required=True,
                        help="the Redis of the crawl (redis://HOST:PORT/DB)")
    _add_db(worker)
    _add_frontier_options(worker)
    worker.add_argument("--workers", type=int, metavar="N",
                        help="extraction processes (default: one per core)")
    worker.add_argument("--wait", type=float, default=60, metavar="SECONDS",
                        help="how long to wait for the crawl to be seeded (default 60)")
    worker.add_argument("--log-level", default="WARNING",
                        choices=("DEBUG", "INFO", "WARNING", "ERROR"), help="log verbosity")
    worker.add_argument("--quiet", action="store_true", help="no progress line")
    worker.set_defaults(handler=cmd_worker)


def crawl_on_queue(args: argparse.Namespace, options: Any) -> int:
    """``crawl --queue``: record the crawl in Redis (or join it if it is there), then work."""
    from crawler.cli import _run_and_report
    from crawler.distributed import CrawlConfig, FrontierOptions, check_crawl_key, seed_crawl
    from crawler.frontier import CrawlKeys, crawl_key_for
    from storage.db import open_archive
    from storage.writer import ArchiveWriter

    if options.jobdir is not None:
        raise UserError("--jobdir and --queue exclude each other: the frontier lives in Redis")
    server = _connect(args.queue)
    key = _checked(check_crawl_key, args.crawl_key) if args.crawl_key else crawl_key_for(options.start_urls)
    config = CrawlConfig(
        start_urls=list(options.start_urls), allow=list(options.allow), deny=list(options.deny),
        max_pages=options.max_pages, obey_robots=options.obey_robots, delay=options.delay,
        concurrency=options.concurrency, timeout=options.timeout,
        settings={k: v for k, v in options.extra_settings.items() if k != "ARCHIVE_RULES_DIRS"})

    def start_run() -> int:
        writer = ArchiveWriter(open_archive(options.database_url))
        try:
            writer.mark_interrupted_runs()
            return writer.start_run(start_urls=list(options.start_urls), site_name=options.site_name)
        finally:
            writer.engine.dispose()

    run_id, resumed = seed_crawl(server, CrawlKeys(key), config, start_run=start_run)
    print(f"crawl {key} on {args.queue} (run {run_id}{', resumed' if resumed else ''}): join it "
          f"with  healtharchive worker --queue {args.queue} --crawl-key {key} --db ...",
          file=sys.stderr)
    frontier = FrontierOptions(redis_url=args.queue, crawl_key=key, run_id=run_id, seed=True,
                               idle_seconds=args.idle_seconds, heartbeat_seconds=args.heartbeat)
    return _run_and_report(dataclasses.replace(options, frontier=frontier), sys.stdout)


def cmd_worker(args: argparse.Namespace) -> int:
    from crawler.cli import _open_database, _run_and_report
    from crawler.distributed import FrontierOptions, check_crawl_key, find_crawl
    from crawler.runner import CrawlOptions

    server = _connect(args.queue)
    key = _checked(check_crawl_key, args.crawl_key) if args.crawl_key else None
    database_url = _open_database(args.db)
    key, config, run_id = _checked(lambda: find_crawl(server, key, wait_seconds=args.wait))
    frontier = FrontierOptions(redis_url=args.queue, crawl_key=key, run_id=run_id, seed=False,
                               idle_seconds=args.idle_seconds, heartbeat_seconds=args.heartbeat)
    options = CrawlOptions(
        start_urls=tuple(config.start_urls), database_url=database_url, max_pages=config.max_pages,
        workers=args.workers, delay=config.delay, concurrency=config.concurrency,
        timeout=config.timeout, progress_interval=0 if args.quiet else 5,
        log_level=args.log_level, obey_robots=config.obey_robots,
        allow=tuple(config.allow), deny=tuple(config.deny),
        extra_settings=dict(config.settings), frontier=frontier,
    )
    print(f"worker {frontier.worker} joins crawl {key} (run {run_id})", file=sys.stderr)
    return _run_and_report(options, sys.stdout)


def _connect(redis_url: str) -> Any:
    from crawler.distributed import connect

    return _checked(connect, redis_url)


def _checked(fn: Any, *args: Any) -> Any:
    from crawler.distributed import FrontierError

    try:
        return fn(*args)
    except FrontierError as exc:
        raise UserError(str(exc)) from exc
