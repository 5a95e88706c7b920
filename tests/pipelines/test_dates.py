from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipelines.dates import DATE_LABELS, find_labelled_dates, parse_date

BASE = datetime(2025, 6, 1, 12, 0)

PARSE_CASES = [
    # ISO fast path
    ("2025-03-04", None, "2025-03-04", "iso-day"),
    ("2025-03-04T09:15:00-05:00", None, "2025-03-04T09:15:00-05:00", "iso-offset"),
    ("2025-03-04T14:15:00Z", None, "2025-03-04T14:15:00+00:00", "iso-z"),
    ("2025-03-04 09:15:00+0000", None, "2025-03-04T09:15:00+00:00", "iso-space-basic-offset"),
    ("2025-03-04T09:15:00.123456+01:00", None, "2025-03-04T09:15:00+01:00", "iso-fraction"),
    ("20250304", None, "2025-03-04", "iso-basic-day"),
    ("2025-03-04T09:15:00", None, "2025-03-04", "iso-time-without-offset-is-a-day"),
    ("2025-02-30", None, None, "iso-impossible-day"),
    # labels and English formats
    ("Published on January 30, 2026", None, "2026-01-30", "seed-published-on"),
    ("Jan. 5, 2025", None, "2025-01-05", "abbreviated-month-dot"),
    ("Sept. 5, 2024", None, "2024-09-05", "sept-abbreviation"),
    ("Dec. 05, 2023", None, "2023-12-05", "mayo-clinic-style"),
    ("March 3rd, 2025", None, "2025-03-03", "ordinal-suffix"),
    ("Updated Feb 2, 2026 · 5 min read", None, "2026-02-02", "trailing-read-time"),
    ("Last updated: 03/04/2024", None, "2024-03-04", "numeric-en-month-first"),
    ("Medically reviewed on March 3, 2025", None, "2025-03-03", "healthline-reviewed-on"),
    ("Page last reviewed: 12 March 2024", None, "2024-03-12", "nhs-last-reviewed"),
    ("Updated on: 2025-03-04T10:00:00+01:00", None, "2025-03-04T10:00:00+01:00",
     "label-before-iso"),
    # times and offsets
    ("Tuesday, March 4, 2025 9:15 AM EST", None, "2025-03-04T09:15:00-05:00", "time-with-zone"),
    ("4 March 2025, 10:00 GMT", None, "2025-03-04T10:00:00+00:00", "time-gmt"),
    ("4 March 2025 10:00 +01:00", None, "2025-03-04T10:00:00+01:00", "time-numeric-offset"),
    ("March 4, 2025 at 9:15 am", None, "2025-03-04", "time-without-offset-is-a-day"),
    ("Tue, 04 Mar 2025 09:15:00 GMT", None, "2025-03-04T09:15:00+00:00", "rfc-2822"),
    ("Last updated on 3 March 2025 at 10:00am", None, "2025-03-03", "label-time-no-zone"),
    ("marzo de 2025", ["es"], None, "es-month-only"),
    # numeric day-first by language or locale
    ("3/4/2024", ["es"], "2024-04-03", "numeric-es-day-first"),
    ("3/4/2024", ["en-GB"], "2024-04-03", "numeric-en-gb-day-first"),
    ("3/4/2024", ["en_US"], "2024-03-04", "numeric-en-us-underscore"),
    ("3/4/2024", ["xx", "en"], "2024-03-04", "unknown-language-dropped"),
    ("Stand: 03.04.2024", ["de"], "2024-04-03", "de-dotted"),
    # other languages
    ("5 de enero de 2025", ["es"], "2025-01-05", "es-long"),
    ("Publicado el 5 de enero de 2025", ["es"], "2025-01-05", "es-label"),
    ("12 mars 2025", ["fr"], "2025-03-12", "fr-long"),
    ("1er mars 2025", ["fr"], "2025-03-01", "fr-premier"),
    ("Mis à jour le 12 mars 2025 à 10h30", ["fr"], "2025-03-12", "fr-label-time-no-offset"),
    ("Aktualisiert am 3. März 2025", ["de"], "2025-03-03", "de-label"),
    # not a (full) date
    ("March 2025", None, None, "month-only"),
    ("March 4", None, None, "no-year"),
    ("2025", None, None, "year-only"),
    ("hello world", None, None, "not-a-date"),
    ("", None, None, "empty"),
    ("12345678", None, None, "eight-digits-not-a-date"),
    ("1985-01-01", None, None, "too-old"),
    ("2030-01-01", None, None, "too-far-future"),
]


