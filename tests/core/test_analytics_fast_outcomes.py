"""The fast path's outcomes, throughput and health (engagement arrays, ``fast.Columns``) give
exactly the reference's numbers, on random engagements: every stage and status, outcomes
chosen or not (one the framework does not list, as a hand-edited file may hold), decided
before, in and after the period, types the framework does not list."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.models import CheckIn, Engagement, StageMove, database, new_uuid
from mwms_desktop.analytics import report
from mwms_desktop.analytics.source import Scope, read_facts
from mwms_desktop.clock import FixedClock

STAGES = ("qualification", "onboarding", "insight", "execution", "optimization", "outcome")
START = datetime(2026, 6, 1, 12, tzinfo=UTC)
NOW = FixedClock(datetime(2026, 12, 20, 15, 0, tzinfo=UTC))

one = st.fixed_dictionaries({
    "created": st.integers(0, 200),
    "moved": st.one_of(st.none(), st.integers(0, 60)),  # days after creation it moved, or no log
    "stage": st.sampled_from((*STAGES, "outcome", "outcome")),
    "status": st.sampled_from(("active", "active", "archived", "disqualified")),
    "changed": st.integers(0, 120),  # days after creation
    "outcome": st.sampled_from((None, "expanded_scope", "extended_retainer", "project_completion",
                                "project_completion", "strategic_advisory_extension", "bartered_goods")),
    "outcome_on": st.one_of(st.none(), st.integers(0, 200)),
    "type": st.sampled_from(("consulting", "ecommerce_growth", "saas_growth", "retired_type")),
})  # fmt: skip
period = st.tuples(st.integers(0, 200), st.integers(0, 200)).map(sorted)


class _Services:
    clock = NOW


def _store(spec: dict) -> None:
    created = START + timedelta(days=spec["created"])
    outcome_on = None if spec["outcome_on"] is None else (START + timedelta(days=spec["outcome_on"])).date()
    e = Engagement.create(
        client="C", engagement_type=spec["type"], owner="", stage=spec["stage"], stage_entered_at=created,
        created_at=created, updated_at=created + timedelta(days=spec["changed"]), status=spec["status"],
        outcome=spec["outcome"], outcome_on=outcome_on,
    )  # fmt: skip
    StageMove.create(uuid=new_uuid(), engagement=e, from_stage=None, to_stage="qualification",
                     moved_at=created, kind="created", updated_at=created)  # fmt: skip
    if spec["moved"] is not None:
        when = created + timedelta(days=spec["moved"])
        StageMove.create(uuid=new_uuid(), engagement=e, from_stage="qualification", to_stage=spec["stage"],
                         moved_at=when, kind="forward", updated_at=when)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(one, max_size=8), period, st.sampled_from(("", "consulting", "retired_type")))
def test_outcomes_and_durations_on_arrays_equal_the_reference(services, engagements, days, etype):
    with database.atomic():
        for model in (StageMove, CheckIn, Engagement):
            model.delete().execute()
        for spec in engagements:
            _store(spec)
    since, until = (date(2026, 6, 1) + timedelta(d) for d in days)
    scope = Scope(since, until, etype)
    fast = report.compute(_Services(), scope, [])
    assert fast == report.build(read_facts(NOW), scope, [])
