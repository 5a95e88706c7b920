"""Boilerplate in the DOM: consent banners, ad-block pleas, affiliate and product
boxes, disclosures, newsletter boxes, share bars, related lists, comments.

Two generic signals, no per-site rule:
- class/id/role tokens that name a boilerplate component (``cookie-banner``,
  ``share-bar``, ``related-posts``);
- text signatures of such components (``As an Amazon Associate``, ``We use
  cookies``, ``disable your ad blocker``), from which the smallest box-like
  container around the match is removed.
Neither may remove the article container or anything holding a large share of it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from pipelines.dom import HEADING_TAGS, HtmlElement, class_tokens, element_text, text_owner
from pipelines.locate import densest_container

# Tokens of class/id/role values: split at non-letters, matched whole.
BOILERPLATE_TOKENS = frozenset(
    ["cookie", "cookies", "consent", "gdpr", "ccpa", "cmp", "onetrust", "cookiebot", "newsletter", "subscribe", "subscription", "signup", "optin", "share", "sharing", "sharebar", "social", "socials", "sharethis", "addthis", "related", "relatedposts", "recommended", "recirculation", "comments", "comment", "respond", "disqus", "commentlist", "adblock", "adblocker", "advert", "advertisement", "advertising", "ads", "adslot", "adunit", "adsense", "sponsor", "sponsored", "affiliate", "affiliates", "promo", "promotion", "popup", "modal", "overlay", "breadcrumb", "breadcrumbs", "sidebar", "toc", "skiplink", "pagination", "pager", "paywall", "donate", "donation", "outbrain", "taboola", "editsection", "noprint", "navbox", "catlinks"]
)
# Component names that appear as a token pair, e.g. "product-box", "read-more".
BOILERPLATE_PAIRS = frozenset({
    ("product", "box"), ("product", "card"), ("product", "widget"), ("read", "more"),
    ("more", "stories"), ("you", "may"), ("also", "like"), ("post", "navigation"),
    ("mailing", "list"), ("email", "signup"), ("ad", "block"), ("ad", "container"),
    ("ad", "wrapper"), ("ad", "slot"), ("table", "contents"), ("sign", "up"),
    ("sr", "only"), ("screen", "reader"), ("visually", "hidden"), ("print", "only"),
    ("banner", "ad"), ("product", "callout"), ("product", "grid"), ("product", "carousel"),
    ("product", "list"), ("shop", "the"), ("buy", "box"), ("buy", "button"),
})
# CMS classes that describe the post (WordPress "tag-ads", "category-social",
# "comments-open"), not a component: ignored when reading names.
TAXONOMY_CLASS = re.compile(
    r"^(?:tag|category|cat|postid|format|status|type|has|comments|single|term|topic)-"
)
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
PROTECTED_TAGS = frozenset({"html", "body", "main", "article"})

DISCLOSURE = re.compile(
    r"as an amazon associate|from qualifying purchases|"
    r"(?:we|i|may) (?:may )?(?:earn|receive|get) (?:a )?(?:small |tiny )?(?:commission|compensation|fee)|"
    r"(?:contains|includes|uses|use) affiliate links|affiliate (?:links?|commissions?)|"
    r"at no (?:extra|additional) cost to you|paid (?:a )?commission|"
    r"enlaces? de afiliados?|liens? affili[ée]s?|affiliate-links?|provisions?-links?|"
    r"(?:recib|gan|obten|cobr)\w* una comisi[oó]n|(?:touch|per[cç]ev|re[cç]\w*|gagn)\w* une commission|"
    r"(?:erhalten|bekommen|verdienen) (?:wir )?(?:eine )?provision|als amazon-partner|"
    r"en tant que partenaire d'amazon|como afiliad[oa] de amazon",
    re.IGNORECASE,
)
ADBLOCK = re.compile(
    r"ad ?-?block(?:er|ing)?\b|disabl\w* (?:your |the )?ad|whitelist\w* (?:us|our)|"
    r"turn off (?:your )?ad|bloqueador de anuncios|bloqueur de publicit",
    re.IGNORECASE,
)
CONSENT = re.compile(
    r"we use cookies|(?:this|our) (?:web)?site uses cookies|uses cookies to|cookie (?:preferences|settings|policy|consent)|"
    r"accept (?:all )?cookies|(?:analytics|marketing|personali[sz]ation|functional|necessary|performance|advertising) cookies|"
    r"manage (?:your )?(?:cookie )?preferences|do not sell my|"
    r"utilizamos cookies|usamos cookies|nous utilisons des cookies|wir verwenden cookies",
    re.IGNORECASE,
)
NEWSLETTER = re.compile(
    r"(?:sign up|subscribe|register) (?:for|to) (?:our|the|my) (?:free |weekly |daily )?(?:newsletter|mailing list|emails?)|"
    r"join (?:our|the) (?:newsletter|mailing list|community)|get (?:our|the) (?:free )?newsletter|"
    r"enter your email|delivered to your inbox|suscr[ií]bete|abonnez-vous|inscrivez-vous",
    re.IGNORECASE,
)
SHARE = re.compile(r"^(?:share|share this(?: article| post)?|share on \w+|tweet|pin it|email)$", re.IGNORECASE)
CTA = re.compile(
    r"^(?:check (?:the )?(?:latest )?price|buy (?:it )?(?:now|on \w+|here)|shop now|see (?:the )?(?:latest )?price|"
    r"view (?:it )?on amazon|view (?:deal|product|price)|get (?:it|yours|the deal) (?:on|at|now|here)|"
    r"see (?:it )?on amazon|check (?:it out )?on amazon|available on amazon|add to cart|"
    r"ver (?:en|precio en) amazon|comprar (?:en amazon|ahora)|voir (?:sur amazon|le prix)|"
    r"acheter (?:sur amazon|maintenant)|bei amazon (?:ansehen|kaufen)|jetzt kaufen)\b",
    re.IGNORECASE,
)
RELATED_HEADING = re.compile(
    r"^(?:related(?: posts| articles| stories| reading)?|you may also like|you might also like|"
    r"read (?:more|next)|more (?:from|on|stories|articles)|recommended (?:articles|reading|for you)|"
    r"popular (?:posts|articles)|trending|further reading|keep reading|latest (?:posts|articles)|"
    r"shop the (?:story|post|look|products?)|products? (?:mentioned|in this (?:article|post))|"
    r"art[ií]culos relacionados|[àa] lire aussi|sur le m[êe]me sujet)\b",
    re.IGNORECASE,
)
SYNDICATION = re.compile(
    r"originally (?:appeared|published|ran) (?:in|on|at)|(?:re)?published (?:here )?with (?:the )?permission|"
    r"reprinted with (?:the )?permission|this (?:article|story|post) (?:was )?first (?:appeared|published)|"
    r"publicado originalmente en|publi[ée] initialement (?:dans|sur)",
    re.IGNORECASE,
)
PAYWALL = re.compile(
    r"free articles? (?:left )?(?:this|per|a) month|you(?:'ve| have) read \d+ of|"
    r"create a (?:free )?account to (?:keep|continue) reading|"
    r"(?:subscribe|register|sign in|log in) (?:now )?to (?:keep|continue) reading|register for free|"
    r"already (?:a subscriber|have an account)\??\s*(?:sign|log) in|unlock (?:this|unlimited) (?:article|access)",
    re.IGNORECASE,
)
DISCLAIMER = re.compile(
    r"(?:is|are) not (?:intended (?:to be |as )?)?(?:a )?substitute for (?:an? )?(?:professional |in-person |"
    r"personal |qualified )?(?:medical|health|consultation|advice|care|diagnosis|doctor)|"
    r"for (?:general )?(?:informational|information|educational) purposes only|"
    r"does not (?:constitute|provide|replace) (?:professional )?medical advice|"
    r"(?:always )?(?:consult|seek the advice of) (?:your|a) (?:doctor|physician|qualified health)[^.]{0,60}"
    r"before (?:starting|making|beginning)|no sustituye (?:el )?consejo m[ée]dico|"
    r"every effort has been made to ensure (?:that )?the information|"
    r"non sostitui\w* (?:il )?parere del medico|ersetz\w* (?:keine|nicht die) (?:ärztliche|arzt)|"
    r"ne remplace pas (?:un|l')avis m[ée]dical",
    re.IGNORECASE,
)
# Self-promotion boxes of coaches and clinics: "Work with me", "Book a free call".
PROMOTION = re.compile(
    r"^work with me\b|\bbook (?:a|your) (?:free |discovery )?(?:call|consult\w*|session)\b|"
    r"\bmy \d+-week (?:coaching )?program|\bjoin my (?:program|course|membership|community)\b|"
    r"\bapply (?:now )?for (?:coaching|my program)\b",
    re.IGNORECASE,
)
TEXT_SIGNATURES = (DISCLOSURE, ADBLOCK, CONSENT, NEWSLETTER, SYNDICATION, PAYWALL, DISCLAIMER, PROMOTION)


def for_lower_case(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` (written in lower case) without IGNORECASE, for text lower-cased once:
    Python's re folds case at every position for every alternative, which makes a
    signature search over a page's text 3-5x slower."""
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


