"""UTCDateTime and the declarative base (storage/base.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select
from sqlalchemy.exc import StatementError

from storage.base import NAMING_CONVENTION, Base, UTCDateTime

PLUS_FIVE_THIRTY = timezone(timedelta(hours=5, minutes=30))


@pytest.fixture
def probe(archive_engine):
    """A scratch table with one UTCDateTime column, on each engine."""
    table = Table(
        "utc_probe",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("at", UTCDateTime()),
    )
    table.create(archive_engine)
    return table


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(datetime(2026, 11, 23, 18, 3, 49, tzinfo=UTC), id="utc"),
        pytest.param(datetime(2026, 11, 23, 23, 33, 49, tzinfo=PLUS_FIVE_THIRTY), id="offset"),
        pytest.param(datetime(2026, 11, 23, 18, 3, 49, 123456, tzinfo=UTC), id="microseconds"),
    ],
)
def test_utc_datetime_round_trip(archive_engine, probe, value):
    with archive_engine.begin() as conn:
        conn.execute(insert(probe).values(at=value))
    with archive_engine.connect() as conn:
        stored = conn.execute(select(probe.c.at)).scalar_one()
    assert stored == value
    assert stored.tzinfo is not None
    assert stored.utcoffset() == timedelta(0)


def test_utc_datetime_refuses_naive(archive_engine, probe):
    with pytest.raises(StatementError, match="naive"), archive_engine.begin() as conn:
        conn.execute(insert(probe).values(at=datetime(2026, 1, 1)))


def test_null_stays_null(archive_engine, probe):
    with archive_engine.begin() as conn:
        conn.execute(insert(probe).values(at=None))
    with archive_engine.connect() as conn:
        assert conn.execute(select(probe.c.at)).scalar_one() is None


def test_every_constraint_and_index_is_named_by_the_convention():
    assert Base.metadata.naming_convention == NAMING_CONVENTION
    for table in Base.metadata.tables.values():
        names = [c.name for c in table.constraints] + [i.name for i in table.indexes]
        assert all(names), table.name
        assert all(str(name).split("_")[0] in {"pk", "fk", "uq", "ck", "ix"} for name in names)


def test_table_names_are_plural_and_not_reserved():
    reserved = {"references", "order", "user", "group", "table", "select", "check"}
    for name in Base.metadata.tables:
        assert name.endswith("s"), name
        assert name not in reserved
