"""Reused sentences: the signature of templated content.

Every live article's text is split into sentences; each is normalised (as bodies
are) and kept when it has at least ``MIN_SENTENCE_WORDS`` words and
``MIN_SENTENCE_CHARS`` characters. A sentence counts once per *story*: copies of
one article (an exact or near cluster) count as one article, so a syndicated
piece does not make all of its sentences look templated. Sentences carried by at
least ``min_articles`` stories are ranked by stories, then sites.

Memory stays small at archive scale: the first pass keeps three integers per
sentence occurrence; only the winners' texts are looked up again.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from storage.dedupe_defaults import DEFAULT_MIN_ARTICLES
from storage.dedupe_text import (
    is_countable_sentence,
    normalise_text,
    separators_to_space,
    split_sentences,
)

EXAMPLE_URLS = 5


@dataclass(frozen=True, slots=True)
class ReusedSentence:
    """A sentence (as first written) and how widely it is reused: ``articles``
    counts stories (copies of one article once), ``copies`` every article,
    ``sites`` distinct sites; ``urls`` a few articles carrying it."""

    sentence: str
    articles: int
    copies: int
    sites: int
    urls: tuple[str, ...]


def sentence_keys(text: str) -> list[int]:
    """The keys of a text's countable sentences, each once (Python's string hash of
    the normalised sentence: stable within one process, which is all a report needs).
    The text is NFKC-normalised and case-folded once, then split."""
    keys = []
    for sentence in split_sentences(unicodedata.normalize("NFKC", text).casefold()):
        normalised = separators_to_space(sentence)
        if is_countable_sentence(normalised):
            keys.append(hash(normalised))
    return list(dict.fromkeys(keys))


def reused_sentences(
    texts: Iterable[tuple[int, str]],
    *,
    story_of: Sequence[int],
    site_of: Sequence[int],
    url_of: Sequence[str],
    text_of: Callable[[int], str],
    min_articles: int = DEFAULT_MIN_ARTICLES,
    limit: int | None = None,
) -> list[ReusedSentence]:
    """Reused sentences of ``texts`` (``(member index, text)`` pairs), most reused first.

    ``story_of``, ``site_of`` and ``url_of`` describe each member index;
    ``text_of`` returns a member's text again (for the winners' wording).
    """
    keys: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    for member, text in texts:
        found = sentence_keys(text)
        keys.append(np.array(found, dtype=np.int64))
        owners.append(np.full(len(found), member, dtype=np.int64))
    if not keys:
        return []
    key = np.concatenate(keys)
    owner = np.concatenate(owners)
    story = np.asarray(story_of, dtype=np.int64)[owner]
    site = np.asarray(site_of, dtype=np.int64)[owner]
    order = np.lexsort((owner, key))
    key, owner, story, site = key[order], owner[order], story[order], site[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    ends = np.r_[starts[1:], len(key)]
    candidates = np.flatnonzero(ends - starts >= min_articles)
    results: list[tuple[int, int, int, int]] = []  # (stories, sites, copies, start)
    for index in candidates.tolist():
        start, end = int(starts[index]), int(ends[index])
        stories = len(np.unique(story[start:end]))
        if stories >= min_articles:
            results.append((stories, len(np.unique(site[start:end])), end - start, start))
    results.sort(key=lambda r: (-r[0], -r[1], -r[2], int(key[r[3]])))
    if limit is not None:
        results = results[:limit]
    reused: list[ReusedSentence] = []
    for stories, sites, copies, start in results:
        first = int(owner[start])
        reused.append(ReusedSentence(
            _wording(text_of(first), int(key[start])), stories, copies, sites,
            tuple(url_of[int(m)] for m in owner[start : start + EXAMPLE_URLS]),
        ))
    return reused


def _wording(text: str, key: int) -> str:
    """The sentence of ``text`` with this key, as written (case-folded if its
    boundaries only appear after normalisation)."""
    for sentence in split_sentences(text):
        if hash(normalise_text(sentence)) == key:
            return sentence
    for sentence in split_sentences(unicodedata.normalize("NFKC", text).casefold()):
        if hash(separators_to_space(sentence)) == key:
            return sentence
    return ""
