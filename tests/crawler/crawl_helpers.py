"""Running the real ``healtharchive`` command in a subprocess (one Twisted reactor per
crawl) and reading the archive it wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select

from storage.db import open_archive
from storage.export import iter_article_records
from storage.models import Fetch

# The contract lives in shared/ beside the repository; a copy is kept in the fixtures so
# the suite also runs on a clone without shared/ (a test checks they agree).
SHARED_SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "article.schema.json"
FIXTURE_SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "article.schema.json"
SCHEMA_PATH = SHARED_SCHEMA if SHARED_SCHEMA.exists() else FIXTURE_SCHEMA


def run_cli(*args: str, timeout: float = 180, env: dict[str, str] | None = None,
            stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("HEALTHARCHIVE_DB", None) if env is None or "HEALTHARCHIVE_DB" not in env else None
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args], capture_output=True, timeout=timeout,
        env=full_env, input=stdin.decode() if stdin is not None else None, text=True,
    )


def exported_records(database_url: str) -> list[dict[str, Any]]:
    engine = open_archive(database_url)
    try:
        return list(iter_article_records(engine))
    finally:
        engine.dispose()


def fetch_rows(database_url: str) -> list[dict[str, Any]]:
    engine = open_archive(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(Fetch.url, Fetch.status, Fetch.outcome, Fetch.reason, Fetch.detail))
            return [dict(r._mapping) for r in rows]
    finally:
        engine.dispose()


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


REQUIRE_POSTGRESQL = os.environ.get("HEALTHARCHIVE_REQUIRE_POSTGRESQL") == "1"
PG_ADMIN_URL = os.environ.get("HEALTHARCHIVE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def create_pg_database(prefix: str = "ha_crawl") -> str:
    """A fresh PostgreSQL database; returns its SQLAlchemy URL."""
    import uuid

    import psycopg
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False)


def drop_pg_database(url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
