from __future__ import annotations

import pytest

from pipelines.records import Reference
from pipelines.references import (
    extract_doi,
    extract_pmid,
    is_reference_heading,
    parse_reference,
)

JAP_DOI = "10.1152/japplphysiol.00120.2013"

# (text, url, links, expected title, year, url, doi, pmid, id)
CASES = [
    ('"Neural and musculotendinous mechanisms underpinning age-related force reductions." '
     "(2018) View Study →", None, ["https://pubmed.ncbi.nlm.nih.gov/29530787/"],
     "Neural and musculotendinous mechanisms underpinning age-related force reductions",
     2018, "https://pubmed.ncbi.nlm.nih.gov/29530787/", None, "29530787", "seed-quoted-pubmed"),
    ("“Insights into the neural control of eccentric contractions.” (2014) View Study →", None,
     [f"https://journals.physiology.org/doi/full/{JAP_DOI}"],
     "Insights into the neural control of eccentric contractions", 2014,
     f"https://journals.physiology.org/doi/full/{JAP_DOI}", JAP_DOI, None,
     "seed-curly-quotes-doi-in-link"),
    ("Smith, J. A., & Doe, B. (2019). Title of the work. Journal of Things, 12(3), 45–67. "
     "https://doi.org/10.1000/xyz123", None, [], "Title of the work", 2019,
     "https://doi.org/10.1000/xyz123", "10.1000/xyz123", None, "apa"),
    ("Smith J, Doe A. Title of the work. J Appl Physiol. 2013;115(3):1-9. "
     f"doi:{JAP_DOI}.", None, [], "Title of the work", 2013, None, JAP_DOI, None,
     "ama-doi-with-period"),
    ("Duchateau J, Enoka RM. Neural control of lengthening contractions. J Exp Biol. 2016 "
     "Jan;219(Pt 2):197-204. doi: 10.1242/jeb.123158. PMID: 26792331.", None, [],
     "Neural control of lengthening contractions", 2016, None, "10.1242/jeb.123158",
     "26792331", "vancouver-month-pmid"),
    ("Huang C, Wang Y, Li X, et al. Clinical features of patients infected with 2019 novel "
     "coronavirus in Wuhan, China. Lancet. 2020;395(10223):497-506. "
     "doi:10.1016/S0140-6736(20)30183-5", None, [],
     "Clinical features of patients infected with 2019 novel coronavirus in Wuhan, China", 2020,
     None, "10.1016/s0140-6736(20)30183-5", None, "doi-with-parentheses-et-al"),
    ("Insights into the neural control of eccentric contractions.", None, [],
     "Insights into the neural control of eccentric contractions", None, None, None, None,
     "bare-title"),
    ("View Study →", "https://example.org/study", [], None, None, "https://example.org/study",
     None, None, "link-text-only"),
    ("Centers for Disease Control and Prevention. Physical activity basics. "
     "https://www.cdc.gov/physical-activity-basics/index.html. Accessed March 1, 2024.", None, [],
     "Physical activity basics", None,
     "https://www.cdc.gov/physical-activity-basics/index.html", None, None,
     "organisation-author-access-date-not-a-year"),
    ("Mayo Clinic Staff. (2023). Exercise: 7 benefits of regular physical activity. Mayo Clinic.",
     None, [], "Exercise: 7 benefits of regular physical activity", 2023, None, None, None,
     "apa-organisation"),
    ("Kumar, S. (2021) Vitamin D and immunity. Nutrients, 13(2), p. 456. [PubMed] "
     "[Google Scholar]", None,
     ["https://www.ncbi.nlm.nih.gov/pubmed/33495423", "https://scholar.google.com/x"],
     "Vitamin D and immunity", 2021, "https://www.ncbi.nlm.nih.gov/pubmed/33495423", None,
     "33495423", "harvard-old-pubmed-link"),
    ("Doe J. Is exercise medicine? Br J Sports Med. 2019;53(1):1-2. PMID 30000000 "
     "PMCID: PMC1234567", None, [], "Is exercise medicine?", 2019, None, None, "30000000",
     "question-title-pmid-not-pmcid"),
    ("Lee, Min-Ji, et al. “Effects of Resistance Training on Cognition.” Journal of Aging, "
     "vol. 12, no. 3, 2019, pp. 45-67.", None, [], "Effects of Resistance Training on Cognition",
     2019, None, None, None, "mla"),
    ("World Health Organization. Physical activity fact sheet. 2022.", None, [],
     "Physical activity fact sheet", 2022, None, None, None, "who-fact-sheet"),
    ("Effects of exercise on depression - PubMed", None,
     ["https://pubmed.ncbi.nlm.nih.gov/12345678/"], "Effects of exercise on depression", None,
     "https://pubmed.ncbi.nlm.nih.gov/12345678/", None, "12345678", "pubmed-link-text"),
    ("García-López M, van der Berg J. Ejercicio y salud mental. Rev Esp Salud. 2020;94:e1-e10.",
     None, [], "Ejercicio y salud mental", 2020, None, None, None, "vancouver-particles-es"),
    ("1. Roe J. Sleep and recovery. Sleep Med. 2017;30:1-5.", None, [],
     "Sleep and recovery", 2017, None, None, None, "leading-enumerator"),
    ("Roe J. Sleep and recovery. Pages 1998-2005 in Sleep Handbook. 2011.", None, [],
     "Sleep and recovery", 2011, None, None, None, "page-range-not-a-year"),
    ("Exercise for depression. Available at: www.example.org/exercise", None, [],
     "Exercise for depression", None, "https://www.example.org/exercise", None, None,
     "www-url-in-text"),
    ("Roe J. Title. 2020.", None, ["//example.org/a", "https://doi.org/10.5555/ABC.1"], "Title",
     2020, "https://example.org/a", "10.5555/abc.1", None, "protocol-relative-link"),
    ("Dupont M. « Le sommeil et la santé. » Rev Med. 2021;12:3-9.", None, [],
     "Le sommeil et la santé", 2021, None, None, None, "french-guillemets"),
    ("Exercise and depression. (2019). https://www.example.org/x", None, [],
     "Exercise and depression", 2019, "https://www.example.org/x", None, None,
     "title-before-year"),
    ("Smith J, et al. (2019). Title of study. https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6/",
     None, [], "Title of study", 2019, "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6/", None,
     None, "healthline-et-al-pmc"),
    ('Mayo Clinic: "Exercise: 7 benefits of regular physical activity."', None, [],
     "Exercise: 7 benefits of regular physical activity", None, None, None, None,
     "webmd-sources-style"),
    ("Roe, J. (n.d.). Sleep tips. Sleep Foundation.", None, [], "Sleep tips", None, None, None,
     None, "apa-no-date"),
    ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC123/", None, [], None, None,
     "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC123/", None, None, "bare-url"),
]


