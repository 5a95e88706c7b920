"""The dedupe report of an archive: duplicate clusters and reused sentences.

``build_report`` first brings the index up to date (versions not indexed yet,
texts not yet compared with their candidates: an incremental pass), then groups
the current versions of live articles into clusters and counts reused sentences.
With the default shingle size the stored index serves the report; another size
is computed for this report only, from the texts (a full pass, nothing stored).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from sqlalchemy import Engine, select

from storage.dedupe_clusters import Cluster, Member, UnionFind, build_clusters, pairwise_similarity
from storage.dedupe_defaults import (
    DEFAULT_MIN_ARTICLES,
    DEFAULT_SCHEME,
    DEFAULT_THRESHOLD,
    LshScheme,
)
from storage.dedupe_index import in_chunks, update_index
from storage.dedupe_models import DedupeSimilarity, VersionDedupeKey
from storage.dedupe_pairs import (
    PAIR_FLOOR,
    PairingStats,
    TextShingles,
    load_signatures,
    pair_pending,
    screen_pairs,
    verify_pairs,
)
from storage.minhash import band_keys, signatures
from storage.models import Article, ArticleVersion, Site
from storage.reused_sentences import ReusedSentence, reused_sentences

DEFAULT_SENTENCE_LIMIT = 500
SIMILARITY_MEANING = ("smallest pairwise Jaccard similarity of word shingles between the cluster's "
                      "texts (exact for verified pairs, a MinHash estimate for the others)")


class ReportError(ValueError):
    """An option the report cannot honour; ``str(error)`` is one line for the user."""


@dataclass(frozen=True, slots=True)
class DedupeOptions:
    """What to report: near-duplicates at Jaccard >= ``threshold`` over
    ``shingle_size``-word shingles; only clusters with a member on ``site`` (and
    sentences of its articles); sentences in >= ``min_articles`` articles; at most
    ``limit`` clusters and ``sentence_limit`` sentences (``None``: all)."""

    threshold: float = DEFAULT_THRESHOLD
    shingle_size: int = DEFAULT_SCHEME.shingle_size
    site: str | None = None
    min_articles: int = DEFAULT_MIN_ARTICLES
    limit: int | None = None
    sentence_limit: int | None = DEFAULT_SENTENCE_LIMIT

    def check(self) -> None:
        if not PAIR_FLOOR <= self.threshold <= 1.0:
            raise ReportError(f"threshold must be between {PAIR_FLOOR} and 1.0, got {self.threshold}")
        if not 1 <= self.shingle_size <= 20:
            raise ReportError(f"shingle size must be between 1 and 20 words, got {self.shingle_size}")
        if self.min_articles < 2:
            raise ReportError(f"--min-articles must be at least 2, got {self.min_articles}")
        if self.limit is not None and self.limit < 0:
            raise ReportError("limit must not be negative")


@dataclass(frozen=True, slots=True)
class DedupeReport:
    """Clusters (largest first), reused sentences (most reused first), the counts
    before any limit (``summary``), the settings used and what the index did."""

    clusters: list[Cluster]
    reused: list[ReusedSentence]
    summary: dict[str, Any]
    settings: dict[str, Any]
    index: dict[str, int] = field(default_factory=dict)


def build_report(engine: Engine, options: DedupeOptions) -> DedupeReport:
    options.check()
    scheme = replace(DEFAULT_SCHEME, shingle_size=options.shingle_size)
    indexed = update_index(engine)
    shingles = TextShingles(engine, scheme.shingle_size)
    members = load_members(engine)
    computed: dict[int, np.ndarray] = {}
    if scheme == DEFAULT_SCHEME:
        pairing = pair_pending(engine, shingles)
        edges = load_edges(engine)
    else:
        pairing, edges, computed = pair_in_memory(sorted({m.text_id for m in members}), scheme, shingles)

    def signatures_of(ids: Sequence[int]) -> dict[int, np.ndarray]:
        if not computed:  # first use: every member's signature in one pass
            with engine.connect() as conn:
                computed.update(load_signatures(conn, sorted({m.text_id for m in members})))
        return {i: computed[i] for i in ids if i in computed}

    clusters = build_clusters(
        members, edges, threshold=options.threshold,
        similarity_of=lambda ids: pairwise_similarity(ids, signatures=signatures_of),
    )
    if options.site:
        host = options.site.lower()
        clusters = [c for c in clusters if any(m.site == host for m in c.members)]
    reused = _reused(engine, members, edges, options)
    summary = {
        "articles": len(members) if not options.site else sum(m.site == options.site.lower() for m in members),
        "clusters": {kind: sum(c.kind == kind for c in clusters) for kind in ("exact", "near", "title")},
        "articles_in_clusters": len({m.version_id for c in clusters for m in c.members}),
        "cluster_sizes": dict(sorted(Counter(len(c.members) for c in clusters).items())),
        "reused_sentences": len(reused),
    }
    settings = {
        "threshold": options.threshold, "shingle_size": scheme.shingle_size, "num_perm": scheme.num_perm,
        "bands": scheme.bands, "rows": scheme.rows, "similarity": SIMILARITY_MEANING,
        "min_articles": options.min_articles, "site": options.site,
    }
    index = {"versions_indexed": indexed, "texts_paired": pairing.texts,
             "candidate_pairs": pairing.candidates, "pairs_compared": pairing.compared,
             "pairs_kept": pairing.kept}
    limited = clusters if options.limit is None else clusters[: options.limit]
    return DedupeReport(limited, reused, summary, settings, index)


def load_members(engine: Engine) -> list[Member]:
    """The current version of every live article, with its indexed text id."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(ArticleVersion.id, VersionDedupeKey.dedupe_text_id, Article.url, Site.host,
                   ArticleVersion.title, ArticleVersion.published)
            .join(Article, Article.current_version_id == ArticleVersion.id)
            .join(Site, Site.id == Article.site_id)
            .join(VersionDedupeKey, VersionDedupeKey.article_version_id == ArticleVersion.id)
            .where(Article.gone_at.is_(None))
            .order_by(Article.id)
        ).all()
    return [Member(*row) for row in rows]


