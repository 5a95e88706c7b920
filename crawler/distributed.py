"""Setting up a crawl on a shared Redis frontier: the seeding process records the crawl
(its options and its one crawl run) under the crawl key; workers on any machine read
them from there and join.

Under ``healtharchive:<crawl key>:`` (see ``crawler.frontier.CrawlKeys``): ``config``
holds the crawl's options as JSON (start URLs, crawl rules, politeness), ``run`` the
id of its ``crawl_runs`` row. ``healtharchive:crawls`` lists the crawl keys under way,
so a worker given no key joins the only crawl there is.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

import redis

from crawler.frontier import CRAWL_KEY_RE, CRAWLS_KEY, CrawlKeys

JOIN_POLL_SECONDS = 0.5


class FrontierError(RuntimeError):
    """The Redis frontier cannot be used as asked (unreachable, no such crawl...)."""


@dataclass(frozen=True, slots=True)
class CrawlConfig:
    """The options every worker of one distributed crawl shares."""

    start_urls: list[str]
    allow: list[str] = field(default_factory=list)
    deny: list[str] = field(default_factory=list)
    max_pages: int | None = None
    obey_robots: bool = True
    delay: float | None = None
    concurrency: int | None = None
    timeout: float | None = None
    settings: dict[str, Any] = field(default_factory=dict)  # e.g. conditional fetching

    @classmethod
    def from_json(cls, text: str | bytes) -> CrawlConfig:
        data = json.loads(text)
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


@dataclass(frozen=True, slots=True)
class FrontierOptions:
    """How this process takes part in a distributed crawl."""

    redis_url: str
    crawl_key: str
    run_id: int
    seed: bool  # True in the ``crawl --queue`` process: it requests the start URLs
    idle_seconds: float = 30.0
    heartbeat_seconds: float = 10.0
    worker: str = field(default_factory=lambda: new_worker_id())


def new_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def connect(redis_url: str) -> Any:
    """A Redis client for ``redis_url``, checked now (one clear error if unusable)."""
    if not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise FrontierError(f"not a Redis URL: {redis_url!r} (redis://HOST:PORT/DB)")
    try:
        server = redis.Redis.from_url(redis_url, socket_connect_timeout=5)
        server.ping()
    except (redis.RedisError, ValueError) as exc:
        raise FrontierError(f"cannot reach Redis at {redis_url}: {exc}") from exc
    return server


def check_crawl_key(key: str) -> str:
    if not CRAWL_KEY_RE.match(key):
        raise FrontierError(f"bad crawl key {key!r}: letters, digits, '.', '_' and '-' only")
    return key


def seed_crawl(server: Any, keys: CrawlKeys, config: CrawlConfig, *,
               start_run: Any) -> tuple[int, bool]:
    """Record the crawl under its key; (run id, resumed). A crawl already there (its
    workers running, or stopped with requests left) is joined with its run and its
    options; else ``start_run()`` creates the run."""
    existing = server.get(keys.run)
    if existing is not None:
        return int(existing), True
    run_id = int(start_run())
    if not server.set(keys.run, run_id, nx=True):  # another seeder won the race
        return int(server.get(keys.run)), True
    server.set(keys.config, config.to_json())
    server.sadd(CRAWLS_KEY, keys.crawl_key)
    return run_id, False


def find_crawl(server: Any, crawl_key: str | None, *, wait_seconds: float) -> tuple[str, CrawlConfig, int]:
    """The crawl a worker joins: (crawl key, options, run id). Without a key, the only
    crawl under way; waits up to ``wait_seconds`` for one to be seeded."""
    deadline = time.monotonic() + wait_seconds
    while True:
        key = crawl_key
        if key is None:
            under_way = sorted(k.decode() if isinstance(k, bytes) else k
                               for k in server.smembers(CRAWLS_KEY))
            if len(under_way) > 1:
                raise FrontierError("several crawls on this Redis (" + ", ".join(under_way)
                                    + "): choose one with --crawl-key")
            key = under_way[0] if under_way else None
        if key is not None:
            keys = CrawlKeys(key)
            config, run = server.get(keys.config), server.get(keys.run)
            if config is not None and run is not None:
                return key, CrawlConfig.from_json(config), int(run)
        if time.monotonic() >= deadline:
            what = f"crawl {crawl_key!r}" if crawl_key else "crawl"
            raise FrontierError(f"no {what} on this Redis after {wait_seconds:.0f}s: start one "
                                "with 'healtharchive crawl URL... --queue ...'")
        time.sleep(JOIN_POLL_SECONDS)


def frontier_scrapy_settings(options: FrontierOptions) -> dict[str, Any]:
    """Scrapy settings of this process's part in the crawl (see ``crawler.frontier``)."""
    from crawler.frontier import frontier_settings

    settings = frontier_settings(redis_url=options.redis_url, crawl_key=options.crawl_key,
                                 worker=options.worker)
    settings.update({
        "ARCHIVE_RUN_ID": options.run_id,
        "ARCHIVE_SEED": options.seed,
        "ARCHIVE_IDLE_SECONDS": options.idle_seconds,
        "ARCHIVE_HEARTBEAT_SECONDS": options.heartbeat_seconds,
        "JOBDIR": None,  # the frontier lives in Redis
    })
    return settings
