"""Comparing texts with their LSH candidates, and only with them.

A text not yet paired (``DedupeText.paired_at`` empty) finds its candidates with
one indexed self-join on band keys; each candidate pair is first screened by its
MinHash estimate, then verified by the exact Jaccard similarity of the two
shingle sets (recomputed from the stored text). Pairs at or above ``PAIR_FLOOR``
are kept, so a report at any threshold from the floor up needs no new comparison.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain

import numpy as np
from sqlalchemy import Connection, Engine, or_, select, update
from sqlalchemy.orm import aliased

from storage.dedupe_defaults import PAIR_FLOOR
from storage.dedupe_index import in_chunks, insert_for, learned_blocks, write_transaction
from storage.dedupe_models import DedupeBandKey, DedupeSimilarity, DedupeText, VersionDedupeKey
from storage.dedupe_text import body_text, jaccard, shingle_hashes
from storage.minhash import estimated_jaccard, signature_from_bytes
from storage.models import Article, ArticleVersion

# Pairs whose MinHash estimate is this far below the floor are not verified: with
# 128 permutations the estimate's standard error is at most 0.045 (3.3 of them).
ESTIMATE_MARGIN = 0.15


@dataclass(frozen=True, slots=True)
class PairingStats:
    """What one pairing pass did: texts paired, candidate pairs found, pairs whose
    shingle sets were compared exactly, and pairs kept (Jaccard >= the floor)."""

    texts: int
    candidates: int
    compared: int
    kept: int


class TextShingles:
    """Shingle hash sets of indexed texts, read from one stored version of each
    and cached for the run (``get``)."""

    def __init__(self, engine: Engine, shingle_size: int) -> None:
        self.engine = engine
        self.shingle_size = shingle_size
        self._cache: dict[int, np.ndarray] = {}

    def get(self, text_ids: Iterable[int]) -> dict[int, np.ndarray]:
        wanted = set(text_ids)
        missing = sorted(wanted - self._cache.keys())
        if missing:
            with self.engine.connect() as conn:
                self._load(conn, missing)
        return {text_id: self._cache[text_id] for text_id in wanted if text_id in self._cache}

    def _load(self, conn: Connection, text_ids: Sequence[int]) -> None:
        for chunk in in_chunks(text_ids):
            rows = conn.execute(
                select(VersionDedupeKey.dedupe_text_id, Article.site_id, ArticleVersion.text)
                .join(ArticleVersion, ArticleVersion.id == VersionDedupeKey.article_version_id)
                .join(Article, Article.id == ArticleVersion.article_id)
                .where(VersionDedupeKey.dedupe_text_id.in_(chunk))
            ).all()
            learned = learned_blocks(conn, {row.site_id for row in rows})
            for text_id, site_id, text in rows:
                if text_id not in self._cache:
                    body = body_text(text, learned.get(site_id, ()))
                    self._cache[text_id] = shingle_hashes(body, self.shingle_size)


def pair_pending(engine: Engine, shingles: TextShingles, *, floor: float = PAIR_FLOOR) -> PairingStats:
    """Compare every unpaired text with its candidates and keep the similar pairs.

    Reading and comparing happen outside any write transaction (a crawl may write
    meanwhile); the results are written in one short transaction. Texts indexed
    after the pending list was read stay pending for the next pass.
    """
    with engine.connect() as conn:
        pending = conn.execute(select(DedupeText.id).where(DedupeText.paired_at.is_(None))).scalars().all()
        pairs = candidate_pairs(conn, pending)
        signatures = load_signatures(conn, np.unique(pairs))
    screened = screen_pairs(pairs, signatures, floor=floor)
    kept = verify_pairs(screened, shingles, floor=floor)
    with write_transaction(engine) as conn:
        if kept:
            conn.execute(
                insert_for(conn)(DedupeSimilarity).on_conflict_do_nothing(),
                [{"dedupe_text_id": a, "similar_text_id": b, "jaccard": j} for a, b, j in kept],
            )
        now = datetime.now(UTC)
        for chunk in in_chunks(pending):
            conn.execute(update(DedupeText).where(DedupeText.id.in_(chunk)).values(paired_at=now))
    return PairingStats(len(pending), len(pairs), len(screened), len(kept))


def candidate_pairs(conn: Connection, text_ids: Sequence[int]) -> np.ndarray:
    """Distinct ``(low id, high id)`` pairs of texts sharing a band, at least one of
    them in ``text_ids`` (the unpaired texts): an ``(n, 2)`` ``int64`` array.
    A pair of two unpaired texts is fetched from its lower id's side only."""
    own, other = aliased(DedupeBandKey), aliased(DedupeBandKey)
    other_text = aliased(DedupeText)
    found: list[np.ndarray] = []
    for chunk in in_chunks(text_ids):
        result = conn.execute(
            select(own.dedupe_text_id, other.dedupe_text_id)
            .join(other, other.band_key == own.band_key)
            .join(other_text, other_text.id == other.dedupe_text_id)
            .where(own.dedupe_text_id.in_(chunk), other.dedupe_text_id != own.dedupe_text_id,
                   or_(other_text.paired_at.is_not(None), other.dedupe_text_id > own.dedupe_text_id))
            .distinct()
        )
        flat = np.fromiter(chain.from_iterable(result), dtype=np.int64)
        if len(flat):
            found.append(flat.reshape(-1, 2))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.sort(np.concatenate(found), axis=1)
    return np.unique(pairs, axis=0)


def load_signatures(conn: Connection, text_ids: Iterable[int]) -> dict[int, np.ndarray]:
    signatures: dict[int, np.ndarray] = {}
    for chunk in in_chunks([int(i) for i in text_ids]):
        for text_id, blob in conn.execute(
            select(DedupeText.id, DedupeText.minhash).where(DedupeText.id.in_(chunk))
        ):
            signatures[text_id] = signature_from_bytes(blob)
    return signatures


def screen_pairs(pairs: np.ndarray, signatures: dict[int, np.ndarray], *, floor: float) -> np.ndarray:
    """The pairs whose MinHash estimate is within ``ESTIMATE_MARGIN`` of ``floor`` or above."""
    if not len(pairs):
        return pairs
    index = {text_id: row for row, text_id in enumerate(signatures)}
    matrix = np.stack(list(signatures.values()))
    keep = np.zeros(len(pairs), dtype=bool)
    for start in range(0, len(pairs), 200_000):
        part = pairs[start : start + 200_000]
        first = matrix[[index[int(a)] for a in part[:, 0]]]
        second = matrix[[index[int(b)] for b in part[:, 1]]]
        keep[start : start + len(part)] = estimated_jaccard(first, second) >= floor - ESTIMATE_MARGIN
    return pairs[keep]


def verify_pairs(
    pairs: np.ndarray, shingles: TextShingles, *, floor: float
) -> list[tuple[int, int, float]]:
    """``(a, b, jaccard)`` for the pairs whose exact Jaccard similarity is >= ``floor``."""
    sets = shingles.get(int(i) for i in np.unique(pairs))
    kept = []
    for a, b in pairs.tolist():
        if a in sets and b in sets:
            similarity = jaccard(sets[a], sets[b])
            if similarity >= floor:
                kept.append((a, b, similarity))
    return kept
