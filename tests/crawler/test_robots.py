"""robots.txt is obeyed by every request, including those that wait for it together.

Scrapy >= 2.13 hands all but the first request waiting for a host's robots.txt ``None``
("no robots.txt": allowed), so a distributed worker, whose first requests go out at once,
fetched disallowed pages. The middleware runs here under the asyncio reactor, as in a
crawl, in a child process (the reactor is installed once per process), with an engine
whose robots.txt download takes a moment so that every request waits for it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

CHECK = r"""
import asyncio, json, sys
from scrapy.utils.reactor import install_reactor
install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
from twisted.internet import defer, reactor
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from scrapy.utils.misc import load_object
from scrapy.utils.test import get_crawler

ROBOTS = {"ok": b"User-agent: *\nDisallow: /private/\n", "fails": None}


class Engine:
    async def download_async(self, request):
        await asyncio.sleep(0.2)
        body = ROBOTS[sys.argv[2]]
        if body is None:
            raise ConnectionRefusedError("robots.txt unreachable")
        return TextResponse(request.url, body=body, request=request)


async def main():
    crawler = get_crawler(settings_dict={"ROBOTSTXT_OBEY": True})
    crawler.engine = Engine()
    middleware = load_object(sys.argv[1]).from_crawler(crawler)
    paths = ["/a/", "/private/1/", "/b/", "/private/2/", "/c/", "/private/3/"]

    async def verdict(path):
        try:
            await middleware.process_request(Request("http://health.test" + path))
            return "allowed"
        except IgnoreRequest:
            return "forbidden"

    verdicts = await asyncio.gather(*(verdict(p) for p in paths))
    print(json.dumps(dict(zip(paths, verdicts))))


def run():
    done = defer.Deferred.fromFuture(asyncio.ensure_future(main()))
    done.addErrback(lambda failure: failure.printTraceback())
    done.addBoth(lambda _: reactor.stop())

reactor.callWhenRunning(run)
reactor.run()
"""


def verdicts(middleware: str, robots: str) -> dict[str, str]:
    result = subprocess.run([sys.executable, "-c", CHECK, middleware, robots], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip(), result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_every_request_waiting_for_robots_txt_is_checked():
    assert verdicts("crawler.middlewares.RobotsTxtMiddleware", "ok") == {
        "/a/": "allowed", "/private/1/": "forbidden", "/b/": "allowed",
        "/private/2/": "forbidden", "/c/": "allowed", "/private/3/": "forbidden"}


def test_an_unreadable_robots_txt_still_allows_everything():
    assert set(verdicts("crawler.middlewares.RobotsTxtMiddleware", "fails").values()) == {"allowed"}


def test_the_stock_middleware_lets_waiters_through():
    """Why ours exists: when this starts failing, Scrapy has fixed it and ours can go."""
    stock = verdicts("scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware", "ok")
    assert list(stock.values()).count("forbidden") < 3


def test_crawls_use_ours():
    from crawler import settings
    assert settings.DOWNLOADER_MIDDLEWARES["scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"] is None
    assert "crawler.middlewares.RobotsTxtMiddleware" in settings.DOWNLOADER_MIDDLEWARES
