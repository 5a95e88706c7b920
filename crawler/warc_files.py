"""WARC 1.1 files of HTTP exchanges, written with warcio (no Scrapy here).

An ``Exchange`` is one request and the response the server sent for it. ``WarcFiles``
writes each exchange as a ``response`` record (HTTP status line, headers, payload) and
a ``request`` record pointing at it (``WARC-Concurrent-To``), each record its own gzip
member. Every file starts with a ``warcinfo`` record. Files are named
``healtharchive-YYYYmmddHHMMSS-NNNNN.warc.gz`` (crawl start in UTC, serial), written as
``<name>.open`` and renamed when closed, so a file under its final name is complete;
a file is closed and the next one started once it reaches the size limit.

Not thread-safe: one thread owns a ``WarcFiles`` (see ``crawler.warc``).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.recordbuilder import RecordBuilder
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

WARC_VERSION = "WARC/1.1"
WARC_FORMAT = "WARC File Format 1.1"
WARC_CONFORMS_TO = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
FILE_PREFIX = "healtharchive"
OPEN_SUFFIX = ".open"
DEFAULT_MAX_SIZE = 1_000_000_000  # bytes per file before the next one is started
# Hop-by-hop or length headers that no longer describe the payload as we store it: the
# body Scrapy hands over is already de-chunked, so its length is set anew.
DROPPED_RESPONSE_HEADERS = frozenset({"transfer-encoding", "content-length"})

Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP request and the response received for it, as they went over the wire
    (headers as name/value pairs in order, latin-1 text; ``body`` the payload bytes as
    received, still content-encoded when the server compressed it)."""

    url: str
    method: str
    request_headers: Headers
    request_body: bytes
    status: int
    response_headers: Headers
    body: bytes
    fetched_at: datetime             # when the fetch began (UTC)
    protocol: str = "HTTP/1.1"
    ip_address: str | None = None
    truncated: bool = False          # the connection dropped before the whole body came


def warc_file_name(started_at: datetime, serial: int) -> str:
    """``healtharchive-YYYYmmddHHMMSS-NNNNN.warc.gz`` for a crawl started at ``started_at``."""
    stamp = started_at.astimezone(UTC).strftime("%Y%m%d%H%M%S")
    return f"{FILE_PREFIX}-{stamp}-{serial:05d}.warc.gz"


def warcinfo_fields(info: Mapping[str, str | Iterable[str] | None]) -> bytes:
    """``application/warc-fields`` text: one ``name: value`` line per value (a list gives
    one line per item, in order; empty values are left out)."""
    lines: list[str] = []
    for name, value in info.items():
        values = [value] if isinstance(value, str) or value is None else list(value)
        lines.extend(f"{name}: {v}\r\n" for v in values if v)
    return "".join(lines).encode("utf-8")


def response_headers_for_warc(exchange: Exchange) -> StatusAndHeaders:
    """The response's status line and headers, with ``Content-Length`` set to the stored
    payload's length and ``Transfer-Encoding`` dropped (the payload is de-chunked)."""
    headers = [(k, v) for k, v in exchange.response_headers if k.lower() not in DROPPED_RESPONSE_HEADERS]
    headers.append(("Content-Length", str(len(exchange.body))))
    try:
        reason = HTTPStatus(exchange.status).phrase
    except ValueError:
        reason = ""
    return StatusAndHeaders(f"{exchange.status} {reason}".strip(), headers, protocol=exchange.protocol)


