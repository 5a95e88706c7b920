"""Where the article is on the page: its title heading and its container."""

from __future__ import annotations

from lxml import etree

from pipelines.dom import HtmlElement, class_tokens, element_text


def semantic_containers(doc: HtmlElement) -> list[HtmlElement]:
    """Elements that declare the article, in page order: <article>, <main>,
    role=main, itemprop=articleBody, an itemtype naming an Article or BlogPosting."""
    found = []
    for el in doc.iter(etree.Element):
        itemtype = el.get("itemtype") or ""
        if el.tag in ("article", "main") or el.get("itemprop") == "articleBody" or \
                el.get("role") == "main" or "Article" in itemtype or "BlogPosting" in itemtype:
            found.append(el)
    return found


_CONTENT_HINTS = ("content", "article", "post", "entry", "story", "body", "text")


def find_title_heading(doc: HtmlElement, hint: str | None = None) -> HtmlElement | None:
    """The page's headline element: the h1 that best matches ``hint`` (og:title or
    <title>), else the first h1 with text, else None."""
    h1s = [h for h in doc.iter("h1") if element_text(h)]
    if not h1s:
        return None
    if len(h1s) == 1 or not hint:
        return h1s[0]
    hint_words = set(hint.lower().split())

    def overlap(h: HtmlElement) -> float:
        words = set(element_text(h).lower().split())
        return len(words & hint_words) / max(len(words | hint_words), 1)

    return max(h1s, key=overlap)


def paragraph_chars(el: HtmlElement) -> int:
    return sum(len(element_text(p)) for p in el.iter("p", "li"))


def _paragraph_chars_under(body: HtmlElement) -> dict[HtmlElement, int]:
    """``paragraph_chars`` of every element in or above ``body`` at once (absent: 0):
    each paragraph's text is measured once and counted in all its containers (the
    candidates nest)."""
    totals: dict[HtmlElement, int] = {}
    for p in body.iter("p", "li"):
        chars = len(element_text(p))
        node: HtmlElement | None = p
        while node is not None:  # up to <html>: a candidate may be body's ancestor
            totals[node] = totals.get(node, 0) + chars
            node = node.getparent()
    return totals


def find_article_root(doc: HtmlElement, title: HtmlElement | None) -> HtmlElement:
    """The container of the article body: the innermost semantic container that holds
    the title and most of the prose, else the title's ancestor with the most prose."""
    body = doc.find("body")
    if body is None:
        return doc
    chars_under = _paragraph_chars_under(body)
    total = max(chars_under.get(body, 0), 1)
    candidates = semantic_containers(doc)
    scored: list[tuple[int, int, HtmlElement]] = []
    for el in candidates:
        chars = chars_under.get(el, 0)
        if chars < 0.3 * total:
            continue
        holds_title = title is not None and _contains(el, title)
        depth = sum(1 for _ in el.iterancestors())
        scored.append((int(holds_title), depth, el))
    if scored:
        with_title = [s for s in scored if s[0]]
        pool = with_title or scored
        return max(pool, key=lambda s: s[1])[2]
    if title is not None:
        dense = densest_container(body)
        if dense is not None:  # the smallest container holding the headline and the prose
            title_line = {id(a) for a in title.iterancestors()}
            for anc in [dense, *dense.iterancestors()]:
                if id(anc) in title_line:
                    return anc
        return body
    hinted = [el for el in body.iter("div", "section")
              if any(h in class_tokens(el) for h in _CONTENT_HINTS)
              and chars_under.get(el, 0) >= 0.5 * total]
    return max(hinted, key=lambda el: sum(1 for _ in el.iterancestors())) if hinted else body


def densest_container(body: HtmlElement) -> HtmlElement | None:
    """The element whose own paragraphs hold the most text: where the prose lives."""
    totals: dict[HtmlElement, int] = {}
    for p in body.iter("p"):
        parent = p.getparent()
        if parent is not None:
            totals[parent] = totals.get(parent, 0) + len(p.text_content())
    return max(totals, key=totals.__getitem__) if totals else None


def _contains(ancestor: HtmlElement, el: HtmlElement) -> bool:
    return any(a is ancestor for a in el.iterancestors())
