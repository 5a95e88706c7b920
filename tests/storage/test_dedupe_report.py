"""Known duplicate clusters, reused sentences and report shapes (storage/dedupe_*.py)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from itertools import combinations

import pytest
from dedupe_samples import FARM, SITE, known_articles, save_articles
from sqlalchemy import insert, select, update
from storage_samples import at

from storage.dedupe_html import render_html
from storage.dedupe_output import CSV_COLUMNS, report_dict, write_csv, write_json
from storage.dedupe_report import DedupeOptions, ReportError, build_report, load_texts
from storage.dedupe_text import block_sha1, body_text, jaccard, shingle_hashes
from storage.models import Article, Site, SiteBoilerplate
from storage.writer import ArchiveWriter

NAMES = known_articles()


def urls(*names: str) -> set[str]:
    return {NAMES[n].url for n in names}


def clusters_of(report, kind: str) -> list[set[str]]:
    return [{m.url for m in c.members} for c in report.clusters if c.kind == kind]


@pytest.fixture
def known_report(archive_engine):
    save_articles(archive_engine, list(NAMES.values()))
    return build_report(archive_engine, DedupeOptions())


def test_the_known_rewrites_are_what_the_tests_claim():
    """Guard for the fixture: the rewrites sit near 0.3-0.8, the distractors far below."""
    sets = {name: shingle_hashes(body_text(a.text), 7) for name, a in NAMES.items()}
    assert 0.36 < jaccard(sets["sleep"], sets["sleep-rewrite-30"]) < 0.6
    assert jaccard(sets["sleep"], sets["sleep-rewrite-10"]) > 0.65
    distractors = [n for n in NAMES if n.startswith("distractor")] + ["sleep"]
    assert max(jaccard(sets[a], sets[b]) for a, b in combinations(distractors, 2)) < 0.15


def test_known_clusters(known_report):
    sleep_story = urls("sleep", "sleep-copy", "sleep-attributed", "sleep-rewrite-10", "sleep-rewrite-20",
                       "sleep-rewrite-30")
    assert clusters_of(known_report, "exact") == [urls("sleep", "sleep-copy")]
    assert sorted(clusters_of(known_report, "near"), key=len) == [
        urls("magnesium", "magnesium-rewrite-1", "magnesium-rewrite-2"), sleep_story]
    clustered = {url for kind in ("exact", "near") for group in clusters_of(known_report, kind) for url in group}
    assert not clustered & urls(*(n for n in NAMES if n.startswith("distractor")))
    near = next(c for c in known_report.clusters if c.kind == "near" and len(c.members) == 6)
    assert 0.3 <= near.similarity < 0.6  # the smallest pair: two of the rewrites or the 30% one
    assert near.most_different is not None
    assert known_report.summary["clusters"] == {"exact": 1, "near": 2, "title": 0}
    assert known_report.summary["articles"] == len(NAMES)
    assert known_report.index["texts_paired"] == len(NAMES) - 1  # the exact copy shares a text


def test_a_higher_threshold_keeps_only_the_closest(archive_engine):
    save_articles(archive_engine, list(NAMES.values()))
    report = build_report(archive_engine, DedupeOptions(threshold=0.9))
    assert clusters_of(report, "near") == [urls("sleep", "sleep-copy", "sleep-attributed")]
    with pytest.raises(ReportError, match="threshold"):
        build_report(archive_engine, DedupeOptions(threshold=0.1))


def test_another_shingle_size_is_computed_for_the_report(archive_engine, known_report):
    report = build_report(archive_engine, DedupeOptions(shingle_size=5))
    assert report.settings["shingle_size"] == 5
    assert sorted(map(sorted, clusters_of(report, "near"))) == sorted(map(sorted, clusters_of(known_report, "near")))


def test_learned_boilerplate_does_not_make_articles_similar(archive_engine):
    boxes = tuple(f"Sign up for the Well Health {kind} newsletter and get our guide to sleep, food, stress, "
                  f"movement and recovery, written by our editors and reviewed by clinicians, delivered to "
                  f"your inbox {when} for free with no spam and an unsubscribe link in every message."
                  for kind, when in (("weekly", "every Monday"), ("family", "twice a month"),
                                     ("recipes", "every Friday")))
    first, second = NAMES["distractor-0"], NAMES["distractor-1"]
    boxed = [replace(a, sentences=a.sentences[:4] + boxes) for a in (first, second)]
    save_articles(archive_engine, boxed)
    assert [c.kind for c in build_report(archive_engine, DedupeOptions()).clusters] == ["near"]
    with archive_engine.begin() as conn:
        site_id = conn.execute(select(Site.id).where(Site.host == SITE)).scalar_one()
        paragraphs = {p for a in boxed for p in a.text.split("\n\n") if "newsletter" in p}
        conn.execute(insert(SiteBoilerplate), [
            {"site_id": site_id, "block_sha1": block_sha1(p), "text": p, "article_count": 5,
             "learned_at": at(0)} for p in paragraphs])
    writer = ArchiveWriter(archive_engine)
    for article in boxed:  # what learning does: the same fetch refreshed in place
        assert writer.refresh_current(article.to_record())
    assert build_report(archive_engine, DedupeOptions()).clusters == []


def test_title_duplicates(archive_engine):
    first, second = NAMES["distractor-0"], NAMES["distractor-1"]
    save_articles(archive_engine, [first, replace(second, title=first.title.upper() + "!")])
    report = build_report(archive_engine, DedupeOptions())
    assert [(c.kind, {m.url for m in c.members}) for c in report.clusters] == [
        ("title", {first.url, second.url})]
    assert report.clusters[0].similarity < 0.15


def test_only_current_versions_of_live_articles(archive_engine):
    save_articles(archive_engine, [NAMES["sleep"], NAMES["sleep-rewrite-10"], NAMES["magnesium"],
                                   NAMES["magnesium-rewrite-1"]])
    changed = replace(NAMES["distractor-3"], url=NAMES["sleep-rewrite-10"].url, site=FARM)
    save_articles(archive_engine, [changed], minute=5)  # a new version: no longer a rewrite
    with archive_engine.begin() as conn:
        conn.execute(update(Article).where(Article.url == NAMES["magnesium"].url).values(gone_at=at(9)))
    report = build_report(archive_engine, DedupeOptions())
    assert report.clusters == []
    assert report.summary["articles"] == 3


def test_reused_sentences_count_stories_not_copies(known_report):
    by_sentence = {s.sentence: s for s in known_report.reused}
    sleep = NAMES["sleep"]
    stock = [s for s in sleep.sentences if s in by_sentence]
    assert stock, "the sleep story shares its stock sentences with the distractors"
    for sentence in stock:
        found = by_sentence[sentence]
        carriers = [a for a in NAMES.values() if sentence in a.sentences]
        stories = {a.story if a.story >= 0 else a.url for a in carriers}
        assert found.articles == len(stories) and found.copies == len(carriers)
        assert found.articles >= 3 and len(found.urls) == min(5, len(carriers))
    articles = [s.articles for s in known_report.reused]
    assert articles == sorted(articles, reverse=True)
    # A story's own sentences are not templated, however many copies it has.
    own = next(s for s in sleep.sentences[5:] if sum(s in a.sentences for a in NAMES.values()) >= 5
               and not any(s in NAMES[f"distractor-{i}"].sentences for i in range(8)))
    assert own not in by_sentence


def test_min_articles_and_site(archive_engine, known_report):
    strict = build_report(archive_engine, DedupeOptions(min_articles=6))
    assert all(s.articles >= 6 for s in strict.reused) and len(strict.reused) < len(known_report.reused)
    farm = build_report(archive_engine, DedupeOptions(site=FARM))
    assert {len(c.members) for c in farm.clusters} == {6, 3}  # clusters with a farm article, all members
    assert all(set(s.urls) <= {a.url for a in NAMES.values() if a.site == FARM} for s in farm.reused)


def test_json_shape(known_report):
    data = json.loads(_written(write_json, known_report))
    assert set(data) >= {"clusters", "reused_sentences"}
    assert data == report_dict(known_report)
    cluster = data["clusters"][0]
    assert cluster["kind"] in ("exact", "near", "title") and isinstance(cluster["similarity"], float)
    assert set(cluster["articles"][0]) == {"url", "site", "title", "published"}
    assert {a["url"] for a in cluster["articles"]} == {m.url for m in known_report.clusters[0].members}
    assert set(data["reused_sentences"][0]) >= {"sentence", "articles", "sites"}


def test_csv_shape(known_report):
    rows = list(csv.DictReader(io.StringIO(_written(write_csv, known_report))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == sum(len(c.members) for c in known_report.clusters)
    assert {(r["cluster_id"], r["url"]) for r in rows} == {
        (str(i), m.url) for i, c in enumerate(known_report.clusters, start=1) for m in c.members}


def test_html_shape(archive_engine, known_report):
    texts = load_texts(archive_engine, [v for c in known_report.clusters for v in c.most_different or ()])
    page = render_html(known_report, texts)
    assert page.startswith("<!DOCTYPE html>") and page.count("<section class=\"cluster\"") == 3
    assert "<svg id=\"cluster-sizes\"" in page and "table class=\"diff\"" in page
    assert "src=" not in page and "<link" not in page  # self-contained
    assert "Content-Security-Policy" in page


def _written(writer, report) -> str:
    out = io.StringIO()
    writer(report, out)
    return out.getvalue()
