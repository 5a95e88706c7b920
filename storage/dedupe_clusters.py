"""Grouping live articles into duplicate clusters: exact, near and title.

- exact: articles whose normalised bodies are identical (one ``DedupeText``);
- near: texts joined by verified pairs at or above the threshold, merged
  transitively (union-find), with at least two distinct texts;
- title: articles with the same normalised title that are not all in one exact or
  near cluster already.

A cluster's ``similarity`` is the smallest Jaccard similarity between any two of
its distinct texts (1.0 when there is only one text): the two texts that give it
are the cluster's ``most_different`` pair, the one a report shows side by side.
A verified pair's value is exact; a pair below the index's floor (not stored) gets
its MinHash estimate; past ``ALL_PAIRS_TEXTS`` texts only verified pairs count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from storage.dedupe_text import title_key

KINDS = ("exact", "near", "title")
MIN_TITLE_CHARS = 8  # shorter titles ("Home", "Sleep") say nothing when shared
ALL_PAIRS_TEXTS = 400  # beyond this many texts, only the verified pairs are looked at


@dataclass(frozen=True, slots=True)
class Member:
    """A live article in a report: its current version and that version's text."""

    version_id: int
    text_id: int
    url: str
    site: str
    title: str
    published: str | None


@dataclass(frozen=True, slots=True)
class Cluster:
    """Articles that duplicate each other. ``most_different`` holds the version ids
    of the two members whose texts are least alike (``None`` for one text)."""

    kind: str
    similarity: float
    members: tuple[Member, ...]
    most_different: tuple[int, int] | None

    @property
    def sites(self) -> int:
        return len({m.site for m in self.members})


class UnionFind:
    """Disjoint sets over hashable items (path halving, union by size)."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}
        self.size: dict[int, int] = {}

    def find(self, item: int) -> int:
        parent = self.parent.setdefault(item, item)
        while parent != item:
            grand = self.parent[parent]
            self.parent[item] = grand
            item, parent = grand, self.parent[grand]
        return item

    def union(self, first: int, second: int) -> None:
        a, b = self.find(first), self.find(second)
        if a == b:
            return
        if self.size.get(a, 1) < self.size.get(b, 1):
            a, b = b, a
        self.parent[b] = a
        self.size[a] = self.size.get(a, 1) + self.size.get(b, 1)

    def groups(self) -> list[list[int]]:
        found: dict[int, list[int]] = defaultdict(list)
        for item in self.parent:
            found[self.find(item)].append(item)
        return list(found.values())


SimilarityOf = Callable[[Sequence[int]], dict[tuple[int, int], float]]


def build_clusters(
    members: Sequence[Member],
    edges: Iterable[tuple[int, int, float]],
    *,
    threshold: float,
    similarity_of: SimilarityOf,
) -> list[Cluster]:
    """Every exact, near and title cluster among ``members``, largest first.

    ``edges`` are verified ``(text, text, jaccard)`` pairs (any threshold: those
    below ``threshold`` are ignored); ``similarity_of`` returns the Jaccard
    similarity of every pair of the given text ids (computed or estimated).
    """
    by_text: dict[int, list[Member]] = defaultdict(list)
    for member in members:
        by_text[member.text_id].append(member)
    known: dict[tuple[int, int], float] = {}
    joined = UnionFind()
    for a, b, similarity in edges:
        if a in by_text and b in by_text:
            known[(min(a, b), max(a, b))] = similarity
            if similarity >= threshold:
                joined.union(a, b)
    clusters = [Cluster("exact", 1.0, tuple(group), None) for group in by_text.values() if len(group) > 1]
    for texts in joined.groups():
        if len(texts) > 1:
            clusters.append(_cluster("near", [m for t in texts for m in by_text[t]], known, similarity_of))
    story_of = {text_id: joined.find(text_id) for text_id in by_text}
    by_title: dict[str, list[Member]] = defaultdict(list)
    for member in members:
        key = title_key(member.title)
        if len(key) >= MIN_TITLE_CHARS:
            by_title[key].append(member)
    for group in by_title.values():
        if len(group) > 1 and len({story_of[m.text_id] for m in group}) > 1:
            clusters.append(_cluster("title", group, known, similarity_of))
    return sorted(clusters, key=lambda c: (-len(c.members), KINDS.index(c.kind), -c.similarity,
                                           c.members[0].url))


def _cluster(
    kind: str, members: list[Member], known: Mapping[tuple[int, int], float], similarity_of: SimilarityOf
) -> Cluster:
    members.sort(key=lambda m: (m.site, m.url))
    texts = sorted({m.text_id for m in members})
    computed: dict[tuple[int, int], float] = {}
    if len(texts) > ALL_PAIRS_TEXTS:
        inside = set(texts)
        pairs = [pair for pair in known if pair[0] in inside and pair[1] in inside] or [(texts[0], texts[1])]
    else:
        pairs = list(combinations(texts, 2))
        missing = sorted({t for pair in pairs if pair not in known for t in pair})
        if missing:
            computed = similarity_of(missing)

    def value(pair: tuple[int, int]) -> float:
        return known.get(pair, computed.get(pair, 0.0))

    lowest = min(pairs, key=lambda pair: (value(pair), pair))
    first = next(m for m in members if m.text_id == lowest[0])
    second = next(m for m in members if m.text_id == lowest[1])
    return Cluster(kind, round(value(lowest), 4), tuple(members), (first.version_id, second.version_id))


def pairwise_similarity(
    text_ids: Sequence[int], *, signatures: Callable[[Sequence[int]], dict[int, np.ndarray]]
) -> dict[tuple[int, int], float]:
    """The MinHash estimate of the Jaccard similarity of every pair of ``text_ids``
    (pairs below the index's floor, whose exact value is not stored)."""
    signed = signatures(sorted(set(text_ids)))
    present = sorted(signed)
    if len(present) < 2:
        return {}
    matrix = np.stack([signed[i] for i in present])
    result = {}
    for row, a in enumerate(present[:-1]):
        estimates = (matrix[row + 1 :] == matrix[row]).mean(axis=1)
        result.update({(a, b): float(e) for b, e in zip(present[row + 1 :], estimates, strict=True)})
    return result
