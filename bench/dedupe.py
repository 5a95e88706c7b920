"""Benchmark of the dedupe reports on a generated corpus with known clusters.

    .venv/bin/python bench/dedupe.py [--articles 100000] [--sample 5000] [--new 1000]

In one run: generates the corpus (``bench/dedupe_corpus.py``), loads it into a
fresh SQLite archive (rows in bulk, then indexed by ``storage.dedupe_index``, the
code the writer calls at ingest), times the full report (``healtharchive
dedupe``, a separate process: its time and peak memory), scores the pairs found
at Jaccard >= 0.8 against the known clusters and against an exact all-pairs
Jaccard on a sample, times plain datasketch (``MinHash`` + ``MinHashLSH`` with
its defaults at the same threshold) on the same texts, then adds new articles
through ``ArchiveWriter`` and times the incremental update of the clusters.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sqlalchemy import Engine, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.dedupe_corpus import Article, generate_corpus
from storage import deferred_rows
from storage.db import open_archive
from storage.dedupe_clusters import build_clusters
from storage.dedupe_defaults import DEFAULT_SCHEME
from storage.dedupe_index import VersionBody, index_versions
from storage.dedupe_models import DedupeSimilarity, VersionDedupeKey
from storage.dedupe_pairs import TextShingles, pair_pending
from storage.dedupe_report import load_edges, load_members
from storage.dedupe_text import body_text, shingle_hashes
from storage.models import Article as ArticleRow
from storage.models import ArticleVersion, CrawlRun, Site
from storage.writer import ArchiveWriter

THRESHOLD = 0.8
NOW = datetime(2026, 11, 30, tzinfo=UTC)
Pair = tuple[str, str]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=5000)
    parser.add_argument("--new", type=int, default=1000, help="articles added after the first report")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, help="keep the archive here (default: a temporary folder)")
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="dedupe-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "archive.db"
    db.unlink(missing_ok=True)

    started = time.perf_counter()
    corpus = generate_corpus(args.articles + args.new, seed=args.seed)
    base, extra = corpus[: args.articles], corpus[args.articles :]
    print(f"corpus: {len(base)} articles + {len(extra)} new, "
          f"{sum(a.story >= 0 for a in base)} in {len({a.story for a in base if a.story >= 0})} known "
          f"stories, {sum(a.role == 'distractor' for a in base)} distractors "
          f"({time.perf_counter() - started:.1f} s)")

    engine = open_archive(str(db))
    started = time.perf_counter()
    load_bulk(engine, base)
    print(f"load + index: {time.perf_counter() - started:.1f} s for {len(base)} articles "
          f"({db.stat().st_size / 1e6:.0f} MB archive)")

    seconds, peak = run_report(db, folder / "report.json", "json")
    print(f"full report (json, first run: pairs every text): {seconds:.1f} s, peak memory {peak:.0f} MB")
    seconds, peak = run_report(db, folder / "report.html", "html")
    print(f"full report (html, index up to date): {seconds:.1f} s, peak memory {peak:.0f} MB")

    sets = {a.url: shingle_hashes(body_text(a.text), DEFAULT_SCHEME.shingle_size) for a in base}
    truth = known_pairs(base, sets)
    ours = found_pairs(engine)
    print(f"pairs at Jaccard >= {THRESHOLD} (known clusters): " + score(ours, truth))

    sample = sample_stories(base, args.sample, random.Random(args.seed))
    started = time.perf_counter()
    exact = all_pairs(sample, sets)
    in_sample = {a.url for a in sample}
    print(f"exact all-pairs Jaccard on {len(sample)} sampled articles ({len(sample) * (len(sample) - 1) // 2} "
          f"pairs, {time.perf_counter() - started:.1f} s): {len(exact)} pairs >= {THRESHOLD}")
    print("  known clusters vs exact: " + score(restrict(truth, in_sample), exact))
    print("  healtharchive vs exact:  " + score(restrict(ours, in_sample), exact))

    plain = plain_datasketch(base)
    print("  plain datasketch vs exact: " + score(restrict(plain, in_sample), exact))
    print("plain datasketch vs known clusters: " + score(plain, truth))

    incremental(engine, extra)
    engine.dispose()
    print(f"archive kept in {folder}" if args.dir else "")


def load_bulk(engine: Engine, articles: list[Article]) -> None:
    """Rows straight into the tables (no extraction), then the ingest indexer in batches."""
    with engine.begin() as conn:
        hosts = sorted({a.site for a in articles})
        conn.execute(insert(Site), [{"host": h, "first_seen_at": NOW} for h in hosts])
        site_ids = dict(conn.execute(select(Site.host, Site.id)).all())
        run_id = conn.execute(insert(CrawlRun).values(started_at=NOW, status="finished", start_urls=[],
                                                      stats={}, hostname="bench", pid=0)
                              .returning(CrawlRun.id)).scalar_one()
    for start in range(0, len(articles), 2000):
        batch = articles[start : start + 2000]
        with engine.begin() as conn:
            ids = conn.execute(insert(ArticleRow).returning(ArticleRow.id, sort_by_parameter_order=True), [
                {"site_id": site_ids[a.site], "url": a.url, "kind": "article", "first_seen_at": NOW,
                 "last_seen_at": NOW} for a in batch]).scalars().all()
            version_ids = conn.execute(insert(ArticleVersion).returning(ArticleVersion.id, sort_by_parameter_order=True), [
                {"article_id": article_id, "version": 1, "content_hash": hashlib.sha256(a.text.encode()).hexdigest(),
                 "record_sha256": "0" * 64, "title": a.title, "published": a.published, "text": a.text,
                 "fetched_url": a.url, "fetched_at": NOW, "crawl_run_id": run_id, "created_at": NOW}
                for article_id, a in zip(ids, batch, strict=True)]).scalars().all()
            for article_id, version_id in zip(ids, version_ids, strict=True):
                conn.execute(ArticleRow.__table__.update().where(ArticleRow.id == article_id)
                             .values(current_version_id=version_id))
            index_versions(conn, [VersionBody(v, site_ids[a.site], a.text)
                                  for v, a in zip(version_ids, batch, strict=True)])


def run_report(db: Path, out: Path, form: str) -> tuple[float, float]:
    """Time and peak resident memory (MB) of ``healtharchive dedupe`` in its own process."""
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child forked from this
    # process (which holds the corpus) would report this process's peak.
    code = ("import sys\nfrom crawler.cli import main\nstatus = main()\n"
            "hwm = next(l for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"
            "print('peak', hwm.split()[1], file=sys.stderr)\nsys.exit(status)")
    command = [sys.executable, "-c", code, "dedupe", "--db", str(db), "--format", form, "--out", str(out)]
    started = time.perf_counter()
    done = subprocess.run(command, check=True, cwd=Path(__file__).resolve().parents[1],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    peak_kb = int(next(line for line in done.stderr.splitlines() if line.startswith("peak ")).split()[1])
    return seconds, peak_kb / 1024


def jaccard_of(a: np.ndarray, b: np.ndarray) -> float:
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common) if len(a) + len(b) else 1.0


def known_pairs(articles: list[Article], sets: dict[str, np.ndarray]) -> set[Pair]:
    """Pairs inside a known story whose exact Jaccard similarity is >= THRESHOLD."""
    stories: dict[int, list[str]] = defaultdict(list)
    for a in articles:
        if a.story >= 0:
            stories[a.story].append(a.url)
    return {_pair(x, y) for urls in stories.values() for x, y in combinations(urls, 2)
            if jaccard_of(sets[x], sets[y]) >= THRESHOLD}


def found_pairs(engine: Engine) -> set[Pair]:
    """Article pairs the archive's index holds at Jaccard >= THRESHOLD (same text or a verified pair)."""
    members = load_members(engine)
    by_text: dict[int, list[str]] = defaultdict(list)
    for m in members:
        by_text[m.text_id].append(m.url)
    pairs = {_pair(x, y) for urls in by_text.values() for x, y in combinations(urls, 2)}
    with engine.connect() as conn:
        edges = conn.execute(select(DedupeSimilarity.dedupe_text_id, DedupeSimilarity.similar_text_id)
                             .where(DedupeSimilarity.jaccard >= THRESHOLD)).all()
    for a, b in edges:
        pairs.update(_pair(x, y) for x in by_text.get(a, ()) for y in by_text.get(b, ()))
    return pairs


