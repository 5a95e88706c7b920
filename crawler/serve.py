"""A small static web server for a site folder, on 127.0.0.1 and a free port.

It serves ``<path>/index.html`` for ``<path>/``, answers conditional requests
(ETag / If-None-Match, Last-Modified / If-Modified-Since) with 304, applies
``_redirects`` (``FROM TO STATUS`` lines) and, when the folder has a ``_site.json``
naming an ``origin``, rewrites that origin in every text response to its own
address, so a site written for ``https://vitalwell.example`` is served as itself.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

TEXT_TYPES = ("text/", "application/xml", "application/rss+xml", "application/atom+xml",
              "application/json", "application/javascript")


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0, *,
                 latency: float = 0.0) -> None:
        self.root = root.resolve()
        self.latency = latency  # seconds each response waits (a slow server)
        self.redirects = _read_redirects(self.root / "_redirects")
        site = self.root / "_site.json"
        self.origin = json.loads(site.read_text())["origin"].rstrip("/") if site.exists() else None
        self.request_log: list[tuple[str, str, int]] = []
        self._log_lock = threading.Lock()
        super().__init__((host, port), SiteHandler)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def log_request_line(self, method: str, path: str, status: int) -> None:
        with self._log_lock:
            self.request_log.append((method, path, status))


def _read_redirects(path: Path) -> dict[str, tuple[str, int]]:
    rules: dict[str, tuple[str, int]] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            parts = line.split()
            if len(parts) >= 2 and not line.lstrip().startswith("#"):
                rules[parts[0]] = (parts[1], int(parts[2]) if len(parts) > 2 else 301)
    return rules


class SiteHandler(BaseHTTPRequestHandler):
    server: SiteServer
    server_version = "healtharchive-site/1"
    protocol_version = "HTTP/1.1"  # persistent connections, as real web servers keep

    def log_message(self, format: str, *args: object) -> None:  # quiet by default
        pass

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, *, head: bool) -> None:
        if self.server.latency > 0:
            time.sleep(self.server.latency)
        path = unquote(urlsplit(self.path).path)
        if path in self.server.redirects:
            target, status = self.server.redirects[path]
            self._reply(status, b"", {"Location": target}, head=head, path=path)
            return
        file = self._resolve(path)
        if file is None:
            self._reply(404, b"<html><body><h1>Not found</h1></body></html>",
                        {"Content-Type": "text/html; charset=utf-8"}, head=head, path=path)
            return
        body = file.read_bytes()
        ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if ctype.startswith(TEXT_TYPES) and self.server.origin:
            body = body.replace(self.server.origin.encode(), self.server.base_url.encode())
        if ctype.startswith("text/") or ctype.endswith("xml"):
            ctype += "; charset=utf-8"
        etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        mtime = file.stat().st_mtime
        headers = {"Content-Type": ctype, "ETag": etag,
                   "Last-Modified": formatdate(mtime, usegmt=True)}
        if self._not_modified(etag, mtime):
            self._reply(304, b"", headers, head=True, path=path)
            return
        self._reply(200, body, headers, head=head, path=path)

    def _resolve(self, path: str) -> Path | None:
        candidate = (self.server.root / path.lstrip("/")).resolve()
        if not candidate.is_relative_to(self.server.root):
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        if candidate.name.startswith("_") or not candidate.is_file():
            return None
        return candidate

    def _not_modified(self, etag: str, mtime: float) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match:
            return etag in [t.strip() for t in if_none_match.split(",")] or if_none_match.strip() == "*"
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return int(mtime) <= int(parsedate_to_datetime(since).timestamp())
            except (TypeError, ValueError):
                return False
        return False

    def _reply(self, status: int, body: bytes, headers: dict[str, str], *, head: bool, path: str) -> None:
        self.server.log_request_line(self.command, path, status)
        self.send_response(status, HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "")
        for key, value in headers.items():
            self.send_header(key, value)
        if status != 304:  # a 304 has no body and says nothing of one
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head and body:
            self.wfile.write(body)


def start_site_server(root: Path, *, port: int = 0, latency: float = 0.0) -> tuple[SiteServer, threading.Thread]:
    """Start serving ``root`` in a daemon thread; returns the server (``base_url``) and
    thread. ``latency``: seconds every response waits (requests are served in parallel)."""
    server = SiteServer(root, port=port, latency=latency)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    return server, thread
