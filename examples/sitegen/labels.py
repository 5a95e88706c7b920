"""The labelled expectations (``expected.json``): what each page says, computed
from the content records -- never from an extractor's output.

Label conventions (also in examples/README.md):

* paths are root-relative (the served origin varies); off-site URLs are absolute;
* authors: bare ``name``; ``role`` is the role line of an author box when the page
  shows one, else the credential after the byline's comma, else null;
* ``section_*`` lists skip the title, reference lists, product/newsletter boxes and
  "Related Terms"; a lead (heading null) exists only when text precedes the first
  heading; h3 questions under an FAQ heading are ``faq``;
* ``text`` is the reference body text: headings, paragraphs and list items as blocks
  separated by a blank line, footnote markers removed; for similarity scoring;
* ``references`` hold only what the page shows (a farm entry linked to PubMed shows
  no DOI; a magazine entry shows the DOI link, else the PubMed link).
"""

from __future__ import annotations

import re
from typing import Any

from . import clinic, farm, magazine, pages
from .chrome import DISCLAIMER
from .markup import plain, strip_footnotes
from .model import Article, GlossaryEntry, Reference, Section, Site

_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-Ý¿¡“\"])")
_WORD = re.compile(r"\w+", re.UNICODE)


def section_text_blocks(sections: tuple[Section, ...]) -> list[str]:
    out: list[str] = []
    for section in sections:
        if section.heading is not None:
            out.append(section.heading)
        for block in section.blocks:
            if block.kind == "p":
                out.append(clean(block.text))
            elif block.kind in ("ul", "ol"):
                out.extend(clean(item) for item in block.items)
    return out


def clean(text: str) -> str:
    return " ".join(strip_footnotes(plain(text)).split())


def body_text(sections: tuple[Section, ...]) -> str:
    return "\n\n".join(section_text_blocks(sections))


def pick_sentences(sections: tuple[Section, ...], count: int = 3) -> list[str]:
    """Up to ``count`` body sentences, spread over the article, free of markers."""
    sentences = []
    for section in sections:
        for block in section.blocks:
            if block.kind != "p":
                continue
            for sentence in _SENTENCE.split(plain(block.text)):
                if "[" not in sentence and "*" not in sentence and 40 <= len(sentence) <= 220:
                    sentences.append(" ".join(sentence.split()))
    if len(sentences) <= count:
        return sentences
    step = (len(sentences) - 1) / (count - 1)
    return [sentences[round(i * step)] for i in range(count)]


