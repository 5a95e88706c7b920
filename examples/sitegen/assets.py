"""Static assets: one stylesheet and small SVG placeholders (no binary files)."""

from __future__ import annotations

from .markup import esc
from .model import Site

PALETTE = ("#2f6f5e", "#3b5b92", "#8a4f7d", "#b5651d", "#4d7c0f", "#6b4e9b", "#0f766e")

CSS = """/* VitalWell Journal -- example stylesheet */
body { font-family: Georgia, serif; margin: 0; color: #1f2933; line-height: 1.6; }
a { color: #2f6f5e; }
.site-header, .site-footer { padding: 1rem 2rem; background: #f3f7f5; }
.site-logo { font-weight: bold; font-size: 1.4rem; text-decoration: none; }
.main-nav ul, .footer-col ul { list-style: none; padding: 0; display: flex; gap: 1rem; flex-wrap: wrap; }
main { max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
.site-wrap { display: flex; gap: 2rem; max-width: 70rem; margin: 0 auto; }
.sidebar { width: 18rem; padding-top: 2rem; }
.category-label, .kicker { text-transform: uppercase; letter-spacing: .05em; font-size: .8rem; }
.affiliate-box, .product-card, .newsletter-signup { border: 1px solid #cbd5e1; padding: 1rem; margin: 1.5rem 0; background: #fafafa; }
.author-box, .author-bio-box { display: flex; gap: 1rem; border-top: 1px solid #e5e7eb; padding-top: 1rem; }
.adblock-plea { background: #fff7ed; padding: 1rem; margin-top: 2rem; }
.cookie-banner, .consent-dialog { position: fixed; bottom: 0; left: 0; right: 0; background: #111827; color: #f9fafb; padding: 1rem; }
.breadcrumbs .sep { color: #9ca3af; }
.share-bar a { margin-right: .5rem; }
.comment-list { list-style: none; padding: 0; }
.pagination { margin: 2rem 0; display: flex; gap: 1rem; }
.post-list { list-style: none; padding: 0; }
"""


def svg(label: str, color: str, width: int, height: int) -> str:
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">
  <rect width="{width}" height="{height}" fill="{color}"/>
  <text x="50%" y="50%" fill="#ffffff" font-family="sans-serif" font-size="{height // 6}" text-anchor="middle" dominant-baseline="middle">{esc(label)}</text>
</svg>
"""


def initials(name: str) -> str:
    return "".join(word[0] for word in name.split()[:2]).upper()


def asset_files(site: Site) -> dict[str, str]:
    files = {
        "assets/site.css": CSS,
        "assets/img/logo.svg": svg("VitalWell", PALETTE[0], 240, 60),
        "assets/img/product.svg": svg("Product", PALETTE[3], 160, 160),
    }
    for i, category in enumerate(site.categories):
        files[f"assets/img/{category.slug}.svg"] = svg(
            category.name, PALETTE[i % len(PALETTE)], 1200, 630
        )
    for i, person in enumerate(sorted(site.people.values(), key=lambda p: p.slug)):
        files[f"assets/authors/{person.slug}.svg"] = svg(
            initials(person.name), PALETTE[i % len(PALETTE)], 160, 160
        )
    return files
