"""WriteBatcher: entries written together, each caller told its own result once stored."""

from __future__ import annotations

import asyncio

from pipelines.write_batches import WriteBatcher


class Store:
    def __init__(self, bad: frozenset[int] = frozenset()) -> None:
        self.calls: list[list[int]] = []
        self.bad = bad

    def many(self, entries):
        self.calls.append(list(entries))
        if self.bad & set(entries):
            raise ValueError("bad entry in batch")
        return [e * 10 for e in entries]


def run(batcher: WriteBatcher, entries: list[int]) -> list[object]:
    async def go():
        return await asyncio.gather(*(batcher.add(e) for e in entries), return_exceptions=True)
    return asyncio.run(go())


def test_a_full_batch_is_one_write_and_each_entry_gets_its_result():
    store = Store()
    batcher = WriteBatcher(store.many, executor=None, max_items=3, max_seconds=30)
    assert run(batcher, [1, 2, 3]) == [10, 20, 30]
    assert store.calls == [[1, 2, 3]]


def test_a_partial_batch_is_written_after_max_seconds():
    store = Store()
    batcher = WriteBatcher(store.many, executor=None, max_items=50, max_seconds=0.05)
    assert run(batcher, [1, 2]) == [10, 20]
    assert store.calls == [[1, 2]]


def test_a_failing_batch_is_written_again_one_by_one_so_only_the_bad_entry_fails():
    store = Store(bad=frozenset({2}))
    batcher = WriteBatcher(store.many, executor=None, max_items=3, max_seconds=30)
    results = run(batcher, [1, 2, 3])
    assert results[0] == 10 and results[2] == 30
    assert isinstance(results[1], ValueError)
    assert store.calls == [[1, 2, 3], [1], [2], [3]]


def test_drain_writes_what_waits_without_a_loop_turn():
    store = Store()
    batcher = WriteBatcher(store.many, executor=None, max_items=50, max_seconds=30)

    async def go():
        futures = [batcher.add(1), batcher.add(2)]
        batcher.drain()
        return [f.result() for f in futures]

    assert asyncio.run(go()) == [10, 20]
    assert store.calls == [[1, 2]]


class SlowStore(Store):
    """A store whose writes take a while, on one writer thread."""

    def many(self, entries):
        import time
        time.sleep(0.2)
        return super().many(entries)


def test_an_idle_writer_writes_at_once_and_a_busy_one_batches_what_arrives_meanwhile():
    from concurrent.futures import ThreadPoolExecutor

    store = SlowStore()
    writer = ThreadPoolExecutor(max_workers=1)
    batcher = WriteBatcher(store.many, executor=writer, max_items=50)

    async def go():
        loop = asyncio.get_running_loop()
        started = loop.time()
        first = batcher.add(1)
        await asyncio.sleep(0.05)  # the first write is under way
        later = [batcher.add(n) for n in (2, 3, 4)]
        first_result = await first
        first_took = loop.time() - started
        return first_result, first_took, await asyncio.gather(*later)

    try:
        first_result, first_took, later = asyncio.run(go())
    finally:
        writer.shutdown()
    assert first_result == 10 and later == [20, 30, 40]
    assert store.calls == [[1], [2, 3, 4]]
    assert first_took < 0.2 + 0.15  # no timer wait on an idle writer (the write takes 0.2 s)


def test_entries_over_max_items_while_busy_make_full_batches():
    from concurrent.futures import ThreadPoolExecutor

    store = SlowStore()
    writer = ThreadPoolExecutor(max_workers=1)
    batcher = WriteBatcher(store.many, executor=writer, max_items=3)

    async def go():
        first = batcher.add(0)
        await asyncio.sleep(0.05)
        return await asyncio.gather(first, *(batcher.add(n) for n in range(1, 8)))

    try:
        results = asyncio.run(go())
    finally:
        writer.shutdown()
    assert results == [n * 10 for n in range(8)]
    assert store.calls == [[0], [1, 2, 3], [4, 5, 6], [7]]
