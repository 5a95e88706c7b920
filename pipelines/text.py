"""Plain-text helpers: whitespace, hashing, language detection."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter

_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_NEWLINES = re.compile(r"\n{3,}")
_WORD = re.compile(r"\w+", re.UNICODE)


def collapse_space(text: str | None) -> str:
    """One line: every run of whitespace becomes one space."""
    if not text:
        return ""
    return " ".join(text.split())


def normalise_text(text: str) -> str:
    """The form hashed for ``content_hash``: NFC, whitespace collapsed per paragraph."""
    text = unicodedata.normalize("NFC", text)
    paragraphs = [collapse_space(p) for p in text.split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


def content_hash(text: str) -> str:
    """SHA-256 hex digest of the normalised body text."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


# The most frequent short function words of each language: enough to tell the
# languages health sites publish in apart on a paragraph or more of text.
_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(["the", "and", "of", "to", "is", "in", "that", "it", "for", "you", "with", "are", "this", "on", "as", "be", "your", "not"]),
    "es": frozenset(["el", "la", "de", "que", "y", "en", "los", "las", "del", "se", "por", "un", "una", "para", "con", "es", "su", "al"]),
    "fr": frozenset(["le", "la", "les", "de", "des", "et", "est", "en", "un", "une", "du", "que", "pour", "dans", "sur", "pas", "qui", "au"]),
    "de": frozenset(["der", "die", "das", "und", "ist", "nicht", "zu", "den", "mit", "von", "sich", "des", "ein", "eine", "auf", "für", "im"]),
    "it": frozenset(["il", "di", "che", "e", "la", "per", "un", "una", "non", "sono", "della", "del", "gli", "le", "con", "si", "al"]),
    "pt": frozenset(["o", "a", "de", "que", "e", "do", "da", "em", "um", "uma", "para", "com", "não", "os", "as", "se", "dos", "das"]),
    "nl": frozenset(["de", "het", "een", "en", "van", "is", "dat", "op", "te", "in", "niet", "zijn", "voor", "met", "je", "ook"]),
}


def detect_language(text: str, *, min_hits: int = 8) -> str | None:
    """ISO 639-1 code of the language whose function words dominate, or None."""
    counts: Counter[str] = Counter()
    for token in words(text[:6000]):
        for lang, stop in _STOPWORDS.items():
            if token in stop:
                counts[lang] += 1
    if not counts:
        return None
    (best, hits), *rest = [*counts.most_common(2), ("", 0)]
    runner_up = rest[0][1] if rest else 0
    if hits < min_hits or hits < 1.3 * runner_up:
        return None
    return best


def normalise_language(value: str | None) -> str | None:
    """'en-US', 'en_GB', 'EN' -> 'en'; anything not a 2-3 letter code -> None."""
    if not value:
        return None
    code = re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None
