"""Scheduled sites in the archive: when each was last crawled, and a lock per site
so that two runs never crawl one site at the same time.

The lock is a conditional ``UPDATE`` of the site's row (taken only when free or
expired), atomic on PostgreSQL (row lock) and on SQLite (one writer at a time), so
it holds across processes and machines sharing one archive. A lock left by a
process that died on this host, or past its expiry, is taken over.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, or_, select, update

from storage.db import SQLITE_BEGIN_OPTION
from storage.models import ScheduledSite
from storage.rows import insert_for
from storage.run_writes import is_process_alive


@dataclass(frozen=True, slots=True)
class ScheduleState:
    """What the archive knows of one scheduled site."""

    name: str
    last_started_at: datetime | None = None
    last_finished_at: datetime | None = None
    last_status: str | None = None
    last_run_id: int | None = None
    locked_by: str | None = None
    lock_expires_at: datetime | None = None

    def next_due_at(self, interval: timedelta) -> datetime | None:
        """When the site is next due (None: now, it was never crawled)."""
        return None if self.last_started_at is None else self.last_started_at + interval

    def is_due(self, interval: timedelta, now: datetime) -> bool:
        due_at = self.next_due_at(interval)
        return due_at is None or due_at <= now


def this_holder() -> str:
    """How a lock names its holder: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def schedule_states(engine: Engine, names: list[str]) -> dict[str, ScheduleState]:
    """The state of each named site (a default state for one never scheduled)."""
    states = {name: ScheduleState(name) for name in names}
    with engine.connect() as conn:
        for row in conn.execute(select(ScheduledSite).where(ScheduledSite.name.in_(names))):
            states[row.name] = ScheduleState(
                row.name, row.last_started_at, row.last_finished_at, row.last_status,
                row.last_run_id, row.locked_by, row.lock_expires_at,
            )
    return states


def acquire_lock(engine: Engine, name: str, *, ttl: timedelta, holder: str | None = None,
                 now: datetime | None = None) -> bool:
    """Take the site's lock for ``ttl`` and mark it started; False if another live
    holder has it. Holders on this host whose process is gone lose their lock."""
    holder = holder or this_holder()
    now = now or datetime.now(UTC)
    writer = engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
    with writer.begin() as conn:
        conn.execute(insert_for(conn)(ScheduledSite).values(name=name)
                     .on_conflict_do_nothing(index_elements=["name"]))
        current = conn.execute(
            select(ScheduledSite.locked_by).where(ScheduledSite.name == name).with_for_update()
        ).scalar()
        free = or_(ScheduledSite.locked_by.is_(None), ScheduledSite.lock_expires_at < now)
        if current is not None and _is_dead_local_holder(current):
            free = or_(free, ScheduledSite.locked_by == current)
        taken = conn.execute(
            update(ScheduledSite)
            .where(ScheduledSite.name == name, free)
            .values(locked_by=holder, locked_at=now, lock_expires_at=now + ttl,
                    last_started_at=now)
        )
        return taken.rowcount == 1


def extend_lock(engine: Engine, name: str, *, ttl: timedelta, holder: str | None = None) -> bool:
    """Push the lock's expiry ``ttl`` from now (a heartbeat); False if not held."""
    holder = holder or this_holder()
    with engine.begin() as conn:
        result = conn.execute(
            update(ScheduledSite)
            .where(ScheduledSite.name == name, ScheduledSite.locked_by == holder)
            .values(lock_expires_at=datetime.now(UTC) + ttl)
        )
        return result.rowcount == 1


def release_lock(engine: Engine, name: str, *, status: str, run_id: int | None,
                 holder: str | None = None) -> None:
    """Give the lock back and record how the run ended."""
    holder = holder or this_holder()
    with engine.begin() as conn:
        conn.execute(
            update(ScheduledSite)
            .where(ScheduledSite.name == name, ScheduledSite.locked_by == holder)
            .values(locked_by=None, locked_at=None, lock_expires_at=None,
                    last_finished_at=datetime.now(UTC), last_status=status, last_run_id=run_id)
        )


def _is_dead_local_holder(holder: str) -> bool:
    host, _, pid = holder.rpartition(":")
    return host == socket.gethostname() and pid.isdigit() and not is_process_alive(int(pid))
