"""Re-crawl cost: a first crawl vs an unchanged re-crawl of the same site.

Generates a copy of the example site scaled to N articles, serves it from a separate
process over local HTTP, and in one invocation runs ``healtharchive crawl`` (as a
subprocess, into one fresh SQLite archive):

1. the first crawl (the baseline: everything downloaded, extracted, stored);
2. an unchanged re-crawl with the defaults (sitemap ``lastmod`` older than our last
   download skips the request; every other known page is asked for conditionally);
3. an unchanged re-crawl with ``--lastmod-trust-days 0`` (every known page asked for
   with If-None-Match / If-Modified-Since and answered 304).

Prints wall time, requests, bytes downloaded, 200/304 answers and peak memory of each,
and the re-crawls' speed-up and byte share against the first crawl. Run by hand:

    python bench/recrawl.py --articles 2000 [--workers 2] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crawl import PeakSampler, generate_site

REPO = Path(__file__).resolve().parents[1]


def run_crawl(base_url: str, db: Path, *extra: str) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "crawler.cli", "crawl", base_url, "--db", str(db), "--delay", "0",
           "--concurrency", "16", "--quiet", "--log-level", "ERROR", *extra]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True)
    sampler = PeakSampler(proc.pid)
    sampler.start()
    out, _ = proc.communicate()
    seconds = time.perf_counter() - started
    peak = sampler.stop()
    if proc.returncode != 0:
        raise SystemExit(f"crawl failed ({proc.returncode}):\n{out}")
    stats = last_run_stats(db)
    return {"seconds": seconds, "peak_mb": peak / 2**20, "requests": stats["requests"],
            "bytes": stats["bytes_downloaded"], "answered_200": stats.get("status/200", 0),
            "answered_304": stats.get("status/304", 0),
            "articles_new": stats.get("articles_new", 0),
            "articles_unchanged": stats.get("articles_unchanged", 0),
            "not_modified": stats.get("not_modified", 0)}


def last_run_stats(db: Path) -> dict[str, Any]:
    from sqlalchemy import select

    from storage.db import open_archive
    from storage.models import CrawlRun

    engine = open_archive(str(db))
    try:
        with engine.connect() as conn:
            return dict(conn.execute(select(CrawlRun.stats).order_by(CrawlRun.id.desc())).scalars().first())
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=None, help="extraction processes (default: cores)")
    parser.add_argument("--json", action="store_true", help="print figures as JSON")
    args = parser.parse_args()
    extra = ["--workers", str(args.workers)] if args.workers is not None else []
    with tempfile.TemporaryDirectory(prefix="ha-recrawl-") as tmp:
        site = Path(tmp) / "site"
        generate_site(args.articles, site)
        server = subprocess.Popen(
            [sys.executable, "-c", "import sys, time; from pathlib import Path; "
             "from crawler.serve import start_site_server; s, _ = start_site_server(Path(sys.argv[1])); "
             "print(s.base_url, flush=True); time.sleep(10**6)", str(site)],
            cwd=REPO, stdout=subprocess.PIPE, text=True)
        try:
            base_url = server.stdout.readline().strip() + "/"  # type: ignore[union-attr]
            db = Path(tmp) / "bench.db"
            runs = {
                "first crawl": run_crawl(base_url, db, *extra),
                "re-crawl (lastmod + conditional)": run_crawl(base_url, db, *extra),
                "re-crawl (all conditional, 304)": run_crawl(base_url, db, *extra,
                                                             "--lastmod-trust-days", "0"),
            }
        finally:
            server.terminate()
    first = runs["first crawl"]
    for run in runs.values():
        run["speedup_vs_first"] = first["seconds"] / run["seconds"]
        run["bytes_share_of_first"] = run["bytes"] / first["bytes"]
    if args.json:
        print(json.dumps({"articles_in_site": args.articles, "cores": os.cpu_count(), "runs": runs},
                         indent=2))
        return
    print(f"site: {args.articles} articles (+ listings), {os.cpu_count()} cores, one SQLite archive")
    print(f"{'run':<36}{'seconds':>8}{'requests':>9}{'MB':>8}{'200s':>6}{'304s':>6}{'new':>6}"
          f"{'same':>6}{'peak MB':>8}{'speed-up':>9}{'bytes':>8}")
    for name, run in runs.items():
        print(f"{name:<36}{run['seconds']:>8.1f}{run['requests']:>9}{run['bytes'] / 1e6:>8.2f}"
              f"{run['answered_200']:>6}{run['answered_304']:>6}{run['articles_new']:>6}"
              f"{run['articles_unchanged']:>6}{run['peak_mb']:>8.0f}{run['speedup_vs_first']:>8.1f}x"
              f"{run['bytes_share_of_first']:>7.1%}")


if __name__ == "__main__":
    main()
