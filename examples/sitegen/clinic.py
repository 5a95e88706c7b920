"""Template 2, the "WordPress clinic blog" article: JSON-LD @graph, breadcrumbs,
byline plus "Medically reviewed by", footnote markers with an <ol class="references">,
rel="tag" links, a newsletter box, a share bar, related posts and comments."""

from __future__ import annotations

import zlib
from urllib.parse import quote

from .chrome import avatar_path, page, render_sections
from .markup import esc, json_ld, long_en, slugify
from .model import Article, Person, Reference, Site

NEWSLETTER_HEADING = "Get the VitalWell Weekly"
NEWSLETTER_TEXT = (
    "Evidence-based nutrition, sleep and fitness tips from our clinicians, every Sunday. "
    "No spam, unsubscribe anytime."
)
SHARE_LABEL = "Share this article:"
RELATED_HEADING = "Related posts"
REPLY_HEADING = "Leave a Reply"


def render_clinic(site: Site, article: Article) -> str:
    category = site.category(article.category)
    url = site.url(article.path)
    post_id = 1000 + zlib.crc32(article.slug.encode()) % 9000
    body = render_sections(
        article.sections,
        boxes={"newsletter": newsletter_box()},
        footnotes=True,
        heading_ids=True,
        indent="      ",
    )
    tag_classes = " ".join(f"tag-{slugify(t)}" for t in article.tags)
    tag_links = ", ".join(
        f'<a href="/tag/{slugify(t)}/" rel="tag">{esc(t)}</a>' for t in article.tags
    )
    box = "\n".join(author_box(site.people[s]) for s in article.authors)
    above = box if article.option("author_box") == "above" else ""
    below = "" if above else box
    main = f"""<div id="page" class="site">
<div id="content" class="site-content">
<nav class="breadcrumbs" aria-label="Breadcrumb">
  <p><a href="/">Home</a> <span class="sep">›</span> <a href="{category.path}">{esc(category.name)}</a> <span class="sep">›</span> <span class="breadcrumb-current">{esc(article.title)}</span></p>
</nav>
<div id="primary" class="content-area">
<main id="main" class="site-main">
{above}
  <article id="post-{post_id}" class="post post-{post_id} type-post status-publish format-standard hentry category-{category.slug} {tag_classes}">
    <header class="entry-header">
      <h1 class="entry-title">{esc(article.title)}</h1>
      <div class="entry-meta">
{entry_meta(site, article)}
      </div>
    </header>
    <div class="entry-content">
{body}
{references_block(article.references)}
    </div>
    <footer class="entry-footer">
      <span class="cat-links">Posted in <a href="{category.path}" rel="category tag">{esc(category.name)}</a></span>
      <span class="tags-links">Tagged {tag_links}</span>
    </footer>
  </article>
{share_bar(url, article.title)}
{below}
{related_posts(site, article)}
{comments(article)}
</main>
</div>
</div>
</div>"""
    head = f"""<meta property="og:type" content="article">
<meta property="og:title" content="{esc(article.title)}">
<meta property="og:url" content="{esc(url)}">
<meta property="og:site_name" content="{esc(site.name)}">
<script type="application/ld+json">
{json_ld(graph(site, article))}
</script>"""
    return page(
        site,
        path=article.path,
        title=article.title,
        description=article.description,
        main=main,
        head_extra=head,
        body_class=f"post-template-default single single-post postid-{post_id}",
    )


