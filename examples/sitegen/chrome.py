"""What every page shares: the document skeleton, header, footer, consent widgets,
and the rendering of body sections into headings, paragraphs and lists."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .markup import esc, inline, slugify
from .model import Section, Site

ANALYTICS = """<script async src="https://www.googletagmanager.com/gtag/js?id=G-VW2026JRNL"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());
  gtag('config', 'G-VW2026JRNL');
</script>"""

DISCLAIMER = (
    "VitalWell Journal publishes general health information for educational purposes. "
    "It is not a substitute for advice from your own doctor."
)

COOKIE_BANNER = """<div id="cookie-notice" class="cookie-banner" role="region" aria-label="Cookie notice">
  <p>We use cookies to ensure that we give you the best experience on our website. By continuing to browse you accept our <a href="/privacy/">cookie policy</a>.</p>
  <button type="button" class="cookie-accept">Got it</button>
</div>"""

CONSENT_DIALOG = """<div class="consent-dialog" role="dialog" aria-modal="true" aria-labelledby="consent-title">
  <h2 id="consent-title" class="consent-title">Your privacy choices</h2>
  <p>We use cookies to personalize content and marketing, and to analyze our traffic. This helps us maintain the quality of our free resources. Manage your preferences below.</p>
  <details class="consent-details">
    <summary>Detailed Cookie Preferences</summary>
    <label class="consent-toggle"><input type="checkbox" name="marketing" checked> Marketing: This helps support our free resources through personalized marketing efforts and promotions.</label>
    <label class="consent-toggle"><input type="checkbox" name="analytics" checked> Analytics: Analytics cookies help us understand how visitors interact with our website, improving user experience and website performance.</label>
    <label class="consent-toggle"><input type="checkbox" name="personalization"> Personalization: Personalization cookies enable us to customize the content and features of our site based on your interactions, offering a more tailored experience.</label>
  </details>
  <button type="button" class="consent-accept">Accept all</button>
  <button type="button" class="consent-save">Save preferences</button>
</div>"""


def page(
    site: Site,
    *,
    path: str,
    title: str,
    description: str,
    main: str,
    lang: str = "en",
    head_extra: str = "",
    body_class: str = "",
    canonical: bool = True,
    after_footer: str = "",
) -> str:
    """A complete HTML document with the site's header and footer around ``main``."""
    full_title = title if path == "/" else f"{title} | {site.name}"
    canonical_link = f'<link rel="canonical" href="{esc(site.url(path))}">\n' if canonical else ""
    extra = f"{head_extra.strip()}\n" if head_extra.strip() else ""
    document = f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(full_title)}</title>
<meta name="description" content="{esc(description)}">
{canonical_link}<link rel="alternate" type="application/rss+xml" title="{esc(site.name)}" href="/feed.xml">
<link rel="stylesheet" href="/assets/site.css">
{extra}{ANALYTICS}
</head>
<body class="{esc(body_class)}">
{header(site)}
{main.strip()}
{footer(site)}
{after_footer.strip()}
</body>
</html>
"""
    return "\n".join(line for line in document.split("\n") if line.strip()) + "\n"


def header(site: Site) -> str:
    items = "\n".join(
        f'      <li><a href="{c.path}">{esc(c.name)}</a></li>' for c in site.categories
    )
    return f"""<header class="site-header">
  <a class="site-logo" href="/">{esc(site.name)}</a>
  <nav class="main-nav" aria-label="Main">
    <ul>
{items}
      <li><a href="/glossary/">Glossary</a></li>
      <li><a href="/about/">About</a></li>
    </ul>
  </nav>
</header>"""


def footer(site: Site) -> str:
    categories = "\n".join(
        f'      <li><a href="{c.path}">{esc(c.name)}</a></li>' for c in site.categories
    )
    return f"""<footer class="site-footer">
  <div class="footer-col">
    <h2 class="footer-heading">Topics</h2>
    <ul>
{categories}
    </ul>
  </div>
  <div class="footer-col">
    <h2 class="footer-heading">VitalWell</h2>
    <ul>
      <li><a href="/about/">About us</a></li>
      <li><a href="/contact/">Contact</a></li>
      <li><a href="/privacy/">Privacy &amp; cookies</a></li>
      <li><a href="/partners/">Partners</a></li>
      <li><a href="/feed.xml">RSS feed</a></li>
    </ul>
  </div>
  <p class="footer-disclaimer">{esc(DISCLAIMER)}</p>
  <p class="copyright">&copy; 2024&ndash;2026 {esc(site.name)}. All rights reserved.</p>
</footer>"""


def render_sections(
    sections: Sequence[Section],
    *,
    boxes: Mapping[str, str] | None = None,
    footnotes: bool = False,
    heading_ids: bool = False,
    indent: str = "  ",
) -> str:
    """Headings, paragraphs and lists of a body; marker blocks take their HTML
    from ``boxes`` (a missing box renders as nothing)."""
    boxes = boxes or {}
    out: list[str] = []
    for section in sections:
        if section.heading is not None:
            tag = f"h{section.level}"
            id_attr = f' id="{slugify(section.heading)[:60]}"' if heading_ids else ""
            out.append(f"{indent}<{tag}{id_attr}>{esc(section.heading)}</{tag}>")
        for block in section.blocks:
            if block.kind == "p":
                out.append(f"{indent}<p>{inline(block.text, footnotes=footnotes)}</p>")
            elif block.kind in ("ul", "ol"):
                items = "".join(
                    f"\n{indent}  <li>{inline(item, footnotes=footnotes)}</li>"
                    for item in block.items
                )
                out.append(f"{indent}<{block.kind}>{items}\n{indent}</{block.kind}>")
            elif boxes.get(block.kind):
                out.append(boxes[block.kind])
    return "\n".join(out)


def link_list(items: Sequence[tuple[str, str]], *, css: str, indent: str = "") -> str:
    """A <ul> of (href, label) links."""
    lis = "".join(
        f'\n{indent}  <li><a href="{esc(href)}">{esc(label)}</a></li>' for href, label in items
    )
    return f'{indent}<ul class="{css}">{lis}\n{indent}</ul>'


def avatar_path(person_slug: str) -> str:
    return f"/assets/authors/{person_slug}.svg"
