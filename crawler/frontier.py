"""The shared crawl frontier in Redis: scrapy-redis's scheduler and dupefilter, with a
queue that never loses a request held by a worker that dies.

scrapy-redis pops a request destructively, so a worker killed with SIGKILL would lose
every request it had popped and not finished. ``InFlightQueue`` (a scrapy-redis
``PriorityQueue``) moves each popped request, in one Redis script, into the worker's
in-flight hash; the worker acknowledges it once its response (or failure) has been
processed and what it yielded is stored (``crawler.frontier_worker``). Every worker
keeps a heartbeat key that expires; any live worker puts back the in-flight requests
of a worker whose heartbeat has expired (again one script, so only one does it), and
marks them re-queued so that whoever crawls them asks the archive first (the dead
worker may have stored the page: a conditional request, answered 304).

Redis keys of one crawl, under ``healtharchive:<crawl key>:`` (``CrawlKeys``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from scrapy import Request
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from crawler.conditional import REQUEUED_KEY  # request meta: held by a worker that died

KEY_ROOT = "healtharchive"
CRAWLS_KEY = f"{KEY_ROOT}:crawls"  # the crawl keys with a crawl under way
TOKEN_KEY = "frontier_token"  # request meta: the in-flight entry to acknowledge
CRAWL_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")

# Pop the best request (lowest score) into this worker's in-flight hash.
_POP = """
local items = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #items == 0 then return nil end
redis.call('ZREM', KEYS[1], items[1])
redis.call('HSET', KEYS[2], items[1], items[2])
return {items[1], redis.call('SREM', KEYS[3], items[1])}
"""
# Put back the in-flight requests of a worker whose heartbeat expired; -1 if alive.
_REQUEUE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
local entries = redis.call('HGETALL', KEYS[2])
for i = 1, #entries, 2 do
  redis.call('ZADD', KEYS[3], entries[i + 1], entries[i])
  redis.call('SADD', KEYS[5], entries[i])
end
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[4], ARGV[1])
return #entries / 2
"""
# A worker leaves: what it still holds goes back to the queue; how many workers remain.
_LEAVE = """
local entries = redis.call('HGETALL', KEYS[3])
for i = 1, #entries, 2 do
  redis.call('ZADD', KEYS[4], entries[i + 1], entries[i])
  redis.call('SADD', KEYS[5], entries[i])
end
redis.call('DEL', KEYS[3])
redis.call('SREM', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
return redis.call('SCARD', KEYS[1])
"""


@dataclass(frozen=True, slots=True)
class CrawlKeys:
    """Names of the Redis keys of one crawl (all share one prefix)."""

    crawl_key: str

    @property
    def prefix(self) -> str:
        return f"{KEY_ROOT}:{self.crawl_key}:"

    @property
    def requests(self) -> str:  # sorted set: the pending requests (scrapy-redis queue)
        return self.prefix + "requests"

    @property
    def dupefilter(self) -> str:  # set: fingerprints of every request ever scheduled
        return self.prefix + "dupefilter"

    @property
    def workers(self) -> str:  # set: ids of the workers in the crawl
        return self.prefix + "workers"

    @property
    def requeued(self) -> str:  # set: requests put back from a dead worker
        return self.prefix + "requeued"

    @property
    def run(self) -> str:  # string: the crawl_runs id in the archive
        return self.prefix + "run"

    @property
    def config(self) -> str:  # string: JSON of the crawl's options (start URLs, rules...)
        return self.prefix + "config"

    @property
    def shares(self) -> str:  # hash: worker id -> JSON of its stats
        return self.prefix + "shares"

    def inflight(self, worker: str) -> str:  # hash: request held -> its score
        return f"{self.prefix}inflight:{worker}"

    def alive(self, worker: str) -> str:  # string with an expiry: the heartbeat
        return f"{self.prefix}alive:{worker}"

    def host_token(self, netloc: str) -> str:  # string with an expiry: per-host delay
        return f"{self.prefix}host:{netloc}"

    def all_keys(self, workers: Iterable[str]) -> list[str]:
        fixed = [self.requests, self.dupefilter, self.workers, self.requeued, self.run,
                 self.config, self.shares]
        return fixed + [self.inflight(w) for w in workers] + [self.alive(w) for w in workers]


def crawl_key_for(start_urls: Iterable[str]) -> str:
    """The default crawl key of a set of start URLs (order and duplicates ignored)."""
    digest = hashlib.sha1("\n".join(sorted(set(start_urls))).encode()).hexdigest()
    return f"crawl-{digest[:12]}"


def frontier_keys(settings: Any) -> CrawlKeys:
    return CrawlKeys(settings.get("ARCHIVE_CRAWL_KEY"))


