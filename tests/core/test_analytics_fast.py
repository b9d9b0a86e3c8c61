"""The fast path (``analytics.fast``: arrays, running sums) gives exactly the report of the
reference modules (``flow``, ``durations``, ``health``: one object per move, plain loops), on
random move logs in New York, across the end of daylight saving time (1 November 2026)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.models import CheckIn, Engagement, StageMove, database, new_uuid
from mwms_desktop.analytics import report
from mwms_desktop.analytics.source import NO_OWNER, Scope, read_facts
from mwms_desktop.clock import FixedClock
from tests.core.analytics_log import engagement, new_york  # noqa: F401  (fixture)

STAGES = ("qualification", "onboarding", "insight", "execution", "optimization", "outcome")
START = datetime(2026, 9, 1, tzinfo=UTC)
NOW = FixedClock(datetime(2026, 12, 20, 15, 0, tzinfo=UTC))

move = st.tuples(
    st.integers(0, 30 * 24 * 60),  # minutes after the previous move (0: the same instant)
    st.sampled_from(STAGES),
    st.sampled_from(("forward", "forward", "backward", "undo")),
)
one = st.fixed_dictionaries({
    "created": st.integers(0, 90 * 24 * 60),
    "moves": st.lists(move, max_size=8),
    "type": st.sampled_from(("consulting", "ecommerce_growth")),
    "owner": st.sampled_from(("", "Dana")),
    "status": st.sampled_from(("active", "active", "archived", "disqualified")),
    "changed": st.integers(-5 * 24 * 60, 20 * 24 * 60),  # minutes after the last move (or before: edited)
    "checkins": st.lists(st.tuples(st.integers(0, 110), st.integers(0, 100)), max_size=4),
})  # fmt: skip
period = st.tuples(st.integers(0, 110), st.integers(0, 110)).map(sorted)


def _store(spec: dict) -> None:
    t = START + timedelta(minutes=spec["created"])
    created = t
    with database.atomic():
        stage, log = "qualification", [(t, None, "qualification", "created")]
        for gap, to_stage, kind in spec["moves"]:
            t += timedelta(minutes=gap)
            log.append((t, stage, to_stage, kind))
            stage = to_stage
        changed = t + timedelta(minutes=spec["changed"])
        e = Engagement.create(
            client="C", engagement_type=spec["type"], owner=spec["owner"], stage=stage,
            stage_entered_at=t, created_at=created, updated_at=changed, status=spec["status"],
        )  # fmt: skip
        for when, from_stage, to_stage, kind in log:
            StageMove.create(uuid=new_uuid(), engagement=e, from_stage=from_stage, to_stage=to_stage,
                             moved_at=when, kind=kind, updated_at=when)  # fmt: skip
        for day, score in spec["checkins"]:
            CheckIn.create(uuid=new_uuid(), engagement=e, held_on=date(2026, 9, 1) + timedelta(day),
                           ratings="{}", score=score, updated_at=created)  # fmt: skip


def _same(scope: Scope) -> None:
    fast = report.compute(_Services(), scope, [])
    reference = report.build(read_facts(NOW), scope, [])
    assert fast == reference
    _left_as_the_flow_takes_them_off(fast)


def _left_as_the_flow_takes_them_off(r: report.Report) -> None:
    """The engagements each month takes off the board are the cumulative flow's rise of
    "off the board" over that month (every month after the period's first, whose start is
    not a row): one departure day, not a status record's earlier one in the months."""
    off = {d.day: d.off_board for d in r.flow.days}
    for m in r.flow.throughput[1:]:
        end = min(r.scope.until, (m.month + timedelta(days=32)).replace(day=1) - timedelta(days=1))
        assert m.left == off[end] - off[m.month - timedelta(days=1)], m.month


class _Services:
    """What ``report.compute`` asks of the services: the clock (cards are handed in)."""

    clock = NOW


@pytest.mark.usefixtures("new_york")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(one, min_size=0, max_size=6), period, st.sampled_from(("", "consulting")),
       st.sampled_from(("", "Dana")))  # fmt: skip
def test_the_fast_path_equals_the_reference_on_random_move_logs(services, engagements, days, etype, owner):
    with database.atomic():
        for model in (StageMove, CheckIn, Engagement):
            model.delete().execute()
    for spec in engagements:
        _store(spec)
    since, until = (date(2026, 9, 1) + timedelta(d) for d in days)
    _same(Scope(since, until, etype, owner))


@pytest.mark.usefixtures("new_york")
def test_instants_not_written_to_the_second_in_utc_are_read_one_by_one(services):
    """A hand-made file: fractions of a second, another offset. Both paths read them the same."""
    eid = engagement("Kestrel", "2026-11-01 15:00", [("2026-11-03 04:59", "onboarding", "forward"),
                                                     ("2026-11-03 05:01", "insight", "forward")])  # fmt: skip
    database.execute_sql(
        "UPDATE stage_move SET moved_at = '2026-11-03T04:59:30.500000+00:00'"
        " WHERE engagement_id = ? AND to_stage = 'onboarding'",
        (eid,),
    )
    _same(Scope(date(2026, 10, 25), date(2026, 11, 10)))
    result = report.compute(_Services(), Scope(date(2026, 11, 2), date(2026, 11, 3)), [])
    assert [d.counts[:3] for d in result.flow.days] == [(0, 1, 0), (0, 0, 1)]


def test_the_unassigned_owner_filter_selects_the_engagements_without_an_owner(services):
    """The board's "Unassigned" (shared with the analytics window) is engagements with no
    owner, in both paths and in the text; it used to select nothing."""
    from ui.board_store import UNASSIGNED

    assert UNASSIGNED == NO_OWNER
    engagement("Nobody", "2026-11-01 15:00", [("2026-11-02 15:00", "onboarding", "forward")])
    engagement("Dana's", "2026-11-01 15:00", owner="Dana")
    scope = Scope(date(2026, 11, 1), date(2026, 11, 5), owner=NO_OWNER)
    _same(scope)
    result = report.compute(_Services(), scope, [])
    assert result.engagements == 1
    assert result.flow.days[-1].counts[:2] == (0, 1)
    assert "(no owner)" in report.to_text(result).splitlines()[0]
    assert report.to_json(result)["filters"]["owner"] == ""
