"""Turning a failed request into a short reason code, an HTTP status and a detail."""

from __future__ import annotations

from typing import Any

from scrapy import exceptions as scrapy_errors
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import defer, error
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived


# (exception types, reason code) in the order they are checked.
def _scrapy_error(name: str) -> tuple[type[BaseException], ...]:
    """Scrapy's own download exceptions (2.13+), absent from older releases."""
    found = getattr(scrapy_errors, name, None)
    return (found,) if isinstance(found, type) else ()


_REASONS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((error.TimeoutError, error.TCPTimedOutError, defer.TimeoutError,
      *_scrapy_error("DownloadTimeoutError")), "fetch:timeout"),
    ((error.DNSLookupError, *_scrapy_error("CannotResolveHostError")), "fetch:dns"),
    ((error.ConnectionRefusedError, *_scrapy_error("DownloadConnectionRefusedError")),
     "fetch:connection_refused"),
    ((ResponseNeverReceived, ResponseFailed, error.ConnectionLost, error.ConnectionDone,
      *_scrapy_error("ResponseDataLossError"), *_scrapy_error("DownloadFailedError")),
     "fetch:connection_lost"),
    ((defer.CancelledError, *_scrapy_error("DownloadCancelledError")), "fetch:cancelled"),
)


def describe_failure(failure: Any) -> tuple[str, int | None, str]:
    """``(reason, status, detail)`` for a Twisted failure delivered to an errback."""
    exc = failure.value
    message = str(exc) or type(exc).__name__
    if failure.check(HttpError):
        status = exc.response.status
        return f"http:{status}", status, f"HTTP {status}"
    if failure.check(IgnoreRequest):
        low = message.lower()
        if "robots.txt" in low:
            return "robots:disallowed", None, "forbidden by robots.txt"
        if "redirect loop" in low:
            return "fetch:redirect_loop", None, message
        if "redirect" in low:
            return "fetch:too_many_redirects", None, message
        if "offsite" in low:
            return "skip:offsite", None, message
        return "fetch:ignored", None, message
    for types, reason in _REASONS:
        if failure.check(*types):
            if reason == "fetch:cancelled" and "size" in message.lower():
                return "fetch:too_large", None, message
            return reason, None, message
    low = message.lower()
    if "maxsize" in low or "max size" in low or "larger than" in low:
        return "fetch:too_large", None, message
    if "timeout" in low or "timed out" in low:
        return "fetch:timeout", None, message
    return f"fetch:{type(exc).__name__.lower()}", None, message[:500]
