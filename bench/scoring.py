"""Pure scoring functions of the extraction-quality benchmark (``bench/quality.py``).

Two families:

- body text against a reference text: ``bag_of_words_prf`` (one page) and
  ``zyte_shingle_scores`` (a corpus, the metric of the Zyte article-extraction benchmark);
- one record field against a label: exact matches, author, section, reference, link and
  flag comparators. Each returns plain counts for one page; ``Tally`` adds them up over
  the corpus, so every corpus figure is micro-averaged unless its name says otherwise.

Nothing here reads files or runs an extractor.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

TOKEN = re.compile(r"\w+")
SHINGLE_SIZE = 4


def collapse(value: Any) -> Any:
    """Whitespace collapsed for strings; other values unchanged."""
    return " ".join(value.split()) if isinstance(value, str) else value


def ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def f1_score(precision: float | None, recall: float | None) -> float | None:
    if precision is None or recall is None:
        return None
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


# -- body text -----------------------------------------------------------------------

def bag_of_words_prf(predicted: str, truth: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of the lower-cased ``\\w+`` token multisets of one page.

    An empty side scores 0 (a tool that returns nothing gets no credit); two empty texts
    agree perfectly and score 1."""
    pred = Counter(t.lower() for t in TOKEN.findall(predicted or ""))
    true = Counter(t.lower() for t in TOKEN.findall(truth or ""))
    if not pred and not true:
        return 1.0, 1.0, 1.0
    overlap = sum((pred & true).values())
    precision = overlap / sum(pred.values()) if pred else 0.0
    recall = overlap / sum(true.values()) if true else 0.0
    return precision, recall, f1_score(precision, recall) or 0.0


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Counted runs of ``size`` consecutive ``\\w+`` tokens, case kept (the Zyte
    evaluation does not lower-case). A text shorter than ``size`` tokens, but not
    empty, is one shorter shingle, as in the Zyte evaluation."""
    tokens = TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    return Counter(tuple(tokens[i:i + size]) for i in range(max(1, len(tokens) - size + 1)))


def shingle_tp_fp_fn(predicted: str, truth: str) -> tuple[float, float, float]:
    """One page's matched, extra and missed shingle counts, divided by their sum so
    that a long page weighs no more than a short one. (0, 0, 0) for two empty texts."""
    pred, true = shingles(predicted), shingles(truth)
    tp = sum((pred & true).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def zyte_shingle_scores(pairs: Iterable[tuple[str, str]]) -> dict[str, float]:
    """The Zyte article-extraction benchmark metric over ``(predicted, truth)`` pairs.

    Precision is the mean of per-page tp/(tp+fp) over pages with predicted shingles,
    recall the mean of tp/(tp+fn) over pages with true shingles (a page where a tool
    returns nothing lowers its recall and leaves its precision alone); F1 is computed
    from the two means."""
    precisions: list[float] = []
    recalls: list[float] = []
    for predicted, truth in pairs:
        tp, fp, fn = shingle_tp_fp_fn(predicted, truth)
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    return {"precision": precision, "recall": recall, "f1": f1_score(precision, recall) or 0.0}


def must_contain_found(text: str, sentences: Sequence[str]) -> tuple[int, int]:
    """(sentences found verbatim, sentences), whitespace collapsed on both sides."""
    flat = collapse(text or "")
    return sum(1 for s in sentences if collapse(s) in flat), len(sentences)


def leaks(text: str, must_not_contain: Sequence[str]) -> bool:
    """True when the text keeps ANY of the label's boilerplate strings."""
    flat = collapse(text or "")
    return any(collapse(s) in flat for s in must_not_contain)


# -- record fields -----------------------------------------------------------------

def exact_match(predicted: Any, expected: Any) -> bool:
    """Equal after collapsing whitespace in strings (and in lists of strings)."""
    if isinstance(expected, list) or isinstance(predicted, list | tuple):
        return [collapse(v) for v in predicted or []] == [collapse(v) for v in expected or []]
    return collapse(predicted) == collapse(expected)


def same_day(predicted: str | None, expected: str | None) -> bool:
    """The calendar day as written (the first ten characters of the ISO value)."""
    return (predicted or "")[:10] == (expected or "")[:10]


def multiset_counts(predicted: Iterable[Hashable], expected: Iterable[Hashable]) -> tuple[int, int, int]:
    """(tp, fp, fn) of two multisets."""
    pred, true = Counter(predicted), Counter(expected)
    return sum((pred & true).values()), sum((pred - true).values()), sum((true - pred).values())


