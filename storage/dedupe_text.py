"""Text as the dedupe reports compare it: normalised, shingled, split into sentences.

Normalised text is NFKC, case-folded, with every run of punctuation, symbols and
whitespace turned into one space: "Don't  STOP!" and "don’t stop" compare equal.
Paragraphs a site's boilerplate learning recorded (``site_boilerplate_blocks``)
are removed first, so a learned newsletter box never makes two unrelated articles
of a site look alike. A shingle is ``k`` consecutive words of the normalised text;
its 64-bit hash mixes the stable hashes of its words (BLAKE2b, cached per word),
so all the shingles of a text are hashed in one numpy pass.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Collection, Iterator

import numpy as np

# Not a word character (or an underscore): punctuation, symbols, whitespace.
_SEPARATORS = re.compile(r"[\W_]+")
# A sentence ends at . ! ? (optionally closed by quotes or brackets) before a space,
# or at a line break (paragraphs, list items, headings).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[.!?][\"'”’)\]])\s+|\n+")

MIN_BLOCK_CHARS = 20  # the shortest paragraph boilerplate learning fingerprints
MIN_SENTENCE_WORDS = 6
MIN_SENTENCE_CHARS = 30


def normalise_text(text: str) -> str:
    """``text`` NFKC-normalised, case-folded, punctuation and whitespace runs as one space."""
    return separators_to_space(unicodedata.normalize("NFKC", text).casefold())


def separators_to_space(text: str) -> str:
    """Every run of punctuation, symbols and whitespace as one space, ends stripped."""
    return _SEPARATORS.sub(" ", text).strip()


def block_sha1(paragraph: str) -> str:
    """A paragraph's fingerprint as boilerplate learning computes it
    (``pipelines.site_learning.block_sha1``: whitespace collapsed, lower case)."""
    return hashlib.sha1(" ".join(paragraph.split()).lower().encode("utf-8")).hexdigest()


def strip_learned(text: str, learned: Collection[str]) -> str:
    """``text`` without its paragraphs and list items whose fingerprint is in ``learned``."""
    if not learned:
        return text
    kept: list[str] = []
    for paragraph in text.split("\n\n"):
        lines = paragraph.split("\n")
        if all(line.startswith("- ") for line in lines):
            lines = [line for line in lines if not _is_learned(line[2:], learned)]
            if lines:
                kept.append("\n".join(lines))
        elif not _is_learned(paragraph, learned):
            kept.append(paragraph)
    return "\n\n".join(kept)


def _is_learned(piece: str, learned: Collection[str]) -> bool:
    return len(piece) >= MIN_BLOCK_CHARS and block_sha1(piece) in learned


def body_text(text: str, learned: Collection[str] = ()) -> str:
    """The normalised body an article is compared by (learned boilerplate removed)."""
    return normalise_text(strip_learned(text, learned))


def text_sha256(normalised: str) -> str:
    """The exact-duplicate key of a normalised body."""
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def shingles(normalised: str, size: int) -> list[str]:
    """The distinct ``size``-word shingles of a normalised text, in first-seen order.
    A text shorter than ``size`` words is one shingle; an empty text has none."""
    words = normalised.split()
    if len(words) <= size:
        return [" ".join(words)] if words else []
    return list(dict.fromkeys(" ".join(words[i : i + size]) for i in range(len(words) - size + 1)))


def word_hash(word: str) -> int:
    """A word's stable 64-bit hash (the first 8 bytes of its BLAKE2b, little-endian)."""
    found = _WORD_HASHES.get(word)
    if found is None:
        if len(_WORD_HASHES) >= _WORD_CACHE_SIZE:
            _WORD_HASHES.clear()
        found = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")
        _WORD_HASHES[word] = found
    return found


# Words hashed lately. A crawl's writer keeps this for as long as it runs, and a real
# archive's vocabulary (names, numbers, misspellings) grows without end: 2M words would
# hold 240 MB. 65,536 is as fast on a Zipf-distributed text as a cache 32 times as
# big (the common words are back at once after a clear) and holds about 8 MB.
_WORD_HASHES: dict[str, int] = {}
_WORD_CACHE_SIZE = 1 << 16


def _fmix64(values: np.ndarray) -> np.ndarray:
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xFF51AFD7ED558CCD)
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xC4CEB9FE1A85EC53)
    return values ^ (values >> np.uint64(33))


def _combine(word_hashes: np.ndarray, size: int) -> np.ndarray:
    """The hash of every window of ``size`` consecutive words."""
    count = len(word_hashes) - size + 1
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(size):
        combined = combined * _MULTIPLIER + word_hashes[offset : offset + count]
    return _fmix64(combined)


_MULTIPLIER = np.uint64(0x100000001B3)


def shingle_hashes(normalised: str, size: int) -> np.ndarray:
    """The sorted distinct 64-bit hashes (``uint64``) of a text's shingles: the set
    whose Jaccard similarity the reports verify, and whose low 32 bits MinHash reads.

    A shingle's hash mixes its words' hashes in order (``shingle_hash`` of one
    shingle gives the same value), computed for all windows at once."""
    words = normalised.split()
    if not words:
        return np.empty(0, dtype=np.uint64)
    hashes = np.fromiter((word_hash(w) for w in words), dtype=np.uint64, count=len(words))
    return np.unique(_combine(hashes, min(size, len(words))))


def shingle_hash(shingle: str) -> int:
    """The 64-bit hash of one shingle (its words joined by single spaces)."""
    words = shingle.split()
    hashes = np.array([word_hash(w) for w in words], dtype=np.uint64)
    return int(_combine(hashes, len(words))[0])


def shingle_hash32(shingle: bytes) -> int:
    """The low 32 bits of ``shingle_hash``: the ``hashfunc`` that makes datasketch's
    ``MinHash`` compute the signatures ``storage.minhash`` computes."""
    return shingle_hash(shingle.decode("utf-8")) & 0xFFFFFFFF


def jaccard(first: np.ndarray, second: np.ndarray) -> float:
    """Jaccard similarity of two sorted distinct hash arrays (1.0 for two empty sets)."""
    if not len(first) and not len(second):
        return 1.0
    common = len(np.intersect1d(first, second, assume_unique=True))
    return common / (len(first) + len(second) - common)


def title_key(title: str | None) -> str:
    """The key title duplicates share: the normalised title ('' when there is none)."""
    return normalise_text(title or "")


def split_sentences(text: str) -> Iterator[str]:
    """The sentences of a text as written (stripped), in order."""
    for piece in _SENTENCE_END.split(text):
        piece = piece.strip().lstrip("-•* ").strip()
        if piece:
            yield piece


def is_countable_sentence(normalised: str) -> bool:
    """Whether a normalised sentence is long enough to say something when repeated."""
    return len(normalised) >= MIN_SENTENCE_CHARS and normalised.count(" ") + 1 >= MIN_SENTENCE_WORDS
