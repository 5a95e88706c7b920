"""Extraction quality: healtharchive against its peers on the labelled pages.

In one invocation, every labelled page (``tests/fixtures/pages/<family>/<name>.json`` and
the example site's ``tests/fixtures/example_site/expected.json``) is run through:

- **healtharchive**: ``process_page`` with the label's url and fetched_at;
- **trafilatura** (plain): ``extract(html, url=url, include_comments=False)`` for the text
  and ``extract_metadata(html, default_url=url)`` for title (``title``), published
  (``date``, original date, day only), category (first of ``categories``), tags
  (``tags``) and author names (``author`` split at ``;``). It has no updated date,
  language, roles, sections, references, links or flags;
- **htmldate**: ``find_date(html, original_date=True)`` as published and
  ``original_date=False`` as updated (day only);
- **news-please**: ``NewsPlease.from_html(html, url=url, fetch_images=False)``: maintext,
  title, authors, date_publish, date_modify, language. Its dates carry no offset: a
  midnight value is written as a day, any other as a timestamp without offset.

Both date-reading peers get ``max_date`` = the label's fetch day. Every field is scored for
every tool that produces it ("-" where it does not); a tool that raises or times out on a
page scores that page as empty and is counted. Field figures are over article pages,
micro-averaged (see ``bench/scoring.py``); bag-of-words P/R/F1 are means over the pages
whose label has a full reference ``text`` (the example site's). Extraction cost is the
median over pages of the fastest of ``--rounds`` runs, measured in this process.

``--zyte`` adds the 181-page Zyte article-extraction benchmark, scored with its own
shingle metric (``bench/zyte.py``). Run by hand:

    python bench/quality.py [--source corpus|site|all] [--families a,b] [--limit N]
                            [--zyte] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script: make the bench package importable
    sys.path.insert(0, str(REPO))

from bench.peers import (  # noqa: E402
    TOOL_FIELDS,
    TOOLS,
    guarded,
    quiet,
    time_bare_trafilatura,
    time_process_page,
)
from bench.scoring import (  # noqa: E402
    Tally,
    author_counts,
    bag_of_words_prf,
    exact_match,
    flag_counts,
    leaks,
    multiset_counts,
    must_contain_found,
    reference_counts,
    same_day,
    section_counts,
)

PAGES = REPO / "tests" / "fixtures" / "pages"
SITE_LABELS = REPO / "tests" / "fixtures" / "example_site" / "expected.json"
SITE = REPO / "examples" / "site"
SITE_FETCHED_AT = "2026-11-20T12:00:00+00:00"
EXACT_FIELDS = ("title", "published", "updated", "category", "language", "tags", "kind")


@dataclass(frozen=True)
class LabelledPage:
    source: str  # "corpus" or "site"
    family: str
    name: str
    url: str
    fetched_at: datetime
    html_path: Path
    label: dict[str, Any]  # "kind": None for a page that must not be archived

    @property
    def is_article(self) -> bool:
        return self.label.get("kind") is not None


def corpus_pages() -> list[LabelledPage]:
    pages = []
    for path in sorted(PAGES.glob("*/*.json")):
        meta = json.loads(path.read_text(encoding="utf-8"))
        pages.append(LabelledPage("corpus", path.parent.name, f"{path.parent.name}/{path.stem}",
                                  meta["url"], datetime.fromisoformat(meta["fetched_at"]),
                                  path.with_suffix(".html"), meta["expected"]))
    return pages


def site_pages() -> list[LabelledPage]:
    labels = json.loads(SITE_LABELS.read_text(encoding="utf-8"))
    fetched_at = datetime.fromisoformat(SITE_FETCHED_AT)
    entries = [*labels["articles"].items(), *((p, {"kind": None}) for p in labels["non_articles"])]
    pages = []
    for path, label in entries:
        family = f"site/{label.get('template') or label.get('kind') or 'listing'}"
        pages.append(LabelledPage("site", family, path, labels["origin"] + path, fetched_at,
                                  SITE / path.strip("/") / "index.html", label))
    return pages


def select_pages(source: str, families: set[str] | None, limit: int | None) -> list[LabelledPage]:
    pages = (corpus_pages() if source in ("corpus", "all") else []) + (
        site_pages() if source in ("site", "all") else [])
    if families:
        pages = [p for p in pages if p.family in families or p.family.split("/")[0] in families]
    return pages[:limit] if limit else pages


@dataclass
class ToolResult:
    tally: Tally = field(default_factory=Tally)
    bow: list[tuple[float, float, float]] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    flags: set[str] = field(default_factory=set)


def score_article(pred: dict[str, Any], label: dict[str, Any], result: ToolResult) -> None:
    """Add one article page's comparison to the tool's tally (all fields; the table
    hides the ones the tool does not produce)."""
    tally = result.tally
    text = pred.get("text") or ""
    tally.add("text.must_contain", *must_contain_found(text, label.get("must_contain", [])))
    if label.get("must_not_contain"):
        tally.add("text.leaks", leaks(text, label["must_not_contain"]))
    if label.get("text"):
        result.bow.append(bag_of_words_prf(text, label["text"]))
    for key in EXACT_FIELDS:
        if key in label:
            tally.add(key, exact_match(pred.get(key), label[key]))
    for key in ("published", "updated"):
        if key in label:
            tally.add(f"{key}.day", same_day(pred.get(key), label[key]))
    if "authors" in label:
        tally.merge(author_counts(pred.get("authors") or [], label["authors"]))
    if "section_headings" in label:
        tally.merge(section_counts(pred.get("sections") or [], label["section_headings"],
                                   label.get("section_kinds")))
    if "references" in label:
        tally.merge(reference_counts(pred.get("references") or [], label["references"]))
    if "affiliate_links" in label:
        tally.add_prf("affiliate_links", *multiset_counts(pred.get("affiliate_links") or [],
                                                          label["affiliate_links"]))
    if "flags" in label:
        for flag, counts in flag_counts(pred.get("flags") or [], label["flags"]).items():
            result.flags.add(flag)
            tally.add_prf(f"flags.{flag}", *counts)


def run_corpus(pages: list[LabelledPage], *, timeout: float) -> dict[str, ToolResult]:
    results = {name: ToolResult() for name in TOOLS}
    for page in pages:
        body = page.html_path.read_bytes()
        for name, tool in TOOLS.items():
            pred, _, error = guarded(tool, body, page.url, page.fetched_at, timeout=timeout)
            result = results[name]
            if error:
                result.errors[error] += 1
            if not page.is_article:
                result.tally.add("rejected_non_articles", bool(pred.get("rejected")))
                continue
            result.tally.add("archived_articles", not pred.get("rejected") and not error)
            score_article(pred, page.label, result)
    return results


def run_timing(pages: list[LabelledPage], rounds: int) -> dict[str, float]:
    """Median ms per article page, fastest of ``rounds`` runs per page, tools alternating."""
    best: dict[str, list[float]] = {"healtharchive": [], "trafilatura": []}
    for page in (p for p in pages if p.is_article):
        body = page.html_path.read_bytes()
        runs = [(time_process_page(body, page.url, page.fetched_at), time_bare_trafilatura(body, page.url))
                for _ in range(rounds)]
        best["healtharchive"].append(min(r[0] for r in runs))
        best["trafilatura"].append(min(r[1] for r in runs))
    medians = {k: statistics.median(v) if v else 0.0 for k, v in best.items()}
    medians["ratio"] = medians["healtharchive"] / medians["trafilatura"] if medians["trafilatura"] else 0.0
    return medians


# -- the table -------------------------------------------------------------------------

# (label, tally key or special, field a tool must produce to be scored, style)
ROWS: list[tuple[str, str, str, str]] = [
    ("body bag-of-words P (mean)", "bow.0", "text", "mean"),
    ("body bag-of-words R (mean)", "bow.1", "text", "mean"),
    ("body bag-of-words F1 (mean)", "bow.2", "text", "mean"),
    ("must_contain sentences found", "text.must_contain", "text", "ratio"),
    ("boilerplate leakage (pages leaking)", "text.leaks", "text", "count"),
    ("title exact", "title", "title", "ratio"),
    ("published exact", "published", "published", "ratio"),
    ("published same day", "published.day", "published", "ratio"),
    ("updated exact", "updated", "updated", "ratio"),
    ("updated same day", "updated.day", "updated", "ratio"),
    ("category exact", "category", "category", "ratio"),
    ("language exact", "language", "language", "ratio"),
    ("tags exact", "tags", "tags", "ratio"),
    ("kind exact (article/glossary)", "kind", "kind", "ratio"),
    ("author names P", "authors.name.p", "authors", "ratio"),
    ("author names R", "authors.name.r", "authors", "ratio"),
    ("author role acc (matched)", "authors.role", "authors.role", "ratio"),
    ("author bio acc (matched)", "authors.bio", "authors.bio", "ratio"),
    ("author relation acc (matched)", "authors.relation", "authors.relation", "ratio"),
    ("section headings sequence exact", "sections.headings", "sections", "ratio"),
    ("section kind acc (per label section)", "sections.kind", "sections", "ratio"),
    ("references P", "references.p", "references", "ratio"),
    ("references R", "references.r", "references", "ratio"),
    ("reference title acc (matched)", "references.title", "references", "ratio"),
    ("reference year acc (matched)", "references.year", "references", "ratio"),
    ("reference DOI acc (matched)", "references.doi", "references", "ratio"),
    ("reference PMID acc (matched)", "references.pmid", "references", "ratio"),
    ("affiliate links P", "affiliate_links.p", "affiliate_links", "ratio"),
    ("affiliate links R", "affiliate_links.r", "affiliate_links", "ratio"),
]
TAIL_ROWS = [
    ("articles archived (not rejected)", "archived_articles", "kind", "count"),
    ("non-articles correctly rejected", "rejected_non_articles", "kind", "count"),
]


def build_rows(results: dict[str, ToolResult]) -> list[dict[str, Any]]:
    flags = sorted(set().union(*(r.flags for r in results.values())))
    flag_rows = [(f"flag {f} {pr.upper()}", f"flags.{f}.{pr}", "flags", "ratio")
                 for f in flags for pr in ("p", "r")]
    rows = []
    for label, key, needs, style in [*ROWS, *flag_rows, *TAIL_ROWS]:
        values: dict[str, Any] = {}
        n = None
        for name, result in results.items():
            if needs not in TOOL_FIELDS[name]:
                values[name] = None
                continue
            if style == "mean":
                column = [page[int(key[-1])] for page in result.bow]
                values[name] = statistics.fmean(column) if column else None
                n = len(column)
                continue
            n_key = key[:-2] + ".r" if key.endswith(".p") else key
            n = n if n is not None else result.tally.totals[n_key]
            values[name] = list(result.tally.count(key)) if style == "count" else result.tally.value(key)
        rows.append({"metric": label, "n": n, "values": values})
    rows.append({"metric": "tool errors/timeouts (pages)", "n": None,
                 "values": {name: sum(r.errors.values()) for name, r in results.items()}})
    return rows


def format_value(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return f"{value[0]}/{value[1]}"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def render_table(report: dict[str, Any]) -> str:
    tools = list(TOOLS)
    width = max(len(r["metric"]) for r in report["rows"]) + 2
    head = f"{'metric':<{width}}{'n':>6}  " + "".join(f"{t:>15}" for t in tools)
    lines = [f"pages: {report['pages']}", head, "-" * len(head)]
    for row in report["rows"]:
        n = "" if row["n"] is None else str(row["n"])
        lines.append(f"{row['metric']:<{width}}{n:>6}  "
                     + "".join(f"{format_value(row['values'][t]):>15}" for t in tools))
    timing = report.get("timing")
    if timing:
        lines.append(f"{'extraction ms/page (median)':<{width}}{timing['pages']:>6}  "
                     f"{timing['healtharchive']:>15.1f}{timing['trafilatura']:>15.1f}"
                     f"   ratio {timing['ratio']:.2f}x (trafilatura: bare_extraction with metadata)")
    if report.get("zyte"):
        from bench.zyte import render_zyte
        lines += ["", *render_zyte(report["zyte"])]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", choices=["corpus", "site", "all"], default="all")
    parser.add_argument("--families", help="comma-separated families (corpus dirs; site/<template>)")
    parser.add_argument("--limit", type=int, help="first N pages only (also for --zyte)")
    parser.add_argument("--zyte", action="store_true", help="add the Zyte benchmark (181 pages)")
    parser.add_argument("--workers", type=int, default=2, help="processes for --zyte")
    parser.add_argument("--rounds", type=int, default=3, help="timing runs per page")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per tool and page")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    quiet()
    families = set(args.families.split(",")) if args.families else None
    pages = select_pages(args.source, families, args.limit)
    started = time.perf_counter()
    results = run_corpus(pages, timeout=args.timeout)
    articles = sum(p.is_article for p in pages)
    report: dict[str, Any] = {
        "pages": {"total": len(pages), "articles": articles, "non_articles": len(pages) - articles,
                  **Counter(p.source for p in pages)},
        "rows": build_rows(results),
        "errors": {name: dict(r.errors) for name, r in results.items()},
        "timing": {"pages": articles, **run_timing(pages, args.rounds)} if articles else None,
    }
    if args.zyte:
        from bench.zyte import run_zyte
        report["zyte"] = run_zyte(limit=args.limit, workers=args.workers, timeout=args.timeout)
    report["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, indent=1) if args.json else render_table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