def has_repeated_phrase(title: str, min_words: int = 3) -> bool:
    """True when a run of ``min_words`` or more words is immediately repeated."""
    words = [w.lower() for w in _WORD.findall(title)]
    for size in range(min_words, len(words) // 2 + 1):
        for start in range(len(words) - 2 * size + 1):
            if words[start : start + size] == words[start + size : start + 2 * size]:
                return True
    return False


def visible_reference(template: str, ref: Reference) -> dict[str, Any]:
    doi, pmid, url = ref.doi, ref.pmid, None
    if template == "farm":
        url = farm.reference_link(ref)
        doi = None if ref.pmid else ref.doi
    elif template == "magazine":
        link = magazine.source_link(ref)
        url = link[0] if link else None
        pmid = None if ref.doi else ref.pmid
    return {"title": ref.title, "year": ref.year, "doi": doi, "pmid": pmid, "url": url}


def author_labels(site: Site, article: Article, template: str) -> list[dict[str, Any]]:
    """Farm and clinic pages show an author box (role line and bio); the partner
    copy shows only the byline credential; magazine bylines show names only.
    Reviewers appear on clinic pages with their byline credential."""
    labels = []
    for slug in article.authors:
        person = site.people[slug]
        boxed = template in ("farm", "clinic")
        role: str | None
        if boxed:
            role = person.role
        elif template == "partner":
            role = person.credential
        else:
            role = None
        labels.append(
            {
                "name": person.name,
                "role": role,
                "bio": person.bio if boxed else None,
                "relation": "author",
                "url": person.path,
            }
        )
    reviewers = article.reviewers if template == "clinic" else ()
    for slug in reviewers:
        person = site.people[slug]
        labels.append(
            {
                "name": person.name,
                "role": person.credential,
                "bio": None,
                "relation": "reviewer",
                "url": person.path,
            }
        )
    return labels


def has_block(article: Article, kind: str) -> bool:
    return any(block.kind == kind for block in article.blocks())


def boilerplate(site: Site, article: Article, template: str) -> list[str]:
    """Strings shown on the page that must not reach the body text."""
    found = [DISCLAIMER.split(".")[0]]
    if template == "farm":
        found += [
            "Written by",
            "Please consider disabling AdBlock",
            farm.ADBLOCK_HEADING,
            "We use cookies to ensure",
            "Trending Now",
        ]
        found += [site.people[s].bio for s in article.authors]
    elif template == "clinic":
        found += [
            clinic.NEWSLETTER_TEXT,
            clinic.SHARE_LABEL,
            clinic.REPLY_HEADING,
            "Medically reviewed by",
        ]
        if site.related(article, 3):
            found.append(clinic.RELATED_HEADING)
        found += [c.text for c in article.comments]
        found += [site.people[s].bio for s in article.authors]
    elif template == "magazine":
        found += ["We use cookies", "Detailed Cookie Preferences"]
        if site.related(article, 4):
            found.append(f"More from {site.category(article.category).name}")
    elif template == "partner":
        found += ["originally appeared in VitalWell Journal", "Partner content"]
    if article.product and has_block(article, "affiliate") and template != "partner":
        if template == "farm":
            found += [farm.AFFILIATE_BUTTON, "As an Amazon Associate", farm.AFFILIATE_HEADING]
        else:
            words = magazine.WORDS[article.language]
            found += [words["buy"], words["disclosure"], article.product.blurb]
    if has_block(article, "placeholder") and template == "farm":
        found.append(farm.PLACEHOLDER)
    if article.references and template != "partner":
        found.append(article.references[0].title)
    return found


def flags(site: Site, article: Article, template: str) -> list[str]:
    found = set()
    if template in ("farm", "magazine") and article.product and has_block(article, "affiliate"):
        found.add("affiliate_disclosure")
    if template == "farm" and has_block(article, "placeholder"):
        found.add("template_placeholder")
    if has_repeated_phrase(article.title):
        found.add("repeated_title_phrase")
    for slug in article.authors:
        specialties = site.people[slug].specialties
        if specialties and article.category not in specialties:
            found.add("author_topic_mismatch")
    return sorted(found)


def article_label(site: Site, article: Article, *, template: str | None = None) -> dict[str, Any]:
    """Labels for an article page; ``template="partner"`` for its syndicated copy."""
    template = template or article.template
    partner = template == "partner"
    affiliate = (
        [article.product.url]
        if article.product and has_block(article, "affiliate") and template in ("farm", "magazine")
        else []
    )
    return {
        "kind": "article",
        "template": template,
        "canonical": None if partner else article.path,
        "title": article.title,
        "published": article.published,
        "updated": None if partner else article.updated,
        "authors": author_labels(site, article, template),
        "category": None if partner else site.category(article.category).name,
        "tags": [] if partner else list(article.tags),
        "language": article.language,
        "section_headings": [s.heading for s in article.sections],
        "section_levels": [s.level for s in article.sections],
        "section_kinds": [s.kind for s in article.sections],
        "references": []
        if partner
        else [visible_reference(template, r) for r in article.references],
        "affiliate_links": affiliate,
        "flags": flags(site, article, template),
        "must_contain": pick_sentences(article.sections),
        "must_not_contain": boilerplate(site, article, template),
        "text": body_text(article.sections),
    }


def glossary_label(entry: GlossaryEntry) -> dict[str, Any]:
    return {
        "kind": "glossary",
        "template": "glossary",
        "canonical": entry.path,
        "title": entry.term,
        "published": None,
        "updated": None,
        "authors": [],
        "category": None,
        "tags": [],
        "language": "en",
        "section_headings": [s.heading for s in entry.sections],
        "section_levels": [s.level for s in entry.sections],
        "section_kinds": [s.kind for s in entry.sections],
        "references": [],
        "affiliate_links": [],
        "flags": [],
        "must_contain": pick_sentences(entry.sections),
        "must_not_contain": [
            "We use cookies",
            "Detailed Cookie Preferences",
            "Analytics cookies help us",
            DISCLAIMER.split(".")[0],
            *([pages.RELATED_TERMS] if entry.related else []),
        ],
        "text": body_text(entry.sections),
    }


def expected(site: Site, *, html_paths: list[str], broken: list[str]) -> dict[str, Any]:
    articles: dict[str, Any] = {}
    for article in sorted(site.articles, key=lambda a: a.path):
        articles[article.path] = article_label(site, article)
        if article.syndicated:
            articles[pages.syndicated_path(article)] = article_label(
                site, article, template="partner"
            )
    for entry in sorted(site.glossary, key=lambda g: g.path):
        articles[entry.path] = glossary_label(entry)
    disallowed = [p for p in html_paths if p.startswith("/private/")]
    newsletter = next(a for a in site.articles if a.slug == site.newsletter_article)
    return {
        "origin": site.origin,
        "name": site.name,
        "articles": articles,
        "non_articles": sorted(p for p in html_paths if p not in articles and p not in disallowed),
        "disallowed": disallowed,
        "broken": broken,
        "syndicated": {pages.syndicated_path(a): a.path for a in site.articles if a.syndicated},
        "redirects": {old: a.path for a in site.articles for old in a.redirect_from},
        "sitemap_only": sorted(a.path for a in site.articles if a.visibility == "sitemap_only"),
        "feed_only": sorted(a.path for a in site.articles if a.visibility == "feed_only"),
        "tracking_links": {
            f"{newsletter.path}?utm_source=newsletter&utm_medium=email": newsletter.path
        },
    }
