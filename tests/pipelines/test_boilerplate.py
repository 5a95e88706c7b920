import lxml.html
import pytest

from pipelines.boilerplate import clean_boilerplate, has_boilerplate_name
from pipelines.dom import element_text

PROSE = " ".join(["Eccentric loading builds muscle and rewires the brain through BDNF."] * 12)


def page(inner: str) -> str:
    return f"<html><body><header><nav><a href='/'>Home</a></nav></header><article><h1>Title</h1><p>{PROSE}</p>{inner}<p>Closing prose stays here.</p></article></body></html>"


@pytest.mark.parametrize(
    ("snippet", "gone"),
    [
        ("<div class='cookie-banner'><p>We use cookies to improve your experience.</p><button>Accept</button></div>",
         "We use cookies"),
        ("<div><h4>Support Our Research</h4><p>Hi! Please consider disabling AdBlock to support our work.</p></div>",
         "disabling AdBlock"),
        ("<div><h4>Recommended for your journey</h4><p>We've handpicked this tool.</p>"
         "<a href='https://www.amazon.com/dp/B01?tag=x-20'>Check Price on Amazon</a>"
         "<p>*As an Amazon Associate, we earn from qualifying purchases.</p></div>", "Recommended for your journey"),
        ("<aside class='newsletter'><p>Get tips weekly.</p><input></aside>", "Get tips weekly"),
        ("<div class='share-bar'><a href='#'>Facebook</a><a href='#'>X</a></div>", "Facebook"),
        ("<h3>Related Posts</h3><ul><li><a href='/a'>Sleep better tonight</a></li><li><a href='/b'>Ten tips</a></li>"
         "<li><a href='/c'>Why rest matters</a></li></ul>", "Sleep better tonight"),
        ("<div id='comments'><p>Great article, thanks!</p></div>", "Great article"),
        ("<div style='display:none'><p>Hidden promo text</p></div>", "Hidden promo"),
        ("<div role='dialog'><p>Detailed Cookie Preferences</p><p>Analytics cookies help us understand visitors.</p></div>",
         "Analytics cookies"),
    ],
    ids=["cookie-class", "adblock-text", "affiliate-box", "newsletter", "share", "related", "comments", "hidden",
         "consent-dialog"],
)
def test_boilerplate_removed_and_prose_kept(snippet, gone):
    doc = lxml.html.document_fromstring(page(snippet))
    root = doc.find(".//article")
    clean_boilerplate(doc, root=root)
    text = element_text(doc)
    assert gone not in text
    assert "Closing prose stays here." in text
    assert "rewires the brain" in text


def test_disclosure_is_reported():
    doc = lxml.html.document_fromstring(page("<p><em>This post contains affiliate links.</em></p>"))
    report = clean_boilerplate(doc, root=doc.find(".//article"))
    assert report.disclosure_found
    assert "affiliate links" not in element_text(doc)


def test_inline_affiliate_link_in_prose_keeps_the_paragraph():
    para = ("I use a foam roller after every session because it eases soreness and helps recovery; "
            "<a href='https://amzn.to/x'>check price</a> if you want the one I use at home every day.")
    doc = lxml.html.document_fromstring(page(f"<p>{para}</p>"))
    clean_boilerplate(doc, root=doc.find(".//article"))
    assert "foam roller after every session" in element_text(doc)


def test_article_container_is_never_removed_even_if_named_like_boilerplate():
    html = f"<html><body><div class='social-wrapper'><article class='post'><h1>T</h1><p>{PROSE}</p></article></div></body></html>"
    doc = lxml.html.document_fromstring(html)
    clean_boilerplate(doc, root=doc.find(".//article"))
    assert "rewires the brain" in element_text(doc)


@pytest.mark.parametrize(
    ("attrs", "expected"),
    [("class='related-posts'", True), ("id='cookie-notice'", True), ("class='post tag-ads category-social'", False),
     ("class='elementor-widget-theme-post-content'", False), ("class='sr-only'", True), ("class='shareaholic'", False)],
)
def test_boilerplate_names(attrs, expected):
    el = lxml.html.fromstring(f"<div {attrs}>x</div>")
    assert has_boilerplate_name(el) is expected


@pytest.mark.parametrize(
    "text",
    [
        "*As an Amazon Associate, CureCurious.com earns from qualifying purchases.",
        "Please consider disabling AdBlock to support our work.",
        "We use cookies to personalize content and marketing.",
        "Sign up for our newsletter",
        "This article originally appeared in VitalWell Journal.",
        "VitalWell Journal puede recibir una comisión por las compras.",
        "This post contains affiliate links.",
        "Nous utilisons des cookies pour améliorer le site.",
        "Wir verwenden Cookies.",
        "Get our free newsletter delivered to your inbox",
    ],
)
def test_signature_keywords_cover_every_signature(text):
    """The cheap keyword gate must never hide a text the signatures would match."""
    from pipelines.boilerplate_text import TEXT_SIGNATURES, has_signature_keyword

    assert any(sig.search(text) for sig in TEXT_SIGNATURES)
    assert has_signature_keyword(text)


@pytest.mark.parametrize(
    "text",
    [
        "*As an Amazon Associate, CureCurious.com earns from qualifying purchases.",
        "WE MAY EARN A COMMISSION when you buy through our links.",
        "Please consider disabling AdBlock to support our work.",
        "Wir verwenden Cookies.",
        "Nous touchons une Commission sur les achats.",
        "Magnesium glycinate is a well-absorbed form of MAGNESIUM.",
        "Dr. İlker Özkan reviewed this article.",
    ],
)
def test_lower_case_signatures_match_as_the_case_insensitive_ones(text):
    """Signatures run over text lower-cased once; they must find what the
    case-insensitive patterns find, in any casing."""
    from pipelines.boilerplate_text import (
        DISCLOSURE,
        TEXT_SIGNATURES,
        has_text_signature,
        is_disclosure,
    )

    assert has_text_signature(text) == any(sig.search(text) for sig in TEXT_SIGNATURES)
    assert is_disclosure(text) == bool(DISCLOSURE.search(text))


def test_signatures_are_written_in_lower_case():
    """for_lower_case drops IGNORECASE: a capital letter in a pattern would never match."""
    import re

    from pipelines.boilerplate_text import TEXT_SIGNATURES

    for sig in TEXT_SIGNATURES:
        literal = re.sub(r"\\.", "", sig.pattern)
        assert literal == literal.lower(), sig.pattern
