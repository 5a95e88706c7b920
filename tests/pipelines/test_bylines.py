from __future__ import annotations

from typing import Any

import pytest

from pipelines.bylines import (
    clean_bio,
    is_byline_text,
    merge_authors,
    normalise_person_name,
    parse_byline,
    relation_for_label,
    split_name_role,
)
from pipelines.jsonld_authors import authors_from_jsonld
from pipelines.records import Author

A = "author"
R = "reviewer"
E = "editor"

BYLINE_CASES: list[tuple[str, list[tuple[str, str | None, str]], str]] = [
    ("By Jane Roe, RD", [("Jane Roe", "RD", A)], "credential-after-comma"),
    ("Written by Dr. Linda Wei", [("Linda Wei", None, A)], "seed-written-by-honorific"),
    ("By Ana Torres and Ben Okafor", [("Ana Torres", None, A), ("Ben Okafor", None, A)],
     "two-authors"),
    ("By Ana Torres, Ben Okafor and Cory Doctorow",
     [("Ana Torres", None, A), ("Ben Okafor", None, A), ("Cory Doctorow", None, A)],
     "three-authors"),
    ("By Ana Torres, Ben Okafor, and Cory Doctorow",
     [("Ana Torres", None, A), ("Ben Okafor", None, A), ("Cory Doctorow", None, A)],
     "oxford-comma"),
    ("By Jane Roe, RD, CDCES and John Smith, MD",
     [("Jane Roe", "RD, CDCES", A), ("John Smith", "MD", A)], "credentials-and-second-author"),
    ("Medically reviewed by Dr. Omar Haddad, MD", [("Omar Haddad", "MD", R)],
     "medically-reviewed"),
    ("Medically reviewed by Omar Haddad, MD, FACP", [("Omar Haddad", "MD, FACP", R)],
     "two-credentials"),
    ("Fact checked by Jane Roe", [("Jane Roe", None, R)], "fact-checked"),
    ("Reviewed by Jane Roe, MD and John Smith, RD", [("Jane Roe", "MD", R), ("John Smith", "RD", R)],
     "two-reviewers"),
    ("Edited by Sam Lee", [("Sam Lee", None, E)], "edited-by"),
    ("Written by Jane Roe; Reviewed by Omar Haddad, MD",
     [("Jane Roe", None, A), ("Omar Haddad", "MD", R)], "author-and-reviewer"),
    ("Written by Jane Roe Medically reviewed by Omar Haddad, MD",
     [("Jane Roe", None, A), ("Omar Haddad", "MD", R)], "clauses-without-separator"),
    ("Written by Jane Roe and reviewed by Omar Haddad, MD",
     [("Jane Roe", None, A), ("Omar Haddad", "MD", R)], "and-reviewed-by"),
    ("Medically reviewed by Omar Haddad, MD, FACP — Written by Jane Roe, RD — Updated on "
     "March 3, 2025", [("Omar Haddad", "MD, FACP", R), ("Jane Roe", "RD", A)],
     "healthline-header"),
    ("Written by Jane Roe | Medically Reviewed by Sabrina Felson, MD on March 03, 2024",
     [("Jane Roe", None, A), ("Sabrina Felson", "MD", R)], "webmd-header"),
    ("Por Ana Torres", [("Ana Torres", None, A)], "es-por"),
    ("Escrito por Ana Torres", [("Ana Torres", None, A)], "es-escrito-por"),
    ("Revisado por la Dra. Ana Torres", [("Ana Torres", None, R)], "es-revisado-por-la-dra"),
    ("Por Ana Torres, nutricionista | 5 de enero de 2025",
     [("Ana Torres", "nutricionista", A)], "es-role-and-date"),
    ("Par Marie Dupont", [("Marie Dupont", None, A)], "fr-par"),
    ("Rédigé par Dr. Marie Dupont, médecin généraliste",
     [("Marie Dupont", "médecin généraliste", A)], "fr-redige-par"),
    ("Relu par le Dr Jean Martin", [("Jean Martin", None, R)], "fr-relu-par"),
    ("Par Marie Dupont, publié le 12 mars 2025", [("Marie Dupont", None, A)], "fr-publie-le"),
    ("Von Anna Schmidt", [("Anna Schmidt", None, A)], "de-von"),
    ("Medizinisch geprüft von Dr. med. Hans Müller", [("Hans Müller", None, R)],
     "de-geprueft-dr-med"),
    ("Author: Jane Roe", [("Jane Roe", None, A)], "author-colon"),
    ("By: Jane Roe", [("Jane Roe", None, A)], "by-colon"),
    ("by Jane Roe | Updated Jan 5 2025", [("Jane Roe", None, A)], "stop-at-separator"),
    ("By Jane Roe on March 3, 2025", [("Jane Roe", None, A)], "strip-trailing-date"),
    ("By Jane Roe Updated Jan 5, 2025", [("Jane Roe", None, A)], "stop-at-date-label"),
    ("By Jane Roe 5 min read", [("Jane Roe", None, A)], "stop-at-read-time"),
    ("Posted on May 5, 2024 by Jane Roe", [("Jane Roe", None, A)], "wordpress-posted-on-by"),
    ("By John Smith MD", [("John Smith", "MD", A)], "credential-without-comma"),
    ("By Mark Davies, Certified Fitness Coach", [("Mark Davies", "Certified Fitness Coach", A)],
     "job-title"),
    ("By Linda Wei, Dermatologist & Skincare Expert",
     [("Linda Wei", "Dermatologist & Skincare Expert", A)], "ampersand-inside-role"),
    ("By Dr. Jane Roe, a registered dietitian", [("Jane Roe", "registered dietitian", A)],
     "role-with-article"),
    ("Written by Jane Roe, PhD, RDN, LD, and John Smith, PharmD",
     [("Jane Roe", "PhD, RDN, LD", A), ("John Smith", "PharmD", A)], "many-credentials"),
    ("By Jane Roe, MS, RD and CDCES", [("Jane Roe", "MS, RD, CDCES", A)],
     "and-between-credentials"),
    ("By Martin Luther King, Jr., MD", [("Martin Luther King Jr.", "MD", A)], "name-suffix"),
    ("By VitalWell Editorial Team", [("VitalWell Editorial Team", None, A)], "editorial-team"),
    ("By Mayo Clinic Staff", [("Mayo Clinic Staff", None, A)], "mayo-clinic-staff"),
    ("By the Healthline Editorial Team", [("Healthline Editorial Team", None, A)],
     "the-team"),
    ("By Jane Roe and Mayo Clinic Staff", [("Jane Roe", None, A), ("Mayo Clinic Staff", None, A)],
     "person-and-staff"),
    ("BY JANE ROE, RD", [("Jane Roe", "RD", A)], "all-caps"),
    ("By Jane Roe (@janeroe)", [("Jane Roe", None, A)], "social-handle-dropped"),
    ("By Juan Bautista Alberdi", [("Juan Bautista Alberdi", None, A)], "name-like-role-suffix"),
]


