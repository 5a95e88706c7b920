"""Scale: one machine's cores, two distributed workers, and memory on long crawls.

In one invocation, over a generated copy of the example site (``--articles``, at least
5,000) served by a separate process over local HTTP:

1. baseline: single-core plain trafilatura (``bare_extraction`` with metadata) over the
   same article pages, no fetching, no storage (pages/s); then healtharchive's own
   extraction and normalisation over them, single-core (its ceiling: cores x that);
   trafilatura without its fallback extractors (``fast=True``); then Scrapy alone
   fetching every page of the site, parsing and storing nothing
   (``bench/fetch_only.py``: CPU per page of the crawler and of the site server), and
   from these the ceiling of any Scrapy crawl of this site on these cores that
   extracts in each of those three ways and stores nothing;
2. ``healtharchive crawl --workers 1`` and ``--workers 2`` into fresh SQLite archives;
3. two distributed workers (``crawl --queue`` + ``worker``, one extraction process each)
   on Redis and a fresh PostgreSQL database;
4. the memory of one crawl (``--workers 2 --jobdir``) stopped at 10,000 and at 50,000
   pages (``--memory-pages``), of a generated site that big, sampled over time.

Memory is the whole process tree (crawler, forkserver, extraction processes), as PSS
(shared pages counted once, split between the processes sharing them) and as the plain
sum of RSS (counts pages shared by the forked extraction processes once per process).
Run by hand (needs Redis at 127.0.0.1:6379 and PostgreSQL at 127.0.0.1:5432):

    python bench/scale.py [--articles 5000] [--memory-pages 10000 50000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.crawl import article_files, generate_site, run_baseline, run_extraction  # noqa: E402
from pipelines.scrapy_adapters import default_workers  # noqa: E402

PAGES_PER_ARTICLE = 1.71  # a generated site has this many HTML pages per article
REDIS_URL = "redis://127.0.0.1:6379/0"
PG_ADMIN = os.environ.get("HEALTHARCHIVE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
IDLE_SECONDS = 2.0


def tree_pids(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            stack.extend(int(c) for c in
                         Path(f"/proc/{current}/task/{current}/children").read_text().split())
        except OSError:
            continue
    return found


def tree_memory(pids: list[int]) -> tuple[int, int]:
    """(PSS, RSS) in bytes of these processes and their descendants."""
    pss = rss = 0
    for root in pids:
        for pid in tree_pids(root):
            try:
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1]) * 1024
            except OSError:
                continue
    return pss, rss


class MemorySampler(threading.Thread):
    """Samples the memory of process trees every ``interval`` seconds: peak and timeline."""

    def __init__(self, pids: list[int], interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.pids, self.interval = pids, interval
        self.timeline: list[tuple[float, int, int]] = []
        self._done = threading.Event()

    def run(self) -> None:
        start = time.monotonic()
        while not self._done.is_set():
            pss, rss = tree_memory(self.pids)
            if pss or rss:
                self.timeline.append((time.monotonic() - start, pss, rss))
            time.sleep(self.interval)

    def stop(self) -> dict[str, Any]:
        self._done.set()
        self.join()
        return {"peak_pss_mb": max((p for _, p, _ in self.timeline), default=0) / 2**20,
                "peak_rss_mb": max((r for _, _, r in self.timeline), default=0) / 2**20,
                "timeline": self.timeline}


def run_fetch_only(base_url: str, site: Path, server_pid: int) -> dict[str, Any]:
    """Scrapy alone over every page of the served site (``bench/fetch_only.py``)."""
    out = subprocess.run([sys.executable, str(REPO / "bench" / "fetch_only.py"), base_url, str(site),
                          "--server-pid", str(server_pid)], cwd=REPO, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"fetch-only run failed ({out.returncode}):\n{out.stderr}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    if result["pages"] != result["requested"]:
        raise SystemExit(f"fetch-only run fetched {result['pages']} of {result['requested']} pages")
    return result


def fetch_floor_lines(fetched: dict[str, Any], pages_per_article: float, cores: int,
                      baseline_pps: float, extractions: dict[str, float]) -> list[str]:
    """What fetching alone costs per article, and the ceiling it leaves on ``cores``."""
    per_page = (fetched["crawler_cpu"] + fetched["server_cpu"]) / fetched["pages"]
    per_article = per_page * pages_per_article
    lines = [f"{'Scrapy alone: fetch every page, 1 process':<40}{fetched['pages']:>7.0f}{'':>7}"
             f"{fetched['seconds']:>8.1f}{fetched['pages'] / fetched['seconds']:>8.1f}",
             f"    CPU per page: crawler {1000 * fetched['crawler_cpu'] / fetched['pages']:.2f} ms + site server "
             f"{1000 * fetched['server_cpu'] / fetched['pages']:.2f} ms; {pages_per_article:.2f} pages per "
             f"article: {1000 * per_article:.2f} ms per article to fetch"]
    for name, pps in extractions.items():
        ceiling = cores / (per_article + 1 / pps)
        lines.append(f"    ceiling on {cores} cores of a Scrapy crawl that extracts with {name} and stores "
                     f"nothing: {ceiling:.1f} articles/s = {ceiling / baseline_pps:.2f}x the baseline")
    return lines


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", *args]


def summary_counts(out: str) -> tuple[int, int]:
    fetched = int(next(line.split(":")[1] for line in out.splitlines() if "pages fetched" in line))
    new = int(next(line.split(":")[1].split()[0] for line in out.splitlines() if "articles:" in line))
    return fetched, new


def run_single(base_url: str, db: Path, *, workers: int, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    cmd = cli("crawl", base_url, "--db", str(db), "--delay", "0", "--concurrency", "16", "--quiet",
              "--log-level", "ERROR", "--workers", str(workers), *extra)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True)
    sampler = MemorySampler([proc.pid])
    sampler.start()
    out, _ = proc.communicate()
    seconds = time.perf_counter() - started
    memory = sampler.stop()
    if proc.returncode != 0:
        raise SystemExit(f"crawl failed ({proc.returncode}):\n{out}")
    pages, articles = summary_counts(out)
    return {"pages": pages, "articles": articles, "seconds": seconds, **memory}


def run_distributed(base_url: str) -> dict[str, Any]:
    sys.path.insert(0, str(REPO / "tests" / "crawler"))
    from crawl_helpers import create_pg_database, drop_pg_database

    from storage.db import open_archive
    from storage.queries import list_runs

    db = create_pg_database("ha_bench")
    key = f"bench-{uuid.uuid4().hex[:8]}"
    common = ("--queue", REDIS_URL, "--crawl-key", key, "--db", db, "--idle-seconds", str(IDLE_SECONDS),
              "--workers", "1", "--quiet", "--log-level", "ERROR")
    try:
        started = time.perf_counter()
        seeder = subprocess.Popen(cli("crawl", base_url, "--delay", "0", "--concurrency", "16", *common),
                                  cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        worker = subprocess.Popen(cli("worker", *common), cwd=REPO, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True)
        sampler = MemorySampler([seeder.pid, worker.pid])
        sampler.start()
        outs = [seeder.communicate()[0], worker.communicate()[0]]
        seconds = time.perf_counter() - started - IDLE_SECONDS  # the final idle wait is not work
        memory = sampler.stop()
        if seeder.returncode or worker.returncode:
            raise SystemExit("distributed crawl failed:\n" + "\n".join(outs))
        engine = open_archive(db)
        stats = list_runs(engine, limit=1)[0]["stats"]
        engine.dispose()
    finally:
        drop_pg_database(db)
    shares = stats.get("workers", {})
    return {"pages": stats.get("pages_fetched", 0), "articles": stats.get("articles_new", 0),
            "seconds": seconds, "shares": shares, **memory}


def run_memory(pages: int, tmp: Path) -> dict[str, Any]:
    site = tmp / f"site-{pages}"
    generate_site(int(pages / PAGES_PER_ARTICLE) + 50, site)
    server = serve(site)
    try:
        base_url = server.stdout.readline().strip() + "/"  # type: ignore[union-attr]
        result = run_single(base_url, tmp / f"memory-{pages}.db", workers=2,
                            extra=("--max-pages", str(pages), "--jobdir", str(tmp / f"job-{pages}")))
    finally:
        server.terminate()
        server.wait()
    (tmp / f"memory-{pages}.db").unlink(missing_ok=True)
    subprocess.run(["rm", "-rf", str(site)], check=False)
    return result


def serve(site: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from crawler.serve import start_site_server; s, _ = start_site_server(Path(sys.argv[1])); "
         "print(s.base_url, flush=True); time.sleep(10**6)", str(site)],
        cwd=REPO, stdout=subprocess.PIPE, text=True)


def row(name: str, result: dict[str, Any], baseline_pps: float) -> str:
    """One line of the table: a crawl, or a single-core extraction (its pages are its
    articles; it has no PSS, only its peak RSS)."""
    pps = result["pages"] / result["seconds"]
    aps = result.get("articles", result["pages"]) / result["seconds"]
    pss = result.get("peak_pss_mb")
    return (f"{name:<40}{result['pages']:>7.0f}{result.get('articles', result['pages']):>7.0f}"
            f"{result['seconds']:>8.1f}{pps:>8.1f}{aps:>8.1f}{aps / baseline_pps:>7.2f}x"
            f"{'' if pss is None else f'{pss:.0f}':>8}"
            f"{result.get('peak_rss_mb', result.get('peak_mb', 0)):>8.0f}")


def timeline_line(timeline: list[tuple[float, int, int]], points: int = 10) -> str:
    if not timeline:
        return "-"
    step = max(1, len(timeline) // points)
    picked = timeline[::step] + ([timeline[-1]] if (len(timeline) - 1) % step else [])
    return "  ".join(f"{t:.0f}s:{p / 2**20:.0f}" for t, p, _ in picked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--memory-pages", type=int, nargs="*", default=[10_000, 50_000])
    parser.add_argument("--skip-distributed", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="ha-scale-") as name:
        tmp = Path(name)
        site = tmp / "site"
        generate_site(args.articles, site)
        server = serve(site)
        try:
            base_url = server.stdout.readline().strip() + "/"  # type: ignore[union-attr]
            pages = article_files(site)
            baseline, extraction = run_baseline(pages), run_extraction(pages)
            fast = run_baseline(pages, fast=True)
            fetched = run_fetch_only(base_url, site, server.pid)
            results = {"healtharchive --workers 1": run_single(base_url, tmp / "w1.db", workers=1),
                       "healtharchive --workers 2": run_single(base_url, tmp / "w2.db", workers=2)}
            if not args.skip_distributed:
                results["2 distributed workers (Redis+PostgreSQL)"] = run_distributed(base_url)
        finally:
            server.terminate()
            server.wait()
        subprocess.run(["rm", "-rf", str(site)], check=False)
        memory = {pages: run_memory(pages, tmp) for pages in args.memory_pages}
    pps = baseline["pages_per_s"]
    print(f"site: {args.articles} articles, {os.cpu_count()} cores, load average at start "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, at end "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"{'run':<40}{'pages':>7}{'artcl':>7}{'seconds':>8}{'pages/s':>8}{'artcl/s':>8}"
          f"{'vs base':>8}{'PSS MB':>8}{'RSS MB':>8}")
    print(row("plain trafilatura, 1 core (baseline)", baseline, pps))
    eps = extraction["pages_per_s"]
    print(row("healtharchive extraction only, 1 core", extraction, pps))
    cores = default_workers()  # what a crawl's --workers defaults to
    print(f"    ceiling on {cores} cores with nothing but extraction: {cores * eps:.1f} articles/s = "
          f"{cores * eps / pps:.2f}x the baseline")
    extractions = {"the baseline's trafilatura call": pps,
                   "trafilatura fast=True (no fallback)": fast["pages_per_s"],
                   "healtharchive's extraction": eps}
    print(row("trafilatura fast=True, 1 core", fast, pps))
    for line in fetch_floor_lines(fetched, fetched["pages"] / len(pages), cores, pps, extractions):
        print(line)
    for name, result in results.items():
        print(row(name, result, pps))
        for worker, share in sorted(result.get("shares", {}).items()):
            print(f"    worker {worker}: {share}")
    print("'vs base': articles archived per second over the baseline's pages per second; the "
          f"distributed time excludes the final {IDLE_SECONDS:.0f}s idle wait")
    for pages, result in memory.items():
        print(f"memory, one crawl stopped at {pages} pages ({result['pages']} fetched, "
              f"{result['seconds']:.0f}s): peak PSS {result['peak_pss_mb']:.0f} MB, peak RSS sum "
              f"{result['peak_rss_mb']:.0f} MB")
        print(f"    PSS over time (MB): {timeline_line(result['timeline'])}")


if __name__ == "__main__":
    main()
