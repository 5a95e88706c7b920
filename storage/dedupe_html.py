"""The dedupe report as one self-contained HTML file.

No external assets: inline CSS, an inline SVG chart of cluster sizes, one small
inline script (a filter by kind) allowed by its hash in the page's Content
Security Policy and nothing else. Everything that comes from the archive (titles,
URLs, sites, texts) is untrusted and goes through ``html.escape``; only http(s)
URLs become links.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from difflib import SequenceMatcher
from html import escape

from storage.dedupe_clusters import Cluster
from storage.dedupe_report import DedupeReport
from storage.dedupe_text import split_sentences

DEFAULT_DIFFS = 100
MAX_DIFF_ROWS = 300
SIZE_BUCKETS = ((2, 2), (3, 3), (4, 4), (5, 5), (6, 10), (11, 20), (21, 50), (51, None))

_SCRIPT = """
document.body.dataset.rendered = "1";
const pick = document.getElementById("kind-filter");
pick.addEventListener("change", () => {
  for (const section of document.querySelectorAll("section.cluster")) {
    section.hidden = pick.value !== "all" && section.dataset.kind !== pick.value;
  }
});
"""
_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
.counts{display:flex;gap:1.5em;flex-wrap:wrap}.counts div{background:#f4f6f8;padding:.6em 1em;border-radius:6px}
.counts b{display:block;font-size:1.4em}section.cluster{border:1px solid #ccd;border-radius:6px;padding:.5em 1em;margin:1em 0}
.kind{font-weight:bold;text-transform:uppercase;font-size:.8em;padding:1px 6px;border-radius:4px;color:#fff}
.kind-exact{background:#b03030}.kind-near{background:#c07010}.kind-title{background:#3060a0}
table.diff td{width:50%;font-size:.92em}td.del{background:#fde8e8}td.ins{background:#e6f6e6}
td.same{color:#666}.url{word-break:break-all;font-size:.9em}svg text{font-size:11px;fill:#333}
"""


def _csp() -> str:
    digest = base64.b64encode(hashlib.sha256(_SCRIPT.encode("utf-8")).digest()).decode("ascii")
    return f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; img-src data:"


def render_html(report: DedupeReport, texts: Mapping[int, str], *, diffs: int = DEFAULT_DIFFS) -> str:
    """The page. ``texts`` maps version ids to texts, for the side-by-side diffs of
    the first ``diffs`` clusters (their ``most_different`` versions)."""
    summary = report.summary
    counts = summary["clusters"]
    parts = [
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{escape(_csp())}\">",
        "<title>healtharchive dedupe report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Duplicates in the archive</h1>",
        "<div class=\"counts\">",
        *(f"<div><b>{value}</b>{escape(label)}</div>" for label, value in (
            ("live articles", summary["articles"]), ("exact clusters", counts["exact"]),
            ("near-duplicate clusters", counts["near"]), ("title clusters", counts["title"]),
            ("articles in clusters", summary["articles_in_clusters"]),
            ("reused sentences", summary["reused_sentences"]))),
        "</div>",
        f"<p>{escape(_settings_line(report.settings))}</p>",
        "<h2>Cluster sizes</h2>",
        size_chart(summary.get("cluster_sizes", {})),
        _cluster_sections(report.clusters, texts, diffs, summary),
        _reused_table(report),
        f"<script>{_SCRIPT}</script></body></html>\n",
    ]
    return "\n".join(parts)


def _settings_line(settings: Mapping[str, object]) -> str:
    site = f", site {settings['site']}" if settings.get("site") else ""
    return (f"Near-duplicates: Jaccard similarity >= {settings['threshold']} over "
            f"{settings['shingle_size']}-word shingles (MinHash {settings['num_perm']} permutations, "
            f"LSH {settings['bands']} bands x {settings['rows']} rows); cluster similarity is the "
            f"{settings['similarity']}. Reused sentences: in at least {settings['min_articles']} "
            f"articles{site}.")