_DISCLOSURE_LOWER = for_lower_case(DISCLOSURE)
_SIGNATURES_LOWER = tuple(for_lower_case(sig) for sig in TEXT_SIGNATURES)


def is_disclosure(text: str) -> bool:
    """The text contains an affiliate disclosure."""
    return _DISCLOSURE_LOWER.search(text.lower()) is not None


def has_text_signature(text: str) -> bool:
    """The text matches one of the boilerplate text signatures."""
    low = text.lower()
    return any(sig.search(low) for sig in _SIGNATURES_LOWER)


Removable = Callable[[HtmlElement, int], bool]
# Candidates for labels: headings and links short enough to be one.
_LABEL_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "strong")
_LINK_TAGS = ("a", "button")
MAX_LABEL_CHARS = 120


def _short_elements(body: HtmlElement, tags: tuple[str, ...]) -> list[HtmlElement]:
    """``tags`` elements under ``body`` whose text is shorter than a label's, in page order
    (3x faster than the XPath ``string-length(.)`` test)."""
    return [el for el in body.iter(*tags) if len(el.text_content()) < MAX_LABEL_CHARS]


@dataclass(slots=True)
class CleaningReport:
    """What the cleaner found and removed."""

    removed: int = 0
    disclosure_found: bool = False
    reasons: list[str] | None = None


