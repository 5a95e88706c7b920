"""The example site's content model: plain frozen records, no rendering.

Every page of the site, and every label in ``expected.json``, is computed from
these records, so the labels are the ground truth of what the pages say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

Template = Literal["farm", "clinic", "magazine"]
Visibility = Literal["linked", "sitemap_only", "feed_only"]
BlockKind = Literal["p", "ul", "ol", "affiliate", "placeholder", "newsletter"]


@dataclass(frozen=True)
class Person:
    slug: str
    name: str  # the bare name: "Omar Haddad"
    role: str  # the role line shown in author boxes: "Sleep Medicine Physician"
    bio: str
    prefix: str | None = None  # honorific shown before the name: "Dr."
    credential: str | None = None  # shown after a comma in bylines: "MD"
    specialties: tuple[str, ...] = ()  # category slugs; empty = a generalist

    @property
    def path(self) -> str:
        return f"/authors/{self.slug}/"

    @property
    def display_name(self) -> str:
        """'Dr. Omar Haddad' -- the name as author boxes show it."""
        return f"{self.prefix} {self.name}" if self.prefix else self.name

    @property
    def byline_name(self) -> str:
        """'Dr. Omar Haddad, MD' -- the name as clinic bylines show it."""
        if self.credential:
            return f"{self.display_name}, {self.credential}"
        return self.display_name


@dataclass(frozen=True)
class Category:
    slug: str
    name: str
    description: str

    @property
    def path(self) -> str:
        return f"/category/{self.slug}/"


@dataclass(frozen=True)
class Reference:
    title: str  # without surrounding quotes or a trailing full stop
    year: int
    authors: str = ""
    journal: str = ""
    volume: str = ""  # "12(3):45-51", clinic template only
    doi: str | None = None
    pmid: str | None = None


@dataclass(frozen=True)
class Product:
    name: str
    url: str
    blurb: str = ""
    price: str = ""


@dataclass(frozen=True)
class Comment:
    name: str
    when: str  # ISO timestamp with offset
    text: str


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str = ""  # paragraph text in the inline mini-markup
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    heading: str | None  # None for the lead (or a glossary definition)
    level: int  # 0 for the lead, 2 for h2, 3 for h3
    kind: str  # lead, point, action_plan, summary, faq, definition, origin, mechanism, other
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Article:
    slug: str
    template: Template
    title: str
    description: str
    topic: str
    category: str  # category slug
    tags: tuple[str, ...]
    authors: tuple[str, ...]  # person slugs, page order
    reviewers: tuple[str, ...]
    published: str | None  # "2026-01-30" or "2025-03-04T09:15:00-05:00"
    updated: str | None
    sort_date: str  # used to order listings, even for an undated article
    language: str
    sections: tuple[Section, ...]
    references: tuple[Reference, ...] = ()
    product: Product | None = None
    comments: tuple[Comment, ...] = ()
    visibility: Visibility = "linked"
    syndicated: bool = False
    redirect_from: tuple[str, ...] = ()
    options: dict[str, object] = field(default_factory=dict, hash=False, compare=False)

    @property
    def path(self) -> str:
        return f"/articles/{self.slug}/"

    @property
    def is_listed(self) -> bool:
        """Linked from listings, author and tag pages, related lists."""
        return self.visibility == "linked"

    def option(self, name: str, default: object = None) -> object:
        return self.options.get(name, default)

    def blocks(self) -> list[Block]:
        return [block for section in self.sections for block in section.blocks]


@dataclass(frozen=True)
class GlossaryEntry:
    slug: str
    term: str
    description: str
    sections: tuple[Section, ...]
    related: tuple[str, ...] = ()  # glossary slugs

    @property
    def path(self) -> str:
        return f"/glossary/{self.slug}/"


@dataclass(frozen=True)
class StaticPage:
    slug: str
    title: str
    description: str
    sections: tuple[Section, ...]

    @property
    def path(self) -> str:
        return f"/{self.slug}/"


@dataclass(frozen=True)
class Site:
    origin: str
    name: str
    tagline: str
    categories: tuple[Category, ...]
    people: dict[str, Person]
    articles: tuple[Article, ...]
    glossary: tuple[GlossaryEntry, ...]
    pages: dict[str, StaticPage]  # about, privacy, contact, partners, members-area
    newsletter_article: str  # slug linked with utm parameters from the home page
    broken_link: str
    page_size: int = 6

    def category(self, slug: str) -> Category:
        return next(c for c in self.categories if c.slug == slug)

    def listed(self) -> list[Article]:
        """Listed articles, newest first."""
        return list(self._listed)

    @cached_property
    def _listed(self) -> tuple[Article, ...]:
        return tuple(
            sorted(
                (a for a in self.articles if a.is_listed),
                key=lambda a: (a.sort_date, a.slug),
                reverse=True,
            )
        )

    def related(self, article: Article, count: int) -> list[Article]:
        """Other listed articles of the same category, newest first."""
        same = [a for a in self.listed() if a.category == article.category]
        return [a for a in same if a.slug != article.slug][:count]

    def url(self, path: str) -> str:
        return self.origin + path
