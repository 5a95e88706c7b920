"""Template 3, the "magazine" article: og:/article: meta, a kicker, a byline
naming one or more linked authors, a <time> dateline, plain subheads, an inline
product card, "Sources" as a run of <p> elements and a cookie consent dialog.
Spanish and French articles localise the article's own words."""

from __future__ import annotations

from .chrome import CONSENT_DIALOG, page, render_sections
from .markup import esc, format_day, slugify
from .model import Article, Reference, Site

WORDS = {
    "en": {
        "by": "By",
        "and": "and",
        "published": "",
        "sources": "Sources",
        "pick": "Our pick",
        "buy": "Buy on Amazon",
        "locale": "en_US",
        "disclosure": "VitalWell Journal may earn a commission when you buy through links on our site.",
    },
    "es": {
        "by": "Por",
        "and": "y",
        "published": "",
        "sources": "Fuentes",
        "pick": "Nuestra elección",
        "buy": "Ver en Amazon",
        "locale": "es_ES",
        "disclosure": "VitalWell Journal puede recibir una comisión por las compras realizadas a través de nuestros enlaces.",
    },
    "fr": {
        "by": "Par",
        "and": "et",
        "published": "Publié le ",
        "sources": "Sources",
        "pick": "Notre sélection",
        "buy": "Voir sur Amazon",
        "locale": "fr_FR",
        "disclosure": "VitalWell Journal peut percevoir une commission sur les achats effectués via nos liens.",
    },
}


def render_magazine(site: Site, article: Article) -> str:
    words = WORDS[article.language]
    category = site.category(article.category)
    body = render_sections(
        article.sections, boxes={"affiliate": product_card(article)}, indent="      "
    )
    main = f"""<main id="story" class="story-layout">
  <div class="story-header">
    <a class="kicker" href="{category.path}">{esc(category.name)}</a>
    <h1 class="headline">{esc(article.title)}</h1>
{byline(site, article)}{dateline(article)}
  </div>
  <figure class="story-hero">
    <img src="/assets/img/{category.slug}.svg" alt="" width="1600" height="900">
  </figure>
  <div class="story-body">
{body}
  </div>
{sources(article.references, words["sources"])}
  <ul class="story-tags">
{chr(10).join(f'    <li><a href="/tag/{slugify(t)}/">{esc(t)}</a></li>' for t in article.tags)}
  </ul>
{more_stories(site, article)}
</main>"""
    return page(
        site,
        path=article.path,
        title=article.title,
        description=article.description,
        main=main,
        lang=article.language,
        head_extra=meta_tags(site, article),
        body_class="magazine-template",
        after_footer=CONSENT_DIALOG,
    )


def meta_tags(site: Site, article: Article) -> str:
    category = site.category(article.category)
    lines = [
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{esc(article.title)} | {esc(site.name)}">',
        f'<meta property="og:description" content="{esc(article.description)}">',
        f'<meta property="og:url" content="{esc(site.url(article.path))}">',
        f'<meta property="og:image" content="{esc(site.url(f"/assets/img/{category.slug}.svg"))}">',
        f'<meta property="og:site_name" content="{esc(site.name)}">',
        f'<meta property="og:locale" content="{WORDS[article.language]["locale"]}">',
    ]
    if article.published:
        lines.append(f'<meta property="article:published_time" content="{article.published}">')
    if article.updated:
        lines.append(f'<meta property="article:modified_time" content="{article.updated}">')
    lines.append(f'<meta property="article:section" content="{esc(category.name)}">')
    lines.extend(f'<meta property="article:tag" content="{esc(t)}">' for t in article.tags)
    lines.append('<meta name="twitter:card" content="summary_large_image">')
    return "\n".join(lines)


def byline(site: Site, article: Article) -> str:
    if not article.authors:
        return ""
    words = WORDS[article.language]
    names = [
        f'<a class="byline-author" href="{site.people[s].path}">{esc(site.people[s].name)}</a>'
        for s in article.authors
    ]
    joined = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {words['and']} {names[-1]}"
    return f'    <p class="byline">{words["by"]} {joined}</p>\n'


def dateline(article: Article) -> str:
    if not article.published:
        return ""
    words = WORDS[article.language]
    shown = format_day(article.published, article.language, style="ap")
    return (
        f'    <p class="dateline">{words["published"]}<time datetime="{article.published}">'
        f"{shown}</time></p>"
    )


def product_card(article: Article) -> str:
    product = article.product
    if product is None:
        return ""
    words = WORDS[article.language]
    price = f'\n        <p class="product-price">{esc(product.price)}</p>' if product.price else ""
    return f"""      <aside class="product-card">
        <p class="product-kicker">{words["pick"]}</p>
        <img src="/assets/img/product.svg" alt="{esc(product.name)}" width="160" height="160">
        <p class="product-name">{esc(product.name)}</p>
        <p class="product-blurb">{esc(product.blurb)}</p>{price}
        <a class="product-cta" href="{esc(product.url)}" rel="sponsored nofollow noopener">{words["buy"]}</a>
        <p class="product-disclosure">{esc(words["disclosure"])}</p>
      </aside>"""


def source_link(ref: Reference) -> tuple[str, str] | None:
    if ref.doi:
        return f"https://doi.org/{ref.doi}", f"https://doi.org/{ref.doi}"
    if ref.pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/", f"PubMed {ref.pmid}"
    return None


def sources(references: tuple[Reference, ...], heading: str) -> str:
    if not references:
        return ""
    paragraphs = []
    for ref in references:
        journal = f" <em>{esc(ref.journal)}</em>," if ref.journal else ""
        link = source_link(ref)
        anchor = f' <a href="{esc(link[0])}">{esc(link[1])}</a>' if link else ""
        paragraphs.append(
            f'    <p class="source">{esc(ref.authors)}. {esc(ref.title)}.{journal} {ref.year}.{anchor}</p>'
        )
    joined = "\n".join(paragraphs)
    return f"""  <section class="story-sources">
    <h2 class="sources-title">{heading}</h2>
{joined}
  </section>"""


def more_stories(site: Site, article: Article) -> str:
    if not site.related(article, 4):
        return ""
    category = site.category(article.category)
    items = "\n".join(
        f'      <li><a href="{a.path}">{esc(a.title)}</a></li>' for a in site.related(article, 4)
    )
    return f"""  <section class="more-stories">
    <h2>More from {esc(category.name)}</h2>
    <ul>
{items}
    </ul>
  </section>"""