def entry_meta(site: Site, article: Article) -> str:
    lines = []
    for slug in article.authors:
        person = site.people[slug]
        if article.option("byline_split"):
            credential = f"<span>, {esc(person.credential)}</span>" if person.credential else ""
            name = f'<a class="url fn n" href="{person.path}" rel="author">{esc(person.display_name)}</a>'
            lines.append(f'        <span class="byline"><span>By</span> {name}{credential}</span>')
        else:
            lines.append(
                f'        <span class="byline">By <a class="url fn n" href="{person.path}" '
                f'rel="author">{esc(person.byline_name)}</a></span>'
            )
    for slug in article.reviewers:
        person = site.people[slug]
        lines.append(
            f'        <span class="reviewed-by">Medically reviewed by '
            f'<a href="{person.path}">{esc(person.byline_name)}</a></span>'
        )
    if not article.option("dates_in_json_ld_only"):
        if article.published:
            lines.append(
                f'        <span class="posted-on">Published <time class="entry-date published" '
                f'datetime="{article.published}">{long_en(article.published)}</time></span>'
            )
        if article.updated:
            lines.append(
                f'        <span class="updated-on">Updated <time class="updated" '
                f'datetime="{article.updated}">{long_en(article.updated)}</time></span>'
            )
    return "\n".join(lines)


def person_ld(site: Site, person: Person, *, with_job: bool) -> dict[str, object]:
    data: dict[str, object] = {"@type": "Person", "name": person.name}
    if person.prefix:
        data["honorificPrefix"] = person.prefix
    if person.credential:
        data["honorificSuffix"] = person.credential
    if with_job:
        data["jobTitle"] = person.role
    data["url"] = site.url(person.path)
    return data


def graph(site: Site, article: Article) -> dict[str, object]:
    url = site.url(article.path)
    category = site.category(article.category)
    authors = [person_ld(site, site.people[s], with_job=True) for s in article.authors]
    article_node: dict[str, object] = {
        "@type": "Article",
        "@id": f"{url}#article",
        "isPartOf": {"@id": url},
        "mainEntityOfPage": {"@id": url},
        "headline": article.title,
        "datePublished": article.published,
        **({"dateModified": article.updated} if article.updated else {}),
        "author": authors[0] if len(authors) == 1 else authors,
        "publisher": {"@id": f"{site.origin}/#organization"},
        "articleSection": category.name,
        "keywords": list(article.tags),
        "inLanguage": "en-US",
    }
    webpage: dict[str, object] = {
        "@type": "MedicalWebPage",
        "@id": url,
        "url": url,
        "name": article.title,
        "description": article.description,
        "breadcrumb": {"@id": f"{url}#breadcrumb"},
        "inLanguage": "en-US",
    }
    if article.reviewers:
        reviewers = [person_ld(site, site.people[s], with_job=False) for s in article.reviewers]
        webpage["reviewedBy"] = reviewers[0] if len(reviewers) == 1 else reviewers
        if article.updated:
            webpage["lastReviewed"] = article.updated[:10]
    crumbs = [
        ("Home", f"{site.origin}/"),
        (category.name, site.url(category.path)),
        (article.title, url),
    ]
    breadcrumb = {
        "@type": "BreadcrumbList",
        "@id": f"{url}#breadcrumb",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": item}
            for i, (name, item) in enumerate(crumbs, start=1)
        ],
    }
    organization = {
        "@type": "Organization",
        "@id": f"{site.origin}/#organization",
        "name": site.name,
        "url": f"{site.origin}/",
        "logo": site.url("/assets/img/logo.svg"),
    }
    return {
        "@context": "https://schema.org",
        "@graph": [article_node, webpage, breadcrumb, organization],
    }


def reference_text(ref: Reference) -> str:
    parts = [
        f"{esc(ref.authors)}." if ref.authors else "",
        f"{esc(ref.title)}.",
        f"<em>{esc(ref.journal)}</em>." if ref.journal else "",
    ]
    volume = f";{ref.volume}" if ref.volume else ""
    parts.append(f"{ref.year}{volume}.")
    if ref.doi:
        parts.append(f"doi:{ref.doi}.")
    if ref.pmid:
        parts.append(f"PMID: {ref.pmid}.")
    return " ".join(p for p in parts if p)


