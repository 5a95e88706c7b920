"""The extraction call that the crawler hands to its extraction processes.

``ProcessPoolExecutor`` sends a function by name; naming ``process_page`` itself
would make the crawler process import the whole extraction stack (trafilatura,
dateparser, extruct, justext) only to pickle a reference. This thin wrapper is what
gets sent: the extraction processes have ``pipelines.process`` preloaded by the
forkserver, and the crawler imports it only when it extracts in-process
(``--workers 0``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipelines.records import ExtractOptions, FetchedPage, NormalisedArticle, Rejection


def extract_page(page: FetchedPage, options: ExtractOptions) -> NormalisedArticle | Rejection:
    """``pipelines.process.process_page(page, options)``."""
    from pipelines.process import process_page

    return process_page(page, options)
