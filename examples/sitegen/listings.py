"""Pages crawled for links only: home, category and tag listings (paginated,
with rel=next/prev), author pages."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .chrome import avatar_path, page
from .markup import esc, long_en, slugify
from .model import Article, Person, Site


def card(site: Site, article: Article) -> str:
    meta = [f'<span class="card-category">{esc(site.category(article.category).name)}</span>']
    if article.published:
        meta.append(
            f'<time datetime="{article.published[:10]}">{long_en(article.published)}</time>'
        )
    names = [site.people[s].display_name for s in article.authors]
    if names:
        meta.append(f'<span class="card-author">{esc(" and ".join(names))}</span>')
    return f"""    <li class="post-card">
      <h3 class="post-card-title"><a href="{article.path}">{esc(article.title)}</a></h3>
      <p class="post-card-meta">{" · ".join(meta)}</p>
      <p class="post-card-excerpt">{esc(article.description)}</p>
    </li>"""


def card_list(site: Site, articles: Sequence[Article]) -> str:
    if not articles:
        return '  <p class="no-posts">No articles found.</p>'
    cards = "\n".join(card(site, a) for a in articles)
    return f'  <ul class="post-list">\n{cards}\n  </ul>'


def render_home(site: Site) -> str:
    latest = site.listed()[:8]
    topics = "\n".join(
        f'    <li><a href="{c.path}">{esc(c.name)}</a> <span>{esc(c.description)}</span></li>'
        for c in site.categories
    )
    featured = next(a for a in site.articles if a.slug == site.newsletter_article)
    tracked = f"{featured.path}?utm_source=newsletter&amp;utm_medium=email"
    main = f"""<main class="home-main">
  <section class="hero">
    <h1 class="site-title">{esc(site.name)}</h1>
    <p class="tagline">{esc(site.tagline)}</p>
  </section>
  <section class="newsletter-pick">
    <h2>From this week's newsletter</h2>
    <p><a href="{tracked}">{esc(featured.title)}</a></p>
  </section>
  <section class="latest">
    <h2>Latest articles</h2>
{card_list(site, latest)}
  </section>
  <section class="topics">
    <h2>Browse by topic</h2>
    <ul class="topic-list">
{topics}
    </ul>
    <p><a href="/glossary/">Look up a term in our health glossary</a></p>
  </section>
</main>"""
    return page(
        site,
        path="/",
        title=f"{site.name} — {site.tagline}",
        description=site.tagline,
        main=main,
        body_class="home",
    )


def paginate(
    base: str, items: Sequence[Article], size: int
) -> Iterator[tuple[str, int, int, Sequence[Article]]]:
    """(path, page number, page count, items) for each page of a listing."""
    count = max(1, -(-len(items) // size))
    for number in range(1, count + 1):
        path = base if number == 1 else f"{base}page/{number}/"
        yield path, number, count, items[(number - 1) * size : number * size]


def page_path(base: str, number: int) -> str:
    return base if number == 1 else f"{base}page/{number}/"


def render_listing(
    site: Site, *, base: str, heading: str, intro: str, articles: Sequence[Article]
) -> Iterator[tuple[str, str]]:
    """(path, html) for every page of a paginated listing."""
    for path, number, count, items in paginate(base, articles, site.page_size):
        links, nav = [], []
        if number > 1:
            prev = page_path(base, number - 1)
            links.append(f'<link rel="prev" href="{prev}">')
            nav.append(f'<a class="prev" rel="prev" href="{prev}">← Newer posts</a>')
        nav.append(f'<span class="page-count">Page {number} of {count}</span>')
        if number < count:
            nxt = page_path(base, number + 1)
            links.append(f'<link rel="next" href="{nxt}">')
            nav.append(f'<a class="next" rel="next" href="{nxt}">Older posts →</a>')
        title = heading if number == 1 else f"{heading} — Page {number}"
        main = f"""<main class="listing-main">
  <h1 class="listing-title">{esc(heading)}</h1>
  <p class="listing-intro">{esc(intro)}</p>
{card_list(site, items)}
  <nav class="pagination" aria-label="Pagination">
    {" ".join(nav)}
  </nav>
</main>"""
        yield (
            path,
            page(
                site,
                path=path,
                title=title,
                description=intro,
                main=main,
                head_extra="\n".join(links),
                body_class="archive listing",
            ),
        )


def render_categories(site: Site) -> Iterator[tuple[str, str]]:
    listed = site.listed()
    for category in site.categories:
        articles = [a for a in listed if a.category == category.slug]
        yield from render_listing(
            site,
            base=category.path,
            heading=category.name,
            intro=category.description,
            articles=articles,
        )


def tag_names(site: Site) -> dict[str, str]:
    """Tag slug -> display name, for the tags of every article (a tag used only by
    an unlisted article gets a page that lists nothing, as a CMS would show it)."""
    names: dict[str, str] = {}
    for article in sorted(site.articles, key=lambda a: a.slug):
        for tag in article.tags:
            names.setdefault(slugify(tag), tag)
    return dict(sorted(names.items()))


def render_tags(site: Site) -> Iterator[tuple[str, str]]:
    listed = site.listed()
    for slug, name in tag_names(site).items():
        articles = [a for a in listed if slug in {slugify(t) for t in a.tags}]
        yield from render_listing(
            site,
            base=f"/tag/{slug}/",
            heading=f"Tagged: {name}",
            intro=f"Articles tagged “{name}”.",
            articles=articles,
        )


def render_author(site: Site, person: Person) -> str:
    listed = site.listed()
    written = [a for a in listed if person.slug in a.authors]
    reviewed = [a for a in listed if person.slug in a.reviewers]
    sections = []
    if written:
        sections.append(
            f"  <h2>Articles by {esc(person.display_name)}</h2>\n{card_list(site, written)}"
        )
    if reviewed:
        sections.append(
            f"  <h2>Articles reviewed by {esc(person.display_name)}</h2>\n{card_list(site, reviewed)}"
        )
    main = f"""<main class="author-main">
  <div class="author-profile">
    <img class="author-photo" src="{avatar_path(person.slug)}" alt="{esc(person.display_name)}" width="160" height="160">
    <h1 class="author-title">{esc(person.byline_name)}</h1>
    <p class="author-role">{esc(person.role)}</p>
    <p class="author-bio">{esc(person.bio)}</p>
  </div>
{chr(10).join(sections)}
</main>"""
    return page(
        site,
        path=person.path,
        title=person.display_name,
        description=f"{person.display_name}, {person.role}, writes for {site.name}.",
        main=main,
        body_class="author-archive",
    )
