"""Before a crawl: is each start URL's host answering HTTP at all?"""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit


def unreachable_reason(url: str, *, timeout: float, user_agent: str) -> str | None:
    """None when the host answers HTTP (any status, even 404 or 500, counts);
    otherwise why not, in a few words. Asks for /robots.txt, which the crawl
    fetches first anyway."""
    parts = urlsplit(url)
    probe = f"{parts.scheme}://{parts.netloc}/robots.txt"
    request = urllib.request.Request(probe, headers={"User-Agent": user_agent})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read(1024)
    except urllib.error.HTTPError:
        return None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, socket.gaierror):
            return "host name not found"
        if isinstance(reason, ConnectionRefusedError):
            return "connection refused"
        if isinstance(reason, TimeoutError | socket.timeout):
            return f"no answer within {timeout:g}s"
        return str(reason)
    except TimeoutError:
        return f"no answer within {timeout:g}s"
    except (ConnectionError, OSError) as exc:
        return exc.strerror or type(exc).__name__
    return None