def sample_stories(articles: list[Article], size: int, rng: random.Random) -> list[Article]:
    """Whole stories and distractors, drawn at random until ``size`` articles."""
    groups: dict[int | str, list[Article]] = defaultdict(list)
    for a in articles:
        groups[a.story if a.story >= 0 else a.url].append(a)
    keys = list(groups)
    rng.shuffle(keys)
    chosen: list[Article] = []
    for key in keys:
        if len(chosen) + len(groups[key]) <= size:
            chosen.extend(groups[key])
        if len(chosen) >= size:
            break
    return chosen


def all_pairs(articles: list[Article], sets: dict[str, np.ndarray]) -> set[Pair]:
    """Every pair with exact Jaccard >= THRESHOLD: shingle-incidence matrix times its transpose."""
    hashes = [sets[a.url] for a in articles]
    _, columns = np.unique(np.concatenate(hashes), return_inverse=True)
    rows = np.repeat(np.arange(len(hashes)), [len(h) for h in hashes])
    matrix = sparse.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, columns)))
    common = (matrix @ matrix.T).tocoo()
    sizes = np.array([len(h) for h in hashes])
    upper = common.row < common.col
    r, c, n = common.row[upper], common.col[upper], common.data[upper]
    similarity = n / (sizes[r] + sizes[c] - n)
    keep = similarity >= THRESHOLD
    return {_pair(articles[i].url, articles[j].url) for i, j in zip(r[keep], c[keep], strict=True)}


