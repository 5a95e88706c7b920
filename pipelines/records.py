"""Record types passed between the stages of the pipeline.

Data flows one way: ``FetchedPage`` (what the crawler got) -> ``ExtractedPage``
(raw values read off the HTML) -> ``NormalisedArticle`` (the archive's record).
A page that cannot go on is turned into a ``Rejection`` with a reason code
(``extract:too_short``) instead of a silent ``None``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

Relation = Literal["author", "reviewer", "editor"]
Kind = Literal["article", "glossary"]
SectionKind = Literal[
    "lead", "point", "action_plan", "summary", "faq", "definition", "origin",
    "mechanism", "references", "other",
]


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """One HTTP response as the crawler received it (or a saved file)."""

    url: str
    body: bytes
    fetched_at: datetime
    status: int = 200
    content_type: str | None = None
    encoding: str | None = None
    requested_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class NotModifiedPage:
    """A page known to be unchanged since its last download: the server answered
    304 to a conditional request (``reason`` ``http:304``), or the sitemap's
    ``lastmod`` is older than that download (``sitemap:lastmod``, no request made)."""

    url: str
    checked_at: datetime
    reason: str
    status: int | None = None


@dataclass(frozen=True, slots=True)
class FetchFailure:
    """A request that produced no page: an HTTP error, a timeout, a robots.txt
    refusal, a non-HTML body. ``reason`` is a short code (``http:404``)."""

    url: str
    reason: str
    fetched_at: datetime
    status: int | None = None
    detail: str = ""

    @property
    def is_error(self) -> bool:
        return not self.reason.startswith(("robots:", "skip:"))


@dataclass(frozen=True, slots=True)
class Author:
    name: str
    role: str | None = None
    bio: str | None = None
    url: str | None = None
    relation: Relation = "author"


@dataclass(frozen=True, slots=True)
class Section:
    heading: str | None
    level: int
    kind: SectionKind
    text: str


@dataclass(frozen=True, slots=True)
class Reference:
    text: str
    title: str | None = None
    year: int | None = None
    url: str | None = None
    doi: str | None = None
    pmid: str | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """A body block in document order: a heading, a paragraph or a list item."""

    kind: Literal["heading", "paragraph", "item"]
    text: str
    level: int = 0


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    """Raw values read off one page, before normalisation."""

    url: str
    fetched_url: str
    fetched_at: datetime
    page_type: Literal["article", "glossary", "listing", "other"]
    page_type_reason: str
    title_raw: str | None
    published_raw: str | None
    updated_raw: str | None
    authors: tuple[Author, ...]
    category_raw: str | None
    tags_raw: tuple[str, ...]
    language_raw: str | None
    blocks: tuple[Block, ...]
    references: tuple[Reference, ...]
    affiliate_links: tuple[str, ...]
    signals: tuple[str, ...] = ()
    site_name: str | None = None


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """What extraction knows about a site beyond the page itself: the fingerprints of
    its learned boilerplate paragraphs, and its declarative overrides (if any)."""

    learned_boilerplate: frozenset[str] = frozenset()
    site_rules: Any = None


@dataclass(frozen=True, slots=True)
class NormalisedArticle:
    """The archive's record of one page: the fields of ``article.schema.json``
    that extraction decides (storage adds ``first_seen``, ``last_seen``, ``version``)."""

    url: str
    site: str
    kind: Kind
    title: str
    published: str | None
    updated: str | None
    authors: tuple[Author, ...]
    category: str | None
    tags: tuple[str, ...]
    language: str | None
    text: str
    sections: tuple[Section, ...]
    references: tuple[Reference, ...]
    affiliate_links: tuple[str, ...]
    flags: tuple[str, ...]
    content_hash: str
    fetched_url: str = ""
    fetched_at: datetime | None = None
    block_sha1s: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def to_record(self) -> dict[str, Any]:
        """The schema's field names, lists as lists, nested records as dicts."""
        return {
            "url": self.url,
            "site": self.site,
            "kind": self.kind,
            "title": self.title,
            "published": self.published,
            "updated": self.updated,
            "authors": [asdict(a) for a in self.authors],
            "category": self.category,
            "tags": list(self.tags),
            "language": self.language,
            "text": self.text,
            "sections": [asdict(s) for s in self.sections],
            "references": [asdict(r) for r in self.references],
            "affiliate_links": list(self.affiliate_links),
            "flags": list(self.flags),
            "content_hash": self.content_hash,
            "fetched_url": self.fetched_url,
            "block_sha1s": list(self.block_sha1s),
        }


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why a page was not archived: ``reason`` is a short code such as
    ``skip:listing`` (a page crawled for links only) or ``extract:no_body``."""

    url: str
    reason: str
    detail: str = ""

    @property
    def is_error(self) -> bool:
        return not self.reason.startswith("skip:")
