"""A crawl's job folder (Scrapy's ``JOBDIR``): the pending requests and seen
fingerprints of a crawl that was stopped, so that running it again resumes it.

Scrapy writes that state when the crawl closes. A crawl stopped cleanly (Ctrl-C once,
SIGTERM) can therefore resume exactly; a crawl killed outright (SIGKILL, power loss)
leaves state that cannot be trusted (requests marked seen but never fetched). A marker
file tells the two apart: when its process is gone, the stale state is set aside and
the crawl starts over, which costs little because every page the killed run archived
is revalidated with a conditional request (answered 304, not extracted again), and
the writer makes saving twice impossible. A crawl that finished leaves an empty
folder, so the next run with the same ``--jobdir`` is a fresh crawl.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
from datetime import UTC, datetime
from pathlib import Path

from storage.run_writes import is_process_alive

log = logging.getLogger("healtharchive")
MARKER = "healtharchive-run.json"
SCRAPY_STATE = ("requests.queue", "requests.seen", "spider.state")


class JobDirBusy(RuntimeError):
    """Another live crawl is using the job folder."""


def open_jobdir(path: Path) -> bool:
    """Claim ``path`` for this process. Returns True when it resumes a cleanly
    stopped crawl; stale state of a killed crawl is moved aside first."""
    path.mkdir(parents=True, exist_ok=True)
    marker = path / MARKER
    has_state = any((path / name).exists() for name in SCRAPY_STATE)
    if marker.exists():
        owner = _read_marker(marker)
        if owner.get("host") == socket.gethostname() and _is_alive(owner.get("pid")):
            raise JobDirBusy(f"{path} is in use by process {owner.get('pid')}")
        if has_state:
            aside = path / f"stale-{datetime.now(UTC):%Y%m%dT%H%M%S}"
            aside.mkdir()
            for name in SCRAPY_STATE:
                if (path / name).exists():
                    (path / name).rename(aside / name)
            log.warning("%s holds the state of a crawl that was killed (process %s); it is set "
                        "aside in %s and the crawl starts over: pages already archived are "
                        "revalidated, not downloaded again", path, owner.get("pid"), aside.name)
        has_state = False
    marker.write_text(json.dumps({"host": socket.gethostname(), "pid": os.getpid(),
                                  "started_at": datetime.now(UTC).isoformat()}))
    if has_state:
        log.warning("resuming the crawl stopped in %s", path)
    return has_state


def close_jobdir(path: Path, *, finished: bool) -> None:
    """Release ``path``; a finished crawl's state is removed (nothing to resume)."""
    if finished:
        for name in SCRAPY_STATE:
            target = path / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    (path / MARKER).unlink(missing_ok=True)


def _read_marker(marker: Path) -> dict[str, object]:
    try:
        data = json.loads(marker.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _is_alive(pid: object) -> bool:
    return isinstance(pid, int) and is_process_alive(pid)
