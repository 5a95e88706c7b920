"""Scale the site up for benchmarks by recombining the hand-written articles.

Extra article ``i`` is built from a base article (same template, category,
headings, references and boxes) with a new title, slug, date and author, and
paragraphs drawn from the base's category with ``random.Random(f"{seed}:{i}")``,
so article ``i`` is the same whatever the total.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

from .markup import eastern_offset, parse_day, plain, slugify, strip_footnotes
from .model import Article, Block, Section, Site

TITLE_FRAMES = (
    "{topic}: What the Research Actually Says",
    "A Beginner's Guide to {topic}",
    "Five Questions About {topic}, Answered",
    "Rethinking {topic} After 40",
    "The Everyday Science of {topic}",
    "{topic} Without the Hype",
    "What Your Doctor Wishes You Knew About {topic}",
    "How {topic} Fits Into a Busy Week",
    "Common Mistakes With {topic}",
    "{topic}, Explained in Plain English",
)
_SMALL_WORDS = {"a", "an", "and", "of", "the", "to", "in", "on", "for", "with", "vs."}
MISMATCH_RATE = 0.08


def title_case(text: str) -> str:
    words = text.split()
    return " ".join(
        w if (w.isupper() or (i and w.lower() in _SMALL_WORDS)) else w[:1].upper() + w[1:]
        for i, w in enumerate(words)
    )


def scale_site(site: Site, total: int, *, seed: int = 2026) -> Site:
    hand = list(site.articles)
    if total < len(hand):
        raise ValueError(f"--articles must be at least {len(hand)} (the hand-written articles)")
    bases = [
        a for a in hand if a.is_listed and a.language == "en" and a.published and not a.syndicated
    ]
    pools = paragraph_pools(bases)
    writers = authors_by_template(site, bases)
    reviewers = sorted({r for a in bases for r in a.reviewers})
    extra = [
        derive(
            site,
            bases[i % len(bases)],
            i,
            random.Random(f"{seed}:{i}"),
            pools=pools,
            writers=writers,
            reviewers=reviewers,
        )
        for i in range(total - len(hand))
    ]
    return replace(site, articles=tuple(hand + extra))


def paragraph_pools(bases: list[Article]) -> dict[str, list[str]]:
    """Link- and footnote-free paragraphs of each category."""
    pools: dict[str, list[str]] = {}
    for article in bases:
        for block in article.blocks():
            if block.kind == "p" and not block.text.startswith("1. "):
                text = " ".join(strip_footnotes(plain(block.text)).split())
                pools.setdefault(article.category, []).append(text)
    return pools


def authors_by_template(site: Site, bases: list[Article]) -> dict[str, list[str]]:
    found: dict[str, set[str]] = {}
    for article in bases:
        found.setdefault(article.template, set()).update(article.authors)
    return {template: sorted(slugs) for template, slugs in found.items()}


def pick_authors(
    site: Site, base: Article, rng: random.Random, writers: list[str]
) -> tuple[str, ...]:
    if base.template == "magazine":
        return tuple(rng.sample(writers, rng.choice((1, 1, 2))))
    fitting = [
        s
        for s in writers
        if not site.people[s].specialties or base.category in site.people[s].specialties
    ]
    others = [s for s in writers if s not in fitting]
    if others and rng.random() < MISMATCH_RATE:
        return (rng.choice(others),)
    return (rng.choice(fitting),)


def derive(
    site: Site,
    base: Article,
    index: int,
    rng: random.Random,
    *,
    pools: dict[str, list[str]],
    writers: dict[str, list[str]],
    reviewers: list[str],
) -> Article:
    title = rng.choice(TITLE_FRAMES).format(topic=title_case(base.topic))
    day = parse_day(base.sort_date) - timedelta(days=rng.randint(30, 2200))
    published, updated = day.isoformat(), None
    if base.template == "clinic":
        later = day + timedelta(days=rng.randint(3, 90))
        published = f"{day}T{rng.randint(6, 17):02d}:{rng.choice((0, 15, 30, 45)):02d}:00{eastern_offset(day)}"
        updated = f"{later}T{rng.randint(6, 17):02d}:{rng.choice((0, 15, 30, 45)):02d}:00{eastern_offset(later)}"
    authors = pick_authors(site, base, rng, writers[base.template])
    review = (
        tuple(rng.sample([r for r in reviewers if r not in authors], 1)) if base.reviewers else ()
    )
    pool = pools[base.category]
    slots = sum(1 for b in base.blocks() if b.kind == "p")
    fresh = iter(rng.sample(pool, min(slots, len(pool))) * 2)
    sections = tuple(
        Section(s.heading, s.level, s.kind, tuple(_recombine(b, fresh, rng) for b in s.blocks))
        for s in base.sections
    )
    next_day = day + timedelta(days=1)
    comments = tuple(
        replace(c, when=f"{next_day}T{c.when[11:19]}{eastern_offset(next_day)}")
        for c in base.comments
    )
    return replace(
        base,
        slug=f"{slugify(title)}-{index + 1:04d}",
        title=title,
        authors=authors,
        reviewers=review,
        published=published,
        updated=updated,
        sort_date=day.isoformat(),
        sections=sections,
        comments=comments,
        visibility="linked",
        syndicated=False,
        redirect_from=(),
    )


def _recombine(block: Block, fresh: Iterator[str], rng: random.Random) -> Block:
    if block.kind == "p" and not block.text.startswith("1. "):
        return Block("p", text=next(fresh))
    if block.kind in ("ul", "ol"):
        items = list(block.items)
        rng.shuffle(items)
        return Block(block.kind, items=tuple(items))
    return block