def request_headers_for_warc(exchange: Exchange) -> StatusAndHeaders:
    """The request line and headers as sent (``Host`` and a body's ``Content-Length``
    added when the client library adds them itself)."""
    parts = urlsplit(exchange.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    names = {k.lower() for k, _ in exchange.request_headers}
    headers = list(exchange.request_headers)
    if "host" not in names:
        headers.insert(0, ("Host", parts.netloc))
    if exchange.request_body and "content-length" not in names:
        headers.append(("Content-Length", str(len(exchange.request_body))))
    # Scrapy sends HTTP/1.1 requests whatever version the server answers in (HTTP/2 aside).
    protocol = "HTTP/2" if exchange.protocol == "HTTP/2" else "HTTP/1.1"
    return StatusAndHeaders(f"{exchange.method} {target} {protocol}", headers, is_http_request=True)


class WarcFiles:
    """A growing set of WARC files in one folder: ``write(exchange)`` appends a record
    pair, starting a new file when needed; ``close()`` closes (and renames) the current one.

    ``info`` holds the fields of each file's ``warcinfo`` record (software, start URLs,
    robots policy...). ``written`` lists the final paths of the files closed so far.
    """

    def __init__(self, folder: Path, *, started_at: datetime, info: Mapping[str, str | Iterable[str] | None],
                 max_size: int = DEFAULT_MAX_SIZE) -> None:
        self.folder = folder
        self.started_at = started_at
        self.info = {"format": WARC_FORMAT, "conformsTo": WARC_CONFORMS_TO, **info}
        self.max_size = max_size
        self.records = 0
        self.written: list[Path] = []
        self._serial = 0
        self._file: BinaryIO | None = None
        self._path: Path | None = None
        self._writer: WARCWriter | None = None

    @property
    def current_path(self) -> Path | None:
        """The ``.open`` file being written, if any."""
        return self._path

    def write(self, exchange: Exchange) -> None:
        writer = self._writer or self._open_next()
        response = _response_record(writer, exchange)
        request = writer.create_warc_record(
            exchange.url, "request", payload=io.BytesIO(exchange.request_body),
            length=len(exchange.request_body), http_headers=request_headers_for_warc(exchange))
        writer.write_request_response_pair(request, response)
        self.records += 2
        assert self._file is not None
        if self._file.tell() >= self.max_size:
            self.close()

    def close(self) -> None:
        """Flush, sync and close the current file and give it its final name."""
        if self._file is None or self._path is None:
            return
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        final = self._path.with_name(self._path.name[: -len(OPEN_SUFFIX)])
        os.replace(self._path, final)
        self.written.append(final)
        self._file = self._path = self._writer = None

    def _open_next(self) -> WARCWriter:
        """Create the next file (never over an existing one, finished or not)."""
        while True:
            name = warc_file_name(self.started_at, self._serial)
            self._serial += 1
            final, partial = self.folder / name, self.folder / f"{name}{OPEN_SUFFIX}"
            if final.exists():
                continue
            try:
                handle = open(partial, "xb")  # noqa: SIM115 - closed in close()
            except FileExistsError:
                continue
            break
        self._file, self._path = handle, partial
        self._writer = WARCWriter(handle, gzip=True, warc_version=WARC_VERSION)
        self._writer.write_record(self._writer.create_warc_record(
            "", "warcinfo", payload=io.BytesIO(body := warcinfo_fields(self.info)), length=len(body),
            warc_headers_dict={"WARC-Filename": name, "WARC-Date": warc_date(datetime.now(UTC))}))
        self.records += 1
        return self._writer


def warc_date(moment: datetime) -> str:
    """A WARC 1.1 date: UTC, ISO 8601 with microseconds."""
    return str(datetime_to_iso_date(moment.astimezone(UTC).replace(tzinfo=None), use_micros=True))


def _response_record(writer: RecordBuilder, exchange: Exchange) -> object:
    headers = {"WARC-Date": warc_date(exchange.fetched_at)}
    if exchange.ip_address:
        headers["WARC-IP-Address"] = exchange.ip_address
    if exchange.truncated:
        headers["WARC-Truncated"] = "disconnect"
    return writer.create_warc_record(
        exchange.url, "response", payload=io.BytesIO(exchange.body), length=len(exchange.body),
        http_headers=response_headers_for_warc(exchange), warc_headers_dict=headers)
