"""``healtharchive demo``: serve the bundled example site on 127.0.0.1, crawl it with
the same code path as ``crawl`` and print what was archived."""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path
from typing import Any, TextIO

from crawler.cli import _add_db, _open_database, _run_and_report
from crawler.errors import UserError


def add_parser(sub: Any) -> None:
    demo = sub.add_parser("demo", help="serve the bundled example site and crawl it",
                          description="Serve examples/site/ on 127.0.0.1, crawl it with the same code "
                          "path as 'crawl' into the archive, and print what was archived.")
    _add_db(demo)
    demo.add_argument("--site-dir", type=Path, help="site folder to serve (default: examples/site)")
    demo.add_argument("--workers", type=int, help="extraction processes (default: one per core)")
    demo.set_defaults(handler=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    from crawler.runner import CrawlOptions
    from crawler.serve import start_site_server

    site_dir = _find_site_dir(args.site_dir)
    database_url = _open_database(args.db)
    server, _ = start_site_server(site_dir, port=_free_preferred_port(8377))
    print(f"serving {site_dir} at {server.base_url}/", file=sys.stderr)
    options = CrawlOptions(start_urls=(f"{server.base_url}/",), database_url=database_url,
                           workers=args.workers, delay=0.0, concurrency=8, progress_interval=2)
    try:
        status = _run_and_report(options, sys.stdout)
    finally:
        server.shutdown()
    _print_archive_table(database_url, site="127.0.0.1", out=sys.stdout)
    return status


def _find_site_dir(given: Path | None) -> Path:
    candidates = [given] if given else [
        Path.cwd() / "examples" / "site", Path(__file__).resolve().parents[1] / "examples" / "site"]
    for path in candidates:
        if path and (path / "index.html").is_file():
            return path
    raise UserError("example site not found: run from the healtharchive source folder or pass --site-dir")


def _free_preferred_port(preferred: int) -> int:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", preferred))
        except OSError:
            return 0
    return preferred


def _print_archive_table(database_url: str, *, site: str, out: TextIO) -> None:
    from storage.db import open_archive
    from storage.queries import archive_summary

    engine = open_archive(database_url)
    rows = [r for r in archive_summary(engine) if r.get("site", site) == site]
    engine.dispose()
    print(f"\narchived {len(rows)} pages:", file=out)
    print(f"{'kind':<9}{'published':<12}{'refs':>5}  {'authors':<28}title", file=out)
    for row in rows:
        authors = (row.get("authors") or "")[:26]
        print(f"{row.get('kind', ''):<9}{str(row.get('published') or '-')[:10]:<12}"
              f"{row.get('reference_count', 0):>5}  {authors:<28}{(row.get('title') or '')[:60]}", file=out)
