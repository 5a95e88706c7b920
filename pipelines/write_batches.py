"""Batched archive writes for the Scrapy pipeline: many saves, one transaction.

``WriteBatcher`` collects entries (an article to save, an unchanged page to record)
and hands them to a write function in one call, on the writer thread. It is a group
commit: an entry that finds the writer idle is written at once (after ``max_seconds``
when that is above 0), and the entries that arrive while a batch is being written go
together into the next one, up to ``max_items`` a batch. So an idle archive adds no
latency and a busy one gets large transactions. (Waiting for a timer instead made
every caller that awaits its entry wait the timer: a sitemap of 2,000 unchanged pages
recorded four at a time took minutes.) Each ``add`` returns a future resolved with that
entry's result once the batch is committed, so a caller that awaits it knows the entry
is stored. A batch that fails as a whole is written again one entry at a time, so one
bad record fails alone.

What a process killed with SIGKILL loses is the entries not flushed yet (at most
``max_items`` or ``max_seconds`` of work): their requests are not acknowledged
(distributed crawl: another worker crawls them) or a re-crawl redoes them; the writer
is idempotent, so redoing never archives anything twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Any


class WriteBatcher:
    """Entries of one kind waiting for their transaction (see module)."""

    def __init__(self, write_many: Callable[[Sequence[Any]], Sequence[Any]], *,
                 executor: Executor | None, max_items: int, max_seconds: float = 0.0) -> None:
        self.write_many = write_many
        self.executor = executor
        self.max_items = max_items
        self.max_seconds = max_seconds
        self.waiting: list[tuple[Any, asyncio.Future[Any]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._flushing: set[asyncio.Task[None]] = set()  # kept referenced until done

    def add(self, entry: Any) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self.waiting.append((entry, future))
        if len(self.waiting) >= self.max_items:
            self._flush_soon()
        elif not self._flushing and self._timer is None:
            # Idle writer: write on the next loop turn (entries added in this one join).
            self._timer = loop.call_later(max(0.0, self.max_seconds), self._flush_soon)
        # Else a batch is being written: this entry goes in the next, when it is done.
        return future

    def _flush_soon(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self.waiting = self.waiting, []
        if batch:
            flush = asyncio.ensure_future(self._flush(batch))
            self._flushing.add(flush)
            flush.add_done_callback(self._flushed)

    def _flushed(self, flush: asyncio.Task[None]) -> None:
        self._flushing.discard(flush)
        if not self._flushing and self.waiting and self._timer is None:
            self._flush_soon()  # what arrived during the write, as one batch

    async def _flush(self, batch: list[tuple[Any, asyncio.Future[Any]]]) -> None:
        loop = asyncio.get_running_loop()
        outcomes = await loop.run_in_executor(self.executor, self.write, [e for e, _ in batch])
        for (_, future), (ok, value) in zip(batch, outcomes, strict=True):
            if future.done():
                continue
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

    def write(self, entries: Sequence[Any]) -> list[tuple[bool, Any]]:
        """Write ``entries`` (in the calling thread): per entry (ok, result or error)."""
        if not entries:
            return []
        try:
            return [(True, r) for r in self.write_many(entries)]
        except Exception:
            if len(entries) == 1:
                return [self._one(entries[0])]
        return [self._one(entry) for entry in entries]

    def _one(self, entry: Any) -> tuple[bool, Any]:
        try:
            return True, self.write_many([entry])[0]
        except Exception as exc:
            return False, exc

    def drain(self) -> None:
        """Write what is waiting now, in this thread (closing: the loop may be gone)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self.waiting = self.waiting, []
        for (_, future), (ok, value) in zip(batch, self.write([e for e, _ in batch]), strict=True):
            if not future.done() and not future.get_loop().is_closed():
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)
