"""The Zyte article-extraction benchmark (181 pages, ``/work/shared/zyte-article-benchmark``
or ``$ZYTE_BENCHMARK``) run for ``bench/quality.py --zyte``.

Body text of each tool, scored with the benchmark's own shingle metric
(``bench.scoring.zyte_shingle_scores``):

- healtharchive: ``process_page`` on the decoded page with the ground-truth URL. A page it
  rejects (not an article) gets the text its extraction kept before the rejection; the
  ``strict`` row scores those pages as empty instead;
- trafilatura: ``extract(html)`` with default settings, with ``favor_precision=True``, and
  with ``include_comments=False`` (how the benchmark's own runner calls it);
- news-please: ``NewsPlease.from_html(html, url=url, fetch_images=False).maintext``.

Pages run in a process pool; each tool's time is measured around its own call inside the
worker, so all tools share the same load.
"""

from __future__ import annotations

import gzip
import json
import os
import statistics
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.peers import guarded, healtharchive_text, quiet, run_news_please
from bench.scoring import zyte_shingle_scores

BENCHMARK = Path(os.environ.get("ZYTE_BENCHMARK", "/work/shared/zyte-article-benchmark"))
FETCHED_AT = datetime.fromisoformat("2026-11-20T12:00:00+00:00")
ZYTE_TOOLS = ("healtharchive", "healtharchive strict", "trafilatura",
              "trafilatura favor_precision", "trafilatura no comments", "news-please")


def _healtharchive(body: bytes, url: str | None, fetched_at: datetime) -> dict[str, Any]:
    text, outcome = healtharchive_text(body, url or "", fetched_at)
    return {"text": text, "outcome": outcome}


def _trafilatura(body: bytes, url: str | None, fetched_at: datetime) -> dict[str, Any]:
    import trafilatura
    return {"text": trafilatura.extract(body.decode("utf-8")) or ""}


def _trafilatura_precision(body: bytes, url: str | None, fetched_at: datetime) -> dict[str, Any]:
    import trafilatura
    return {"text": trafilatura.extract(body.decode("utf-8"), favor_precision=True) or ""}


def _trafilatura_no_comments(body: bytes, url: str | None, fetched_at: datetime) -> dict[str, Any]:
    import trafilatura
    return {"text": trafilatura.extract(body.decode("utf-8"), include_comments=False) or ""}


RUNNERS = {
    "healtharchive": _healtharchive,
    "trafilatura": _trafilatura,
    "trafilatura favor_precision": _trafilatura_precision,
    "trafilatura no comments": _trafilatura_no_comments,
    "news-please": run_news_please,
}


def run_one(item: tuple[str, str, float]) -> dict[str, Any]:
    """One page through every tool (in a worker): texts, ms and errors per tool."""
    page_id, url, timeout = item
    quiet()
    with gzip.open(BENCHMARK / "html" / f"{page_id}.html.gz", "rb") as fh:
        body = fh.read()
    out: dict[str, Any] = {"id": page_id}
    for name, runner in RUNNERS.items():
        record, ms, error = guarded(runner, body, url, FETCHED_AT, timeout=timeout)
        out[name] = {"text": record.get("text") or "", "ms": ms, "error": error,
                     "outcome": record.get("outcome")}
    ha = out["healtharchive"]
    archived = ha["outcome"] == "archived"
    out["healtharchive strict"] = {"text": ha["text"] if archived else "", "ms": ha["ms"],
                                   "error": ha["error"], "outcome": ha["outcome"]}
    return out


def run_zyte(*, limit: int | None = None, workers: int = 2, timeout: float = 60.0) -> dict[str, Any]:
    truth = json.loads((BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[:limit] if limit else sorted(truth)
    items = [(i, truth[i].get("url") or "", timeout) for i in ids]
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            pages = list(pool.map(run_one, items, chunksize=2))
    else:
        pages = [run_one(item) for item in items]
    tools: dict[str, Any] = {}
    for name in ZYTE_TOOLS:
        pairs = [(p[name]["text"], truth[p["id"]].get("articleBody") or "") for p in pages]
        scores = zyte_shingle_scores(pairs)
        tools[name] = {
            **scores,
            "empty": sum(1 for p in pages if not p[name]["text"].strip()),
            "errors": dict(Counter(p[name]["error"] for p in pages if p[name]["error"])),
            "median_ms": statistics.median(p[name]["ms"] for p in pages) if pages else 0.0,
        }
    outcomes = Counter((p["healtharchive"]["outcome"] or "error").split(":", 1)[0] for p in pages)
    reasons = Counter(p["healtharchive"]["outcome"].split(":", 1)[1] for p in pages
                      if (p["healtharchive"]["outcome"] or "").startswith("rejected:"))
    return {"pages": len(pages), "workers": workers, "tools": tools,
            "healtharchive_outcomes": dict(outcomes), "healtharchive_rejections": dict(reasons)}


def render_zyte(zyte: dict[str, Any]) -> list[str]:
    head = (f"{'Zyte benchmark (' + str(zyte['pages']) + ' pages)':<30}{'precision':>10}{'recall':>10}"
            f"{'F1':>10}{'empty':>8}{'errors':>8}{'ms/page':>10}")
    lines = [head, "-" * len(head)]
    for name, t in zyte["tools"].items():
        lines.append(f"{name:<30}{t['precision']:>10.3f}{t['recall']:>10.3f}{t['f1']:>10.3f}"
                     f"{t['empty']:>8}{sum(t['errors'].values()):>8}{t['median_ms']:>10.1f}")
    rejected = zyte["healtharchive_rejections"]
    lines.append(f"healtharchive outcomes: {zyte['healtharchive_outcomes']}; rejections: "
                 f"{dict(sorted(rejected.items()))} (scored with the text kept before rejecting; "
                 f"'strict' scores them empty); {zyte['workers']} worker processes, ms/page is "
                 "the median of each tool's own call")
    return lines
