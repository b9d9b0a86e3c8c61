"""Archiving, disqualifying and bringing back an engagement each leave a dated record
(``status_change``, schema 7) written in the same transaction as the change; an old file's
engagements already off the board get one dated by their last change."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from db.connection import close_database, open_database
from db.models import Engagement, StatusChange, database
from mwms_desktop.errors import ValidationError
from mwms_desktop.services import open_services


def _log(eid: int) -> list[tuple[str, str, str, datetime]]:
    q = StatusChange.select().where(StatusChange.engagement == eid).order_by(StatusChange.id)
    return [(c.from_status, c.to_status, c.stage, c.changed_at) for c in q]


def test_archive_restore_and_verdicts_are_logged_with_their_time(services, clock):
    now = clock.now()
    a = services.portfolio.add("Archived Ltd").id
    services.portfolio.archive(a)
    services.portfolio.restore(a)
    assert _log(a) == [
        ("active", "archived", "qualification", now),
        ("archived", "active", "qualification", now),
    ]
    d = services.portfolio.add("Not A Fit Ltd").id
    services.lifecycle.set_verdict(d, "not_a_fit")
    services.lifecycle.set_verdict(d, "not_a_fit", "still not")  # no change of status: no record
    services.lifecycle.set_verdict(d, "qualified")
    assert [(f, t) for f, t, _, _ in _log(d)] == [("active", "disqualified"), ("disqualified", "active")]
    with pytest.raises(ValidationError):
        services.portfolio.restore(a)  # already on the board: refused, nothing logged
    assert len(_log(a)) == 2


def test_the_record_and_the_change_commit_together_or_not_at_all(services, monkeypatch):
    eid = services.portfolio.add("Kestrel").id

    def fail(self, *args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Engagement, "save", fail)
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        services.portfolio.archive(eid)
    monkeypatch.undo()
    assert _log(eid) == []
    assert Engagement.get_by_id(eid).status == "active"


def test_an_old_file_gets_a_record_for_each_engagement_already_off_the_board(services, db_path):
    kept = services.portfolio.add("Kept").id
    gone = services.portfolio.add("Gone").id
    services.close()
    con = sqlite3.connect(db_path)  # the file as schema 6 left it: no log, an archived engagement
    con.execute("DROP TABLE status_change")
    con.execute('ALTER TABLE "learning" DROP COLUMN "private"')  # schema 8's
    con.execute(
        "UPDATE engagement SET status = 'archived', updated_at = '2026-03-04T05:06:07+00:00' WHERE id = ?",
        (gone,),
    )
    con.execute("PRAGMA user_version = 6")
    con.commit()
    con.close()
    open_database(db_path)
    try:
        rows = database.execute_sql(
            "SELECT engagement_id, from_status, to_status, stage, changed_at FROM status_change"
        ).fetchall()
        assert rows == [(gone, "active", "archived", "qualification", "2026-03-04T05:06:07+00:00")]
        assert kept not in [r[0] for r in rows]
    finally:
        close_database()
    again = open_services(db_path)
    assert _log(gone)[0][3] == datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    again.close()


def test_the_analytics_date_leaving_the_board_by_the_record_not_by_a_later_edit(services, clock):
    """Before the log, an archived engagement left the board on its last change: editing it
    a month later moved its departure (and its relationship's end) by a month."""
    from datetime import date, timedelta

    from mwms_desktop.analytics import report
    from mwms_desktop.analytics.source import Scope, read_facts

    start = clock.at
    eid = services.portfolio.add("Kestrel").id
    clock.at = start + timedelta(days=3)
    services.portfolio.archive(eid)
    clock.at = start + timedelta(days=30)
    services.portfolio.update(eid, notes="Called back: not now.")  # an edit while archived
    scope = Scope(start.date(), clock.at.date())
    result = report.compute(services, scope)
    assert result == report.build(read_facts(clock), scope, services.portfolio.cards())
    off = {d.day: d.off_board for d in result.flow.days}
    assert (off[date(2026, 11, 4)], off[date(2026, 11, 5)]) == (0, 1)  # archived on 5 November
    assert result.outcomes.duration_by_type[0].spread.median == 3  # created 2 Nov, archived 5 Nov


def test_engagements_taken_off_the_board_are_counted_per_month(services, clock):
    from datetime import timedelta

    from mwms_desktop.analytics import report
    from mwms_desktop.analytics.source import Scope, read_facts

    start = clock.at  # 2 November 2026
    ids = [services.portfolio.add(f"Client {n}").id for n in range(4)]
    clock.at = start - timedelta(days=40)  # an archive dated in September (a clock set back)
    services.portfolio.archive(ids[0])
    clock.at = start + timedelta(days=1)
    services.portfolio.archive(ids[1])
    services.lifecycle.set_verdict(ids[2], "not_a_fit")
    services.portfolio.archive(ids[3])
    services.portfolio.restore(ids[3])  # back on the board: not counted
    scope = Scope(start.date().replace(day=1) - timedelta(days=61), start.date() + timedelta(days=5))
    result = report.compute(services, scope)
    assert result == report.build(read_facts(clock), scope, services.portfolio.cards())
    # The archive dated in September, before the engagement was even created (2 November),
    # leaves the board on its creation day: in the months as in the cumulative flow.
    assert [(m.month.month, m.left) for m in result.flow.throughput] == [(9, 0), (10, 0), (11, 3)]
    assert report.to_json(result)["flow"]["per_month"][-1]["left_board"] == 3
    off = {d.day: d.off_board for d in result.flow.days}
    day = start.date()
    assert (off[day - timedelta(days=1)], off[day], off[day + timedelta(days=1)]) == (0, 1, 3)


def test_a_status_changed_by_a_merge_dates_the_departure_by_that_change_not_an_older_record(tmp_path):
    """Archived here in February and restored in March, then archived on another laptop in
    June and merged: the merge writes no status record here, so the latest record says the
    engagement came back; the departure is June (its last change), not February."""
    from datetime import date

    from mwms_desktop.analytics import report
    from mwms_desktop.analytics.source import Scope, read_facts
    from tests.core.merge_laptops import Laptop

    def noon(month: int, day: int = 10) -> datetime:
        return datetime(2026, month, day, 12, 0, tzinfo=UTC)

    a, b = Laptop(tmp_path, "a", noon(1)), Laptop(tmp_path, "b", noon(1))
    with a.open() as s:
        eid = s.portfolio.add("Kestrel").id
    b.at(noon(1, 11)).receive(a.export())
    with a.at(noon(2)).open() as s:
        s.portfolio.archive(eid)
    with a.at(noon(3)).open() as s:
        s.portfolio.restore(eid)
    b.at(noon(3, 11)).receive(a.at(noon(3, 11)).export())
    with b.at(noon(6)).open() as s:
        (bid,) = [c.id for c in s.portfolio.cards() if c.client == "Kestrel"]
        s.portfolio.archive(bid)
    a.at(noon(6, 11)).receive(b.at(noon(6, 11)).export())
    with a.open() as s:
        assert Engagement.get_by_id(eid).status == "archived"
        assert [(f, t) for f, t, _, _ in _log(eid)] == [("active", "archived"), ("archived", "active")]
        scope = Scope(date(2026, 1, 1), date(2026, 6, 30))
        result = report.compute(s, scope)
        assert result == report.build(read_facts(s.clock), scope, s.portfolio.cards())
    left = {m.month.month: m.left for m in result.flow.throughput}
    assert left == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 1}  # June, not February
    off = {d.day: d.off_board for d in result.flow.days}
    assert (off[date(2026, 6, 9)], off[date(2026, 6, 10)]) == (0, 1)
    assert off[date(2026, 2, 10)] == 0