def frontier_settings(*, redis_url: str, crawl_key: str, worker: str) -> dict[str, Any]:
    """Scrapy settings of a crawl on the shared frontier (scheduler, dupefilter, keys)."""
    keys = CrawlKeys(crawl_key)
    return {
        "SCHEDULER": f"{__name__}.FrontierScheduler",
        "SCHEDULER_QUEUE_CLASS": f"{__name__}.InFlightQueue",
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
        "SCHEDULER_PERSIST": True,  # the frontier outlives any one worker
        "REDIS_URL": redis_url,
        "ARCHIVE_CRAWL_KEY": crawl_key,
        "ARCHIVE_WORKER_ID": worker,
    }


class Frontier:
    """One worker's view of the shared frontier: in-flight entries, heartbeat, re-queue."""

    def __init__(self, server: Any, keys: CrawlKeys, worker: str) -> None:
        self.server = server
        self.keys = keys
        self.worker = worker
        self._pop = server.register_script(_POP)
        self._requeue = server.register_script(_REQUEUE)
        self._leave = server.register_script(_LEAVE)

    def pop(self) -> tuple[bytes, bool] | None:
        """The best pending request (encoded), now held by this worker, and whether it
        was re-queued from a dead worker; None when nothing is pending."""
        found = self._pop(keys=[self.keys.requests, self.keys.inflight(self.worker),
                                self.keys.requeued])
        return None if not found else (found[0], bool(found[1]))

    def ack(self, token: bytes) -> None:
        self.server.hdel(self.keys.inflight(self.worker), token)

    def held(self) -> int:
        return int(self.server.hlen(self.keys.inflight(self.worker)))

    def clear_held(self) -> int:
        """Drop this worker's in-flight entries (only when it holds nothing in progress)."""
        count = self.held()
        self.server.delete(self.keys.inflight(self.worker))
        return count

    def join(self, heartbeat_ms: int) -> None:
        self.beat(heartbeat_ms)
        self.server.sadd(self.keys.workers, self.worker)

    def beat(self, heartbeat_ms: int) -> None:
        self.server.set(self.keys.alive(self.worker), "1", px=heartbeat_ms)

    def leave(self) -> int:
        """Leave the crawl, putting back what this worker still holds (a crawl stopped
        mid-way, or ``--max-pages`` reached); how many workers remain in it."""
        return int(self._leave(keys=[self.keys.workers, self.keys.alive(self.worker),
                                     self.keys.inflight(self.worker), self.keys.requests,
                                     self.keys.requeued], args=[self.worker]))

    def requeue_dead(self) -> int:
        """Put back the requests held by workers whose heartbeat expired; how many."""
        total = 0
        for raw in self.server.smembers(self.keys.workers):
            worker = raw.decode() if isinstance(raw, bytes) else str(raw)
            if worker == self.worker:
                continue
            moved = int(self._requeue(
                keys=[self.keys.alive(worker), self.keys.inflight(worker), self.keys.requests,
                      self.keys.workers, self.keys.requeued], args=[worker]))
            total += max(moved, 0)
        return total

    def pending(self) -> int:
        return int(self.server.zcard(self.keys.requests))

    def in_flight_anywhere(self) -> int:
        workers = [w.decode() if isinstance(w, bytes) else str(w)
                   for w in self.server.smembers(self.keys.workers)]
        return sum(int(self.server.hlen(self.keys.inflight(w))) for w in workers)


class InFlightQueue(PriorityQueue):
    """scrapy-redis's priority queue whose pop moves the request in flight (see module)."""

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        settings = spider.settings
        self.frontier = Frontier(server, frontier_keys(settings), settings.get("ARCHIVE_WORKER_ID"))

    def pop(self, timeout: int = 0) -> Request | None:
        found = self.frontier.pop()
        if found is None:
            return None
        data, requeued = found
        request: Request = self._decode_request(data)
        request.meta[TOKEN_KEY] = data
        if requeued:
            request.meta[REQUEUED_KEY] = True
        return request


class FrontierScheduler(Scheduler):
    """scrapy-redis's scheduler, acknowledging a held request when Scrapy schedules it
    again (a redirect, a retry): the new request is in the queue (or is a duplicate),
    so the old entry is done. Its settings (keys under the crawl key, this queue,
    persistence) are set by ``frontier_settings``."""

    def enqueue_request(self, request: Request) -> bool:
        token = request.meta.pop(TOKEN_KEY, None)
        request.meta.pop(REQUEUED_KEY, None)
        added = bool(super().enqueue_request(request))
        if token is not None:
            self.queue.frontier.ack(token)
        return added