def plain_datasketch(articles: list[Article]) -> set[Pair]:
    """MinHashLSH with datasketch's defaults at THRESHOLD: candidates as found (unverified)."""
    from datasketch import MinHash, MinHashLSH

    from storage.dedupe_text import shingles

    started = time.perf_counter()
    permutations = MinHash(num_perm=128).permutations
    signed = []
    for a in articles:
        m = MinHash(num_perm=128, permutations=permutations, scheme="affine32")
        m.update_batch([s.encode("utf-8") for s in shingles(body_text(a.text), DEFAULT_SCHEME.shingle_size)])
        signed.append(m)
    minhash_s = time.perf_counter() - started
    started = time.perf_counter()
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=128)
    with lsh.insertion_session() as session:
        for a, m in zip(articles, signed, strict=True):
            session.insert(a.url, m)
    insert_s = time.perf_counter() - started
    started = time.perf_counter()
    pairs = {_pair(a.url, other) for a, m in zip(articles, signed, strict=True) for other in lsh.query(m)
             if other != a.url}
    query_s = time.perf_counter() - started
    print(f"plain datasketch on {len(articles)} articles: MinHash {minhash_s:.1f} s, LSH insert "
          f"{insert_s:.1f} s, query {query_s:.1f} s, total {minhash_s + insert_s + query_s:.1f} s "
          f"(b={lsh.b}, r={lsh.r}; shingling included, no verification)")
    return pairs


def incremental(engine: Engine, extra: list[Article]) -> None:
    """Add articles through the writer (the ingest hook indexes them), then update the clusters."""
    writer = ArchiveWriter(engine)
    run_id = writer.start_run(start_urls=["https://bench.example/"])
    hook_s = 0.0
    hook = deferred_rows.index_versions

    def timed_hook(*args: Any, **kwargs: Any) -> int:
        nonlocal hook_s
        began = time.perf_counter()
        signed = hook(*args, **kwargs)
        hook_s += time.perf_counter() - began
        return signed

    deferred_rows.index_versions = timed_hook  # type: ignore[assignment]
    started = time.perf_counter()
    for start in range(0, len(extra), 100):
        writer.save_articles(run_id, [(a.to_record(), {"fetched_at": NOW}) for a in extra[start : start + 100]])
    ingest_s = time.perf_counter() - started
    deferred_rows.index_versions = hook  # type: ignore[assignment]
    started = time.perf_counter()
    shingles = TextShingles(engine, DEFAULT_SCHEME.shingle_size)
    stats = pair_pending(engine, shingles)
    pair_s = time.perf_counter() - started
    started = time.perf_counter()
    clusters = build_clusters(load_members(engine), load_edges(engine), threshold=0.4,
                              similarity_of=lambda ids: {})
    cluster_s = time.perf_counter() - started
    with engine.connect() as conn:
        keys = conn.execute(select(VersionDedupeKey.article_version_id)).all()
    print(f"add {len(extra)} articles: ingest through ArchiveWriter {ingest_s:.1f} s (of which the index "
          f"hook {hook_s:.1f} s); "
          f"pair {stats.texts} new texts with their candidates {pair_s:.1f} s ({stats.candidates} candidate "
          f"pairs, {stats.compared} compared, {stats.kept} kept); recluster {len(keys)} versions "
          f"{cluster_s:.1f} s ({len(clusters)} clusters); update total {pair_s + cluster_s:.1f} s, "
          f"with ingest {ingest_s + pair_s + cluster_s:.1f} s")


def score(found: set[Pair], truth: set[Pair]) -> str:
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    return f"precision {precision:.4f}, recall {recall:.4f} ({len(found)} found, {len(truth)} true, {hits} both)"


def restrict(pairs: set[Pair], urls: set[str]) -> set[Pair]:
    return {p for p in pairs if p[0] in urls and p[1] in urls}


def _pair(x: str, y: str) -> Pair:
    return (x, y) if x < y else (y, x)


if __name__ == "__main__":
    main()
