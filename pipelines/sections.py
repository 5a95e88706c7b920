"""The body split at its headings, each section with a kind read from its heading."""

from __future__ import annotations

import re

from pipelines.body import render_text
from pipelines.records import Block, Section, SectionKind
from pipelines.references import is_reference_heading

POINT = re.compile(
    r"^\s*(?:#\s*)?\d{1,2}\s*[.):\-–—]\s*\S|"
    r"^\s*(?:step|tip|reason|sign|way|mistake|myth|rule|habit|fact|paso|consejo|raz[oó]n|"
    r"[ée]tape|conseil|astuce|schritt|tipp)\s*#?\s*\d{1,2}\b",
    re.IGNORECASE,
)
HEADING_KINDS: tuple[tuple[SectionKind, re.Pattern[str]], ...] = (
    ("action_plan", re.compile(
        r"\baction plan\b|\bplan of action\b|\bnext steps\b|\bpractical steps\b|\byour plan\b|"
        r"\bputting it (?:all )?into practice\b|\bhow to get started\b|\bgetting started\b|"
        r"\bplan de acci[oó]n\b|\bplan d'action\b|\baktionsplan\b", re.IGNORECASE)),
    ("summary", re.compile(
        r"^\s*(?:summary|in summary|conclusions?|in conclusion|(?:the )?bottom line|key takeaways?|"
        r"(?:the )?takeaways?|tl;?dr|final thoughts|wrapping up|in short|the verdict|"
        r"key points|what to remember|resumen|en resumen|conclusi[oó]n|puntos clave|lo esencial|"
        r"en pocas palabras|r[ée]sum[ée]|en r[ée]sum[ée]|en bref|[àa] retenir|ce qu'il faut retenir|"
        r"l'essentiel|fazit|zusammenfassung|das wichtigste)\b",
        re.IGNORECASE)),
    ("faq", re.compile(
        r"frequently asked questions|\bfaqs?\b|common questions|questions and answers|\bq\s*&\s*a\b|"
        r"preguntas frecuentes|questions fr[ée]quentes|h[äa]ufige fragen", re.IGNORECASE)),
    ("origin", re.compile(r"^\s*(?:origins?|etymology|history|origen|origine|herkunft)\b", re.IGNORECASE)),
    ("mechanism", re.compile(
        r"^\s*(?:mechanisms?(?: of action)?|how (?:it|does it|they) works?|mecanismo|m[ée]canisme|"
        r"wirkmechanismus|wirkungsweise)\b", re.IGNORECASE)),
    ("definition", re.compile(r"^\s*(?:definition|defined|definici[oó]n|d[ée]finition)\b", re.IGNORECASE)),
)


def heading_kind(text: str) -> SectionKind:
    """The kind of section a heading opens, by its meaning."""
    if POINT.search(text):
        return "point"
    for kind, pattern in HEADING_KINDS:
        if pattern.search(text):
            return kind
    if is_reference_heading(text):
        return "references"
    return "other"


def split_sections(blocks: list[Block], *, glossary: bool = False) -> list[Section]:
    """Sections in order; text before the first heading is a section with heading None
    (kind 'definition' on a glossary page, else 'lead'). Questions under an FAQ
    heading are FAQ sections too."""
    sections: list[Section] = []
    heading: Block | None = None
    body: list[Block] = []
    faq_level: int | None = None

    def flush() -> None:
        nonlocal faq_level
        text = render_text(body)
        if heading is None:
            if text:
                sections.append(Section(None, 0, "definition" if glossary else "lead", text))
            return
        kind = heading_kind(heading.text)
        if kind == "faq":
            faq_level = heading.level
        elif faq_level is not None and heading.level > faq_level and kind == "other":
            kind = "faq"
        elif faq_level is not None and heading.level <= faq_level:
            faq_level = None
        sections.append(Section(heading.text, heading.level, kind, text))

    for block in blocks:
        if block.kind == "heading":
            flush()
            heading, body = block, []
        else:
            body.append(block)
    flush()
    return sections
