"""Crawl throughput: healtharchive end to end vs single-core plain trafilatura.

Generates a copy of the example site scaled to N articles, serves it from a separate
process over local HTTP, then in one invocation:

1. baseline: plain trafilatura (``bare_extraction`` with metadata) over the same article
   pages, one core, no fetching and no storage;
2. healtharchive: ``healtharchive crawl`` of the served site into a fresh SQLite archive
   (fetch + extract in a process pool + store), as a subprocess.

Prints pages/s and peak memory (RSS of the whole process tree, sampled) for both and the
ratio. Run by hand:

    python bench/crawl.py --articles 2000 [--workers 2] [--json]
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
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    total = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/statm") as fh:
                total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        stack.extend(int(c) for c in children)
    return total


class PeakSampler(threading.Thread):
    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, tree_rss_bytes(self.pid))
            time.sleep(self.interval)

    def stop(self) -> int:
        self._done.set()
        self.join()
        return self.peak


def generate_site(articles: int, out: Path) -> None:
    subprocess.run([sys.executable, str(REPO / "examples" / "generate_site.py"), "--out", str(out),
                    "--articles", str(articles)], check=True, stdout=subprocess.DEVNULL)


def article_files(site: Path) -> list[Path]:
    return sorted(p for p in (site / "articles").rglob("index.html"))


def run_baseline(files: list[Path], *, fast: bool = False) -> dict[str, float]:
    """Plain trafilatura with metadata, one core; ``fast``: without its fallback
    extractors (``fast=True``), the cheapest way to call it as the baseline does."""
    return _time_pages(files, "import trafilatura\n",
                       f"trafilatura.bare_extraction(html, with_metadata=True, fast={fast})",
                       as_text=True)


def run_extraction(files: list[Path]) -> dict[str, float]:
    """healtharchive's own extraction and normalisation (``process_page``: what an
    extraction process does per page) over the same pages, one core, no fetching or
    storage: with N cores, N times this is the most a crawl could archive per second."""
    return _time_pages(
        files,
        "from datetime import datetime, timezone\n"
        "from pipelines.process import process_page\n"
        "from pipelines.records import ExtractOptions, FetchedPage\n"
        "now = datetime.now(timezone.utc)\n",
        "process_page(FetchedPage(url='http://127.0.0.1/' + str(i), body=html, fetched_at=now,"
        " content_type='text/html; charset=utf-8'), ExtractOptions())")


def _time_pages(files: list[Path], setup: str, call: str, *, as_text: bool = False) -> dict[str, float]:
    """Seconds of ``call`` (with ``html``, the page's bytes or, ``as_text``, its text
    read before the clock starts, and ``i`` bound) over ``files`` in a child process,
    after ``setup``, and the child's peak memory."""
    read = "open(p, encoding='utf-8').read()" if as_text else "open(p, 'rb').read()"
    code = (
        "import sys, time\n" + setup +
        "paths = open(sys.argv[1], encoding='utf-8').read().splitlines()\n"
        f"pages = [{read} for p in paths]\n"
        "t = time.perf_counter()\n"
        "for i, html in enumerate(pages):\n"
        "    " + call + "\n"
        "print(time.perf_counter() - t)\n"
    )
    listing = Path(tempfile.mkstemp(suffix=".txt")[1])
    listing.write_text("\n".join(str(f) for f in files))
    proc = subprocess.Popen([sys.executable, "-c", code, str(listing)], stdout=subprocess.PIPE, text=True,
                            cwd=REPO)
    sampler = PeakSampler(proc.pid)
    sampler.start()
    out, _ = proc.communicate()
    peak = sampler.stop()
    listing.unlink()
    if proc.returncode != 0:
        raise SystemExit(f"timing run failed ({proc.returncode})")
    seconds = float(out.strip().splitlines()[-1])
    return {"pages": len(files), "seconds": seconds, "pages_per_s": len(files) / seconds,
            "peak_mb": peak / 2**20}


def run_crawl(base_url: str, db: Path, workers: int | None) -> dict[str, float]:
    cmd = [sys.executable, "-m", "crawler.cli", "crawl", base_url, "--db", str(db), "--delay", "0",
           "--concurrency", "16", "--quiet", "--log-level", "ERROR"]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True)
    sampler = PeakSampler(proc.pid)
    sampler.start()
    out, _ = proc.communicate()
    seconds = time.perf_counter() - started
    peak = sampler.stop()
    if proc.returncode != 0:
        raise SystemExit(f"crawl failed ({proc.returncode}):\n{out}")
    fetched = int(next(line.split(":")[1] for line in out.splitlines() if "pages fetched" in line))
    new = int(next(line.split(":")[1].split()[0] for line in out.splitlines() if "articles:" in line))
    return {"pages": fetched, "articles": new, "seconds": seconds, "pages_per_s": fetched / seconds,
            "articles_per_s": new / seconds, "peak_mb": peak / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=None, help="extraction processes (default: cores)")
    parser.add_argument("--json", action="store_true", help="print figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ha-bench-") as tmp:
        site = Path(tmp) / "site"
        generate_site(args.articles, site)
        files = article_files(site)
        server = subprocess.Popen(
            [sys.executable, "-c", "import sys, time; from pathlib import Path; "
             "from crawler.serve import start_site_server; s, _ = start_site_server(Path(sys.argv[1])); "
             "print(s.base_url, flush=True); time.sleep(10**6)", str(site)],
            cwd=REPO, stdout=subprocess.PIPE, text=True)
        try:
            base_url = server.stdout.readline().strip() + "/"  # type: ignore[union-attr]
            baseline = run_baseline(files)
            crawl = run_crawl(base_url, Path(tmp) / "bench.db", args.workers)
        finally:
            server.terminate()
    ratio = crawl["articles_per_s"] / baseline["pages_per_s"]
    figures = {"articles_in_site": args.articles, "cores": os.cpu_count(), "baseline": baseline,
               "healtharchive": crawl, "ratio_articles_per_s_vs_baseline": ratio}
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"site: {args.articles} articles (+ listings), {os.cpu_count()} cores")
    print(f"{'run':<44}{'pages':>7}{'seconds':>9}{'pages/s':>9}{'peak MB':>9}")
    print(f"{'plain trafilatura bare_extraction, 1 core':<44}{baseline['pages']:>7.0f}"
          f"{baseline['seconds']:>9.1f}{baseline['pages_per_s']:>9.1f}{baseline['peak_mb']:>9.0f}")
    print(f"{'healtharchive crawl (fetch+extract+store)':<44}{crawl['pages']:>7.0f}"
          f"{crawl['seconds']:>9.1f}{crawl['pages_per_s']:>9.1f}{crawl['peak_mb']:>9.0f}")
    print(f"articles archived: {crawl['articles']:.0f} ({crawl['articles_per_s']:.1f}/s)")
    print(f"ratio (healtharchive articles/s over baseline pages/s): {ratio:.2f}x")


if __name__ == "__main__":
    main()
