"""Publication and update dates: raw page strings to the archive's date format.

The archive stores ``'YYYY-MM-DD'`` when only a day is known and a full timestamp with
the page's own offset (``'2025-03-04T09:15:00-05:00'``) when a time *and* an offset are
known. A time without an offset is reduced to its day, month-only or year-only values
and anything implausible (before 1990, more than a year in the future) give ``None``.

ISO 8601 strings take a fast path without dateparser; everything else goes through
dateparser with the caller's languages fixed (no language detection), the
``absolute-time`` parser only, and day, month and year all required. Relative dates
("3 days ago", "hace 3 días") resolve only against an explicit ``relative_base``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Literal

from dateparser.data.languages_info import language_locale_dict, language_order
from dateparser.date import DateDataParser

DateKind = Literal["published", "updated"]

MIN_YEAR = 1990

# Label phrase (lower case, as it appears before a date) -> which date it announces.
# "updated" covers updated, modified, revised and (medically) reviewed dates. Connector
# words after the label ("on", "el", "le", "am", ":") are handled separately.
DATE_LABELS: dict[str, DateKind] = {
    # en
    "published": "published", "first published": "published",
    "originally published": "published", "date published": "published",
    "publication date": "published", "posted": "published", "created": "published",
    "answered": "published", "answered on": "published", "asked": "published", "asked on": "published",
    "pubblicato il": "published", "pubblicato": "published", "ultimo aggiornamento": "updated",
    "aggiornato il": "updated", "aggiornato": "updated",
    "updated": "updated", "last updated": "updated", "date updated": "updated",
    "modified": "updated", "last modified": "updated", "date modified": "updated",
    "revised": "updated", "last revised": "updated", "reviewed": "updated",
    "last reviewed": "updated", "page last reviewed": "updated",
    "medically reviewed": "updated", "last medically reviewed": "updated",
    "fact checked": "updated", "fact-checked": "updated",
    # es
    "publicado": "published", "fecha de publicación": "published",
    "actualizado": "updated", "última actualización": "updated",
    "fecha de actualización": "updated", "modificado": "updated", "revisado": "updated",
    "última revisión": "updated", "revisado médicamente": "updated",
    # fr
    "publié": "published", "date de publication": "published", "mis à jour": "updated",
    "mise à jour": "updated", "dernière mise à jour": "updated", "modifié": "updated",
    "révisé": "updated", "relu": "updated",
    # de
    "veröffentlicht": "published", "erstellt": "published", "erschienen": "published",
    "aktualisiert": "updated", "zuletzt aktualisiert": "updated",
    "letzte aktualisierung": "updated", "geändert": "updated", "überarbeitet": "updated",
    "geprüft": "updated", "stand": "updated",
}

_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sept",
    "sep", "oct", "nov", "dec", "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
    "agosto", "septiembre", "setiembre", "octubre", "noviembre", "diciembre", "ene", "abr",
    "ago", "dic", "janvier", "février", "fevrier", "mars", "avril", "mai", "juin", "juillet",
    "août", "aout", "septembre", "octobre", "novembre", "décembre", "decembre", "janv", "févr",
    "fevr", "avr", "juil", "déc", "januar", "jänner", "februar", "märz", "maerz", "april",
    "mai", "juni", "juli", "august", "september", "oktober", "november", "dezember", "jän",
    "mär", "okt", "dez",
    # it / pt / nl
    "gennaio", "febbraio", "aprile", "maggio", "giugno", "luglio", "settembre", "ottobre",
    "dicembre", "janeiro", "fevereiro", "março", "maio", "junho", "julho", "outubro", "novembro",
    "dezembro", "januari", "februari", "maart", "mei", "augustus",
)
_MONTH = "(?:" + "|".join(sorted(set(_MONTHS), key=len, reverse=True)) + r")\b\.?"
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th|er|º|°|\.)?"
_YEAR = r"(?:19|20)\d{2}\b"
_TZ = r"(?:\s*(?:(?:UTC|GMT)\s?[+-]\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}|(?-i:[A-Z]{2,5})\b))?"
_TIME = (
    r"\d{1,2}(?:(?::\d{2}){1,2}(?:\s*[ap]\.?\s?m\b\.?)?|\s*[ap]\.?\s?m\b\.?|\s?h\s?\d{2})"
    r"(?:\s*uhr\b)?" + _TZ
)
_TIME_SUFFIX = rf"(?:\s*,?\s*(?:at|à|a\s+las|um|-|–)?\s*{_TIME})?"
_ISO = (
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s?(?:Z|[+-]\d{2}:?\d{2}))?)?"
)
_RELATIVE = (
    r"\d+\s+(?:minutes?|hours?|days?|weeks?|months?|years?)\s+ago\b|yesterday|today"
    r"|hace\s+\d+\s+\w+|ayer|hoy|il\s+y\s+a\s+\d+\s+\w+|hier|aujourd'hui"
    r"|vor\s+\d+\s+\w+|gestern|heute"
)
_DATE = (
    rf"{_ISO}\b"
    rf"|{_MONTH}\s*{_DAY},?\s+{_YEAR}{_TIME_SUFFIX}"
    rf"|{_DAY}\s*(?:de\s+)?{_MONTH},?\s*(?:del?\s+)?{_YEAR}{_TIME_SUFFIX}"
    rf"|\d{{1,2}}[./-]\d{{1,2}}[./-](?:\d{{4}}|\d{{2}})\b{_TIME_SUFFIX}"
    rf"|\d{{4}}[./]\d{{1,2}}[./]\d{{1,2}}\b"
    rf"|{_MONTH},?\s+(?:de\s+)?{_YEAR}"
    rf"|{_RELATIVE}"
)
#: A date-like span (absolute, numeric, ISO, month-and-year or relative) in en/es/fr/de.
DATE_RE = re.compile(rf"(?<![\w/.-])(?:{_DATE})", re.IGNORECASE)
_TIME_RE = re.compile(_TIME, re.IGNORECASE)
_RELATIVE_RE = re.compile(rf"^(?:{_RELATIVE})$", re.IGNORECASE)
_ZONE_IN_PARENS_RE = re.compile(r"\s*\(\s*(UTC|GMT|Z)\s*\)", re.IGNORECASE)
_SUB_DAY_RE = re.compile(r"\b(?:seconds?|minutes?|mins?|hours?|hrs?|segundos?|minutos?|horas?|secondes?|"
                         r"heures?|sekunden?|minuten?|stunden?)\b", re.IGNORECASE)
_LABEL = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in
                  sorted(DATE_LABELS, key=len, reverse=True))
_CONNECTOR = r"(?:\s*:)?\s*(?:(?:on|el|le|am|the|:|-|–|—)\s+)?(?::\s*)?"
_LABEL_PREFIX_RE = re.compile(rf"^\W*(?:{_LABEL})\b{_CONNECTOR}", re.IGNORECASE)
_LABELLED_RE = re.compile(rf"(?<!\w)(?P<label>{_LABEL}){_CONNECTOR}(?P<date>{_DATE})",
                          re.IGNORECASE)
_BY_ON_RE = re.compile(
    r"(?<!\w)(?:(?P<rev>reviewed|checked|revisado|relu|révisé|geprüft)\s+)?"
    r"(?:by|por|par|von)\s+[^|·•;—–\n]{1,80}?\s+(?:on|el|le|am)\s+"
    rf"(?P<date>{_DATE})",
    re.IGNORECASE,
)
_ISO_FULL_RE = re.compile(
    r"(?P<y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})"
    r"(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    r"\s?(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?)?"
)
_WS_RE = re.compile(r"\s+")
_KNOWN_LOCALES = {code.lower(): code for code in language_order} | {
    code.lower(): code for codes in language_locale_dict.values() for code in codes
}


def parse_date(
    text: str,
    *,
    languages: Sequence[str] | None = None,
    relative_base: datetime | None = None,
) -> str | None:
    """One raw date string to ``'YYYY-MM-DD'`` or ``'YYYY-MM-DDTHH:MM:SS+HH:MM'``.

    ``languages`` are ISO 639-1 codes or locales (``'en-GB'``: day-first numbers);
    default ``['en']`` (numeric dates month-first). Labels such as "Updated on" are
    stripped and a date inside a longer string is found. ``relative_base`` (naive UTC,
    usually the fetch time) enables relative dates; without it they give ``None``.
    """
    cleaned = _WS_RE.sub(" ", text or "").strip()
    cleaned = _ZONE_IN_PARENS_RE.sub(r" \1", cleaned)  # "09:12 (UTC)" -> "09:12 UTC"
    if not cleaned or len(cleaned) > 500:
        return None
    locales = _locales(("en",) if languages is None else tuple(languages))
    base = _naive_utc(relative_base)
    result = _parse_absolute(cleaned, locales)
    if result is None and base is not None:
        result = _parse_relative(cleaned, locales, base)
    if result is None:
        return None
    ceiling = (base or datetime.now(UTC).replace(tzinfo=None)).date() + timedelta(days=366)
    day = date.fromisoformat(result[:10])
    return result if date(MIN_YEAR, 1, 1) <= day <= ceiling else None


def find_labelled_dates(text: str) -> dict[str, str]:
    """Raw date strings announced by a label in ``text``, keyed ``published``/``updated``.

    ``"Published on January 30, 2026 · Updated Feb 2, 2026"`` ->
    ``{"published": "January 30, 2026", "updated": "Feb 2, 2026"}``. The first date of
    each kind wins. "Reviewed by X on <date>" counts as updated and "By X on <date>" as
    published. An unlabelled date gives ``{}``: the caller decides what it is.
    """
    found: dict[str, str] = {}
    cleaned = _WS_RE.sub(" ", text or "")
    for match in _LABELLED_RE.finditer(cleaned):
        kind = DATE_LABELS[_WS_RE.sub(" ", match["label"].lower())]
        found.setdefault(kind, match["date"].strip(" ,"))
    labelled = set(found.values())
    for match in _BY_ON_RE.finditer(cleaned):
        date = match["date"].strip(" ,")
        if date in labelled:
            continue  # the date already has an explicit label ("Last updated on ...")
        found.setdefault("updated" if match["rev"] else "published", date)
    return found


def strip_date_label(text: str) -> str:
    """``text`` without a leading date label and its connector ("Last updated on ")."""
    return _LABEL_PREFIX_RE.sub("", text, count=1).strip()


def _naive_utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _locales(codes: tuple[str, ...]) -> tuple[str, ...]:
    """Caller language codes to dateparser locales; unknown codes are dropped."""
    out: list[str] = []
    for code in codes:
        key = code.strip().replace("_", "-").lower()
        known = _KNOWN_LOCALES.get(key) or _KNOWN_LOCALES.get(key.split("-")[0])
        if known and known not in out:
            out.append(known)
    return tuple(out) or ("en",)


@lru_cache(maxsize=4096)
def _parse_absolute(text: str, locales: tuple[str, ...]) -> str | None:
    iso = _from_iso(text)
    if iso is not None:
        return iso
    stripped = strip_date_label(text)
    match = DATE_RE.search(stripped)
    if match is not None:
        candidate = match.group(0).strip(" ,")
        if _RELATIVE_RE.match(candidate):
            return None
        iso = _from_iso(candidate)
        if iso is not None:
            return iso
    elif len(stripped) <= 60:
        candidate = stripped
    else:
        return None
    parsed = _dateparser(candidate, locales, {"PARSERS": ["absolute-time"]})
    if parsed is None:
        return None
    offset = parsed.utcoffset()
    if offset is None or not _TIME_RE.search(candidate):
        return parsed.date().isoformat()
    return parsed.replace(tzinfo=timezone(offset), microsecond=0).isoformat()


@lru_cache(maxsize=1024)
def _parse_relative(text: str, locales: tuple[str, ...], base: datetime) -> str | None:
    stripped = strip_date_label(text)
    match = DATE_RE.search(stripped)
    candidate = match.group(0) if match is not None else stripped
    if len(candidate) > 60:
        return None
    parsed = _dateparser(candidate, locales, {"PARSERS": ["relative-time"],
                                              "RELATIVE_BASE": base})
    if parsed is None:
        return None
    if _SUB_DAY_RE.search(candidate):  # "2 hours ago": the time is known, in UTC like the base
        return parsed.replace(tzinfo=UTC, microsecond=0).isoformat()
    return parsed.date().isoformat()


def _dateparser(text: str, locales: tuple[str, ...], extra: dict[str, Any]) -> datetime | None:
    # RETURN_AS_TIMEZONE_AWARE is left at its default: aware only when the text states
    # an offset or zone, which is exactly what decides day versus timestamp.
    settings: dict[str, Any] = {
        "PREFER_DAY_OF_MONTH": "first",
        "REQUIRE_PARTS": ["day", "month", "year"],
        **extra,
    }
    parser = DateDataParser(locales=list(locales), settings=settings)
    try:
        return parser.get_date_data(text).date_obj
    except (ValueError, OverflowError):
        return None


def _from_iso(text: str) -> str | None:
    match = _ISO_FULL_RE.fullmatch(text)
    if match is None or ("-" not in text[:10] and not (len(text) == 8 and text.isdigit())):
        return None
    try:
        day = date(int(match["y"]), int(match["m"]), int(match["d"]))
        if match["H"] is None or match["tz"] is None:
            if match["H"] is not None:
                datetime(2000, 1, 1, int(match["H"]), int(match["M"]))  # validate time
            return day.isoformat()
        offset = _offset(match["tz"])
        moment = datetime(day.year, day.month, day.day, int(match["H"]), int(match["M"]),
                          int(match["S"] or 0), tzinfo=offset)
    except ValueError:
        return None
    return moment.isoformat()


def _offset(tz: str) -> timezone:
    if tz == "Z":
        return UTC
    digits = tz[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
    return timezone(timedelta(minutes=-minutes if tz[0] == "-" else minutes))