def test_every_figure_dates_a_departure_recorded_before_the_last_move_by_that_move(services):
    """An archive dated 20 October (a clock set back, or another laptop's moves merged) of an
    engagement whose log moved it on 10 November: the cumulative flow takes it off on 10
    November, and so do the months left, the relationship's length and the health bands."""
    from datetime import date

    from mwms_desktop.analytics import report
    from mwms_desktop.analytics.source import Scope, read_facts
    from tests.core.analytics_log import engagement

    engagement("Kestrel", "2026-10-01 12:00", [("2026-11-10 12:00", "onboarding", "forward")],
               status="archived", changed="2026-10-20 12:00")  # fmt: skip
    scope = Scope(date(2026, 10, 1), date(2026, 11, 30))
    result = report.compute(services, scope, [])
    assert result == report.build(read_facts(services.clock), scope, [])
    off = {d.day: d.off_board for d in result.flow.days}
    assert (off[date(2026, 11, 9)], off[date(2026, 11, 10)]) == (0, 1)
    assert [(m.month.month, m.left) for m in result.flow.throughput] == [(10, 0), (11, 1)]
    assert result.outcomes.duration_by_type[0].spread.median == 40  # 1 October to 10 November
    october = result.health.by_month[0]
    assert (october.when, sum(october.counts)) == (date(2026, 10, 31), 1)  # still on the board then