def pair_up(predicted: Sequence[Any], expected: Sequence[Any],
            same: Callable[[Any, Any], bool]) -> list[tuple[Any, Any]]:
    """(predicted, expected) pairs: each expected item, in order, takes the first unused
    predicted item that ``same`` accepts."""
    free = list(predicted)
    pairs = []
    for item in expected:
        for i, candidate in enumerate(free):
            if same(candidate, item):
                pairs.append((free.pop(i), item))
                break
    return pairs


def name_key(name: str | None) -> str:
    return collapse(name or "").casefold()


@dataclass
class Tally:
    """Counts summed over pages. ``add("x", hits, total)`` for accuracies,
    ``add_prf("y", tp, fp, fn)`` for precision/recall pairs."""

    hits: Counter[str] = field(default_factory=Counter)
    totals: Counter[str] = field(default_factory=Counter)

    def add(self, key: str, hits: int | bool, total: int = 1) -> None:
        self.hits[key] += int(hits)
        self.totals[key] += total

    def add_prf(self, key: str, tp: int, fp: int, fn: int) -> None:
        self.add(f"{key}.p", tp, tp + fp)
        self.add(f"{key}.r", tp, tp + fn)

    def merge(self, other: Tally, prefix: str = "") -> None:
        for key, total in other.totals.items():
            self.add(prefix + key, other.hits[key], total)

    def value(self, key: str) -> float | None:
        return ratio(self.hits[key], self.totals[key]) if key in self.totals else None

    def count(self, key: str) -> tuple[int, int]:
        return self.hits[key], self.totals[key]


def author_counts(predicted: Sequence[dict[str, Any]], expected: Sequence[dict[str, Any]]) -> Tally:
    """Name precision/recall (multiset of names, whitespace and case folded), then role,
    relation and bio accuracy over the matched authors whose label states that field."""
    tally = Tally()
    tally.add_prf("authors.name", *multiset_counts((name_key(a.get("name")) for a in predicted),
                                                   (name_key(a.get("name")) for a in expected)))
    pairs = pair_up(predicted, expected, lambda p, e: name_key(p.get("name")) == name_key(e.get("name")))
    for got, want in pairs:
        for key in ("role", "relation", "bio"):
            if key in want:
                tally.add(f"authors.{key}", exact_match(got.get(key), want[key]))
    return tally


def section_counts(predicted: Sequence[dict[str, Any]], headings: Sequence[str | None],
                   kinds: Sequence[str] | None = None) -> Tally:
    """``sections.headings``: the heading sequence is exactly the label's (one per page).
    ``sections.kind``: per labelled section, found (by heading, in order) with the
    label's kind; a section the tool missed counts as wrong."""
    tally = Tally()
    tally.add("sections.headings", exact_match([s.get("heading") for s in predicted], list(headings)))
    if kinds is not None:
        wanted = [{"heading": h, "kind": k} for h, k in zip(headings, kinds, strict=True)]
        pairs = pair_up(predicted, wanted, lambda p, e: collapse(p.get("heading")) == collapse(e["heading"]))
        tally.add("sections.kind", sum(p.get("kind") == e["kind"] for p, e in pairs), len(wanted))
    return tally


REFERENCE_FIELDS = ("title", "year", "doi", "pmid")


def title_key(title: str | None) -> str:
    return " ".join(TOKEN.findall((title or "").casefold()))


def same_reference(predicted: dict[str, Any], expected: dict[str, Any]) -> bool:
    """The same cited work: equal DOI or PMID (lower-cased), or equal title once case,
    punctuation and spacing are ignored."""
    for key in ("doi", "pmid"):
        got, want = predicted.get(key), expected.get(key)
        if got and want and str(got).lower() == str(want).lower():
            return True
    want_title = title_key(expected.get("title"))
    return bool(want_title) and title_key(predicted.get("title")) == want_title


def reference_counts(predicted: Sequence[dict[str, Any]], expected: Sequence[dict[str, Any]]) -> Tally:
    """Entry precision/recall (matched by ``same_reference``) and per-field accuracy
    (title, year, doi, pmid, exact) over matched entries."""
    tally = Tally()
    pairs = pair_up(predicted, expected, same_reference)
    tally.add_prf("references", len(pairs), len(predicted) - len(pairs), len(expected) - len(pairs))
    for got, want in pairs:
        for key in REFERENCE_FIELDS:
            if key in want:
                tally.add(f"references.{key}", exact_match(got.get(key), want[key]))
    return tally


def flag_counts(predicted: Iterable[str], expected: Iterable[str]) -> dict[str, tuple[int, int, int]]:
    """Per flag name, (tp, fp, fn) of one page (flags compare as sets)."""
    got, want = set(predicted), set(expected)
    return {flag: (int(flag in got and flag in want), int(flag in got and flag not in want),
                   int(flag in want and flag not in got)) for flag in got | want}
