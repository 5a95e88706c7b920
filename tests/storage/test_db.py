"""Finding, opening and migrating an archive (storage/db.py)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from storage.db import ArchiveError, create_archive_engine, open_archive, resolve_database_url

# (argument, HEALTHARCHIVE_DB, expected); "{cwd}" is the test's working directory.
RESOLVE_CASES = [
    pytest.param(None, None, "sqlite:///{cwd}/healtharchive.db", id="default-file"),
    pytest.param("", None, "sqlite:///{cwd}/healtharchive.db", id="empty-is-default"),
    pytest.param(None, "env.db", "sqlite:///{cwd}/env.db", id="env-path"),
    pytest.param(None, "postgres://u@db/arch", "postgresql+psycopg://u@db/arch", id="env-url"),
    pytest.param("mine.db", "env.db", "sqlite:///{cwd}/mine.db", id="argument-beats-env"),
    pytest.param("data/a.db", None, "sqlite:///{cwd}/data/a.db", id="relative-path"),
    pytest.param("/srv/archive.db", None, "sqlite:////srv/archive.db", id="absolute-path"),
    pytest.param("sqlite:///rel.db", None, "sqlite:///rel.db", id="sqlite-url-kept"),
    pytest.param("sqlite:////abs/a.db", None, "sqlite:////abs/a.db", id="sqlite-abs-url-kept"),
    pytest.param(
        "postgresql://u:p@h:5433/db", None, "postgresql+psycopg://u:p@h:5433/db", id="postgresql"
    ),
    pytest.param("postgres://h/db", None, "postgresql+psycopg://h/db", id="postgres-alias"),
    pytest.param(
        "postgresql+psycopg2://h/db", None, "postgresql+psycopg2://h/db", id="explicit-driver"
    ),
    pytest.param("mysql://h/db", None, "mysql://h/db", id="other-scheme-kept"),
]


@pytest.mark.parametrize(("value", "env", "expected"), RESOLVE_CASES)
def test_resolve_database_url(value, env, expected, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    if env is None:
        monkeypatch.delenv("HEALTHARCHIVE_DB", raising=False)
    else:
        monkeypatch.setenv("HEALTHARCHIVE_DB", env)
    assert resolve_database_url(value) == expected.format(cwd=Path.cwd())


def test_resolve_expands_home(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_database_url("~/a.db") == f"sqlite:///{tmp_path}/a.db"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("nosuchdb://host/db", "unsupported database kind", id="bad-scheme"),
        pytest.param("mysql://root@127.0.0.1/test", "unsupported database kind", id="mysql"),
        pytest.param("postgresql+nodriver://h/db", "unknown database driver", id="bad-driver"),
        pytest.param(
            "postgresql://postgres@127.0.0.1:1/test", "cannot open archive", id="unreachable-pg"
        ),
        pytest.param("{tmp}/missing/archive.db", "does not exist", id="missing-directory"),
        pytest.param("{tmp}", "is a directory", id="path-is-directory"),
    ],
)
def test_open_archive_errors_are_one_line(value, message, tmp_path):
    with pytest.raises(ArchiveError) as caught:
        open_archive(value.format(tmp=tmp_path))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_open_archive_hides_password():
    with pytest.raises(ArchiveError) as caught:
        open_archive("postgresql://postgres:s3cret@127.0.0.1:1/test")
    assert "s3cret" not in str(caught.value)


def test_open_archive_is_idempotent(database_url):
    for _ in range(2):
        engine = open_archive(database_url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
        engine.dispose()


def test_sqlite_connection_settings(archive_engine: Engine):
    if archive_engine.dialect.name != "sqlite":
        with archive_engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
        assert archive_engine.pool._pre_ping  # type: ignore[attr-defined]
        return
    with archive_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_ddl_is_transactional(archive_engine: Engine):
    """A failed transaction leaves no half-made table (SQLite too)."""
    with pytest.raises(RuntimeError), archive_engine.begin() as conn:
        conn.execute(text("CREATE TABLE scratch (id INTEGER)"))
        raise RuntimeError("roll back")
    with archive_engine.connect() as conn:
        conn.execute(text("CREATE TABLE scratch (id INTEGER)"))  # would fail if kept
        conn.rollback()


def test_concurrent_openers_migrate_a_new_archive_once(database_url):
    errors: list[BaseException] = []
    barrier = threading.Barrier(3)

    def open_it() -> None:
        try:
            engine = create_archive_engine(database_url)
            engine.dispose()
            barrier.wait(timeout=10)
            open_archive(database_url).dispose()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=open_it) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    engine = open_archive(database_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    engine.dispose()
