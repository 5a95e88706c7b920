"""Reference-list entries: the entry as shown plus its title, year, URL, DOI and PMID.

Titles are read by citation style, in this order: a quoted segment ("...", “...”,
«...», „...“); APA/Harvard (``Authors (2019). Title. Journal``); Vancouver/AMA
(``Smith J, Doe A. Title. J Appl Physiol. 2013;115(3):1-9.``); an organisation as
author (``Mayo Clinic. Title. URL``); else the first sentence. Link-text noise such as
"View Study →", "[PubMed]" or "[Google Scholar]" is ignored for the title and kept in
``text``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import unquote

from pipelines.records import Reference

_DOI_RE = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)
_PMID_URL_RE = re.compile(
    r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/(?:\?term=)?"
    r"|europepmc\.org/(?:article|abstract)/MED/)(\d{1,9})\b",
    re.IGNORECASE,
)
_PMID_TEXT_RE = re.compile(r"\bPMID\s*:?\s*(\d{1,9})\b", re.IGNORECASE)
_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
_YEAR = r"(?:19|20)\d{2}"
_MONTH_ABBR = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_PAREN_YEAR_RE = re.compile(rf"\(({_YEAR})[a-z]?(?:,[^)]*)?\)")
_VANCOUVER_YEAR_RE = re.compile(rf"(?<![\d\-–/])({_YEAR})(?:\s+{_MONTH_ABBR}(?:\s+\d{{1,2}})?)?"
                                r"\s*;|(?<![\d\-–/])(" + _YEAR + rf")\s+{_MONTH_ABBR}")
_LONE_YEAR_RE = re.compile(rf"(?<![\d\-–/.:])\b({_YEAR})\b(?![\-–/]\d|\.\d)")
_NOISE_RE = re.compile(
    r"\s*(?:\[(?:PubMed|PMC free article|Google Scholar|CrossRef|Crossref|Ref list|DOI|"
    r"Free full text|Full text|Abstract|Link|Internet)\]"
    r"|\b(?:View|Read|See|Ver|Voir|Lire)\s+(?:the\s+)?(?:study|article|abstract|source|"
    r"full\s+text|paper|research|more|estudio|artículo|l'étude|l'article|plus)\b\s*[→›»↗]?"
    r"|\bStudie\s+ansehen\b|\bRead more\b|\bLink\b\s*[→›»↗]?|[→›»↗⇗]"
    r"|\s[-|–]\s*(?:PubMed|PMC|NCBI|NIH|ScienceDirect|Google Scholar)\b)",
    re.IGNORECASE,
)
_STRIP_FOR_TITLE_RE = re.compile(
    r"\b(?:doi\s*:?\s*|https?://(?:dx\.)?doi\.org/)10\.\S+|https?://\S+|www\.\S+"
    r"|\bPMID\s*:?\s*\d+\.?|\bPMCID\s*:?\s*PMC\d+\.?|\bPMC\d{4,}\.?"
    r"|\b(?:Available (?:at|from|online)|Retrieved (?:from|on)|Accessed(?: on)?|"
    r"Consultado(?: el)?|Consulté le|Abgerufen am)\b[^.]*\.?|\[Internet\]",
    re.IGNORECASE,
)
_ACCESSED_RE = re.compile(
    r"\b(?:Accessed(?: on)?|Retrieved(?: on)?|Consultado(?: el)?|Consulté le|Abgerufen am)"
    r"\b[^.;]*", re.IGNORECASE)
# A link shown as its bare domain ("who.int", "canada.ca") is not part of the title.
_BARE_DOMAIN_RE = re.compile(
    r"(?<![\w@/])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|gov|edu|int|ca|uk|fr|es|de|mx|au|io|info|"
    r"nz|ie|it|nl|ch|be|at|in)(?:/\S*)?(?=[\s.,;]|$)")
_ENUMERATOR_RE = re.compile(r"^\s*(?:\[\d+\]|\d{1,3}[.)]|[\^↑])\s*")
_QUOTED_RE = re.compile(r"\"([^\"]{3,})\"|“([^”]{3,})”|«\s*([^»]{3,}?)\s*»|„([^“”]{3,})[“”]"
                        r"|‘([^’]{8,})’")
_APA_RE = re.compile(
    rf"^(?P<authors>.+?)\s*\((?:{_YEAR}[a-z]?|n\.\s?d\.)(?:,[^)]*)?\)\.?\s*(?P<rest>.*)$")
_SURNAME = r"(?:(?:van|von|de|der|del|da|di|le|la|du|dos|ten|ter|el|al)\s+)*[A-Z][^\s,.;]*"
_VANC_AUTHOR = rf"{_SURNAME}(?:[ -][A-Z][^\s,.;]*)*\s+[A-Z]{{1,4}}"
_VANCOUVER_RE = re.compile(
    rf"^{_VANC_AUTHOR}(?:,\s*{_VANC_AUTHOR})*(?:,?\s*et\s+al)?\.\s+(?P<rest>.+)$")
_SENTENCE_END_RE = re.compile(r"(?<=[.?!])\s+(?=[\"“(\[A-Z0-9ÁÉÍÓÚÄÖÜ])")
_ABBREVIATIONS = ("et al.", "vs.", "e.g.", "i.e.", "no.", "vol.", "pp.", "dr.", "st.",
                  "inc.", "u.s.", "etc.")
_ORG_WORDS = frozenset({
    "clinic", "institute", "organization", "organisation", "association", "society", "center",
    "centre", "college", "academy", "department", "agency", "foundation", "university",
    "hospital", "service", "services", "ministry", "council", "board", "nh", "cdc", "who",
    "nih", "fda", "nice", "niddk", "nccih", "administration", "health", "office", "committee",
    "commission", "national", "network", "alliance", "federation", "program", "programme",
    "authority", "panel", "taskforce", "cochrane", "usda", "hhs", "nhs", "aha", "acog", "aap",
    "government", "bureau", "registry", "consortium", "collaboration", "mayo",
    # es / fr / de
    "organización", "sociedad", "société", "instituto", "institut", "ministerio", "ministère",
    "ministerium", "secretaría", "asociación", "fundación", "fondation", "colegio", "collège",
    "universidad", "université", "universität", "hôpital", "centro", "clínica", "clinique",
    "agencia", "agence", "consejo", "conseil", "santé", "salud", "sanidad", "gesundheit",
    "gesellschaft", "bundesamt", "haute", "autorité", "agenzia", "istituto", "ministero", "società",
    "group", "investigators", "collaborators", "study",
})
_HEADINGS = frozenset("""
references|reference|scientific references|medical references|article sources|sources
|source|citations|citation|bibliography|works cited|studies cited|literature cited|research
|research sources|literature|sources and references|references and sources|key references
|selected references|cited sources|scientific sources|study sources|sources cited
|references and further reading|notes and references|footnotes
|referencias|referencias bibliograficas|fuentes|fuentes consultadas|bibliografia
|fuentes y referencias|references bibliographiques|bibliographie|sources et references
|quellen|quellenangaben|literatur|literaturverzeichnis|quellen und literatur
""".replace("\n", "").split("|"))


def parse_reference(text: str, *, url: str | None = None, links: Sequence[str] = ()) -> Reference:
    """One reference-list entry (its visible text and its link hrefs) to a ``Reference``.

    ``url`` is the entry's link when the caller knows it, else the first of ``links``,
    else a URL written in the text; only absolute http(s) URLs are kept (the caller
    resolves relative hrefs first).
    """
    shown = " ".join((text or "").split())
    candidates = [u for u in (url, *links) if u]
    doi = extract_doi(shown) or next(filter(None, map(extract_doi, candidates)), None)
    pmid = extract_pmid(shown) or next(filter(None, map(extract_pmid, candidates)), None)
    return Reference(
        text=shown,
        title=_title(shown),
        year=_year(shown),
        url=_first_http(candidates) or _first_http(
            [u.rstrip(".,;)]") for u in _URL_RE.findall(shown)]),
        doi=doi,
        pmid=pmid,
    )


def extract_doi(text: str) -> str | None:
    """The first DOI in a text or URL (``doi:``, ``doi.org/``, a publisher's ``/doi/``
    path), bare and lower case, without trailing punctuation or an unbalanced bracket."""
    if not text:
        return None
    match = _DOI_RE.search(unquote(text) if "%2" in text.upper() else text)
    if match is None:
        return None
    doi = re.split(r"[?#]|&(?:amp;)?\w+=", match.group(1))[0]
    while doi:
        last = doi[-1]
        if last in ".,;:'\"”’»>" or (last in ")]}" and _unbalanced(doi, last)):
            doi = doi[:-1]
        else:
            break
    doi = re.sub(r"/(?:full|abstract|pdf|epdf|html)$", "", doi, flags=re.IGNORECASE)
    return doi.lower() if "/" in doi and len(doi.split("/", 1)[1]) > 0 else None


def extract_pmid(text: str) -> str | None:
    """The PubMed id from a PubMed/Europe PMC link or a "PMID: 12345678" (not a PMCID)."""
    if not text:
        return None
    match = _PMID_URL_RE.search(text) or _PMID_TEXT_RE.search(text)
    return match.group(1) if match else None


def is_reference_heading(text: str) -> bool:
    """Whether a heading introduces a reference list ("References", "Sources (12)",
    "7 Sources", "Referencias", "Références :", "Quellen"); "Further reading" does not."""
    plain = _fold(" ".join((text or "").split()))
    plain = re.sub(r"^(?:[\divxlc]+[.)]|\d+|#+)\s+", "", plain)
    plain = re.sub(r"\s*(?:\(\d+\)|\[\d+\])$", "", plain).strip(" :.-–—")
    plain = plain.replace("&", "and")
    return plain in _HEADINGS


def _title(shown: str) -> str | None:
    quoted = _QUOTED_RE.search(shown)
    if quoted is not None:
        return _clean_title(next(g for g in quoted.groups() if g))
    body = _NOISE_RE.sub(" ", _ENUMERATOR_RE.sub("", shown))
    body = _STRIP_FOR_TITLE_RE.sub(" ", _URL_RE.sub(" ", body))
    body = _BARE_DOMAIN_RE.sub(" ", body)
    body = " ".join(body.split()).strip(" ,;")
    if not body:
        return None
    apa = _APA_RE.match(body)
    if apa is not None:
        authors, rest = apa["authors"], apa["rest"]
        if _looks_like_apa_authors(authors):
            return _clean_title(_first_sentence(rest)) if rest else None
        parts = _sentences(authors)
        if len(parts) > 1 and _is_organisation(parts[0]):
            return _clean_title(" ".join(parts[1:]))  # "Org. Title (2022)."
        return _clean_title(authors)
    vancouver = _VANCOUVER_RE.match(body)
    if vancouver is not None:
        return _clean_title(_first_sentence(vancouver["rest"]))
    sentences = _sentences(body)
    if len(sentences) > 1 and _is_organisation(sentences[0]) and not _is_journalish(
            sentences[1]):
        return _clean_title(sentences[1])
    return _clean_title(sentences[0])


def _year(shown: str) -> int | None:
    body = _ACCESSED_RE.sub(" ", _URL_RE.sub(" ", shown))
    body = re.sub(r"\b10\.\d{4,9}/\S+|\bPMID\s*:?\s*\d+|\bPMC\d+", " ", body, flags=re.I)
    for pattern in (_PAREN_YEAR_RE, _VANCOUVER_YEAR_RE, _LONE_YEAR_RE):
        match = pattern.search(body)
        if match is not None:
            return int(next(g for g in match.groups() if g))
    return None


def _looks_like_apa_authors(segment: str) -> bool:
    segment = segment.strip(" ,")
    if re.search(r"(?:\b[A-Z]\.|et al\.?|&|\band\b)$", segment) or re.search(
            r",\s*(?:[A-Z]\.\s*)+(?:,|&|$)", segment):
        return True
    words = segment.split()
    return 0 < len(words) <= 8 and all(
        w[0].isupper() or w.lower() in {"of", "for", "and", "the", "on", "de", "y", "et", "la", "le",
                                         "les", "del", "des", "du", "der", "die", "und", "für", "el", "los"}
        for w in words) and _is_organisation(segment)


def _is_organisation(segment: str) -> bool:
    words = {w.strip(".,()").lower().removesuffix("s") for w in segment.split()}
    return len(segment.split()) <= 16 and bool(words & _ORG_WORDS)


def _is_journalish(sentence: str) -> bool:
    if re.match(rf"^{_YEAR}\s+[A-Z][a-z]", sentence) and not re.match(rf"^{_YEAR}\s+{_MONTH_ABBR}", sentence):
        return False  # "2018 Physical Activity Guidelines ...": a title that starts with a year
    return bool(re.match(rf"^(?:{_YEAR}|\d|https?:|www\.|doi)", sentence, re.IGNORECASE))


def _sentences(body: str) -> list[str]:
    parts: list[str] = []
    current = ""
    for piece in _SENTENCE_END_RE.split(body):
        current = f"{current} {piece}" if current else piece
        tail = current.lower().rsplit(" ", 1)[-1]
        if tail in _ABBREVIATIONS or re.fullmatch(r"[A-Z]\.", current.rsplit(" ", 1)[-1]):
            continue
        parts.append(current)
        current = ""
    if current:
        parts.append(current)
    return parts or [body]


def _first_sentence(text: str) -> str:
    return _sentences(text)[0] if text else text


def _clean_title(raw: str) -> str | None:
    title = " ".join(raw.split()).strip(" \"'“”‘’«»„,;:")
    title = re.sub(r"\s*[.,]+$", "", title).strip()
    title = re.sub(r"(?:\s*\[[^\]]*\])+$", "", title).strip()  # "[Internet]", "[nota descriptiva]"
    title = re.sub(r"\s*[.,]+$", "", title).strip()
    if len(title) < 4 or not re.search(r"[^\W\d_]{2}", title):
        return None
    return title


def _first_http(urls: Sequence[str]) -> str | None:
    for candidate in urls:
        value = candidate.strip()
        if value.startswith("//"):
            value = "https:" + value
        elif value.lower().startswith("www."):
            value = "https://" + value
        if value.lower().startswith(("http://", "https://")):
            return value
    return None


def _unbalanced(doi: str, closer: str) -> bool:
    opener = {")": "(", "]": "[", "}": "{"}[closer]
    return doi.count(closer) > doi.count(opener)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
