"""Flow counts rebuilt from hand-built move logs, days in a non-UTC zone (New York)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from mwms_desktop.analytics.flow import OFF, flow, stage_on
from mwms_desktop.analytics.source import Scope, read_facts
from mwms_desktop.clock import FixedClock
from tests.core.analytics_log import engagement, new_york  # noqa: F401  (fixture)

NOW = FixedClock(datetime(2026, 11, 20, 15, 0, tzinfo=UTC))
STAGES = ("qualification", "onboarding", "insight", "execution", "optimization", "outcome")


def counts(day, **expected) -> tuple[int, ...]:
    return tuple(expected.get(s, 0) for s in STAGES)


@pytest.mark.usefixtures("new_york")
def test_a_move_just_before_and_just_after_local_midnight(services):
    """04:59 UTC on 3 November is 23:59 on the 2nd in New York; 05:01 UTC is 00:01 on the 3rd."""
    eid = engagement("Kestrel", "2026-11-01 15:00", [
        ("2026-11-03 04:59", "onboarding", "forward"),
        ("2026-11-03 05:01", "insight", "forward"),
    ])  # fmt: skip
    facts = read_facts(NOW)
    assert stage_on(facts, eid, date(2026, 11, 1)) == "qualification"
    assert stage_on(facts, eid, date(2026, 11, 2)) == "onboarding"
    assert stage_on(facts, eid, date(2026, 11, 3)) == "insight"
    days = flow(facts, Scope(date(2026, 11, 1), date(2026, 11, 4))).days
    assert [d.counts for d in days] == [
        counts(1, qualification=1),
        counts(2, onboarding=1),
        counts(3, insight=1),
        counts(4, insight=1),
    ]


@pytest.mark.usefixtures("new_york")
def test_a_day_is_the_local_one_not_utc(services):
    """Created at 03:00 UTC on 5 November: still the 4th in New York, so it is on the board
    at the end of the 4th (counting UTC days would miss it)."""
    engagement("Night owl", "2026-11-05 03:00")
    days = flow(read_facts(NOW), Scope(date(2026, 11, 4), date(2026, 11, 5))).days
    assert [d.counts for d in days] == [counts(4, qualification=1), counts(5, qualification=1)]


def test_created_and_moved_the_same_day_counts_once_in_the_stage_it_reached(services):
    engagement("Same day", "2026-11-10 09:00", [("2026-11-10 11:00", "onboarding", "forward")])
    days = flow(read_facts(NOW), Scope(date(2026, 11, 9), date(2026, 11, 11))).days
    assert [d.counts for d in days] == [counts(9), counts(10, onboarding=1), counts(11, onboarding=1)]


def test_backward_moves_are_rework_counted_and_follow_the_log(services):
    engagement("Reworked", "2026-11-01 10:00", [
        ("2026-11-02 10:00", "onboarding", "forward"),
        ("2026-11-03 10:00", "insight", "forward"),
        ("2026-11-04 10:00", "onboarding", "backward"),
        ("2026-11-06 10:00", "insight", "forward"),
        ("2026-11-07 10:00", "onboarding", "undo"),
    ])  # fmt: skip
    result = flow(read_facts(NOW), Scope(date(2026, 11, 1), date(2026, 11, 7)))
    stages = [d.counts for d in result.days]
    assert stages[3] == counts(4, onboarding=1)  # went back on the 4th
    assert stages[5] == counts(6, insight=1)
    assert stages[6] == counts(7, onboarding=1)  # the undo moves it too
    assert [d.rework for d in result.days] == [0, 0, 0, 1, 0, 0, 0]
    assert result.rework.total == 1
    assert result.rework.by_stage == (("insight", 1),)
    assert result.rework.undone == 1  # an undo is a correction, counted apart
    assert result.rework.forward == 3


def test_rework_outside_the_period_is_not_counted_in_it(services):
    engagement("Early", "2026-10-01 10:00", [
        ("2026-10-02 10:00", "onboarding", "forward"),
        ("2026-10-03 10:00", "qualification", "backward"),
    ])  # fmt: skip
    result = flow(read_facts(NOW), Scope(date(2026, 11, 1), date(2026, 11, 2)))
    assert result.rework.total == 0
    assert result.days[0].counts == counts(1, qualification=1)  # the state carried into the period


def test_archived_and_disqualified_engagements_leave_the_stages_on_their_last_change(services):
    engagement("Archived", "2026-11-01 10:00", [("2026-11-02 10:00", "onboarding", "forward")],
               status="archived", changed="2026-11-04 10:00")  # fmt: skip
    engagement("Not a fit", "2026-11-01 10:00", status="disqualified", changed="2026-11-03 12:00")
    result = flow(read_facts(NOW), Scope(date(2026, 11, 1), date(2026, 11, 5)))
    assert [(d.counts, d.off_board) for d in result.days] == [
        (counts(1, qualification=2), 0),
        (counts(2, qualification=1, onboarding=1), 0),
        (counts(3, onboarding=1), 1),
        (counts(4), 2),
        (counts(5), 2),
    ]
    facts = read_facts(NOW)
    assert stage_on(facts, facts.engagements[0].id, date(2026, 11, 4)) == OFF


def test_started_and_finished_per_month(services):
    engagement("Done", "2026-09-15 10:00", [
        ("2026-10-01 10:00", "onboarding", "forward"),
        ("2026-10-02 10:00", "insight", "forward"),
        ("2026-10-03 10:00", "execution", "forward"),
        ("2026-10-04 10:00", "optimization", "forward"),
        ("2026-11-05 10:00", "outcome", "forward"),
    ])  # fmt: skip
    engagement("New", "2026-11-02 10:00")
    result = flow(read_facts(NOW), Scope(date(2026, 9, 1), date(2026, 11, 20)))
    assert [(m.month, m.started, m.finished) for m in result.throughput] == [
        (date(2026, 9, 1), 1, 0),
        (date(2026, 10, 1), 0, 0),
        (date(2026, 11, 1), 1, 1),
    ]


def test_an_empty_portfolio_is_empty_not_a_division_by_zero(services):
    result = flow(read_facts(NOW), Scope(date(2026, 11, 1), date(2026, 11, 3)))
    assert result.empty
    assert result.rework.total == 0
