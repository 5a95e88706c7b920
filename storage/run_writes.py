"""Writing crawl runs: started, finished with their stats, and marked interrupted
when their process is gone. A part of ``ArchiveWriter`` (its base class)."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, insert, select, update

from storage.db import ArchiveError
from storage.models import RUN_STATUSES, CrawlRun, Fetch
from storage.transactions import TransactionalWrites


class CrawlRunWrites(TransactionalWrites):
    """The crawl-run writes of ``ArchiveWriter``."""

    def start_run(
        self,
        *,
        start_urls: Sequence[str],
        started_at: datetime | None = None,
        site_name: str | None = None,
    ) -> int:
        """Record a crawl run as 'running' for this host and process; its id.
        ``site_name`` is the sites-file entry the run crawls, if any."""
        started_at = checked_aware(started_at or datetime.now(UTC), "started_at")
        with self._write_engine.begin() as conn:
            result = conn.execute(
                insert(CrawlRun)
                .values(
                    started_at=started_at,
                    status="running",
                    start_urls=list(start_urls),
                    stats={},
                    hostname=socket.gethostname(),
                    pid=os.getpid(),
                    site_name=site_name,
                )
                .returning(CrawlRun.id)
            )
            return int(result.scalar_one())

    def finish_run(self, run_id: int, *, status: str, stats: Mapping[str, Any]) -> None:
        """Close a run ('finished', 'interrupted' or 'failed') and keep its stats.

        ``stats`` may hold datetimes and other values JSON lacks (Scrapy's do):
        they are stored as ISO strings / text.
        """
        if status not in RUN_STATUSES or status == "running":
            raise ValueError(f"run status {status!r} is not one of {RUN_STATUSES[1:]}")
        with self._write_engine.begin() as conn:
            result = conn.execute(
                update(CrawlRun)
                .where(CrawlRun.id == run_id)
                .values(status=status, stats=to_json_value(stats), finished_at=datetime.now(UTC))
            )
            if result.rowcount == 0:
                raise ArchiveError(f"no crawl run with id {run_id}")

    def mark_interrupted_runs(self) -> int:
        """Mark as 'interrupted' the runs this host left 'running' from a process
        that no longer exists; their ``finished_at`` is their last fetch (or
        their start). Returns how many were marked."""
        hostname, own_pid = socket.gethostname(), os.getpid()
        marked = 0
        with self._write_engine.begin() as conn:
            running = conn.execute(
                select(CrawlRun.id, CrawlRun.pid, CrawlRun.started_at).where(
                    CrawlRun.status == "running", CrawlRun.hostname == hostname
                )
            ).all()
            for run_id, pid, started_at in running:
                if pid == own_pid or is_process_alive(pid):
                    continue
                last_fetch = conn.execute(
                    select(func.max(Fetch.fetched_at)).where(Fetch.crawl_run_id == run_id)
                ).scalar_one()
                conn.execute(
                    update(CrawlRun)
                    .where(CrawlRun.id == run_id)
                    .values(status="interrupted", finished_at=last_fetch or started_at)
                )
                marked += 1
        return marked


def to_json_value(value: Any) -> Any:
    """``value`` made of JSON types only: datetimes and dates as ISO strings,
    sets and tuples as lists, anything else unknown as its ``str``."""

    def default(item: Any) -> Any:
        if isinstance(item, datetime | date):
            return item.isoformat()
        if isinstance(item, set | frozenset | tuple):
            return list(item)
        return str(item)

    return json.loads(json.dumps(value, default=default))


def checked_aware(value: datetime, name: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}")
    return value


def is_process_alive(pid: int) -> bool:
    """Whether a process with this id exists on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True
