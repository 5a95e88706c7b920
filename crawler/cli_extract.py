"""``healtharchive extract``: extraction and normalisation of saved HTML pages, with no
crawl and no archive: one JSON record per page on standard output."""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.cli import _load_rules
from crawler.errors import UserError


def add_parser(sub: Any) -> None:
    extract = sub.add_parser("extract", help="extract saved HTML pages, no crawl, no storage",
                             description="Run extraction and normalisation on saved HTML pages and print "
                             "one JSON record per page (JSON Lines, input order). '-' reads standard "
                             "input; .gz files are read compressed.")
    extract.add_argument("files", nargs="+", metavar="FILE", help="HTML file(s), '-' for standard input")
    extract.add_argument("--url", help="the URL the page(s) came from (default: the page's canonical link)")
    extract.add_argument("--rules", type=Path, action="append", metavar="DIR",
                         help="folder of per-site rules (*.toml); repeatable")
    extract.set_defaults(handler=cmd_extract)


def cmd_extract(args: argparse.Namespace) -> int:
    from pipelines.process import process_page
    from pipelines.records import ExtractOptions, FetchedPage, Rejection
    from pipelines.urls import site_of

    rules = _load_rules(args.rules or [])
    pages = list(_read_inputs(args.files))  # read all first: an unreadable file fails early
    now = datetime.now(UTC)
    for name, body in pages:
        url = args.url or (name if name.startswith(("http://", "https://")) else _file_url(name))
        options = ExtractOptions(site_rules=rules.get(site_of(url)))
        result = process_page(FetchedPage(url=url, body=body, fetched_at=now, content_type=None), options)
        if isinstance(result, Rejection):
            record: dict[str, Any] = {"url": result.url, "error": result.reason}
            if result.detail:
                record["detail"] = result.detail
        else:
            stamp = now.isoformat(timespec="seconds")
            record = {**result.to_record(), "first_seen": stamp, "last_seen": stamp, "version": 1}
            record.pop("block_sha1s", None)
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0


def _read_inputs(files: list[str]) -> Iterator[tuple[str, bytes]]:
    for name in files:
        try:
            data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as exc:
            raise UserError(f"cannot read {name}: {exc.strerror or exc}") from exc
        if name.endswith(".gz") or data[:2] == b"\x1f\x8b":
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError) as exc:
                raise UserError(f"cannot read {name}: not a valid gzip file") from exc
        yield name, data


def _file_url(name: str) -> str:
    return "file:///dev/stdin" if name == "-" else Path(name).resolve().as_uri()