def load_edges(engine: Engine) -> list[tuple[int, int, float]]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(  # type: ignore[misc]
            select(DedupeSimilarity.dedupe_text_id, DedupeSimilarity.similar_text_id, DedupeSimilarity.jaccard)
        )]


def pair_in_memory(
    text_ids: Sequence[int], scheme: LshScheme, shingles: TextShingles
) -> tuple[PairingStats, list[tuple[int, int, float]], dict[int, np.ndarray]]:
    """Sign, band, screen and verify every text with ``scheme`` in memory: the
    stats, the pairs kept and the signatures."""
    sets = shingles.get(text_ids)
    ids = [t for t in text_ids if t in sets and len(sets[t])]
    signed = signatures([sets[t] for t in ids], num_perm=scheme.num_perm, seed=scheme.seed)
    keys = band_keys(signed, scheme)
    rows = np.repeat(np.arange(len(ids)), scheme.bands)
    flat = keys.ravel()
    order = np.argsort(flat, kind="stable")
    flat, rows = flat[order], rows[order]
    pairs: set[tuple[int, int]] = set()
    starts = np.flatnonzero(np.r_[True, flat[1:] != flat[:-1]])
    for start, end in zip(starts.tolist(), np.r_[starts[1:], len(flat)].tolist(), strict=True):
        bucket = rows[start:end].tolist()
        pairs.update((ids[a], ids[b]) for i, a in enumerate(bucket) for b in bucket[i + 1 :])
    candidates = np.array(sorted((min(p), max(p)) for p in pairs), dtype=np.int64).reshape(-1, 2)
    by_id = {t: signed[i] for i, t in enumerate(ids)}
    screened = screen_pairs(candidates, by_id, floor=PAIR_FLOOR)
    kept = verify_pairs(screened, shingles, floor=PAIR_FLOOR)
    return PairingStats(len(ids), len(candidates), len(screened), len(kept)), kept, by_id


def _reused(
    engine: Engine, members: list[Member], edges: list[tuple[int, int, float]], options: DedupeOptions
) -> list[ReusedSentence]:
    stories = UnionFind()
    for a, b, similarity in edges:
        if similarity >= options.threshold:
            stories.union(a, b)
    host = options.site.lower() if options.site else None
    chosen = [m for m in members if host is None or m.site == host]
    site_ids = {site: i for i, site in enumerate(sorted({m.site for m in chosen}))}
    return reused_sentences(
        _texts(engine, [m.version_id for m in chosen]),
        story_of=[stories.find(m.text_id) for m in chosen],
        site_of=[site_ids[m.site] for m in chosen],
        url_of=[m.url for m in chosen],
        text_of=lambda index: next(t for _, t in _texts(engine, [chosen[index].version_id])),
        min_articles=options.min_articles,
        limit=options.sentence_limit,
    )


def _texts(engine: Engine, version_ids: Sequence[int]) -> Iterator[tuple[int, str]]:
    """``(position in version_ids, text)``, read in chunks."""
    position = {version_id: i for i, version_id in enumerate(version_ids)}
    for chunk in in_chunks(list(version_ids)):
        with engine.connect() as conn:
            rows = conn.execute(
                select(ArticleVersion.id, ArticleVersion.text).where(ArticleVersion.id.in_(chunk))
            ).all()
        for version_id, text in rows:
            yield position[version_id], text


def load_texts(engine: Engine, version_ids: Sequence[int]) -> dict[int, str]:
    """``{version id: text}`` (for the side-by-side diffs)."""
    wanted = list(dict.fromkeys(version_ids))
    return {wanted[i]: text for i, text in _texts(engine, wanted)}
