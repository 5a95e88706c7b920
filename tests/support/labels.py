"""Comparing an extracted record with a hand-written label: one list of mismatches per
page, each naming the field, what was expected and what came out."""

from __future__ import annotations

from typing import Any

SCALARS = ("kind", "title", "published", "updated", "category", "language")


def strip_origin(url: str | None, origin: str) -> str | None:
    return url[len(origin):] if url and origin and url.startswith(origin) else url


def compare_record(record: dict[str, Any], label: dict[str, Any], *, origin: str = "") -> list[str]:
    """Mismatches between ``record`` (schema shape) and ``label`` (expected.json shape)."""
    problems: list[str] = []

    def check(field: str, expected: Any, got: Any) -> None:
        if expected != got:
            problems.append(f"{field}: expected {expected!r}, got {got!r}")

    for field in SCALARS:
        if field in label:
            check(field, label[field], record.get(field))
    if "tags" in label:
        check("tags", label["tags"], record.get("tags"))
    if "authors" in label:
        got = record.get("authors", [])
        check("authors.name", [a["name"] for a in label["authors"]], [a["name"] for a in got])
        check("authors.relation", [a["relation"] for a in label["authors"]], [a["relation"] for a in got])
        check("authors.role", [a.get("role") for a in label["authors"]], [a.get("role") for a in got])
        if any("url" in a for a in label["authors"]):
            check("authors.url", [a.get("url") for a in label["authors"]],
                  [strip_origin(a.get("url"), origin) for a in got])
        if any(a.get("bio") for a in label["authors"]):
            check("authors.bio", [a.get("bio") for a in label["authors"]], [a.get("bio") for a in got])
    sections = record.get("sections", [])
    if "section_headings" in label:
        check("section_headings", label["section_headings"], [s["heading"] for s in sections])
    if "section_kinds" in label:
        check("section_kinds", label["section_kinds"], [s["kind"] for s in sections])
    if "section_levels" in label:
        check("section_levels", label["section_levels"], [s["level"] for s in sections])
    if "references" in label:
        got_refs = record.get("references", [])
        check("references.count", len(label["references"]), len(got_refs))
        for field in ("title", "year", "doi", "pmid"):
            check(f"references.{field}", [r.get(field) for r in label["references"]],
                  [r.get(field) for r in got_refs])
    if "affiliate_links" in label:
        check("affiliate_links", sorted(label["affiliate_links"]), sorted(record.get("affiliate_links", [])))
    if "flags" in label:
        check("flags", sorted(label["flags"]), sorted(record.get("flags", [])))
    text = record.get("text", "")
    for snippet in label.get("must_contain", []):
        if snippet not in text:
            problems.append(f"text lacks {snippet[:70]!r}")
    for snippet in label.get("must_not_contain", []):
        if snippet in text:
            problems.append(f"text keeps {snippet[:70]!r}")
    return problems
