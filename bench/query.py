"""Query benchmark: load a synthetic archive into SQLite and PostgreSQL, then time search
and export.

For each engine:

1. load: ``bench/synthetic.py`` articles (authors, sections, citations, tags, links,
   flags) inserted in batches into the archive's own tables of a freshly migrated
   database; every article then gets its current version with an UPDATE, which fires
   the migration's triggers that index it for search (the path the writer takes);
   then ``ANALYZE`` (PostgreSQL: ``VACUUM ANALYZE``, as autovacuum would soon after);
2. search: ``storage.search.search_articles`` over a fixed set of queries (words,
   phrases, prefixes, OR, exclusions, with and without filters), limit 20, snippets
   included, in a fresh process; p50/p95 over every timed run; on PostgreSQL, how
   many queries get the same top 20 as ranking every match by ``ts_rank``
   (``storage.search_ranking``);
3. export: ``healtharchive export --format jsonl`` and ``--format parquet`` of the
   whole archive in a child process, one export process per core (rows/s, and the peak
   memory of the export's whole process tree, as PSS sampled every 0.2 s).

Run by hand (PostgreSQL on 127.0.0.1:5432, user postgres):

    python bench/query.py [--articles 200000] [--engines sqlite,postgresql] [--keep]
    python bench/query.py --workdir DIR --reuse    # again, on the databases kept in DIR
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import psycopg
from sqlalchemy import Engine, func, insert, select, text, update
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.scale import MemorySampler  # noqa: E402
from bench.synthetic import article_batches, shared_rows  # noqa: E402
from storage.db import open_archive  # noqa: E402
from storage.filters import ArticleFilter, parse_period  # noqa: E402
from storage.models import (  # noqa: E402
    AffiliateLink,
    Article,
    ArticleAuthor,
    ArticleFlag,
    ArticleTag,
    ArticleVersion,
    Author,
    Citation,
    Section,
    Site,
    Tag,
)
from storage.search import search_articles  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
CHILD_TABLES = {"article_authors": ArticleAuthor, "sections": Section, "citations": Citation,
                "article_tags": ArticleTag, "affiliate_links": AffiliateLink,
                "article_flags": ArticleFlag}
# (query, filters): what analysts type, from broad single words to narrow phrases.
QUERIES: list[tuple[str, ArticleFilter | None]] = [
    ("magnesium", None),
    ("sleep", None),
    ("sleep apnea", None),
    ('"deep sleep"', None),
    ('"blood pressure" salt', None),
    ("BDNF", None),
    ("brain-derived neurotrophic factor", None),
    ("melaton*", None),
    ("retin* -bakuchiol", None),
    ("insomnia OR snoring", None),
    ("(eczema OR rosacea) sunscreen", None),
    ('"intermittent fasting" insulin', None),
    ("creatine", ArticleFilter(category="Nutrition")),
    ("burnout", ArticleFilter(since=parse_period("2024"), until=parse_period("2024", end=True))),
    ("vitamin D", ArticleFilter(site="healthsite-07.example")),
    ("statins cholesterol", ArticleFilter(author="patel")),
    ("zone 2 cardio", ArticleFilter(kind="article")),
    ("omega-3", ArticleFilter(cites_doi="10.5555/jhr.100")),
    ("cortisol inflammation", None),
    ('"heart rate variability"', None),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--batch", type=int, default=2000, help="articles per load transaction")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--workdir", type=Path, help="folder for the SQLite file (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse databases kept by --keep when they hold --articles articles "
                        "(skips the load; implies --keep)")
    args = parser.parse_args()
    args.keep = args.keep or args.reuse
    print(f"query benchmark: {args.articles:,} synthetic articles, {len(QUERIES)} queries "
          f"x {args.repeat} runs, python {sys.version.split()[0]}")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="ha-bench-query-"))
    try:
        for engine_name in args.engines.split(","):
            url = _fresh_database(engine_name, workdir, reuse=args.reuse)
            try:
                _bench(url, args)
            finally:
                if not args.keep:
                    _drop_database(url)
    finally:
        if args.workdir is None and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _bench(url: str, args: argparse.Namespace) -> None:
    engine = open_archive(url)
    try:
        name = engine.dialect.name
        if args.reuse and _article_count(engine) == args.articles:
            print(f"\n[{name}] load: reusing the kept database of {args.articles:,} articles")
        else:
            seconds = load(engine, args.articles, seed=args.seed, batch_size=args.batch)
            size = _database_size(engine, url)
            print(f"\n[{name}] load: {args.articles:,} articles in {seconds:.1f} s = "
                  f"{args.articles / seconds:,.0f} articles/s (indexed by the triggers; "
                  f"database {size / 2**20:,.0f} MB)")
        timings, slowest = time_searches_apart(url, repeat=args.repeat)
        p50, p95 = _percentile(timings, 50), _percentile(timings, 95)
        print(f"[{name}] search: p50 {p50:.1f} ms, p95 {p95:.1f} ms over {len(timings)} runs "
              f"(target p95 < 50 ms: {'met' if p95 < 50 else 'NOT met'}); slowest query "
              f"{slowest[0]!r} median {slowest[1]:.1f} ms")
        if name == "postgresql":
            same, worst = ranking_agreement(engine)
            print(f"[{name}] ranking: the top 20 equal those of ts_rank over every match "
                  f"(a window holding them all) for {same} of {len(QUERIES)} queries; "
                  f"least overlap {worst[1]}/20 for {worst[0]!r}")
    finally:
        engine.dispose()
    for fmt in ("jsonl", "parquet"):
        rows, elapsed, peak = time_export(url, fmt, args.articles)
        print(f"[{name}] export {fmt}: {rows:,} rows in {elapsed:.1f} s = {rows / elapsed:,.0f} rows/s, "
              f"peak memory {peak / 2**20:.0f} MB PSS, all processes (targets >= 10,000 rows/s, < 300 MB: "
              f"{'met' if rows / elapsed >= 10_000 and peak < 300 * 2**20 else 'NOT met'})")


def load(engine: Engine, total: int, *, seed: int, batch_size: int) -> float:
    """Insert ``total`` synthetic articles; seconds taken (indexing included)."""
    shared = shared_rows(seed)
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(insert(Site), shared["sites"])
        conn.execute(insert(Author), shared["authors"])
        conn.execute(insert(Tag), shared["tags"])
    for batch in article_batches(total, seed=seed, batch_size=batch_size, shared=shared):
        with engine.begin() as conn:
            conn.execute(insert(Article), batch.articles)
            conn.execute(insert(ArticleVersion), batch.versions)
            for table, rows in batch.children.items():
                conn.execute(insert(CHILD_TABLES[table]), rows)
            first, last = batch.articles[0]["id"], batch.articles[-1]["id"]
            # One version per article, with the article's id: now it becomes current (and
            # the triggers index it).
            conn.execute(update(Article).where(Article.id.between(first, last))
                         .values(current_version_id=Article.id))
        print(f"\r  loading {batch.articles[-1]['id']:,}/{total:,}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in ("sites", "authors", "tags", "articles", "article_versions"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
        # What autovacuum does soon after a bulk load: statistics, and the visibility
        # map that lets a DOI filter read the citing versions from its index alone.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Article)).scalar_one() == total
    return time.perf_counter() - started


def time_searches_apart(url: str, *, repeat: int) -> tuple[list[float], tuple[str, float]]:
    """``time_searches`` in a fresh process, as ``healtharchive search`` runs: timed in the
    process that loaded the archive (its heap full of what the load left), SQLite's
    searches were 1.5x slower ('sleep': 59 ms, 39 ms in a new process on the same file)."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_time_searches_at, url, repeat).result()