def references_block(references: tuple[Reference, ...]) -> str:
    if not references:
        return ""
    items = "\n".join(
        f'        <li id="ref-{i}">{reference_text(ref)}</li>'
        for i, ref in enumerate(references, start=1)
    )
    return f"""      <h2 id="references">References</h2>
      <ol class="references">
{items}
      </ol>"""


def newsletter_box() -> str:
    return f"""      <div class="newsletter-signup">
        <h3 class="newsletter-heading">{NEWSLETTER_HEADING}</h3>
        <p>{esc(NEWSLETTER_TEXT)}</p>
        <form class="newsletter-form" action="https://list.mailer.example/subscribe?list=vitalwell" method="post">
          <label for="nl-email">Email address</label>
          <input id="nl-email" type="email" name="email" placeholder="you@example.com">
          <button type="submit">Subscribe</button>
        </form>
      </div>"""


def author_box(person: Person) -> str:
    return f"""  <div class="author-bio-box">
    <img class="avatar" src="{avatar_path(person.slug)}" alt="{esc(person.display_name)}" width="80" height="80">
    <div class="author-bio-text">
      <p class="author-bio-label">About the author</p>
      <p class="author-bio-name"><a href="{person.path}">{esc(person.byline_name)}</a></p>
      <p class="author-bio-job">{esc(person.role)}</p>
      <p class="author-bio-description">{esc(person.bio)}</p>
    </div>
  </div>"""


def share_bar(url: str, title: str) -> str:
    return f"""  <div class="share-bar">
    <span class="share-label">{SHARE_LABEL}</span>
    <a class="share-facebook" href="https://www.facebook.com/sharer/sharer.php?u={url}">Facebook</a>
    <a class="share-x" href="https://x.com/intent/post?url={url}">X</a>
    <a class="share-pinterest" href="https://pinterest.com/pin/create/button/?url={url}">Pinterest</a>
    <a class="share-email" href="mailto:?subject={esc(quote(title))}&amp;body={url}">Email</a>
  </div>"""


def related_posts(site: Site, article: Article) -> str:
    if not site.related(article, 3):
        return ""
    items = "\n".join(
        f'      <li><a href="{a.path}">{esc(a.title)}</a></li>' for a in site.related(article, 3)
    )
    return f"""  <section class="related-posts">
    <h2 class="related-title">{RELATED_HEADING}</h2>
    <ul>
{items}
    </ul>
  </section>"""


def comments(article: Article) -> str:
    if not article.comments:
        return ""
    items = []
    for i, comment in enumerate(article.comments, start=1):
        hour = int(comment.when[11:13])
        clock = f"{hour % 12 or 12}:{comment.when[14:16]} {'am' if hour < 12 else 'pm'}"
        items.append(f"""      <li id="comment-{i}" class="comment">
        <article class="comment-body">
          <footer class="comment-meta"><b class="fn">{esc(comment.name)}</b> <span class="says">says:</span>
            <a href="#comment-{i}"><time datetime="{comment.when}">{long_en(comment.when)} at {clock}</time></a>
          </footer>
          <div class="comment-content"><p>{esc(comment.text)}</p></div>
          <a class="comment-reply-link" href="#respond">Reply</a>
        </article>
      </li>""")
    joined = "\n".join(items)
    count = len(article.comments)
    return f"""  <section id="comments" class="comments-area">
    <h2 class="comments-title">{count} thoughts on “{esc(article.title)}”</h2>
    <ol class="comment-list">
{joined}
    </ol>
    <div id="respond" class="comment-respond">
      <h3 id="reply-title" class="comment-reply-title">{REPLY_HEADING}</h3>
      <form action="https://comments.wp-host.example/post" method="post" class="comment-form">
        <p><label for="comment">Comment</label> <textarea id="comment" name="comment" rows="6"></textarea></p>
        <p><label for="author">Name</label> <input id="author" name="author" type="text"></p>
        <p><input name="submit" type="submit" value="Post Comment"></p>
      </form>
    </div>
  </section>"""
