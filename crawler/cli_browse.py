"""``healtharchive browse``: the SQLite archive in Datasette, every table and column
described, the worked questions of docs/querying.md as canned queries."""

from __future__ import annotations

import argparse
import importlib.util
import json
import socket
import sys
import tempfile
from pathlib import Path
from typing import Any

from crawler.cli import _add_db, _engine
from crawler.errors import UserError

QUESTIONS_DOC = Path(__file__).resolve().parents[1] / "docs" / "querying.md"


def add_parser(sub: Any) -> None:
    browse = sub.add_parser(
        "browse", help="open the SQLite archive in Datasette",
        description="Serve the archive with Datasette (pip install 'healtharchive[browse]'), "
        "with every table and column described and the worked questions of docs/querying.md "
        "as canned queries. Read-only; SQLite archives only.")
    _add_db(browse)
    browse.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    browse.add_argument("--port", type=int, default=8001, help="port (default 8001; 0 picks a free one)")
    browse.add_argument("--no-open", action="store_true", help="do not open a web browser")
    browse.set_defaults(handler=cmd_browse)


def cmd_browse(args: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url

    from storage.db import open_archive, resolve_database_url

    if importlib.util.find_spec("datasette") is None:
        raise UserError("browse needs Datasette: pip install 'healtharchive[browse]'")
    url = make_url(resolve_database_url(args.db))
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        raise UserError(f"no archive at {url.database} (crawl or run 'healtharchive demo' first)")
    engine = _engine(args.db, open_archive)  # creates or migrates it: the views exist
    try:
        if engine.dialect.name != "sqlite":
            raise UserError("browse opens SQLite archives; for PostgreSQL use any SQL client "
                            "(the views and docs/querying.md work there too)")
        database = Path(str(engine.url.database))
        metadata = build_metadata(engine, database.stem)
    finally:
        engine.dispose()
    _check_port(args.host, args.port)
    with tempfile.TemporaryDirectory(prefix="healtharchive-browse-") as folder:
        metadata_path = Path(folder) / "metadata.json"
        metadata_path.write_text(json.dumps(metadata, indent=2), encoding="utf-8")
        options = [str(database), "--metadata", str(metadata_path), "--host", args.host,
                   "--port", str(args.port), "--setting", "sql_time_limit_ms", "5000"]
        if not args.no_open:
            options.append("--open")
        print(f"datasette serving {database} on http://{args.host}:{args.port}/ (Ctrl-C stops)",
              file=sys.stderr)
        # In this process (no child left behind when it is stopped): uvicorn turns SIGINT
        # and SIGTERM into a clean shutdown, then the metadata file is removed.
        from datasette.cli import serve

        serve.main(args=options, prog_name="datasette serve", standalone_mode=False)
    return 0


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc


def build_metadata(engine: Any, database_name: str) -> dict[str, Any]:
    """Datasette metadata for the archive behind ``engine``: the catalog's descriptions
    of what the database holds, and the canned queries of docs/querying.md."""
    from sqlalchemy import inspect

    from storage.catalog import CannedQuery, datasette_metadata
    from storage.questions import parse_questions

    inspector = inspect(engine)
    names = [*inspector.get_table_names(), *inspector.get_view_names()]
    columns = {name: [c["name"] for c in inspector.get_columns(name)] for name in names}
    queries = []
    if QUESTIONS_DOC.is_file():
        for question in parse_questions(QUESTIONS_DOC.read_text(encoding="utf-8")):
            queries.append(CannedQuery(question.name, f"{question.number}. {question.title}",
                                       question.description, question.sql["sqlite"]))
    else:
        print(f"note: {QUESTIONS_DOC} not found (run from a source checkout): no canned queries",
              file=sys.stderr)
    return datasette_metadata(database_name, columns_by_table=columns, queries=queries)
