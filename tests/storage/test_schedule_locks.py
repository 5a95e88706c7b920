"""Per-site schedule locks in the archive, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from storage.db import open_archive
from storage.schedule import (
    acquire_lock,
    extend_lock,
    release_lock,
    schedule_states,
    this_holder,
)

HOUR = timedelta(hours=1)


def test_a_held_lock_is_refused_then_released(database_url):
    engine = open_archive(database_url)
    assert acquire_lock(engine, "clinic", ttl=HOUR, holder="host-a:1")
    assert not acquire_lock(engine, "clinic", ttl=HOUR, holder="host-b:2")
    assert acquire_lock(engine, "other-site", ttl=HOUR, holder="host-b:2")  # per site
    state = schedule_states(engine, ["clinic"])["clinic"]
    assert state.locked_by == "host-a:1" and state.last_started_at is not None
    release_lock(engine, "clinic", status="finished", run_id=None, holder="host-a:1")
    state = schedule_states(engine, ["clinic"])["clinic"]
    assert state.locked_by is None and state.last_status == "finished"
    assert acquire_lock(engine, "clinic", ttl=HOUR, holder="host-b:2")
    engine.dispose()


def test_an_expired_lock_is_taken_over_and_a_heartbeat_keeps_it(database_url):
    engine = open_archive(database_url)
    past = datetime.now(UTC) - timedelta(hours=2)
    assert acquire_lock(engine, "clinic", ttl=HOUR, holder="host-a:1", now=past)
    assert acquire_lock(engine, "clinic", ttl=HOUR, holder="host-b:2")  # expired an hour ago
    assert not extend_lock(engine, "clinic", ttl=HOUR, holder="host-a:1")  # lost it
    assert extend_lock(engine, "clinic", ttl=HOUR, holder="host-b:2")
    engine.dispose()


def test_a_lock_of_a_dead_process_on_this_host_is_taken_over(database_url):
    engine = open_archive(database_url)
    host = this_holder().rpartition(":")[0]
    assert acquire_lock(engine, "clinic", ttl=HOUR, holder=f"{host}:999999999")
    assert acquire_lock(engine, "clinic", ttl=HOUR)  # pid 999999999 does not exist
    assert not acquire_lock(engine, "clinic", ttl=HOUR, holder="elsewhere:1")
    engine.dispose()


def test_racing_holders_get_one_lock(database_url):
    engine = open_archive(database_url)
    results: list[bool] = []
    barrier = threading.Barrier(6)

    def race(n: int) -> None:
        barrier.wait()
        results.append(acquire_lock(engine, "clinic", ttl=HOUR, holder=f"remote-{n}:1"))

    threads = [threading.Thread(target=race, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]
    engine.dispose()


def test_due_is_measured_from_the_last_start(database_url):
    engine = open_archive(database_url)
    state = schedule_states(engine, ["new-site"])["new-site"]
    now = datetime.now(UTC)
    assert state.is_due(HOUR, now)  # never crawled
    acquire_lock(engine, "new-site", ttl=HOUR, holder="h:1", now=now - timedelta(minutes=30))
    state = schedule_states(engine, ["new-site"])["new-site"]
    assert not state.is_due(HOUR, now) and state.is_due(timedelta(minutes=20), now)
    engine.dispose()