def has_boilerplate_name(el: HtmlElement) -> bool:
    if not (el.get("class") or el.get("id") or el.get("role") or el.get("itemprop")):
        return False
    return _is_boilerplate_name(class_tokens(el))


@lru_cache(maxsize=8192)
def _is_boilerplate_name(attributes: str) -> bool:
    """Verdict per distinct class/id/role string: pages repeat the same few hundred."""
    names = [n for n in attributes.split() if not TAXONOMY_CLASS.match(n)]
    tokens = [t for t in _TOKEN_SPLIT.split(" ".join(names)) if t]
    if not tokens:
        return False
    if any(t in BOILERPLATE_TOKENS for t in tokens):
        return True
    return any(pair in BOILERPLATE_PAIRS for pair in itertools.pairwise(tokens))


def is_hidden(el: HtmlElement) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return (
        "display:none" in style or "visibility:hidden" in style or el.get("hidden") is not None
        or (el.get("aria-hidden") == "true" and el.tag not in ("svg", "i", "span"))
    )


def clean_boilerplate(doc: HtmlElement, *, root: HtmlElement | None = None) -> CleaningReport:
    """Remove boilerplate from ``doc`` in place. ``root`` is the article container
    (never removed, nor any of its ancestors, nor a box holding >40% of its text)."""
    report = CleaningReport(reasons=[])
    body = doc.find("body")
    if body is None:
        return report
    root = root if root is not None else body
    keep = _protected(root)
    dense = densest_container(root)
    if dense is not None:
        keep |= _protected(dense)
    root_text = element_text(root)
    root_len = max(len(root_text), 1)
    report.disclosure_found = is_disclosure(root_text)

    def removable(el: HtmlElement, limit: int) -> bool:
        if el in keep or el.tag in PROTECTED_TAGS:
            return False
        size = len(element_text(el))
        if size > limit:
            return False
        return not (_is_inside(el, root) and size > 0.4 * root_len)

    # 1. Components named as boilerplate, and hidden elements (collapsed accordions and
    # tabs inside the article are content: they were revealed first).
    reveal_collapsed(root)
    for el in list(body.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None or el in keep:
            continue
        if (is_hidden(el) or has_boilerplate_name(el)) and removable(el, 20000):
            _drop(el, report, "name")

    # Product boxes marked up as products (e-commerce widgets inside articles).
    for el in body.xpath(".//*[@data-product-id or @data-product or contains(@itemtype, 'schema.org/Product')]"):
        if el.getparent() is not None and el not in keep and removable(el, 5000):
            _drop(el, report, "product")

    # 2. Text signatures: remove the smallest box around each match. Candidates come
    # from text nodes carrying a signature keyword, so long prose is never scanned twice.
    for el in _signature_candidates(body):
        if el.getparent() is None or el in keep:
            continue
        text = element_text(el)
        if not text or len(text) > 600:
            continue
        if not has_text_signature(text):
            continue
        box = _enclosing_box(el, removable, limit=max(900, 3 * len(text)))
        if box is not None:
            _drop(box, report, "text")

    # 3. Call-to-action product links ("Check Price on Amazon") and their boxes.
    for link in _short_elements(body, _LINK_TAGS):
        if link.getparent() is None:
            continue
        label = element_text(link)
        if not (CTA.search(label) or (link.get("rel", "").lower().find("sponsored") >= 0 and not label)):
            continue
        block = _block_of(link)
        if block is not None and block.tag in ("p", "li", "td", "blockquote", "dd") and \
                len(element_text(block)) > 2 * len(label) + 60:
            continue  # an inline link in prose: the prose stays
        box = _enclosing_box(link, removable, limit=900)
        if box is not None:
            _drop(box, report, "cta")

    # 4. Related-content lists, share bars, and link-only lists.
    for heading in _short_elements(body, _LABEL_TAGS):
        if heading.getparent() is None or heading in keep:
            continue
        text = element_text(heading)
        if len(text) < 60 and (RELATED_HEADING.search(text) or SHARE.match(text)):
            _drop_heading_and_list(heading, report, removable)
    return report


def reveal_collapsed(root: HtmlElement) -> None:
    """Accordion panels and tabs ship their text hidden: show it, and unwrap the
    buttons that hold section headings, so the body keeps every section."""
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or has_boilerplate_name(el):
            continue
        if el.tag == "button" and any(h.tag in HEADING_TAGS for h in el.iter()):
            el.drop_tag()
            continue
        if is_hidden(el) and len(element_text(el)) >= 80 and el.find(".//p") is not None and \
                not any(a.tag in ("figure", "figcaption") for a in el.iterancestors()):
            for attr in ("hidden", "aria-hidden"):
                el.attrib.pop(attr, None)
            style = el.get("style")
            if style:
                el.set("style", re.sub(r"display\s*:\s*none|visibility\s*:\s*hidden", "", style, flags=re.I))


# Words at least one of which every text signature contains: a cheap substring test
# that lets almost all text skip the signature regexes.
SIGNATURE_KEYWORDS = (
    "associate", "qualifying", "commission", "comisi", "provision", "affiliat", "afiliad",
    "affili", "cost to you", "adblock", "ad block", "ad-block", "ad blocker", "bloque",
    "whitelist", "turn off", "disabl", "cookie", "consent", "preferences", "do not sell",
    "newsletter", "subscribe", "sign up", "register", "mailing", "inbox", "email", "suscr",
    "abonn", "inscri", "originally", "permission", "republish", "reprint", "first appeared",
    "first published", "publicado", "publié", "publie", "partenaire", "amazon",
    "free article", "you have read", "you've read", "keep reading", "continue reading",
    "register for free", "already a subscriber", "already have an account", "unlock",
    "substitute for", "purposes only", "medical advice", "consult", "seek the advice",
    "sustituye", "remplace", "every effort", "sostitui", "ersetz", "work with me", "book a", "book your", "-week", "join my", "apply",
)


def has_signature_keyword(text: str) -> bool:
    low = text.lower()
    return any(k in low for k in SIGNATURE_KEYWORDS)


_SIGNATURE_TAGS = frozenset(("p", "div", "span", "li", "small", "em", "aside", "section", "h2", "h3",
                             "h4", "h5", "h6", "strong", "b", "i", "td", "label", "button", "a"))


def _signature_candidates(body: HtmlElement) -> list[HtmlElement]:
    """The innermost element around each text node with a signature keyword, in page order."""
    found: list[HtmlElement] = []
    seen: set[HtmlElement] = set()
    page_text = body.text_content().lower()
    present = [k for k in SIGNATURE_KEYWORDS if k in page_text]  # usually a handful, often none
    if not present:
        return found
    for text in body.xpath(".//text()[string-length(normalize-space(.)) > 4]"):
        low = text.lower()
        if not any(k in low for k in present):
            continue
        node = text_owner(text)
        while node is not None and node.tag not in _SIGNATURE_TAGS:
            node = node.getparent()
        if node is not None and node not in seen:
            seen.add(node)
            found.append(node)
            parent = node.getparent()  # a signature split over inline elements
            if parent is not None and parent.tag in _SIGNATURE_TAGS and parent not in seen:
                seen.add(parent)
                found.append(parent)
    return found


def _protected(root: HtmlElement) -> set[HtmlElement]:
    keep = {root}
    parent = root.getparent()
    while parent is not None:
        keep.add(parent)
        parent = parent.getparent()
    return keep


def _is_inside(el: HtmlElement, root: HtmlElement) -> bool:
    node: HtmlElement | None = el
    while node is not None:
        if node is root:
            return True
        node = node.getparent()
    return False


def _block_of(el: HtmlElement) -> HtmlElement | None:
    node = el.getparent()
    while node is not None and node.tag in ("span", "strong", "em", "b", "i", "a", "small"):
        node = node.getparent()
    return node


def _enclosing_box(el: HtmlElement, removable: Removable, *, limit: int) -> HtmlElement | None:
    """Climb from ``el`` while the parent is still a small box; the outermost removable one."""
    if not removable(el, limit):
        return None
    box = el
    parent = el.getparent()
    while parent is not None and removable(parent, limit) and parent.tag not in PROTECTED_TAGS:
        box = parent
        parent = parent.getparent()
    return box


def _drop(el: HtmlElement, report: CleaningReport, reason: str) -> None:
    if el.getparent() is None:
        return
    el.drop_tree()
    report.removed += 1
    if report.reasons is not None:
        report.reasons.append(reason)


def _drop_heading_and_list(heading: HtmlElement, report: CleaningReport, removable: Removable) -> None:
    sibling = heading.getnext()
    if sibling is not None and sibling.tag in ("ul", "ol", "div", "nav") and _is_link_list(sibling):
        if removable(sibling, 4000):
            _drop(sibling, report, "related")
            _drop(heading, report, "related")
        return
    parent = heading.getparent()
    if (parent is not None and parent.tag in ("div", "aside", "section", "nav")
            and _is_link_list(parent) and removable(parent, 4000)):
        _drop(parent, report, "related")


def _is_link_list(el: HtmlElement) -> bool:
    """Mostly links (>= 3 of them), little prose: navigation, not content."""
    links = [a for a in el.iter("a") if a.get("href")]
    if len(links) < 3:
        return False
    total = len(element_text(el))
    linked = sum(len(element_text(a)) for a in links)
    return total > 0 and linked / total > 0.8
