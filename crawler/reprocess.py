"""Re-running extraction and normalisation over the archive's stored pages, with no
network: after an extraction improvement, the archive catches up in place.

Pages are extracted in a process pool (bounded in flight, constant memory) and
written one transaction each. The reprocess is recorded as a run of its own.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipelines.process import process_page
from pipelines.records import ExtractOptions, FetchedPage, NormalisedArticle, Rejection
from pipelines.site_rules import load_site_rules
from pipelines.urls import site_of
from storage.boilerplate import site_boilerplate
from storage.reprocess import ReprocessOutcome, StoredPage, iter_stored_pages
from storage.writer import ArchiveWriter


@dataclass
class ReprocessSummary:
    """Counts by outcome kind, and how often each record field changed."""

    run_id: int
    kinds: Counter[str] = field(default_factory=Counter)
    fields: Counter[str] = field(default_factory=Counter)

    @property
    def pages(self) -> int:
        return sum(self.kinds.values())


def reprocess_archive(
    writer: ArchiveWriter,
    *,
    hosts: list[str] | None = None,
    since: datetime | None = None,
    workers: int = 1,
    rules_dirs: Iterable[Path] = (),
    report: Callable[[ReprocessOutcome], None] = lambda outcome: None,
) -> ReprocessSummary:
    """Re-extract every stored page (of ``hosts``, downloaded ``since``) and update
    the archive; ``report`` hears about each page."""
    engine = writer.engine
    rules = load_site_rules(list(rules_dirs))
    learned: dict[str, frozenset[str]] = {}

    def options_for(url: str) -> ExtractOptions:
        site = site_of(url)
        if site not in learned:
            learned[site] = frozenset(site_boilerplate(engine, site))
        return ExtractOptions(learned_boilerplate=learned[site], site_rules=rules.get(site))

    run_id = writer.start_run(start_urls=[f"reprocess:{','.join(hosts or ['*'])}"])
    summary = ReprocessSummary(run_id)
    status = "failed"
    try:
        pages = iter_stored_pages(engine, hosts=hosts, since=since)
        for page, result in _extract_all(pages, options_for, workers=workers):
            record = result.to_record() if isinstance(result, NormalisedArticle) else None
            outcome = writer.reprocess_article(run_id, page, record)
            summary.kinds[outcome.kind] += 1
            summary.fields.update(outcome.changed)
            report(outcome)
        status = "finished"
    finally:
        writer.finish_run(run_id, status=status, stats={
            "reprocess": True, "pages": summary.pages, **dict(summary.kinds),
            "fields_changed": dict(summary.fields)})
    return summary


def _extract_all(
    pages: Iterator[StoredPage], options_for: Callable[[str], ExtractOptions], *, workers: int
) -> Iterator[tuple[StoredPage, NormalisedArticle | Rejection]]:
    """Each page with its extraction, in page order; at most a few pages per worker
    in flight."""
    def fetched(page: StoredPage) -> FetchedPage:
        return FetchedPage(url=page.url, body=page.body, fetched_at=page.fetched_at,
                           content_type=page.content_type, etag=page.etag,
                           last_modified=page.last_modified)

    if workers <= 0:
        for page in pages:
            yield page, process_page(fetched(page), options_for(page.url))
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pipelines.process"])
    in_flight: list[tuple[StoredPage, Future[NormalisedArticle | Rejection]]] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for page in pages:
            in_flight.append((page, pool.submit(process_page, fetched(page), options_for(page.url))))
            if len(in_flight) >= workers * 4:
                done_page, future = in_flight.pop(0)
                yield done_page, future.result()
        for done_page, future in in_flight:
            yield done_page, future.result()
