"""Small text helpers: escaping, the inline mini-markup, date formats, slugs."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from html import escape

_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_FOOTNOTE = re.compile(r"\[(\d+)\](?!\()")

MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTHS_AP = (
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)
MONTHS_ES = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)
MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def esc(text: str) -> str:
    """Escape for text and double-quoted attributes (apostrophes stay readable)."""
    return escape(text, quote=False).replace('"', "&quot;")


def inline(text: str, *, footnotes: bool = False) -> str:
    """Render the inline mini-markup (links, optional footnote markers) to HTML."""
    out: list[str] = []
    pos = 0
    for match in _LINK.finditer(text):
        out.append(_text_html(text[pos : match.start()], footnotes))
        label, href = match.groups()
        out.append(f'<a href="{esc(href)}">{esc(label)}</a>')
        pos = match.end()
    out.append(_text_html(text[pos:], footnotes))
    return "".join(out)


def _text_html(text: str, footnotes: bool) -> str:
    html = esc(text)
    if footnotes:
        html = _FOOTNOTE.sub(r'<sup class="footnote"><a href="#ref-\1">[\1]</a></sup>', html)
    return html


def plain(text: str) -> str:
    """The visible text of a mini-markup string (links reduced to their label)."""
    return _LINK.sub(r"\1", text)


def strip_footnotes(text: str) -> str:
    return _FOOTNOTE.sub("", text)


def links(text: str) -> list[str]:
    return [href for _, href in _LINK.findall(text)]


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def json_ld(data: object) -> str:
    """JSON for a <script type="application/ld+json"> element, safe inside HTML."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return text.replace("</", "<\\/")


# -- dates -------------------------------------------------------------------


def parse_day(value: str) -> date:
    return date.fromisoformat(value[:10])


def long_en(value: str) -> str:
    day = parse_day(value)
    return f"{MONTHS_EN[day.month - 1]} {day.day}, {day.year}"


def ap_en(value: str) -> str:
    day = parse_day(value)
    return f"{MONTHS_AP[day.month - 1]} {day.day}, {day.year}"


def long_es(value: str) -> str:
    day = parse_day(value)
    return f"{day.day} de {MONTHS_ES[day.month - 1]} de {day.year}"


def long_fr(value: str) -> str:
    day = parse_day(value)
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS_FR[day.month - 1]} {day.year}"


def format_day(value: str, language: str, *, style: str = "long") -> str:
    if language == "es":
        return long_es(value)
    if language == "fr":
        return long_fr(value)
    return ap_en(value) if style == "ap" else long_en(value)


def eastern_offset(day: date) -> str:
    """US Eastern UTC offset on a day: -04:00 from the second Sunday of March to
    the first Sunday of November, else -05:00 (the clinic blog's local time)."""
    march = date(day.year, 3, 8)
    dst_start = march + timedelta(days=(6 - march.weekday()) % 7)
    november = date(day.year, 11, 1)
    dst_end = november + timedelta(days=(6 - november.weekday()) % 7)
    return "-04:00" if dst_start <= day < dst_end else "-05:00"


def to_datetime(value: str) -> datetime:
    """A timestamp for feeds: date-only values are taken as 08:00 UTC."""
    if "T" in value:
        return datetime.fromisoformat(value)
    return datetime.combine(parse_day(value), datetime.min.time(), UTC).replace(hour=8)


def rfc822(value: str) -> str:
    return format_datetime(to_datetime(value))
