"""People credited by JSON-LD: ``author``, ``creator``, ``reviewedBy`` and ``editor`` of an
article node, each a Person or Organization object, a list of them, or a plain string."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from pipelines.bylines import (
    JUNK_NAMES,
    clean_bio,
    collapse_name,
    is_byline_text,
    merge_authors,
    normalise_person_name,
    parse_byline,
    parse_people,
)
from pipelines.records import Author, Relation

_JSONLD_RELATIONS: tuple[tuple[str, Relation], ...] = (
    ("author", "author"), ("creator", "author"), ("reviewedBy", "reviewer"), ("editor", "editor"))
_ORG_TYPES = ("Organization", "Organisation", "Corporation", "NewsMediaOrganization",
              "MedicalOrganization", "Hospital", "MedicalClinic", "NGO", "WebSite",
              "GovernmentOrganization", "EducationalOrganization", "Brand")



def authors_from_jsonld(node: Mapping[str, Any]) -> list[Author]:
    """People credited by a JSON-LD object: author, creator, reviewedBy, editor."""
    found: list[Author] = []
    for key, relation in _JSONLD_RELATIONS:
        for item in _as_list(node.get(key)):
            found.extend(_from_jsonld_item(item, relation))
    return merge_authors(found)


def _from_jsonld_item(item: Any, relation: Relation) -> list[Author]:
    if isinstance(item, str):
        if item.strip().lower().startswith(("http://", "https://")):
            return []
        if is_byline_text(item):
            return [replace(a, relation=relation) for a in parse_byline(item)]
        return parse_people(item, relation)
    if not isinstance(item, Mapping):
        return []
    name = _text(item.get("name")) or " ".join(
        filter(None, (_text(item.get("givenName")), _text(item.get("familyName")))))
    if not name or name.casefold() in JUNK_NAMES:
        return []
    bio = clean_bio(_text(item.get("description")))
    url = _http_url(item.get("url"))
    types = {str(t) for t in _as_list(item.get("@type"))}
    if types & set(_ORG_TYPES) and "Person" not in types:
        return [Author(name=collapse_name(name), bio=bio, url=url, relation=relation)]
    role = _text(item.get("jobTitle")) or _text(item.get("honorificSuffix"))
    people = parse_people(name, relation) or [Author(normalise_person_name(name), relation=relation)]
    if len(people) > 1:
        return people
    return [replace(people[0], role=role or people[0].role, bio=bio, url=url)]


def _text(value: Any) -> str | None:
    """A plain string from a JSON-LD value (str, {'@value'|'name': ...} or list)."""
    for item in _as_list(value):
        if isinstance(item, str) and item.strip():
            return collapse_name(item)
        if isinstance(item, Mapping):
            inner = item.get("@value") or item.get("name")
            if isinstance(inner, str) and inner.strip():
                return collapse_name(inner)
    return None


def _http_url(value: Any) -> str | None:
    for item in _as_list(value):
        if isinstance(item, str) and item.strip().lower().startswith(("http://", "https://")):
            return item.strip()
    return None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


