"""Template 1, the "content farm" article, modelled on the seed pages: category
label over the title, "Published on ...", numbered points, an Amazon box, a
"Scientific References" list, an author box, an ad-block plea, a cookie banner."""

from __future__ import annotations

from .chrome import COOKIE_BANNER, avatar_path, page, render_sections
from .markup import esc, long_en, slugify
from .model import Article, Person, Reference, Site

AFFILIATE_HEADING = "Recommended for your journey"
AFFILIATE_TEXT = (
    "We've handpicked this top-rated health tool to help you achieve the results "
    "discussed in this article."
)
AFFILIATE_BUTTON = "Check Price on Amazon"
AFFILIATE_DISCLOSURE = "*As an Amazon Associate, VitalWell Journal earns from qualifying purchases."
PLACEHOLDER = "[AMAZON_PRODUCT_PLACEHOLDER]"
ADBLOCK_HEADING = "Support Our Research"
ADBLOCK_TEXT = (
    "Hi! At VitalWell, we invest a lot in research to bring you the best health insights. "
    "Please consider disabling AdBlock to support our work."
)
REFERENCES_HEADING = "Scientific References"


def render_farm(site: Site, article: Article) -> str:
    category = site.category(article.category)
    date_line = (
        f'\n    <div class="post-meta"><span class="post-date">Published on '
        f"{long_en(article.published)}</span></div>"
        if article.published
        else ""
    )
    boxes = {"affiliate": affiliate_box(article), "placeholder": f"  <p>{PLACEHOLDER}</p>"}
    body = render_sections(article.sections, boxes=boxes, indent="      ")
    tags = ", ".join(
        f'<a href="/tag/{tag_slug}/">{esc(tag)}</a>' for tag, tag_slug in _tag_links(article)
    )
    authors = "\n".join(author_box(site.people[slug]) for slug in article.authors)
    main = f"""<div class="site-wrap">
<main id="content" class="post-main">
  <div class="post-wrapper">
    <div class="post-category"><a class="category-label" href="{category.path}">{esc(category.name)}</a></div>
    <h1 class="post-title">{esc(article.title)}</h1>{date_line}
    <figure class="featured-image">
      <img src="/assets/img/{category.slug}.svg" alt="{esc(article.title)}" width="1200" height="630">
      <figcaption>{esc(article.title)}</figcaption>
    </figure>
    <div class="post-content">
{body}
{references_block(article.references)}
    </div>
    <div class="post-tags">Tags: {tags}</div>
{authors}
    <div class="adblock-plea">
      <h3>{ADBLOCK_HEADING}</h3>
      <p>{esc(ADBLOCK_TEXT)}</p>
    </div>
  </div>
</main>
{sidebar(site, article)}
</div>"""
    head = f"""<meta property="og:type" content="article">
<meta property="og:title" content="{esc(article.title)}">
<meta property="og:url" content="{esc(site.url(article.path))}">
<meta property="og:image" content="{esc(site.url(f"/assets/img/{category.slug}.svg"))}">
<meta property="og:site_name" content="{esc(site.name)}">"""
    return page(
        site,
        path=article.path,
        title=article.title,
        description=article.description,
        main=main,
        head_extra=head,
        body_class="single-post farm-template",
        after_footer=COOKIE_BANNER,
    )


def _tag_links(article: Article) -> list[tuple[str, str]]:
    return [(tag, slugify(tag)) for tag in article.tags]


def affiliate_box(article: Article) -> str:
    if article.product is None:
        return ""
    return f"""      <div class="affiliate-box">
        <h4 class="affiliate-heading">{AFFILIATE_HEADING}</h4>
        <p class="affiliate-text">{esc(AFFILIATE_TEXT)}</p>
        <a class="affiliate-button" href="{esc(article.product.url)}" rel="sponsored nofollow noopener" target="_blank">{AFFILIATE_BUTTON}</a>
        <p class="affiliate-disclosure">{esc(AFFILIATE_DISCLOSURE)}</p>
      </div>"""


def reference_link(ref: Reference) -> str | None:
    if ref.pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/"
    if ref.doi:
        return f"https://doi.org/{ref.doi}"
    return None


def references_block(references: tuple[Reference, ...]) -> str:
    if not references:
        return ""
    items = []
    for ref in references:
        url = reference_link(ref)
        link = (
            f' <a href="{esc(url)}" target="_blank" rel="noopener">View Study →</a>' if url else ""
        )
        items.append(f'          <li>"{esc(ref.title)}." ({ref.year}){link}</li>')
    joined = "\n".join(items)
    return f"""      <div class="references-section">
        <h3 class="references-title">{REFERENCES_HEADING}</h3>
        <ul class="references-list">
{joined}
        </ul>
      </div>"""


def author_box(person: Person) -> str:
    return f"""    <div class="author-box">
      <img class="author-photo" src="{avatar_path(person.slug)}" alt="{esc(person.display_name)}" width="96" height="96">
      <div class="author-info">
        <p class="author-name">Written by <a href="{person.path}">{esc(person.display_name)}</a></p>
        <p class="author-role">{esc(person.role)}</p>
        <p class="author-bio">"{esc(person.bio)}"</p>
      </div>
    </div>"""


def sidebar(site: Site, article: Article) -> str:
    latest = [a for a in site.listed() if a.slug != article.slug][:5]
    items = "\n".join(f'    <li><a href="{a.path}">{esc(a.title)}</a></li>' for a in latest)
    return f"""<aside class="sidebar">
  <h2 class="widget-title">Trending Now</h2>
  <ul class="trending-list">
{items}
  </ul>
</aside>"""