@pytest.mark.parametrize(("text", "url", "links", "expected"),
                         [(c[0], c[1], c[2], c[3:8]) for c in CASES], ids=[c[8] for c in CASES])
def test_parse_reference(text: str, url: str | None, links: list[str],
                         expected: tuple[str | None, int | None, str | None, str | None,
                                         str | None]) -> None:
    ref = parse_reference(text, url=url, links=links)
    assert (ref.title, ref.year, ref.url, ref.doi, ref.pmid) == expected
    assert ref.text == " ".join(text.split())


def test_text_is_kept_as_shown_with_whitespace_collapsed() -> None:
    ref = parse_reference("  “Insights.”\n  (2014)   View Study → ")
    assert ref == Reference(text="“Insights.” (2014) View Study →", title="Insights", year=2014)


@pytest.mark.parametrize(("text", "expected"), [
    (f"doi:{JAP_DOI}.", JAP_DOI),
    ("https://doi.org/10.1016/S0140-6736(20)30183-5", "10.1016/s0140-6736(20)30183-5"),
    ("(doi: 10.1000/abc123)", "10.1000/abc123"),
    ("http://dx.doi.org/10.1000/ABC,", "10.1000/abc"),
    ("https://doi.org/10.1000%2Fxyz", "10.1000/xyz"),
    ("https://onlinelibrary.wiley.com/doi/abs/10.1111/jocn.12345?af=R", "10.1111/jocn.12345"),
    ("https://journals.example.org/doi/10.1000/xyz/full", "10.1000/xyz"),
    ("no identifier here 10.5 mg", None),
    ("", None),
], ids=["doi-prefix-trailing-period", "parentheses-balanced", "parentheses-unbalanced",
        "dx-uppercase-comma", "url-encoded-slash", "publisher-path-query", "full-suffix",
        "number-not-doi", "empty"])
def test_extract_doi(text: str, expected: str | None) -> None:
    assert extract_doi(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("https://pubmed.ncbi.nlm.nih.gov/29530787/", "29530787"),
    ("https://www.ncbi.nlm.nih.gov/pubmed/12345678", "12345678"),
    ("https://www.ncbi.nlm.nih.gov/pubmed/?term=23456789", "23456789"),
    ("https://europepmc.org/article/MED/34567890", "34567890"),
    ("PMID: 12345678", "12345678"),
    ("PMID 12345678.", "12345678"),
    ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC1234567/", None),
    ("PMCID: PMC1234567", None),
    ("", None),
], ids=["pubmed", "ncbi-pubmed", "pubmed-term", "europepmc", "pmid-colon", "pmid-space",
        "pmc-link-is-not-pmid", "pmcid-is-not-pmid", "empty"])
def test_extract_pmid(text: str, expected: str | None) -> None:
    assert extract_pmid(text) == expected


HEADINGS = [
    ("References", True), ("Scientific References", True), ("SOURCES:", True),
    ("Source", True), ("Citations", True), ("Bibliography", True), ("Works Cited", True),
    ("Research", True), ("Studies cited", True), ("Literature", True),
    ("References (12)", True), ("7 Sources", True), ("2. References", True),
    ("Article Sources", True), ("Sources & References", True), ("Medical References", True),
    ("Referencias", True), ("Fuentes", True), ("Bibliografía", True), ("Références :", True),
    ("Bibliographie", True), ("Quellen", True), ("Literatur", True),
    ("Further reading", False), ("Related articles", False), ("Summary", False),
    ("References to popular culture in fitness", False), ("", False),
]


@pytest.mark.parametrize(("text", "expected"), HEADINGS, ids=[h[0] or "empty" for h in HEADINGS])
def test_is_reference_heading(text: str, expected: bool) -> None:
    assert is_reference_heading(text) is expected
