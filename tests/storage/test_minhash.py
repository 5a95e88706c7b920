"""Vectorised MinHash signatures are datasketch's, and LSH band keys (storage/minhash.py)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from datasketch import MinHash

from storage.dedupe_defaults import LshScheme
from storage.dedupe_text import normalise_text, shingle_hash32, shingle_hashes, shingles
from storage.minhash import (
    band_keys,
    estimated_jaccard,
    signature_bytes,
    signature_from_bytes,
    signatures,
)


def _texts() -> list[str]:
    rng = random.Random(5)
    words = [f"word{i}" for i in range(300)]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(8, 400))) for _ in range(60)]
    return [*texts, "", "two words", "exactly seven words in this short text"]


@pytest.mark.parametrize(("num_perm", "seed", "size"), [(128, 1, 7), (64, 42, 3)])
def test_signatures_equal_datasketch(num_perm, seed, size):
    texts = [normalise_text(t) for t in _texts()]
    signed = signatures([shingle_hashes(t, size) for t in texts], num_perm=num_perm, seed=seed)
    assert signed.shape == (len(texts), num_perm) and signed.dtype == np.uint32
    for row, text in zip(signed, texts, strict=True):
        reference = MinHash(num_perm=num_perm, seed=seed, hashfunc=shingle_hash32)
        reference.update_batch([s.encode("utf-8") for s in shingles(text, size)])
        assert np.array_equal(row, reference.hashvalues)


def test_signatures_in_one_batch_equal_one_at_a_time(monkeypatch):
    hashes = [shingle_hashes(normalise_text(t), 5) for t in _texts()]
    together = signatures(hashes, num_perm=32, seed=1)
    monkeypatch.setattr("storage.minhash._CHUNK_HASHES", 50)  # many small chunks
    assert np.array_equal(signatures(hashes, num_perm=32, seed=1), together)
    alone = np.vstack([signatures([h], num_perm=32, seed=1) for h in hashes])
    assert np.array_equal(alone, together)


def test_band_keys_match_exactly_when_a_band_matches():
    scheme = LshScheme(num_perm=12, bands=4, rows=3)
    first = np.arange(12, dtype=np.uint32).reshape(1, 12)
    second = first.copy()
    second[0, 0] = 99  # band 0 differs, bands 1-3 equal
    keys_a, keys_b = band_keys(first, scheme), band_keys(second, scheme)
    assert keys_a.dtype == np.int64 and keys_a.shape == (1, 4)
    assert keys_a[0, 0] != keys_b[0, 0]
    assert np.array_equal(keys_a[0, 1:], keys_b[0, 1:])
    assert len(set(keys_a[0].tolist())) == 4  # the band number is part of the key


def test_estimate_storage_and_scheme():
    texts = [normalise_text(t) for t in _texts()[:2]]
    signed = signatures([shingle_hashes(t, 5) for t in texts], num_perm=128, seed=1)
    assert np.array_equal(signature_from_bytes(signature_bytes(signed[0])), signed[0])
    assert estimated_jaccard(signed[:1], signed[:1])[0] == 1.0
    scheme = LshScheme()
    assert scheme.name == "minhash-affine32-v1:k=7:p=128:s=1:b=42x3"
    assert scheme.candidate_probability(0.4) > 0.9 > 0.05 > scheme.candidate_probability(0.05)
    with pytest.raises(ValueError, match="exceed"):
        LshScheme(bands=50, rows=3)
