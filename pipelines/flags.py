"""Content-quality flags an analyst can count on.

- ``affiliate_disclosure``: the page carries an affiliate disclosure.
- ``template_placeholder``: a leaked template token such as ``[AMAZON_PRODUCT_PLACEHOLDER]``
  or ``{{ product_name }}``.
- ``repeated_title_phrase``: a phrase of three or more words doubled in the title
  ("The Missing Link Between The Missing Link Between ...").
- ``author_topic_mismatch``: an author's or medical reviewer's stated specialty (from
  role, else bio) maps to topics (``SPECIALTY_TOPICS``) none of which is a topic of the
  article (from its category and tags, ``TOPIC_WORDS``). Unknown specialties or topics
  never flag; editors are not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipelines.records import Author

PLACEHOLDER = re.compile(
    r"\[[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\]|\[(?:INSERT|PLACEHOLDER|TODO)[^\]]{0,40}\]|"
    r"\{\{\s*[A-Za-z_][\w.]*\s*\}\}|%%[A-Z_]{3,}%%"
)

# Topic -> words that place an article's category or tags in that topic.
TOPIC_WORDS: dict[str, re.Pattern[str]] = {
    "fitness": re.compile(r"fitness|exercis|workout|strength|training|muscle|cardio|running|yoga|"
                          r"lifting|eccentric|mobility|stretch|athlet|sport|pilates|hiit|gym|"
                          r"ejercicio|entrenamiento|musculaci|sport|fitness", re.I),
    "nutrition": re.compile(r"nutrition|diet|food|eating|protein|vitamin|supplement|recipe|meal|"
                            r"gut|weight|fasting|keto|nutrici|alimenta|nutrition", re.I),
    "sleep": re.compile(r"sleep|insomnia|circadian|\bnap|melatonin|dream|sueño|sommeil", re.I),
    "skin": re.compile(r"\bskin|acne|derma|sunscreen|wrinkle|eczema|psoriasis|\bhair\b|beauty|"
                       r"piel|peau", re.I),
    "mental": re.compile(r"mental|anxiety|depress|stress|mood|mindful|psycholog|emotion|"
                         r"burnout|psychotherap|talk therapy|cognitive behavio|salud mental|santé mentale", re.I),
    "musculoskeletal": re.compile(r"back pain|neck pain|joint|posture|ergonomic|injur|physical therap|"
                                  r"physiotherap|orthop|arthritis|tendon|plantar|sciatica|rehab", re.I),
    "brain": re.compile(r"\bbrain|cognit|memory|focus|neuro|dementia|alzheimer", re.I),
    "heart": re.compile(r"\bheart|cardio|blood pressure|hypertension|cholesterol", re.I),
    "women": re.compile(r"women|pregnan|menopaus|fertility|menstrua|prenatal|postpartum", re.I),
    "children": re.compile(r"\bkids?\b|child|pediatric|parenting|baby|infant|teen", re.I),
    "diabetes": re.compile(r"diabet|blood sugar|insulin|glucose", re.I),
    "digestive": re.compile(r"digest|\bgut\b|bowel|ibs|stomach|microbiome", re.I),
}
# Credential or specialty words in a role/bio -> the topics that person covers.
SPECIALTY_TOPICS: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (re.compile(r"dermatolog|skin ?care|esthetician|aesthetician|cosmetic chemist|dermat", re.I),
     frozenset({"skin"})),
    (re.compile(r"dietitian|dietician|nutrition|\bRDN?\b|\bLDN\b|\bCNS\b|dietista|diététicien", re.I),
     frozenset({"nutrition", "digestive", "diabetes"})),
    (re.compile(r"sleep (?:physician|specialist|medicine|scientist|coach|doctor|researcher)|somnolog", re.I),
     frozenset({"sleep", "brain", "mental"})),
    (re.compile(r"fitness|personal trainer|strength|conditioning|\bCSCS\b|exercise physiolog|"
                r"kinesiolog|yoga (?:teacher|instructor)|pilates|entrenador|coach sportif", re.I),
     frozenset({"fitness", "musculoskeletal"})),
    (re.compile(r"physical therap|physiotherap|\bDPT\b|sports medicine|orthop|chiropract", re.I),
     frozenset({"fitness", "musculoskeletal"})),
    (re.compile(r"psycholog|psychiatr|therapist|counsel|\bLCSW\b|\bLPC\b|\bLMFT\b|mental health|psicólog", re.I),
     frozenset({"mental", "brain", "sleep"})),
    (re.compile(r"cardiolog", re.I), frozenset({"heart", "fitness"})),
    (re.compile(r"endocrinolog", re.I), frozenset({"diabetes", "nutrition", "women"})),
    (re.compile(r"gastroenterolog", re.I), frozenset({"digestive", "nutrition"})),
    (re.compile(r"neurolog|neuroscien", re.I), frozenset({"brain", "sleep", "mental"})),
    (re.compile(r"pediatric|paediatric", re.I), frozenset({"children"})),
    (re.compile(r"ob-?gyn|obstetric|gyn[ae]?colog|midwi", re.I), frozenset({"women"})),
)


def has_placeholder(text: str) -> bool:
    return bool(PLACEHOLDER.search(text))


def has_repeated_phrase(title: str, *, min_words: int = 2) -> bool:
    """True when a run of ``min_words`` or more words is immediately repeated
    ("The Missing Link Between The Missing Link Between ..."); a phrase that merely
    recurs later ("Vitamin D and Sleep: What Vitamin D and Sleep Research Says") is fine."""
    words = re.findall(r"\w+", title.lower())
    for size in range(len(words) // 2, min_words - 1, -1):
        seen: dict[tuple[str, ...], int] = {}
        for i in range(len(words) - size + 1):
            gram = tuple(words[i:i + size])
            if gram in seen and i - seen[gram] == size:
                return True
            seen.setdefault(gram, i)
    return False


def topics_of(texts: Iterable[str]) -> set[str]:
    joined = " ".join(t for t in texts if t)
    return {topic for topic, pattern in TOPIC_WORDS.items() if pattern.search(joined)}


def specialty_topics(author: Author) -> frozenset[str]:
    """Topics covered by the specialties named in the author's role (or bio when no role)."""
    for text in (author.role, author.bio):
        topics: frozenset[str] = frozenset()
        for pattern, covered in SPECIALTY_TOPICS:
            if text and pattern.search(text):
                topics |= covered
        if topics:
            return topics
    return frozenset()


def is_author_topic_mismatch(authors: Iterable[Author], *, category: str | None,
                             tags: Iterable[str]) -> bool:
    """The article's topics come from its category and tags. Authors and medical reviewers
    are both checked: a dermatologist reviewing a gut-health article is the same signal."""
    article_topics = topics_of([category or "", *tags])
    if not article_topics:
        return False
    for author in authors:
        if author.relation == "editor":
            continue
        covered = specialty_topics(author)
        if covered and not covered & article_topics:
            return True
    return False


def content_flags(*, title: str, raw_text: str, disclosure: bool, authors: Iterable[Author],
                  category: str | None, tags: Iterable[str]) -> list[str]:
    flags: list[str] = []
    if disclosure:
        flags.append("affiliate_disclosure")
    if has_placeholder(raw_text) or has_placeholder(title):
        flags.append("template_placeholder")
    if has_repeated_phrase(title):
        flags.append("repeated_title_phrase")
    if is_author_topic_mismatch(authors, category=category, tags=tags):
        flags.append("author_topic_mismatch")
    return flags