def size_chart(sizes: Mapping[int, int]) -> str:
    """An SVG bar chart of how many clusters have each size (bucketed)."""
    bars = []
    for low, high in SIZE_BUCKETS:
        count = sum(n for size, n in sizes.items() if size >= low and (high is None or size <= high))
        label = str(low) if low == high else (f"{low}+" if high is None else f"{low}-{high}")
        bars.append((label, count))
    tallest = max((count for _, count in bars), default=0) or 1
    width, height, bar = 60 * len(bars) + 40, 220, 40
    shapes = [f"<svg id=\"cluster-sizes\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" "
              f"height=\"{height}\" viewBox=\"0 0 {width} {height}\"><title>Clusters by number of articles</title>",
              f"<line x1=\"30\" y1=\"190\" x2=\"{width - 5}\" y2=\"190\" stroke=\"#999\"/>"]
    for i, (label, count) in enumerate(bars):
        h = round(160 * count / tallest)
        x = 40 + 60 * i
        shapes.append(f"<rect class=\"bar\" x=\"{x}\" y=\"{190 - h}\" width=\"{bar}\" height=\"{h}\" fill=\"#c07010\">"
                      f"<title>{count} clusters of {label} articles</title></rect>")
        shapes.append(f"<text x=\"{x + bar // 2}\" y=\"{185 - h}\" text-anchor=\"middle\">{count}</text>")
        shapes.append(f"<text x=\"{x + bar // 2}\" y=\"205\" text-anchor=\"middle\">{label}</text>")
    shapes.append("</svg>")
    return "".join(shapes)


def _cluster_sections(clusters: Sequence[Cluster], texts: Mapping[int, str], diffs: int,
                      summary: Mapping[str, object]) -> str:
    total = sum(summary["clusters"].values())  # type: ignore[attr-defined]
    parts = ["<h2>Clusters</h2>",
             "<p><label>Show <select id=\"kind-filter\"><option value=\"all\">all kinds</option>"
             "<option value=\"exact\">exact</option><option value=\"near\">near</option>"
             "<option value=\"title\">title</option></select></label>"
             f" {len(clusters)} of {total} clusters listed, largest first.</p>"]
    for number, cluster in enumerate(clusters, start=1):
        parts.append(f"<section class=\"cluster\" data-kind=\"{cluster.kind}\" id=\"cluster-{number}\">")
        parts.append(f"<h3>#{number} <span class=\"kind kind-{cluster.kind}\">{cluster.kind}</span> "
                     f"{len(cluster.members)} articles on {cluster.sites} sites, similarity "
                     f"{cluster.similarity:.2f}</h3>")
        parts.append("<table><tr><th>title</th><th>site</th><th>published</th><th>url</th></tr>")
        for m in cluster.members:
            parts.append(f"<tr><td>{escape(m.title)}</td><td>{escape(m.site)}</td>"
                         f"<td>{escape(m.published or '')}</td><td class=\"url\">{_link(m.url)}</td></tr>")
        parts.append("</table>")
        pair = cluster.most_different
        if pair and number <= diffs and pair[0] in texts and pair[1] in texts:
            left, right = (next(m for m in cluster.members if m.version_id == v) for v in pair)
            parts.append(f"<p>Least alike: {_link(left.url)} and {_link(right.url)}</p>")
            parts.append(side_by_side(texts[pair[0]], texts[pair[1]]))
        parts.append("</section>")
    return "\n".join(parts)


def _link(url: str) -> str:
    if url.lower().startswith(("http://", "https://")):
        return f"<a href=\"{escape(url, quote=True)}\" rel=\"noreferrer noopener\">{escape(url)}</a>"
    return escape(url)


def side_by_side(left: str, right: str) -> str:
    """A two-column table of the texts' sentences: equal, changed, only on one side."""
    a, b = list(split_sentences(left)), list(split_sentences(right))
    rows = ["<table class=\"diff\">"]
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            pairs = [(x, x, "same", "same") for x in a[i1:i2]]
        else:
            olds, news = a[i1:i2], b[j1:j2]
            pairs = [(olds[k] if k < len(olds) else "", news[k] if k < len(news) else "", "del", "ins")
                     for k in range(max(len(olds), len(news)))]
        for old, new, old_class, new_class in pairs:
            if len(rows) > MAX_DIFF_ROWS:
                rows.append("<tr><td colspan=\"2\">(diff cut)</td></tr></table>")
                return "".join(rows)
            rows.append(f"<tr><td class=\"{old_class if old else ''}\">{escape(old)}</td>"
                        f"<td class=\"{new_class if new else ''}\">{escape(new)}</td></tr>")
    rows.append("</table>")
    return "".join(rows)


def _reused_table(report: DedupeReport) -> str:
    parts = ["<h2>Reused sentences</h2>",
             "<p>Counted once per story: copies of one article (a cluster) count as one article.</p>",
             "<table id=\"reused\"><tr><th>sentence</th><th>articles</th><th>sites</th><th>copies</th>"
             "<th>for example</th></tr>"]
    for s in report.reused:
        parts.append(f"<tr><td>{escape(s.sentence)}</td><td>{s.articles}</td><td>{s.sites}</td>"
                     f"<td>{s.copies}</td><td class=\"url\">{'<br>'.join(_link(u) for u in s.urls[:3])}</td></tr>")
    parts.append("</table>")
    return "\n".join(parts)
