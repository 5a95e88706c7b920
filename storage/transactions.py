"""One write transaction, run again when it lost a race to another writer."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

T = TypeVar("T")

# A lost race: unique violation, serialization failure, deadlock detected.
_RETRY_SQLSTATES = {"23505", "40001", "40P01"}
_RETRY_SQLITE_ERRORS = {"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY", "SQLITE_BUSY"}


class TransactionalWrites:
    """The base of ``ArchiveWriter``'s parts: ``_write_engine`` is its engine with
    SQLite's ``BEGIN IMMEDIATE``, ``max_attempts`` how often a lost race is tried."""

    _write_engine: Engine
    max_attempts: int

    def _in_transaction(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one write transaction, again if it lost a race."""
        for attempt in range(1, self.max_attempts + 1):
            try:
                with self._write_engine.begin() as conn:
                    return work(conn)
            except DBAPIError as error:
                if attempt == self.max_attempts or not is_retryable(error):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover


def is_retryable(error: DBAPIError) -> bool:
    """Whether ``error`` is a race another attempt may win (not a bad value)."""
    orig = error.orig
    return (
        getattr(orig, "sqlstate", None) in _RETRY_SQLSTATES
        or getattr(orig, "sqlite_errorname", None) in _RETRY_SQLITE_ERRORS
    )
