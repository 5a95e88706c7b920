"""Rows a write transaction inserts at its end, and the dedupe indexing it does then.

The writer saves a batch of articles in one transaction. Each version's child rows
that no trigger watches (sections, references, affiliate links, flags, block
fingerprints) are collected here and inserted with one ``executemany`` per table
when the transaction's work is done, instead of five statements per article; then
the versions' texts are indexed for dedupe in one signing pass. A version rewritten
again in the same transaction (``forget``) drops what it had collected, so its
children are inserted once, as last written. The saves' fetch rows and URL states,
which nothing in the transaction reads, go in the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, insert

from storage.crawl_state import upsert_states
from storage.dedupe_index import VersionBody, index_versions
from storage.models import Fetch


@dataclass(slots=True)
class DeferredRows:
    """Versions' child rows per model (table) and texts to index, fetch rows in the
    order added, and URL states (the last for each URL)."""

    children: dict[type[Any], list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    bodies: dict[int, VersionBody] = field(default_factory=dict)
    fetches: list[dict[str, Any]] = field(default_factory=list)
    url_states: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, body: VersionBody, rows: Sequence[tuple[type[Any], list[dict[str, Any]]]]) -> None:
        """Collect a version's child rows (``(model, rows)``, each row naming its
        ``article_version_id``) and its text."""
        for model, model_rows in rows:
            self.children[model].extend(model_rows)
        self.bodies[body.version_id] = body

    def add_fetch(self, values: dict[str, Any]) -> None:
        """Collect a fetch row (every column of ``Fetch`` but its id, in a fixed set)."""
        self.fetches.append(values)

    def add_url_state(self, row: dict[str, Any]) -> None:
        """Collect a URL's state (``crawl_state.state_row``); a later one for the same
        URL replaces it, as its upsert would have."""
        self.url_states[row["url"]] = row

    def forget(self, version_id: int) -> None:
        """Drop what was collected for ``version_id`` (it is being rewritten)."""
        if version_id not in self.bodies:
            return
        del self.bodies[version_id]
        for model, model_rows in self.children.items():
            self.children[model] = [r for r in model_rows if r["article_version_id"] != version_id]

    def flush(self, conn: Connection) -> None:
        """Insert the collected child rows, one statement per table (a table's rows all
        have the same columns: ``storage.incoming`` fixes them), then index the texts;
        the batch is empty afterwards."""
        for model, model_rows in self.children.items():
            if model_rows:  # a forgotten version may have left a table empty
                conn.execute(insert(model), model_rows)
        if self.fetches:
            conn.execute(insert(Fetch), self.fetches)
        upsert_states(conn, list(self.url_states.values()))
        index_versions(conn, list(self.bodies.values()))
        self.children.clear()
        self.bodies.clear()
        self.fetches.clear()
        self.url_states.clear()
