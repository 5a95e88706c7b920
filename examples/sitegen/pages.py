"""Glossary entries, the syndicated partner copy and the static pages."""

from __future__ import annotations

from .chrome import CONSENT_DIALOG, link_list, page, render_sections
from .markup import esc, long_en
from .model import Article, GlossaryEntry, Site, StaticPage

RELATED_TERMS = "Related Terms"
SYNDICATION_NOTE = (
    "This article originally appeared in VitalWell Journal and is republished here with permission."
)


def syndicated_path(article: Article) -> str:
    return f"/partners/syndicated/{article.slug}/"


def render_glossary_entry(site: Site, entry: GlossaryEntry) -> str:
    by_slug = {g.slug: g for g in site.glossary}
    related = ""
    if entry.related:
        items = [(by_slug[s].path, by_slug[s].term) for s in entry.related]
        related = f"""
    <section class="related-terms">
      <h2>{RELATED_TERMS}</h2>
{link_list(items, css="related-terms-list", indent="      ")}
    </section>"""
    main = f"""<main class="glossary-main">
  <nav class="glossary-crumbs" aria-label="Breadcrumb"><a href="/glossary/">Glossary</a> › <span>{esc(entry.term)}</span></nav>
  <article class="glossary-term">
    <h1 class="term-title">{esc(entry.term)}</h1>
    <div class="term-body">
{render_sections(entry.sections, indent="      ")}
    </div>{related}
  </article>
</main>"""
    head = f"""<meta property="og:type" content="article">
<meta property="og:title" content="{esc(entry.term)}">
<meta property="og:url" content="{esc(site.url(entry.path))}">"""
    return page(
        site,
        path=entry.path,
        title=entry.term,
        description=entry.description,
        main=main,
        head_extra=head,
        body_class="glossary-template",
        after_footer=CONSENT_DIALOG,
    )


def render_glossary_index(site: Site) -> str:
    items = "\n".join(
        f'    <li><a href="{g.path}">{esc(g.term)}</a> <span class="glossary-teaser">'
        f"{esc(g.description)}</span></li>"
        for g in sorted(site.glossary, key=lambda g: g.term.lower())
    )
    main = f"""<main class="listing-main">
  <h1 class="listing-title">Health Glossary</h1>
  <p class="listing-intro">Plain-language definitions of the terms our writers use most.</p>
  <ul class="glossary-index">
{items}
  </ul>
</main>"""
    return page(
        site,
        path="/glossary/",
        title="Health Glossary",
        description="Definitions of health and fitness terms used on VitalWell Journal.",
        main=main,
        body_class="glossary-index-page",
    )


def render_syndicated(site: Site, article: Article) -> str:
    """A partner republication: same body text, a plainer template, no canonical."""
    people = [site.people[s] for s in article.authors]
    byline = " and ".join(f'<a href="{p.path}">{esc(p.byline_name)}</a>' for p in people)
    date = (
        f'\n      <p class="synd-date">{long_en(article.published)}</p>'
        if article.published
        else ""
    )
    main = f"""<main class="partner-main">
  <div class="partner-banner">Partner content from the <a href="/partners/">VitalWell syndication network</a></div>
  <div class="syndicated-article">
    <div class="synd-head">
      <h1>{esc(article.title)}</h1>
      <p class="synd-byline">By {byline}</p>{date}
    </div>
    <div class="synd-body">
{render_sections(article.sections, indent="      ")}
    </div>
    <p class="synd-note">{esc(SYNDICATION_NOTE)} <a href="{article.path}">Read it on VitalWell Journal</a>.</p>
  </div>
</main>"""
    return page(
        site,
        path=syndicated_path(article),
        title=article.title,
        description=article.description,
        main=main,
        canonical=False,
        body_class="partner-template",
    )


def render_static(site: Site, static: StaticPage, *, extra: str = "") -> str:
    main = f"""<main class="page-main">
  <article class="page">
    <h1 class="page-title">{esc(static.title)}</h1>
    <div class="page-content">
{render_sections(static.sections, indent="      ")}
{extra}
    </div>
  </article>
</main>"""
    return page(
        site,
        path=static.path,
        title=static.title,
        description=static.description,
        main=main,
        body_class=f"page-{static.slug.replace('/', '-')}",
    )


def render_partners(site: Site) -> str:
    copies = [(syndicated_path(a), a.title) for a in site.articles if a.syndicated]
    extra = f"""      <h2>Republished with our partners</h2>
{link_list(copies, css="partner-list", indent="      ")}"""
    return render_static(site, site.pages["partners"], extra=extra)