def _time_searches_at(url: str, repeat: int) -> tuple[list[float], tuple[str, float]]:
    engine = open_archive(url)
    try:
        return time_searches(engine, repeat=repeat)
    finally:
        engine.dispose()


def time_searches(engine: Engine, *, repeat: int) -> tuple[list[float], tuple[str, float]]:
    """Milliseconds of every timed run, and the slowest query with its median."""
    timings: list[float] = []
    slowest = ("", 0.0)
    for query, filters in QUERIES:
        search_articles(engine, query, filters=filters)  # warm-up
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            hits = search_articles(engine, query, filters=filters)
            runs.append((time.perf_counter() - started) * 1000)
        assert hits or filters is not None, f"no hits for {query!r}"
        timings.extend(runs)
        if statistics.median(runs) > slowest[1]:
            slowest = (query, statistics.median(runs))
    return timings, slowest


def ranking_agreement(engine: Engine) -> tuple[int, tuple[str, int]]:
    """How many queries return the same top 20, in the same order, as ranking every
    match by ts_rank over its whole vector; the query with the least overlap."""
    same, worst = 0, ("", 21)
    for query, filters in QUERIES:
        hits = [hit.article_id for hit in search_articles(engine, query, filters=filters)]
        exact = [hit.article_id for hit in search_articles(
            engine, query, filters=filters, rank_window=10**9)]
        same += hits == exact
        overlap = len(set(hits) & set(exact))
        if overlap < worst[1]:
            worst = (query, overlap)
    return same, worst


def time_export(url: str, fmt: str, expected: int) -> tuple[int, float, int]:
    """Rows, seconds and the child's peak RSS (bytes) of ``healtharchive export``."""
    out = Path(tempfile.mkdtemp(prefix="ha-export-")) / f"articles.{fmt}"
    command = [sys.executable, "-m", "crawler.cli", "export", "--db", url, "--format", fmt,
               "--out", str(out)]
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=REPO, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    sampler = MemorySampler([child.pid], interval=0.2)
    sampler.start()
    _, status, _usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    peak_pss = int(sampler.stop()["peak_pss_mb"] * 2**20)
    message = child.stderr.read().decode() if child.stderr else ""
    if status != 0:
        raise SystemExit(f"export failed: {message}")
    rows = int(message.split("exported ", 1)[1].split()[0])
    assert rows == expected, message
    out.unlink()
    out.parent.rmdir()
    return rows, elapsed, peak_pss


def _percentile(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(percent / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _article_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Article)).scalar_one())


def _fresh_database(engine_name: str, workdir: Path, *, reuse: bool = False) -> str:
    """The URL of an empty database (or, with ``reuse``, of the one a run kept)."""
    if engine_name == "sqlite":
        path = workdir / "bench-query.db"
        if not reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    name = "ha_bench_query"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not (reuse and exists):
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    return make_url(PG_ADMIN).set(drivername="postgresql+psycopg", database=name).render_as_string(
        hide_password=False)


def _drop_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        return
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')


def _database_size(engine: Engine, url: str) -> int:
    if engine.dialect.name == "sqlite":
        path = make_url(url).database or ""
        return sum(Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists())
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())


if __name__ == "__main__":
    sys.exit(main())
