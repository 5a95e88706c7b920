"""The dedupe report's defaults and the MinHash LSH scheme of the stored index, kept
apart from the code that computes them (numpy, datasketch) so that the command line can
show them without importing it."""

from __future__ import annotations

from dataclasses import dataclass

# Near-duplicate Jaccard threshold: light rewrites (up to 30% of sentences changed)
# cluster, different articles on one topic do not (tests/storage/test_dedupe_report.py).
DEFAULT_THRESHOLD = 0.3
# The lowest threshold a report may ask for: pairs below it are not kept in the index.
PAIR_FLOOR = 0.3
# Reused sentences: in at least this many articles.
DEFAULT_MIN_ARTICLES = 3


@dataclass(frozen=True, slots=True)
class LshScheme:
    """How texts are signed and banded. ``shingle_size`` words per shingle,
    ``num_perm`` MinHash permutations drawn from ``seed``, ``bands`` x ``rows``
    of them used for LSH. ``name`` changes whenever a stored signature would."""

    shingle_size: int = 7
    num_perm: int = 128
    seed: int = 1
    bands: int = 42
    rows: int = 3

    def __post_init__(self) -> None:
        if self.shingle_size < 1 or self.bands < 1 or self.rows < 1:
            raise ValueError("shingle size, bands and rows must be positive")
        if self.bands * self.rows > self.num_perm:
            raise ValueError(f"{self.bands} bands x {self.rows} rows exceed {self.num_perm} permutations")

    @property
    def name(self) -> str:
        return (f"minhash-affine32-v1:k={self.shingle_size}:p={self.num_perm}:"
                f"s={self.seed}:b={self.bands}x{self.rows}")

    def candidate_probability(self, similarity: float) -> float:
        """The chance that two texts of this Jaccard similarity share a band."""
        return float(1.0 - (1.0 - similarity**self.rows) ** self.bands)


DEFAULT_SCHEME = LshScheme()
