"""The Redis frontier's in-flight bookkeeping (real Redis at 127.0.0.1:6379, a unique
crawl key per test): held requests are acknowledged, put back when their worker's
heartbeat expires or when it leaves, and worker shares are summed."""

from __future__ import annotations

import time
import uuid

import pytest
import redis

from crawler.frontier import CrawlKeys, Frontier, crawl_key_for
from crawler.frontier_worker import merge_shares
from crawler.spiders.site_urls import RecentUrls


@pytest.fixture
def keys():
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    keys = CrawlKeys(f"test-{uuid.uuid4().hex[:10]}")
    yield keys
    leftovers = list(client.scan_iter(f"{keys.prefix}*"))
    if leftovers:
        client.delete(*leftovers)


def frontier(keys: CrawlKeys, worker: str) -> Frontier:
    return Frontier(redis.Redis.from_url("redis://127.0.0.1:6379/0"), keys, worker)


def test_pop_holds_the_best_request_until_acknowledged(keys):
    a = frontier(keys, "a")
    a.join(10_000)
    a.server.zadd(keys.requests, {b"low": 5, b"high": -10})
    assert a.pop() == (b"high", False)
    assert a.held() == 1 and a.pending() == 1 and a.in_flight_anywhere() == 1
    a.ack(b"high")
    assert a.held() == 0 and a.in_flight_anywhere() == 0


def test_a_dead_workers_requests_are_put_back_once_its_heartbeat_expires(keys):
    dead, live = frontier(keys, "dead"), frontier(keys, "live")
    dead.join(200)
    live.join(10_000)
    dead.server.zadd(keys.requests, {b"r1": 0, b"r2": 1})
    dead.pop()
    dead.pop()
    assert live.requeue_dead() == 0  # still alive
    time.sleep(0.3)
    assert live.requeue_dead() == 2
    assert live.requeue_dead() == 0  # only once
    assert live.pending() == 2 and live.in_flight_anywhere() == 0
    assert live.pop() == (b"r1", True)  # marked re-queued: the archive is asked again
    assert live.pop() == (b"r2", True)


def test_leaving_puts_back_what_is_held_and_counts_who_remains(keys):
    a, b = frontier(keys, "a"), frontier(keys, "b")
    a.join(10_000)
    b.join(10_000)
    a.server.zadd(keys.requests, {b"r": 0})
    a.pop()
    assert a.leave() == 1
    assert b.pending() == 1 and b.leave() == 0


def test_crawl_key_ignores_order_and_duplicates():
    assert crawl_key_for(["https://b/", "https://a/"]) == crawl_key_for(["https://a/", "https://b/", "https://a/"])
    assert crawl_key_for(["https://a/"]) != crawl_key_for(["https://b/"])


def test_merge_shares_sums_counters_and_keeps_each_workers_share():
    merged = merge_shares({
        "w1": {"pages_fetched": 3, "articles_new": 2, "errors": 1, "requests": 4, "run_id": 7},
        "w2": {"pages_fetched": 5, "articles_new": 1, "articles_unchanged": 2, "requests": 6, "run_id": 7},
    })
    assert merged["pages_fetched"] == 8 and merged["articles_new"] == 3 and "run_id" not in merged
    assert merged["workers"] == {"w1": {"pages": 3, "articles": 2, "errors": 1, "requests": 4},
                                 "w2": {"pages": 5, "articles": 3, "errors": 0, "requests": 6}}


@pytest.mark.parametrize("size", [1, 2])
def test_recent_urls_forget_the_oldest(size):
    urls = RecentUrls(size)
    for url in ("a", "b", "c"):
        urls.add(url)
    assert len(urls) == size and "c" in urls and "a" not in urls
