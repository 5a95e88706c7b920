"""The pure core every entry point shares: one fetched page in, one archive record
(or the reason there is none) out. Safe to run in a worker process."""

from __future__ import annotations

import logging
import traceback

from pipelines.extract import extract_page
from pipelines.normalise import normalise_page
from pipelines.records import ExtractOptions, FetchedPage, NormalisedArticle, Rejection

log = logging.getLogger(__name__)


def process_page(page: FetchedPage, options: ExtractOptions | None = None) -> NormalisedArticle | Rejection:
    """Extract and normalise; any unexpected failure becomes an ``extract:error``
    rejection carrying the exception, so one bad page never stops a crawl."""
    try:
        extracted = extract_page(page, options)
        if isinstance(extracted, Rejection):
            return extracted
        return normalise_page(extracted)
    except Exception as exc:  # a bug or a pathological page: reported, not raised
        log.warning("extraction failed for %s: %r", page.url, exc)
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return Rejection(page.url, "extract:error", detail[:500])
