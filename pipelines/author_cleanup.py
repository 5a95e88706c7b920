"""Last pass over the people credited on a page, from every source merged: what real
bylines carry besides names (labels, dates, handles, wire services, UI words) is removed,
and one person met twice under slightly different names is kept once."""

from __future__ import annotations

import re
from dataclasses import replace

from pipelines.bylines import name_key
from pipelines.organisations import is_organisation_name
from pipelines.records import Author

# Words that label a name in author boxes rather than belong to it.
_LEADING_LABELS = re.compile(
    r"^(?:biography|bio|about|sobre|à propos de|über|author|autor|auteur|written by|by)\s+", re.IGNORECASE)
# Wire services and outlets credited as if they were people.
_OUTLETS = re.compile(
    r"\b(?:associated press|canadian press|press association|reuters|afp|agence france-presse|"
    r"bloomberg|news bureau|bureau|newswire|wire services?)\b", re.IGNORECASE)
_TRAILING_OUTLET = re.compile(rf"\s+(?:{_OUTLETS.pattern[2:-2]})$", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"\d|@|https?:|www\.|\.(?:com|org|net|co|io)\b|admin\b", re.IGNORECASE)
_UI_ROLE = re.compile(
    r"^(?:twitter|x|facebook|instagram|linkedin|share|email|e-mail|follow|author|bio|biography|"
    r"more|contact|website|profile|rss)$", re.IGNORECASE)


def clean_authors(authors: list[Author]) -> list[Author]:
    cleaned: list[Author] = []
    for author in authors:
        name = _LEADING_LABELS.sub("", author.name).strip()
        name = _TRAILING_OUTLET.sub("", name).strip()
        if not name or _OUTLETS.search(name) or is_organisation_name(name) or _is_not_a_name(name):
            continue
        role = author.role
        if role and (_UI_ROLE.match(role.strip()) or (role.isupper() and "," in role and len(role) > 12)):
            role = None  # a share button's label, or other names in capitals
        cleaned.append(replace(author, name=name, role=role))
    return _collapse_variants(cleaned)


def _is_not_a_name(name: str) -> bool:
    if name[:1].islower():
        return True  # 'plague', 'jdadmin': handles and stray words
    if _NOT_A_NAME.search(name):
        return not re.fullmatch(r"[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+)+", name)  # keep "Mary O'Neil"
    return False


def _collapse_variants(authors: list[Author]) -> list[Author]:
    """'Michael Hiltzik Business Columnist' and 'Michael Hiltzik': one person, the shorter
    name, the role and bio of either."""
    kept: list[Author] = []
    for author in authors:
        key = name_key(author.name)
        match = next((i for i, other in enumerate(kept) if other.relation == author.relation and
                      _variant(key, name_key(other.name))), None)
        if match is None:
            kept.append(author)
            continue
        other = kept[match]
        shorter = author if len(author.name) < len(other.name) else other
        kept[match] = replace(shorter, role=other.role or author.role, bio=other.bio or author.bio,
                              url=other.url or author.url)
    return kept


def _variant(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short.split()) >= 2 and (long_.startswith(short + " ") or long_.endswith(" " + short)
                                         or long_.replace(" ", "") == short.replace(" ", ""))