@pytest.mark.parametrize(("text", "expected"), [c[:2] for c in BYLINE_CASES],
                         ids=[c[2] for c in BYLINE_CASES])
def test_parse_byline(text: str, expected: list[tuple[str, str | None, str]]) -> None:
    assert [(a.name, a.role, a.relation) for a in parse_byline(text)] == expected
    assert is_byline_text(text)


NOT_BYLINES = [
    ("Caused by bacteria in water", "by-mid-sentence"),
    ("Par ailleurs, les études montrent", "fr-par-ailleurs"),
    ("Por qué comer bien", "es-por-que"),
    ("By Monday, you should feel better.", "by-weekday-sentence"),
    ("By Christmas, most patients recover fully", "by-holiday-sentence"),
    ("By using this method, you can", "by-gerund"),
    ("By 2030, obesity rates will rise", "by-year"),
    ("Posted on May 5, 2024 by admin", "wordpress-admin"),
    ("Published on January 30, 2026", "date-line"),
    ("Jane Roe, RD", "no-label"),
    ("Dermatologist & Skincare Expert", "role-line"),
    ("Par la rédaction", "fr-lowercase-body"),
    ("", "empty"),
]


@pytest.mark.parametrize("text", [c[0] for c in NOT_BYLINES], ids=[c[1] for c in NOT_BYLINES])
def test_not_a_byline(text: str) -> None:
    assert parse_byline(text) == []
    assert not is_byline_text(text)


def test_byline_length_is_bounded() -> None:
    assert not is_byline_text("By Jane Roe " + "and more text " * 40)


@pytest.mark.parametrize(("text", "expected"), [
    ("Jane Roe, RD", ("Jane Roe", "RD")),
    ("Omar Haddad, MD, FACP", ("Omar Haddad", "MD, FACP")),
    ("John Smith MD", ("John Smith", "MD")),
    ("John Smith M.D., Ph.D.", ("John Smith", "M.D., Ph.D.")),
    ("Dr. Linda Wei", ("Linda Wei", None)),
    ("By Jane Roe", ("Jane Roe", None)),
    ("Mark Davies, Certified Fitness Coach", ("Mark Davies", "Certified Fitness Coach")),
    ("Jane Roe (RD)", ("Jane Roe", "RD")),
    ("JANE DO", ("Jane Do", None)),
], ids=["comma-credential", "two-credentials", "no-comma", "dotted", "honorific", "by",
        "job-title", "parenthesised", "all-caps-ambiguous-credential"])
