"""The archive writer alone: how fast extracted articles are stored.

Generates a copy of the example site (``--articles``), extracts its article pages
once (``process_page``, not timed), then times ``ArchiveWriter.save_articles`` over
them in batches as a crawl writes them (``--batch``, the crawl's default 50), into a
fresh SQLite file and a fresh PostgreSQL database. Prints articles/s and the
writer's CPU per article (its own process: this is the time it takes from the
crawler process, whose one core also drives Scrapy). Run by hand:

    python bench/writer.py [--articles 1500] [--engines sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.crawl import article_files, generate_site  # noqa: E402
from pipelines.process import process_page  # noqa: E402
from pipelines.records import ExtractOptions, FetchedPage, NormalisedArticle  # noqa: E402
from pipelines.scrapy_adapters import ARTICLE_BATCH  # noqa: E402
from storage.db import open_archive  # noqa: E402
from storage.minhash import permutations  # noqa: E402
from storage.writer import ArchiveWriter  # noqa: E402

Item = tuple[dict[str, Any], dict[str, Any]]


def extracted_items(site: Path, base_url: str) -> list[Item]:
    """``(record, fetch keywords)`` per article page of the site, as the crawl saves them."""
    now = datetime.now(UTC)
    items = []
    for path in article_files(site):
        body = path.read_bytes()
        url = base_url + path.parent.relative_to(site).as_posix() + "/"
        page = FetchedPage(url=url, body=body, fetched_at=now, content_type="text/html; charset=utf-8")
        article = process_page(page, ExtractOptions())
        if isinstance(article, NormalisedArticle):
            items.append((article.to_record(), {"fetched_at": now, "body": body, "status": 200,
                                                "content_type": page.content_type}))
    return items


def time_saves(database_url: str, items: list[Item], batch: int) -> dict[str, float]:
    writer = ArchiveWriter(open_archive(database_url))
    run_id = writer.start_run(start_urls=["http://127.0.0.1/"])
    wall, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(items), batch):
        writer.save_articles(run_id, items[start:start + batch])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    writer.engine.dispose()
    return {"articles": len(items), "seconds": wall, "per_s": len(items) / wall,
            "cpu_ms": cpu / len(items) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1500)
    parser.add_argument("--batch", type=int, default=ARTICLE_BATCH)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    permutations(128, 1)  # datasketch's import, once, outside the clock
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        generate_site(args.articles, site)
        items = extracted_items(site, "http://127.0.0.1/")
        print(f"writer benchmark: {len(items):,} extracted articles, batches of {args.batch}")
        for engine in args.engines.split(","):
            if engine == "sqlite":
                result = time_saves(str(Path(folder) / "archive.db"), items, args.batch)
            else:
                with fresh_postgresql() as url:
                    result = time_saves(url, items, args.batch)
            print(f"[{engine}] {result['articles']:,} articles in {result['seconds']:.2f} s = "
                  f"{result['per_s']:.0f} articles/s, {result['cpu_ms']:.2f} ms CPU per article "
                  f"in the writer's process")


@contextmanager
def fresh_postgresql() -> Iterator[str]:
    """The URL of a new PostgreSQL database, dropped afterwards."""
    sys.path.insert(0, str(REPO / "tests" / "crawler"))
    from crawl_helpers import create_pg_database, drop_pg_database

    url = create_pg_database("ha_bench_writer")
    try:
        yield url
    finally:
        drop_pg_database(url)


if __name__ == "__main__":
    main()
