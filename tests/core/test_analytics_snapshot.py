"""The analytics read on two connections at once (``analytics.snapshot``): both see one
snapshot, a commit that slips between their beginnings makes them begin again, and
whatever cannot be paired is read on the one connection."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from db.models import database
from mwms_desktop.analytics import fast, snapshot
from tests.core.analytics_log import engagement, new_york  # noqa: F401  (fixture)


def _moves(con: sqlite3.Connection) -> int:
    return con.execute("SELECT count(*) FROM stage_move").fetchone()[0]


def _writer(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def test_both_connections_read_the_snapshot_they_began_with(services, db_path):
    engagement("Kestrel", "2026-11-01 15:00", [("2026-11-02 15:00", "onboarding", "forward")])
    con, writer = database.connection(), _writer(db_path)
    with snapshot.paired(con, database.database) as other:
        assert other is not None
        before = _moves(con)
        writer.execute("DELETE FROM stage_move")  # another program commits meanwhile
        assert _moves(other) == _moves(con) == before > 0
    assert _moves(con) == 0  # the next read sees it
    writer.close()


def test_a_commit_between_the_two_beginnings_makes_them_begin_again(services, db_path, monkeypatch):
    engagement("Kestrel", "2026-11-01 15:00", [("2026-11-02 15:00", "onboarding", "forward")])
    con, writer = database.connection(), _writer(db_path)
    begun = []
    real = snapshot._begin

    def begin(c: sqlite3.Connection) -> None:
        real(c)
        begun.append(c)
        if len(begun) == 1:  # the first connection has its snapshot: a commit lands now
            writer.execute("DELETE FROM stage_move WHERE kind = 'forward'")

    monkeypatch.setattr(snapshot, "_begin", begin)
    with snapshot.paired(con, database.database) as other:
        assert other is not None
        assert len(begun) == 4  # tried twice
        assert _moves(other) == _moves(con) == 1  # both after the commit
    writer.close()


def test_commits_at_every_try_leave_the_one_connection_reading_alone(services, db_path, monkeypatch):
    engagement("Kestrel", "2026-11-01 15:00", [("2026-11-02 15:00", "onboarding", "forward")])
    con, writer = database.connection(), _writer(db_path)
    real = snapshot._begin

    def begin(c: sqlite3.Connection) -> None:
        real(c)
        if c is con:
            writer.execute("UPDATE engagement SET notes = notes || 'x'")

    monkeypatch.setattr(snapshot, "_begin", begin)
    with snapshot.paired(con, database.database) as other:
        assert other is None
        assert con.in_transaction
    assert not con.in_transaction
    writer.close()


def test_inside_a_transaction_the_caller_s_snapshot_serves_alone(services):
    con = database.connection()
    with database.atomic():
        with snapshot.paired(con, database.database) as other:
            assert other is None
        assert con.in_transaction  # the caller's transaction is left to the caller


@pytest.mark.parametrize("path", [":memory:", ""])
def test_a_database_not_in_a_file_is_read_on_one_connection(path):
    assert snapshot._second(path) is None


def test_an_error_on_the_other_thread_reaches_the_reader_and_closes_everything(services, monkeypatch):
    con = database.connection()

    def broken(_con: sqlite3.Connection) -> tuple:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(fast, "_log_row", broken)
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        fast.read(services.clock)
    assert not con.in_transaction


def test_the_paired_read_equals_the_read_on_one_connection(services, monkeypatch):
    engagement("Kestrel", "2026-11-01 15:00", [("2026-11-02 15:00", "onboarding", "forward"),
                                               ("2026-11-05 09:00", "insight", "forward")])  # fmt: skip
    engagement("Osprey", "2026-10-01 15:00", [("2026-10-03 15:00", "onboarding", "forward")])
    limits = services.portfolio.thresholds()
    paired = fast.read(services.clock, limits)
    monkeypatch.setattr(snapshot, "_second", lambda path: None)
    alone = fast.read(services.clock, limits)
    assert paired.facts == alone.facts
    assert paired.board == alone.board
    assert paired.signals == alone.signals
    for a, b in ((paired.log, alone.log), (paired.checkins, alone.checkins)):
        for name in a.__dataclass_fields__:
            assert (getattr(a, name) == getattr(b, name)).all(), name


@pytest.mark.usefixtures("new_york")
def test_engagement_instants_not_written_to_the_second_in_utc_are_read_one_by_one(services):
    """The engagements' instants come as one row from the second connection; a hand-edited one
    (another offset, a fraction of a second) is read as the reference reads it."""
    from datetime import date

    from mwms_desktop.analytics import report
    from mwms_desktop.analytics.source import Scope, read_facts

    engagement("Kestrel", "2026-11-01 15:00", [("2026-11-03 04:59", "onboarding", "forward")])
    eid = engagement("Osprey", "2026-10-01 15:00", [("2026-10-03 15:00", "onboarding", "forward")],
                     status="archived", changed="2026-10-20 12:00")  # fmt: skip
    database.execute_sql(
        "UPDATE engagement SET created_at = '2026-10-01T23:30:00.250000-05:00',"
        " updated_at = '2026-10-21T05:30:00+02:00' WHERE id = ?",
        (eid,),
    )
    scope = Scope(date(2026, 9, 25), date(2026, 11, 10))
    fast_report = report.compute(_Clock(services), scope, [])
    assert fast_report == report.build(read_facts(services.clock), scope, [])
    osprey = next(e for e in fast.read(services.clock).facts.engagements if e.id == eid)
    assert (osprey.created, osprey.changed) == (
        date(2026, 10, 2),
        date(2026, 10, 20),
    )  # read as UTC: 1st, 21st


class _Clock:
    def __init__(self, services) -> None:
        self.clock = services.clock
