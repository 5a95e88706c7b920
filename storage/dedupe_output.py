"""The dedupe report as JSON (one document) and CSV (one row per cluster member)."""

from __future__ import annotations

import csv
import json
from typing import Any, TextIO

from storage.dedupe_report import DedupeReport

CSV_COLUMNS = ("cluster_id", "kind", "similarity", "cluster_size", "cluster_sites",
               "url", "site", "title", "published")


def report_dict(report: DedupeReport) -> dict[str, Any]:
    """The report as JSON-ready data:
    ``{"clusters": [{"id", "kind", "similarity", "size", "sites", "articles":
    [{"url", "site", "title", "published"}]}], "reused_sentences": [{"sentence",
    "articles", "copies", "sites", "urls"}], "summary", "settings", "index"}``."""
    return {
        "clusters": [
            {
                "id": number,
                "kind": cluster.kind,
                "similarity": cluster.similarity,
                "size": len(cluster.members),
                "sites": cluster.sites,
                "articles": [
                    {"url": m.url, "site": m.site, "title": m.title, "published": m.published}
                    for m in cluster.members
                ],
            }
            for number, cluster in enumerate(report.clusters, start=1)
        ],
        "reused_sentences": [
            {"sentence": s.sentence, "articles": s.articles, "copies": s.copies, "sites": s.sites,
             "urls": list(s.urls)}
            for s in report.reused
        ],
        "summary": {**report.summary, "cluster_sizes": {str(k): v for k, v in report.summary["cluster_sizes"].items()}},
        "settings": report.settings,
        "index": report.index,
    }


def write_json(report: DedupeReport, out: TextIO) -> None:
    json.dump(report_dict(report), out, ensure_ascii=False, indent=1)
    out.write("\n")


def write_csv(report: DedupeReport, out: TextIO) -> None:
    """One row per (cluster, article), clusters in report order."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for number, cluster in enumerate(report.clusters, start=1):
        for m in cluster.members:
            writer.writerow([number, cluster.kind, cluster.similarity, len(cluster.members), cluster.sites,
                             m.url, m.site, m.title, m.published or ""])