def test_split_name_role(text: str, expected: tuple[str, str | None]) -> None:
    assert split_name_role(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("  By Dr. JANE O'NEIL-SMITH ,", "Jane O'Neil-Smith"),
    ("Prof. Dr. med. Hans Müller", "Hans Müller"),
    ("Dra. Lucía   Gómez", "Lucía Gómez"),
    ("Mrs Jane Roe", "Jane Roe"),
    ("Written by: “Jane Roe”", "Jane Roe"),
    ("McKenzie de la Cruz", "McKenzie de la Cruz"),
    ("NHS", "NHS"),
], ids=["caps-and-punctuation", "german-titles", "es-dra", "mrs-no-dot", "label-and-quotes",
        "mixed-case-kept", "acronym-kept"])
def test_normalise_person_name(text: str, expected: str) -> None:
    assert normalise_person_name(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ('"Dr. Wei is dedicated to evidence-based skincare."',
     "Dr. Wei is dedicated to evidence-based skincare."),
    ("  “Mark is a coach.”  ", "Mark is a coach."),
    ("   ", None),
    (None, None),
], ids=["straight-quotes", "curly-quotes", "blank", "none"])
def test_clean_bio(text: str | None, expected: str | None) -> None:
    assert clean_bio(text) == expected


@pytest.mark.parametrize(("label", "expected"), [
    ("Medically reviewed by", R), ("Fact checked by", R), ("Reviewed by:", R),
    ("Revisado por", R), ("Relu par", R), ("Edited by", E), ("Written by", A), ("By", A),
    ("Escrito por", A), ("Clinically Reviewed By", R), ("Something else", A),
], ids=lambda v: str(v))
def test_relation_for_label(label: str, expected: str) -> None:
    assert relation_for_label(label) == expected


def test_authors_from_jsonld() -> None:
    node: dict[str, Any] = {
        "@type": "MedicalWebPage",
        "author": [
            {"@type": "Person", "name": "Jane Roe, RD", "url": ["https://x.example/jane", "x"],
             "description": " “Jane writes about food.” "},
            {"@type": "Organization", "name": "Mayo Clinic Staff", "url": "/about"},
        ],
        "creator": "Jane Roe and John Doe",
        "reviewedBy": {"@type": "Person", "name": "Dr. Omar Haddad",
                       "jobTitle": {"@type": "DefinedTerm", "name": "Cardiologist"}},
        "editor": {"@type": "Person", "givenName": "Sam", "familyName": "Lee",
                   "honorificSuffix": "MPH", "url": "https://x.example/sam"},
        "contributor": {"@type": "Person", "name": "Not Credited"},
    }
    assert authors_from_jsonld(node) == [
        Author("Jane Roe", "RD", "Jane writes about food.", "https://x.example/jane", "author"),
        Author("Mayo Clinic Staff", None, None, None, "author"),
        Author("John Doe", None, None, None, "author"),
        Author("Omar Haddad", "Cardiologist", None, None, "reviewer"),
        Author("Sam Lee", "MPH", None, "https://x.example/sam", "editor"),
    ]


@pytest.mark.parametrize(("node", "expected"), [
    ({"author": {"@id": "https://x.example/#/schema/person/1"}}, []),
    ({"author": "https://x.example/author/jane"}, []),
    ({"author": ["By Jane Roe, RD"]}, [Author("Jane Roe", "RD")]),
    ({"author": {"@type": ["Person"], "name": "DR. JANE ROE", "honorificSuffix": "MD"}},
     [Author("Jane Roe", "MD")]),
    ({"author": {"@type": "Person", "name": "admin"}}, []),
    ({"headline": "No author"}, []),
], ids=["id-only", "url-string", "byline-string", "caps-with-suffix", "admin", "none"])
def test_authors_from_jsonld_edge_cases(node: dict[str, Any], expected: list[Author]) -> None:
    assert authors_from_jsonld(node) == expected


def test_merge_authors_fills_gaps_and_keeps_first_order() -> None:
    jsonld = [Author("Jane Roe", url="https://x.example/jane"),
              Author("Omar Haddad", relation="reviewer")]
    byline = [Author("Dr. Omar Haddad", "MD", relation="reviewer"),
              Author("JANE ROÉ", "RD"), Author("Ben Okafor")]
    box = [Author("jane roe", "Dietitian", bio="Jane writes.")]
    assert merge_authors(jsonld, byline, box) == [
        Author("Jane Roe", "RD", "Jane writes.", "https://x.example/jane", "author"),
        Author("Omar Haddad", "MD", None, None, "reviewer"),
        Author("Ben Okafor"),
    ]


def test_merge_authors_keeps_one_person_in_two_relations() -> None:
    merged = merge_authors([Author("Jane Roe")], [Author("Jane Roe", relation="reviewer")])
    assert [(a.name, a.relation) for a in merged] == [("Jane Roe", A), ("Jane Roe", R)]
