"""MinHash signatures and LSH band keys, vectorised over many texts at once.

The signatures are datasketch's (``MinHash(num_perm, seed,
hashfunc=shingle_hash32)`` with its default ``affine32`` scheme): the same
permutations, taken from datasketch itself, the same MurmurHash3 finaliser and the
same wrapping 32-bit arithmetic, so a signature computed here equals
``MinHash.update_batch`` over the same shingles (a test holds them equal). What differs is speed: one numpy pass
over the shingles of a whole batch of texts instead of one per text.

LSH splits a signature into ``bands`` bands of ``rows`` values; two texts are
candidates when one band is equal. A band is stored as one signed 64-bit key that
mixes the band number and its values, so one index finds equal bands.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from storage.dedupe_defaults import LshScheme

_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)
_MAX32 = np.uint32(0xFFFFFFFF)
_SMALL_MATRIX = 1 << 18  # shingles x permutations signed in one 2-D pass (1 MB of uint32)
_CHUNK_HASHES = 1 << 22  # shingle hashes signed per numpy pass (16 MB of uint32)


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's permutation parameters ``(a, b)`` (``uint32`` arrays). datasketch
    is imported here, once, not by every process that imports the writer."""
    from datasketch import MinHash

    a, b = MinHash(num_perm=num_perm, seed=seed).permutations
    return a.astype(np.uint32), b.astype(np.uint32)


def _fmix32(values: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = _FMIX32
    values = values ^ (values >> np.uint32(s1))
    values = values * np.uint32(m1)
    values = values ^ (values >> np.uint32(s2))
    values = values * np.uint32(m2)
    return values ^ (values >> np.uint32(s3))


def signatures(hash_sets: Sequence[np.ndarray], *, num_perm: int, seed: int) -> np.ndarray:
    """One MinHash signature per text, ``(len(hash_sets), num_perm)`` ``uint32``.

    ``hash_sets`` holds each text's shingle hashes (``shingle_hashes``; only the
    low 32 bits are used). A text without shingles gets datasketch's empty
    signature (every value 2**32 - 1). Texts are signed in chunks of about
    ``_CHUNK_HASHES`` shingles, one permutation at a time over the whole chunk.
    """
    a, b = permutations(num_perm, seed)
    result = np.full((len(hash_sets), num_perm), _MAX32, dtype=np.uint32)
    start = 0
    while start < len(hash_sets):
        stop, total = start, 0
        while stop < len(hash_sets) and (stop == start or total + len(hash_sets[stop]) <= _CHUNK_HASHES):
            total += len(hash_sets[stop])
            stop += 1
        _sign_chunk(hash_sets[start:stop], a, b, result[start:stop])
        start = stop
    return result


def _sign_chunk(hash_sets: Sequence[np.ndarray], a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    lengths = np.array([len(h) for h in hash_sets], dtype=np.int64)
    filled = np.flatnonzero(lengths)
    if not len(filled):
        return
    mixed = _fmix32(np.concatenate([hash_sets[i] for i in filled.tolist()]).astype(np.uint32))
    starts = np.concatenate(([0], np.cumsum(lengths[filled])[:-1]))
    if len(mixed) * len(a) <= _SMALL_MATRIX:  # a few texts (the ingest hook): one 2-D pass
        out[filled] = np.minimum.reduceat(mixed[:, None] * a[None, :] + b[None, :], starts, axis=0)
        return
    for column in range(len(a)):
        # a * h + b wraps modulo 2**32, exactly as datasketch's affine32 scheme.
        out[filled, column] = np.minimum.reduceat(mixed * a[column] + b[column], starts)


def band_keys(signature_rows: np.ndarray, scheme: LshScheme) -> np.ndarray:
    """The LSH band keys of signatures, ``(n, bands)`` ``int64``: equal band values
    in the same band give equal keys."""
    used = signature_rows[:, : scheme.bands * scheme.rows].astype(np.uint64)
    bands = used.reshape(len(signature_rows), scheme.bands, scheme.rows)
    keys = np.broadcast_to(
        (np.arange(scheme.bands, dtype=np.uint64) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15),
        (len(signature_rows), scheme.bands),
    ).copy()
    for row in range(scheme.rows):
        keys = (keys ^ bands[:, :, row]) * np.uint64(0x100000001B3)
        keys ^= keys >> np.uint64(29)
    keys ^= keys >> np.uint64(33)
    keys *= np.uint64(0xFF51AFD7ED558CCD)
    keys ^= keys >> np.uint64(33)
    return keys.view(np.int64)


def signature_bytes(signature: np.ndarray) -> bytes:
    """A signature as stored: little-endian ``uint32`` values."""
    return signature.astype("<u4").tobytes()


def signature_from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4").astype(np.uint32)


def estimated_jaccard(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Row-wise estimated Jaccard similarity of two ``(n, num_perm)`` signature arrays."""
    return np.asarray((first == second).mean(axis=1), dtype=np.float64)
