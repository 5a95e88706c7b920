"""Bylines and author records: visible byline strings and JSON-LD to ``Author`` rows.

A byline is split into clauses at separators (``|  ·  •  —  –  ;`` and `` - ``), at
dates and at date labels ("Updated"), and each clause opens with a label that gives
the relation: "By", "Written by", "Por", "Par", "Von", "Author:" (author);
"Medically reviewed by", "Fact checked by", "Revisado por", "Relu par" (reviewer);
"Edited by", "Editado por" (editor). Multi-word labels are recognised anywhere,
single words ("By", "Por", "Par", "Von") only at the start of a clause, so "Caused by
bacteria" is not a byline. Within a clause, names are separated by commas and
"and / & / y / et / und"; a comma piece that is a credential ("RD", "MD, FACP") or a
job title ("Certified Fitness Coach") goes into the preceding person's role.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

from pipelines.dates import DATE_LABELS, DATE_RE
from pipelines.organisations import is_one_organisation
from pipelines.records import Author, Relation

MAX_BYLINE_CHARS = 300

# Label phrase (lower case, without a trailing colon) -> relation.
BYLINE_LABELS: dict[str, Relation] = {
    "by": "author", "written by": "author", "posted by": "author", "authored by": "author",
    "words by": "author", "story by": "author", "reported by": "author",
    "answered by": "author", "answer by": "author", "responded by": "author",
    "scritto da": "author", "a cura di": "author", "redatto da": "author",
    "revisione medica di": "reviewer", "revisionato da": "reviewer", "rivisto da": "reviewer",
    "verificato da": "reviewer",
    "contributed by": "author", "prepared by": "author",
    "author": "author", "authors": "author", "writer": "author", "written": "author",
    "por": "author", "escrito por": "author", "redactado por": "author",
    "publicado por": "author", "autor": "author", "autora": "author", "autores": "author",
    "par": "author", "écrit par": "author", "rédigé par": "author", "publié par": "author",
    "auteur": "author", "auteure": "author", "auteurs": "author",
    "von": "author", "geschrieben von": "author", "verfasst von": "author",
    "autorin": "author",
    "medically reviewed by": "reviewer", "clinically reviewed by": "reviewer",
    "expert reviewed by": "reviewer", "reviewed by": "reviewer",
    "fact checked by": "reviewer", "fact-checked by": "reviewer",
    "medical reviewer": "reviewer", "reviewer": "reviewer",
    "revisado por": "reviewer", "revisado médicamente por": "reviewer",
    "verificado por": "reviewer", "revisión médica": "reviewer", "revisor": "reviewer",
    "revisora": "reviewer", "relu par": "reviewer", "révisé par": "reviewer",
    "vérifié par": "reviewer", "validé par": "reviewer", "geprüft von": "reviewer",
    "medizinisch geprüft von": "reviewer", "fachlich geprüft von": "reviewer",
    "edited by": "editor", "editor": "editor", "editado por": "editor",
    "édité par": "editor", "redigiert von": "editor", "bearbeitet von": "editor",
}
_SINGLE = ("by", "por", "par", "von")
_COLON = (*(k for k in BYLINE_LABELS if " " not in k and k not in _SINGLE),
          "medical reviewer", "revisión médica")
_MULTI = tuple(k for k in BYLINE_LABELS if k.split()[-1] in (*_SINGLE, "di", "da") and k not in _SINGLE)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+")
                    for w in sorted(words, key=len, reverse=True))


_LABEL_RE = re.compile(
    rf"(?P<multi>(?<!\w)(?:{_alternation(_MULTI)})\b)"
    rf"|(?P<colon>^[^\w]*(?:{_alternation(_COLON)})\s*:)"
    rf"|(?P<single>^[^\w]*(?:{_alternation(_SINGLE)})\b(?:\s*:)?)",
    re.IGNORECASE,
)
_ANY_LABEL_RE = re.compile(rf"(?<!\w)(?:{_alternation(BYLINE_LABELS)})\b", re.IGNORECASE)
_LEADING_LABEL_RE = re.compile(
    rf"^[^\w]*(?:{_alternation(BYLINE_LABELS)})(?:\s*:|\b)\s*", re.IGNORECASE)
_STOP_LABELS = _alternation(k for k in DATE_LABELS if k != "stand")
_CHUNK_SPLIT_RE = re.compile(
    r"\s[|·•—–]\s?|[|·•—–;\n]|\s-\s|" + DATE_RE.pattern
    + rf"|(?<!\w)(?:{_STOP_LABELS})\b(?!\s+(?:\w+\s+)?(?:by|por|par|von)\b)"
    r"|\d+\s*(?:-\s*)?min(?:ute)?s?\b(?:\s+read)?|\breading\s+time\b|\blesezeit\b"
    r"|\btiempo\s+de\s+lectura\b|\btemps\s+de\s+lecture\b",
    re.IGNORECASE,
)
_PEOPLE_SPLIT_RE = re.compile(
    r"\s*(,\s*(?:and|&|y|et|und)\s+|,|\s+(?:and|&|y|et|und)\s+)\s*", re.IGNORECASE)
_TRAILING_WORD_RE = re.compile(r"(?:\s+(?:on|el|le|am|at|the|in|and|&|y|et|und))+$",
                               re.IGNORECASE)
_SENTENCE_RE = re.compile(r"\b(?:you|your|we|our|is|are|was|were|will|can|should|could|would"
                          r"|have|has|it|they|this|that|most|many|to|which)\b", re.IGNORECASE)
_HONORIFIC_RE = re.compile(
    r"^(?:(?:dr|dra|drs|prof|profa|professor|mr|mrs|ms|mx|miss|mme|mlle|sr|sra|srta"
    r"|herr|frau|pr|doctor|doctora|docteur)(?:\.\s*|\s+)"
    r"|(?:med|dent|vet|phil|rer\.\s*nat|nat|habil|h\.\s*c)\.\s*)+",
    re.IGNORECASE,
)
_TRIM = " \t\"'“”‘’«»„‚,;:.|·•-–—()[]{}/\\*"
_PIECE_TRIM = " \t\"'“”‘’«»„‚,;:|·•-–—[]{}/\\*"

CREDENTIALS = frozenset({
    "MD", "DO", "PhD", "RD", "RDN", "LD", "LDN", "CDCES", "CDE", "CNS", "CCN", "RN", "BSN",
    "MSN", "NP", "FNP", "FNP-BC", "APRN", "DNP", "PA", "PA-C", "MPH", "MHS", "MS", "MSc", "MA",
    "BA", "BS", "BSc", "MBA", "DrPH", "PharmD", "RPh", "DPT", "PT", "OT", "OTR", "OTR/L", "CPT",
    "CSCS", "NASM-CPT", "ACE-CPT", "CES", "FACP", "FACS", "FAAP", "FAAD", "FACC", "FACOG",
    "FACE", "FAAFP", "FRCP", "FRCS", "FRCPC", "MBBS", "MBChB", "MRCGP", "DC", "DDS", "DMD",
    "OD", "PsyD", "LCSW", "LMFT", "LPC", "LMHC", "IBCLC", "CLC", "EdD", "JD", "DACM", "LAc",
    "ND", "CHES", "MCHES", "CPH", "CSSD", "CISSN", "RDH", "MEd", "MS-HNFE", "CNP", "MRCP",
    "DipHE", "FRACGP", "CCRN", "CRNA", "RYT", "E-RYT", "NBC-HWC", "CHC"
})
_AMBIGUOUS_IN_CAPS = frozenset({"DO", "MA", "PA", "MS", "DC", "OD", "PT", "OT", "LD",
                                "ND", "BA", "BS", "CES"})
_NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_ROLE_WORDS = frozenset({
    "coach", "expert", "writer", "editor", "reporter", "journalist", "contributor", "physician",
    "doctor", "surgeon", "nurse", "specialist", "trainer", "instructor", "consultant",
    "researcher", "scientist", "professor", "lecturer", "founder", "co-founder", "director",
    "manager", "chief", "senior", "head", "lead", "intern", "resident", "student", "candidate",
    "fellow", "author", "columnist", "producer", "staff", "educator", "counselor", "counsellor",
    "midwife", "dentist", "pharmacist", "therapist", "clinic", "hospital", "university",
    "universidad", "université", "universität", "institute", "instituto", "institut", "center",
    "centre", "centro", "college", "school", "foundation", "association", "society",
    "department", "médico", "médica", "doctora", "enfermera", "enfermero", "entrenador",
    "entrenadora", "redactor", "redactora", "médecin", "journaliste", "rédacteur", "rédactrice",
    "infirmier", "infirmière", "arzt", "ärztin", "apotheker", "apothekerin", "redakteur",
    "redakteurin", "trainerin", "heilpraktiker", "heilpraktikerin"
})
_ROLE_PREFIXES = (
    "dietit", "dietic", "nutrition", "practition", "pharmac", "therap", "psycholog",
    "psychiatr", "psicólog", "psicolog", "psychothérap", "certified", "registered",
    "licensed", "board-certified", "medical", "clinical", "fitness", "wellness",
    "nutricion", "dietist", "periodist", "especialista", "dentista", "diététic", "spécialiste",
    "facharzt", "fachärzt", "ernährung", "berater", "wissenschaftl", "dermatolog",
    "cardiolog", "endocrinolog", "gastroenterolog", "neurolog", "oncolog", "gynecolog",
    "gynaecolog", "pediatr", "paediatr", "kinesiolog", "physiotherap", "fisioterap",
)
_ROLE_SUFFIXES = ("ologist", "ologists", "ólogo", "óloga", "ologue", "ologe", "ologin",
                  "iatrist", "iatra", "ician", "icians", "icienne")
_PARTICLES = frozenset({
    "de", "da", "di", "del", "della", "der", "den", "des", "du", "dos", "das", "la", "le",
    "van", "von", "ten", "ter", "bin", "ibn", "al", "el", "y", "e", "of", "the", "and", "für"
})
_CALENDAR_RE = re.compile(  # single words that start sentences, not names: "By Monday"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|lunes|martes|miércoles|jueves|viernes|sábado"
    r"|domingo|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|(?:mon|diens|donners|frei"
    r"|sams|sonn)tag|mittwoch|today|tomorrow|yesterday|christmas|easter", re.IGNORECASE)
JUNK_NAMES = frozenset({"admin", "administrator", "webmaster", "null", "none", "undefined",
                         "unknown", "anonymous", "guest", "user"})
def parse_byline(text: str) -> list[Author]:
    """One visible byline string to authors in order; ``[]`` when it is not a byline."""
    cleaned = collapse_name(text)
    if not cleaned or len(cleaned) > MAX_BYLINE_CHARS:
        return []
    return list(_parse_clean_byline(cleaned))


@lru_cache(maxsize=4096)
def _parse_clean_byline(cleaned: str) -> tuple[Author, ...]:
    """Cached: a page tests the same line as a byline several times (finding candidates,
    tidying the body), and a site repeats its bylines on every page."""
    authors: list[Author] = []
    for label, body in _clauses(cleaned):
        authors.extend(parse_people(body, relation_for_label(label)))
    return tuple(merge_authors(authors))


def is_byline_text(text: str) -> bool:
    """Whether a candidate string is a byline: short, labelled, crediting a name.

    Agrees with ``parse_byline`` (true exactly when it returns someone); a regex
    pre-check keeps it cheap for the many strings that carry no label at all.
    """
    cleaned = collapse_name(text)
    if not 4 <= len(cleaned) <= MAX_BYLINE_CHARS or not _ANY_LABEL_RE.search(cleaned):
        return False
    return bool(parse_byline(cleaned))


def relation_for_label(label: str) -> Relation:
    """The relation a byline label announces; unknown labels mean ``author``."""
    key = collapse_name(label).lower().strip(" :")
    if key in BYLINE_LABELS:
        return BYLINE_LABELS[key]
    plain = _fold(key)
    if any(s in plain for s in ("review", "revis", "relu", "check", "geprueft", "geprft",
                                "verific", "verifi", "valid")):
        return "reviewer"
    if any(s in plain for s in ("edit", "bearbeitet", "redigiert")):
        return "editor"
    return "author"


def split_name_role(text: str) -> tuple[str, str | None]:
    """``'Jane Roe, RD'`` -> ``('Jane Roe', 'RD')``; ``'John Smith MD'`` -> ``('John Smith', 'MD')``."""
    cleaned = _LEADING_LABEL_RE.sub("", collapse_name(text))
    head, _, rest = cleaned.partition(",")
    head, roles = _split_trailing(head)
    roles += [piece for piece in map(_clean_piece, rest.split(",")) if piece]
    return normalise_person_name(head), ", ".join(roles) or None


def normalise_person_name(name: str) -> str:
    """Name only: no label, honorific or surrounding punctuation; ALL CAPS to title case."""
    cleaned = _LEADING_LABEL_RE.sub("", collapse_name(name)).strip(_TRIM)
    cleaned = _HONORIFIC_RE.sub("", cleaned).strip(_TRIM)
    if re.search(r"\b(?:Jr|Sr|JR|SR)$", cleaned):
        cleaned += "."
    if any(c.isalpha() for c in cleaned) and not any(c.islower() for c in cleaned):
        cleaned = " ".join(w if len(w) <= 4 and not re.search("[AEIOUYÀ-Ý]", w) else w.title()
                           for w in cleaned.split())
    return cleaned


def clean_bio(text: str | None) -> str | None:
    """Bio text without surrounding whitespace and quotes; ``None`` when empty."""
    if text is None:
        return None
    cleaned = collapse_name(text).strip(" \"'“”‘’«»„").strip()
    return cleaned or None


@lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """Case-, accent-, punctuation- and honorific-insensitive key for matching people."""
    plain = _fold(split_name_role(name)[0])
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def merge_authors(*groups: Iterable[Author]) -> list[Author]:
    """One entry per (name key, relation), first seen order; gaps filled from later ones."""
    merged: list[Author] = []
    index: dict[tuple[str, str], int] = {}
    for group in groups:
        for author in group:
            key = (name_key(author.name), author.relation)
            if not key[0]:
                continue
            if key not in index:
                index[key] = len(merged)
                merged.append(author)
                continue
            known = merged[index[key]]
            merged[index[key]] = replace(known, role=known.role or author.role,
                                         bio=known.bio or author.bio,
                                         url=known.url or author.url)
    return merged


def _clauses(text: str) -> list[tuple[str, str]]:
    """(label, body) pairs: every labelled clause of the byline, in order."""
    clauses: list[tuple[str, str]] = []
    for chunk in _CHUNK_SPLIT_RE.split(text):
        if not chunk or not chunk.strip():
            continue
        matches = list(_LABEL_RE.finditer(chunk))
        for i, match in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(chunk)
            label = match.group(0).strip(_TRIM + " ")
            clauses.append((label, chunk[match.end():end]))
    return clauses


def parse_people(body: str, relation: Relation) -> list[Author]:
    """Names and their credentials/titles from the body of one clause."""
    body = _TRAILING_WORD_RE.sub("", _strip_article(body.strip(_PIECE_TRIM)))
    if is_one_organisation(body):
        # "Counseling and Psychological Services": one body, not two people.
        return [Author(name=collapse_name(body), relation=relation)]
    parts = _PEOPLE_SPLIT_RE.split(body)
    all_caps = not any(c.islower() for c in body)
    people: list[tuple[str, list[str]]] = []
    seps = ["", *parts[1::2]]
    for sep, raw_piece in zip(seps, parts[0::2], strict=True):
        piece = _clean_piece(raw_piece)
        if not piece:
            continue
        kind = _classify(piece, all_caps=all_caps) if people else "name"
        conjunction = sep.strip(" ,")
        if kind == "role" and conjunction:
            # "Dermatologist & Skincare Expert" continues a role; "and Mayo Clinic Staff"
            # after a bare name is another author.
            kind = "continue" if people[-1][1] else "name"
        if kind == "name":
            people.append((piece, []))
        elif kind == "suffix":
            people[-1] = (f"{people[-1][0]} {piece}", people[-1][1])
        elif kind == "continue":
            people[-1][1][-1] += f" {conjunction} {piece}"
        elif piece[0].islower() and _SENTENCE_RE.search(piece):
            return []  # a sentence ("By Christmas, most patients ..."), not a credential
        else:
            people[-1][1].append(re.sub(r"^(?:an?|un|una|une|ein|eine)\s+", "", piece))
    authors: list[Author] = []
    for raw, roles in people:
        head, trailing = _split_trailing(raw, all_caps=all_caps)
        name = normalise_person_name(head)
        if _looks_like_name(name):
            authors.append(Author(name=name, role=", ".join(trailing + roles) or None,
                                  relation=relation))
    return authors


def _clean_piece(raw: str) -> str:
    """Trim one piece; keep dotted abbreviations ("Ph.D.", "Jr.") but not a final period."""
    piece = raw.strip(_PIECE_TRIM)
    if piece.count("(") != piece.count(")"):
        piece = piece.strip("()")
    if piece.endswith(".") and piece.count(".") == 1 and piece.lower() not in _NAME_SUFFIXES:
        piece = piece[:-1].rstrip()
    return piece


def _classify(piece: str, *, all_caps: bool) -> str:
    """'suffix', 'cred', 'role' or 'name' for one comma/conjunction piece."""
    if piece.lower() in _NAME_SUFFIXES:
        return "suffix"
    bare_piece = re.sub(r"\s*\([^()]*\)\s*$", "", piece)  # "MD (Psychiatry)": a credential
    tokens = (bare_piece or piece).replace("/", " ").split()
    if all(_is_credential(t, all_caps=all_caps) for t in tokens):
        return "cred"
    lowered = [t.lower().strip(".,&") for t in tokens]
    if piece[0].islower() or any(
            t in _ROLE_WORDS or t.rstrip("s") in _ROLE_WORDS or t.startswith(_ROLE_PREFIXES)
            or t.endswith(_ROLE_SUFFIXES) for t in lowered):
        return "role"
    return "name"


def _is_credential(token: str, *, all_caps: bool) -> bool:
    bare = token.strip(".,()")
    if bare in CREDENTIALS or bare.replace(".", "") in CREDENTIALS:
        return True
    if re.fullmatch(r"(?:[BMD](?:Pharm|Sc|Phil|Ed|Eng|Nurs|Med|Res)|Pharm\.?D|MBCh\.?B|PGDip|DClinPsy|"
                    r"PsyD|DNP|MSN|BSN|EdD|DrPH|MPH|MSc|BSc)\.?", bare):
        return True  # degrees written in mixed case
    if re.fullmatch(r"(?:[A-Z][A-Za-z]{0,2}\.){1,4}[A-Z][A-Za-z]{0,2}\.?", token.strip(",()")):
        return True  # dotted abbreviations: Dt.P., Ph.D., M.Sc., R.N.
    return not all_caps and re.fullmatch(r"[A-Z][A-Z0-9]{1,7}(?:-[A-Z]{1,5})?", bare) is not None


def _split_trailing(head: str, *, all_caps: bool | None = None) -> tuple[str, list[str]]:
    """Move credentials written after a name without a comma into the role."""
    head = head.strip()
    roles: list[str] = []
    match = re.search(r"\s*\(([^()]*)\)\s*$", head)
    if match and match.start() > 0:
        inner = match.group(1).strip()
        if inner and not inner.startswith("@") and "http" not in inner:
            roles.append(inner)
        head = head[:match.start()]
    if all_caps is None:
        all_caps = not any(c.islower() for c in head)
    tokens = head.split()
    trailing: list[str] = []
    while len(tokens) > 1:
        bare = tokens[-1].strip(".,")
        known = bare in CREDENTIALS or bare.replace(".", "") in CREDENTIALS
        if not known or (all_caps and bare in _AMBIGUOUS_IN_CAPS):
            break
        trailing.insert(0, tokens.pop())
    return " ".join(tokens), trailing + roles


def _looks_like_name(name: str) -> bool:
    words = name.split()
    if not words or len(name) > 80 or len(words) > 10 or not name[0].isupper():
        return False
    if len(words) == 1 and _CALENDAR_RE.fullmatch(name):
        return False
    if name.casefold() in JUNK_NAMES or re.search(r"\d|@|https?:|www\.", name):
        return False
    lower = [w for w in words if w[0].islower() and w.lower() not in _PARTICLES]
    return len(lower) * 2 <= len(words)


def _strip_article(body: str) -> str:
    """Drop a lower-case article before a name: "the Healthline team", "la Dra. Ruiz"."""
    return re.sub(r"^(?:the|la|le|el|l'|les|los|las|die|der)\s*(?<=\s|')", "", body)


def collapse_name(text: str) -> str:
    return " ".join((text or "").split())


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_role_text(text: str) -> bool:
    """A job title or credentials ('Senior Health Reporter', 'MD, FACC'), as the byline
    parser classifies them: not a name, not a headline."""
    pieces = [p.strip() for p in re.split(r",|&|\band\b", text) if p.strip()]
    return bool(pieces) and all(_classify(_clean_piece(p) or p, all_caps=False) in ("role", "cred")
                                for p in pieces)
