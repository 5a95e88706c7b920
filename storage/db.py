"""Finding, opening and migrating an archive database.

``open_archive`` is what the command line and the Scrapy pipeline call: it
turns what the user typed (nothing, a file path or a database URL) into a
migrated ``Engine``, or raises ``ArchiveError`` with one line to print.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from storage.package_files import package_folder

ENV_VAR = "HEALTHARCHIVE_DB"
DEFAULT_FILE = "healtharchive.db"

# Option of an engine made by ``create_archive_engine``: on SQLite, how a
# transaction begins. The writer asks for IMMEDIATE (take the write lock at
# BEGIN, so two writers queue on busy_timeout instead of failing to upgrade
# a read lock); readers keep the default DEFERRED.
SQLITE_BEGIN_OPTION = "healtharchive_sqlite_begin"
SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_CACHE_KIB = 32_768
PG_CONNECT_TIMEOUT_S = 10
# pg_advisory_xact_lock key that serialises migrations between processes.
_MIGRATION_LOCK_KEY = 0x6861_7263  # "harc"

SUPPORTED_BACKENDS = ("sqlite", "postgresql")
_USE = " (use a file path, sqlite:///PATH or postgresql://HOST/DB)"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


class ArchiveError(Exception):
    """The archive cannot be used; ``str(error)`` is one line meant for the user."""


def resolve_database_url(value: str | None) -> str:
    """The database URL for what the user gave.

    ``None`` (or ``""``) falls back to the ``HEALTHARCHIVE_DB`` environment
    variable, then to ``healtharchive.db`` in the current directory. A plain
    path becomes ``sqlite:///<absolute path>``; a URL with a scheme is kept,
    except that ``postgresql://`` and ``postgres://`` select psycopg 3.
    """
    if not value:
        value = os.environ.get(ENV_VAR) or DEFAULT_FILE
    if not _SCHEME.match(value):
        path = Path(value).expanduser().absolute()
        return f"sqlite:///{path}"
    scheme, rest = value.split("://", 1)
    if scheme.lower() in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    return value


def create_archive_engine(url: str | URL) -> Engine:
    """An ``Engine`` set up for the archive (nothing is connected yet).

    SQLite: WAL journal, foreign keys on, a 30 s busy timeout, synchronous
    NORMAL, a 32 MB page cache, and real transactions (SQLAlchemy emits BEGIN, so DDL and SELECTs
    are transactional too). PostgreSQL: connections are pinged before use.
    """
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url)
        _configure_sqlite(engine)
        return engine
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
        kwargs["connect_args"] = {"connect_timeout": PG_CONNECT_TIMEOUT_S}
    return create_engine(url, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            if engine.url.database not in (None, "", ":memory:"):
                _use_wal(cursor)
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA synchronous = NORMAL")
            # 32 MB of page cache instead of 2 MB: index inserts into a large archive
            # (the dedupe band keys, millions of rows) stay in memory.
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def _use_wal(cursor: Any) -> None:
    """Switch the file to WAL. Changing the journal mode needs the file to itself and
    SQLite does not wait on ``busy_timeout`` for it, so when several processes open a
    new archive at once the switch is retried here for as long as the busy timeout."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.2)


def upgrade_archive(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is there).

    The whole upgrade runs in one transaction that first takes a lock (SQLite:
    ``BEGIN IMMEDIATE``; PostgreSQL: an advisory lock), so two processes
    opening a new archive at once migrate it once, the second waiting.
    """
    config = alembic_config()
    with engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"}).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY}
            )
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def alembic_config() -> Config:
    """An Alembic ``Config`` for the migrations inside this package (no ini file).

    Put a live connection in ``config.attributes["connection"]``, or a URL in
    ``config.set_main_option("sqlalchemy.url", ...)``, before running a command.
    """
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


@cache
def migrations_dir() -> Path:
    """The migrations folder on disk: inside the package, or copied out of it once when
    the package is imported from a zip (a Scrapyd egg), since Alembic reads files."""
    return package_folder("storage", "migrations")


def open_archive(value: str | None) -> Engine:
    """Resolve, connect and migrate the archive that ``value`` names.

    Raises ``ArchiveError`` (one line, no traceback needed) when the URL is
    malformed, names a database other than SQLite or PostgreSQL or an unknown
    driver, the server cannot be reached, or the SQLite file cannot be created.
    """
    url_text = resolve_database_url(value)
    try:
        url = make_url(url_text)
    except ArgumentError as error:
        raise ArchiveError(f"not a database URL: {url_text!r}") from error
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() not in SUPPORTED_BACKENDS:
        raise ArchiveError(f"unsupported database kind {url.drivername!r} in {shown}{_USE}")
    if url.get_backend_name() == "sqlite":
        _check_sqlite_path(url)
    try:
        engine = create_archive_engine(url)
    except NoSuchModuleError as error:
        raise ArchiveError(
            f"unknown database driver {url.drivername!r} in {shown}{_USE}"
        ) from error
    except (ImportError, ArgumentError) as error:
        raise ArchiveError(f"cannot use {shown}: {_first_line(error)}") from error
    try:
        upgrade_archive(engine)
    except DBAPIError as error:
        engine.dispose()
        raise ArchiveError(f"cannot open archive {shown}: {_first_line(error.orig)}") from error
    except SQLAlchemyError as error:
        engine.dispose()
        raise ArchiveError(f"cannot open archive {shown}: {_first_line(error)}") from error
    return engine


def _check_sqlite_path(url: URL) -> None:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return
    path = Path(database)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise ArchiveError(f"cannot create archive {path}: directory {parent} does not exist")
    if path.is_dir():
        raise ArchiveError(f"cannot open archive {path}: it is a directory")
    target = path if path.exists() else parent
    if not os.access(target, os.W_OK):
        raise ArchiveError(f"cannot write archive {path}: permission denied on {target}")


def _first_line(error: BaseException | None) -> str:
    message = str(error).strip() if error is not None else ""
    return message.splitlines()[0] if message else type(error).__name__
