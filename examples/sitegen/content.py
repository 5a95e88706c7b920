"""Load the hand-written content under ``examples/content/``.

Each article, glossary entry and static page is a text file: TOML front matter
between two ``+++`` lines, then a body in a small markup:

* blocks are separated by blank lines; a paragraph may wrap over several lines;
* ``## Heading`` and ``### Heading`` start a section (h2 / h3); a trailing
  ``{kind}`` overrides the section kind derived from the heading's words;
* lines starting ``- `` make an unordered list, ``+ `` an ordered list;
* ``[[affiliate]]``, ``[[placeholder]]`` and ``[[newsletter]]`` on their own
  place the product box, the leaked ``[AMAZON_PRODUCT_PLACEHOLDER]`` token and
  the newsletter box;
* inline, ``[text](/path/)`` is a link and (clinic template) ``[3]`` a footnote
  marker. Nothing else is markup: ``**bold**`` stays literal, as on the seed page.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from .model import (
    Article,
    Block,
    BlockKind,
    Category,
    Comment,
    GlossaryEntry,
    Person,
    Product,
    Reference,
    Section,
    Site,
    StaticPage,
)

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"

_HEADING = re.compile(r"^(#{2,3}) (.+?)(?: \{(\w+)\})?$")
_MARKERS: dict[str, BlockKind] = {
    "[[affiliate]]": "affiliate",
    "[[placeholder]]": "placeholder",
    "[[newsletter]]": "newsletter",
}

# Heading words that name a section kind, in the site's three languages.
_KIND_PREFIXES = {
    "action_plan": ("action plan", "plan de acción", "plan d'action", "practical steps", "next steps"),
    "summary": ("summary", "resumen", "en résumé"),
    "faq": ("frequently asked questions", "preguntas frecuentes", "questions fréquentes"),
    "origin": ("origin",),
    "mechanism": ("mechanism",),
}
_POINT = re.compile(r"^\d+\.\s")


def split_front_matter(text: str, source: str) -> tuple[dict[str, Any], str]:
    parts = text.split("+++\n", 2)
    if len(parts) != 3 or parts[0].strip():
        raise ValueError(f"{source}: expected TOML front matter between '+++' lines")
    return tomllib.loads(parts[1]), parts[2]


def derive_kind(heading: str, parent_kind: str | None) -> str:
    lowered = heading.lower()
    for kind, prefixes in _KIND_PREFIXES.items():
        if lowered.startswith(prefixes):
            return kind
    if _POINT.match(heading):
        return "point"
    if parent_kind == "faq":
        return "faq"  # an h3 question under the FAQ heading
    return "other"


def parse_body(body: str, *, first_kind: str = "lead") -> tuple[Section, ...]:
    """Split a body into sections of blocks (see the module docstring)."""
    sections: list[Section] = []
    heading: str | None = None
    level, kind = 0, first_kind
    blocks: list[Block] = []
    h2_kind: str | None = None

    def close() -> None:
        if heading is not None or blocks:
            sections.append(Section(heading, level, kind, tuple(blocks)))

    for chunk in re.split(r"\n\s*\n", body.strip()):
        lines = [line.strip() for line in chunk.strip().splitlines()]
        match = _HEADING.match(lines[0]) if len(lines) == 1 else None
        if match:
            close()
            marks, heading, override = match.groups()
            level = len(marks)
            kind = override or derive_kind(heading, h2_kind if level == 3 else None)
            if level == 2:
                h2_kind = kind
            blocks = []
        elif len(lines) == 1 and lines[0] in _MARKERS:
            blocks.append(Block(_MARKERS[lines[0]]))
        elif lines[0].startswith(("- ", "+ ")):
            list_kind: BlockKind = "ul" if lines[0].startswith("- ") else "ol"
            blocks.append(Block(list_kind, items=tuple(_list_items(lines))))
        else:
            blocks.append(Block("p", text=" ".join(lines)))
    close()
    return tuple(sections)


def _list_items(lines: list[str]) -> list[str]:
    items: list[str] = []
    for line in lines:
        if line.startswith(("- ", "+ ")):
            items.append(line[2:].strip())
        else:  # a wrapped item continues on the next line
            items[-1] += " " + line
    return items


def load_article(path: Path) -> Article:
    meta, body = split_front_matter(path.read_text(encoding="utf-8"), path.name)
    product = meta.get("product")
    return Article(
        slug=meta["slug"],
        template=meta["template"],
        title=meta["title"],
        description=meta["description"],
        topic=meta["topic"],
        category=meta["category"],
        tags=tuple(meta.get("tags", ())),
        authors=tuple(meta.get("authors", ())),
        reviewers=tuple(meta.get("reviewers", ())),
        published=meta.get("published"),
        updated=meta.get("updated"),
        sort_date=meta.get("sort_date") or meta["published"][:10],
        language=meta.get("language", "en"),
        sections=parse_body(body),
        references=tuple(Reference(**ref) for ref in meta.get("references", ())),
        product=Product(**product) if product else None,
        comments=tuple(Comment(**c) for c in meta.get("comments", ())),
        visibility=meta.get("visibility", "linked"),
        syndicated=meta.get("syndicated", False),
        redirect_from=tuple(meta.get("redirect_from", ())),
        options=dict(meta.get("options", {})),
    )


def load_glossary(path: Path) -> GlossaryEntry:
    meta, body = split_front_matter(path.read_text(encoding="utf-8"), path.name)
    return GlossaryEntry(
        slug=meta["slug"],
        term=meta["term"],
        description=meta["description"],
        sections=parse_body(body, first_kind="definition"),
        related=tuple(meta.get("related", ())),
    )


def load_page(path: Path) -> StaticPage:
    meta, body = split_front_matter(path.read_text(encoding="utf-8"), path.name)
    return StaticPage(meta["slug"], meta["title"], meta["description"], parse_body(body))


def load_site(content_dir: Path = CONTENT_DIR) -> Site:
    config = tomllib.loads((content_dir / "site.toml").read_text(encoding="utf-8"))
    people = {
        slug: Person(slug=slug, **{**data, "specialties": tuple(data.get("specialties", ()))})
        for slug, data in config["people"].items()
    }
    pages = [load_page(p) for p in sorted((content_dir / "pages").glob("*.md"))]
    site = Site(
        origin=config["origin"],
        name=config["name"],
        tagline=config["tagline"],
        categories=tuple(Category(**c) for c in config["categories"]),
        people=people,
        articles=tuple(load_article(p) for p in sorted((content_dir / "articles").glob("*.md"))),
        glossary=tuple(load_glossary(p) for p in sorted((content_dir / "glossary").glob("*.md"))),
        pages={page.slug: page for page in pages},
        newsletter_article=config["newsletter_article"],
        broken_link=config["broken_link"],
    )
    check_site(site)
    return site


def check_site(site: Site) -> None:
    """Fail early on content mistakes: unknown slugs, duplicate paths."""
    slugs = [a.slug for a in site.articles]
    if len(set(slugs)) != len(slugs):
        raise ValueError("duplicate article slugs")
    categories = {c.slug for c in site.categories}
    for article in site.articles:
        if article.category not in categories:
            raise ValueError(f"{article.slug}: unknown category {article.category!r}")
        for person in (*article.authors, *article.reviewers):
            if person not in site.people:
                raise ValueError(f"{article.slug}: unknown person {person!r}")
        if article.template not in ("farm", "clinic", "magazine"):
            raise ValueError(f"{article.slug}: unknown template {article.template!r}")
    terms = {g.slug for g in site.glossary}
    for entry in site.glossary:
        missing = set(entry.related) - terms
        if missing:
            raise ValueError(f"glossary {entry.slug}: unknown related terms {missing}")