@pytest.mark.parametrize(("text", "languages", "expected"),
                         [c[:3] for c in PARSE_CASES], ids=[c[3] for c in PARSE_CASES])
def test_parse_date(text: str, languages: list[str] | None, expected: str | None) -> None:
    assert parse_date(text, languages=languages, relative_base=BASE) == expected


RELATIVE_CASES = [
    ("3 days ago", ["en"], "2025-05-29", "days-ago"),
    ("yesterday", ["en"], "2025-05-31", "yesterday"),
    ("Updated 2 weeks ago", ["en"], "2025-05-18", "label-weeks-ago"),
    ("hace 3 días", ["es"], "2025-05-29", "es-hace"),
    ("il y a 2 jours", ["fr"], "2025-05-30", "fr-il-y-a"),
    ("vor 2 Tagen", ["de"], "2025-05-30", "de-vor"),
]


@pytest.mark.parametrize(("text", "languages", "expected"),
                         [c[:3] for c in RELATIVE_CASES], ids=[c[3] for c in RELATIVE_CASES])
def test_relative_dates_need_a_base(text: str, languages: list[str], expected: str) -> None:
    assert parse_date(text, languages=languages, relative_base=BASE) == expected
    assert parse_date(text, languages=languages) is None


def test_aware_relative_base_is_used_as_utc() -> None:
    aware = datetime(2025, 6, 1, 23, 30, tzinfo=UTC)
    assert parse_date("yesterday", relative_base=aware) == "2025-05-31"


def test_future_limit_follows_relative_base() -> None:
    assert parse_date("2026-05-01", relative_base=BASE) == "2026-05-01"
    assert parse_date("2026-07-01", relative_base=BASE) is None


LABELLED_CASES = [
    ("Published on January 30, 2026 · Updated Feb 2, 2026",
     {"published": "January 30, 2026", "updated": "Feb 2, 2026"}, "published-and-updated"),
    ("Last reviewed: 03/04/2024", {"updated": "03/04/2024"}, "last-reviewed-numeric"),
    ("Page last reviewed: 12 March 2024 Next review due: 12 March 2027",
     {"updated": "12 March 2024"}, "nhs-next-review-ignored"),
    ("Written by Jane Roe | Medically Reviewed by Sabrina Felson, MD on March 03, 2024",
     {"updated": "March 03, 2024"}, "webmd-reviewed-by-on"),
    ("Medically reviewed by Omar Haddad, MD — Written by Jane Roe on March 3, 2025",
     {"published": "March 3, 2025"}, "written-by-on"),
    ("Posted on May 5, 2024 by admin", {"published": "May 5, 2024"}, "wordpress-posted-on"),
    ("Publié le 12 mars 2025 à 10h30, mis à jour le 14 mars 2025",
     {"published": "12 mars 2025 à 10h30", "updated": "14 mars 2025"}, "fr-both"),
    ("Actualizado: 5 de enero de 2025", {"updated": "5 de enero de 2025"}, "es-updated"),
    ("Veröffentlicht am 03.04.2024 Zuletzt aktualisiert am 05.04.2024",
     {"published": "03.04.2024", "updated": "05.04.2024"}, "de-both"),
    ("Updated 3 days ago", {"updated": "3 days ago"}, "relative-kept-raw"),
    ("January 30, 2026", {}, "unlabelled-date"),
    ("Medically reviewed by Dr. Omar Haddad", {}, "reviewer-without-date"),
    ("Updated regularly by our team", {}, "label-without-date"),
]


@pytest.mark.parametrize(("text", "expected"), [c[:2] for c in LABELLED_CASES],
                         ids=[c[2] for c in LABELLED_CASES])
def test_find_labelled_dates(text: str, expected: dict[str, str]) -> None:
    assert find_labelled_dates(text) == expected


def test_date_labels_map_to_the_two_kinds() -> None:
    assert set(DATE_LABELS.values()) == {"published", "updated"}
    assert DATE_LABELS["last reviewed"] == "updated"
    assert DATE_LABELS["publicado"] == "published"
