"""Fixtures shared by the test suite.

``database_url`` runs a test once on SQLite (a file in ``tmp_path``) and once
on PostgreSQL (a fresh database on 127.0.0.1:5432, dropped afterwards; the
server can be changed with ``HEALTHARCHIVE_TEST_PG``, an admin URL). When
PostgreSQL cannot be reached the PostgreSQL run is skipped, which CI counts
as a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from storage.db import open_archive

PG_ADMIN_URL = os.environ.get("HEALTHARCHIVE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


# CI sets this: there a PostgreSQL test that cannot run is a failure, not a skip.
REQUIRE_POSTGRESQL = os.environ.get("HEALTHARCHIVE_REQUIRE_POSTGRESQL") == "1"


def _pg_admin_connection() -> psycopg.Connection:
    try:
        return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if REQUIRE_POSTGRESQL:
            pytest.fail(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}")
        pytest.skip("PostgreSQL not reachable")


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgresql),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """The URL of an empty database, on each engine in turn."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'archive.db'}"
        return
    name = f"ha_test_{uuid.uuid4().hex[:16]}"
    with _pg_admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg", database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        with _pg_admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def archive_engine(database_url: str) -> Iterator[Engine]:
    """An opened and migrated archive on each engine in turn."""
    engine = open_archive(database_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture(
    scope="session",
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgresql),
    ],
)
def example_archive(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[str]:
    """The URL of the archive ``healtharchive demo`` builds from the bundled example
    site (39 pages), once per session on each engine. Read it, do not change it."""
    import subprocess
    import sys

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('example') / 'example.db'}"
        name = None
    else:
        name = f"ha_example_{uuid.uuid4().hex[:12]}"
        with _pg_admin_connection() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg", database=name)
        url = url.render_as_string(hide_password=False)
    try:
        result = subprocess.run([sys.executable, "-m", "crawler.cli", "demo", "--db", url],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-2000:]
        yield url
    finally:
        if name is not None:
            with _pg_admin_connection() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
