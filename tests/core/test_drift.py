"""Drift signals: each of the seven appears when its condition holds and not otherwise,
read through the services (one card, the whole board and the workspace detail all agree)
on a clock that is moved forward, and through the pure function at its boundaries."""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest

from mwms_desktop import drift, framework
from mwms_desktop.clock import FixedClock
from mwms_desktop.services import Services
from mwms_desktop.views import DriftSignal
from tests.factories import engagement_at, satisfy

ALL_CODES = (
    "stalled",
    "misaligned",
    "undocumented_cycle",
    "unprioritised",
    "reactive",
    "inconsistent_execution",
    "health_falling",
    "no_checkin",
)


def uniform(good: int, bad: int) -> dict[str, int]:
    """Every healthy indicator rated ``good`` and every unhealthy signal ``bad``:
    (3, 0) scores 100, (3, 1) 83, (2, 1) 67, (1, 2) 33."""
    return {t.slug: good for t in framework.HEALTHY_INDICATORS} | {
        t.slug: bad for t in framework.UNHEALTHY_SIGNALS
    }


def advance(clock: FixedClock, days: int) -> None:
    clock.at += timedelta(days=days)


def drift_of(services: Services, eid: int) -> dict[str, str]:
    """``code -> message`` of the engagement's signals. The card alone, the whole board
    (bulk aggregates over every engagement) and the workspace detail must agree."""
    one = services.portfolio.card(eid).drift
    board = {c.id: c.drift for c in services.portfolio.cards(statuses=None)}[eid]
    detail = services.portfolio.detail(eid).card.drift
    assert one == board == detail
    assert len({s.code for s in one}) == len(one)
    return {s.code: s.message for s in one}


def quiet(services: Services) -> None:
    """Thresholds out of the way, so a test sees only the signal it is about."""
    services.portfolio.set_setting("stall_days", 365)
    services.portfolio.set_setting("checkin_stale_days", 365)


# --- stalled -----------------------------------------------------------------------------


def test_defaults_are_21_and_30_days(services):
    t = services.portfolio.thresholds()
    assert (t.stall_days, t.checkin_stale_days) == (21, 30)


def test_stalled_only_after_more_than_21_days(services, clock):
    """21 days in a stage is not yet a stall; the 22nd day is, with its exact message."""
    eid = services.portfolio.add("Acme Ltd").id
    assert drift_of(services, eid) == {}
    advance(clock, 21)
    assert services.portfolio.card(eid).days_in_stage == 21
    assert drift_of(services, eid) == {}
    advance(clock, 1)
    assert drift_of(services, eid) == {"stalled": "Stalled: 22 days in Qualification (threshold 21)."}


@pytest.mark.parametrize("stall_days", [1, 10, 30, 365])
def test_stall_days_setting_moves_the_threshold(services, clock, stall_days):
    """With stall_days = N, exactly N days is no stall and N + 1 days is one."""
    assert services.portfolio.set_setting("stall_days", stall_days) == stall_days
    eid = services.portfolio.add("Acme Ltd").id
    advance(clock, stall_days)
    assert drift_of(services, eid) == {}
    advance(clock, 1)
    assert drift_of(services, eid) == {
        "stalled": f"Stalled: {stall_days + 1} days in Qualification (threshold {stall_days})."
    }


def test_changing_the_setting_reclassifies_existing_engagements(services, clock):
    """The threshold is read when the cards are built: raising it clears a stall, lowering
    it raises one, without touching the engagement."""
    eid = services.portfolio.add("Acme Ltd").id
    advance(clock, 15)
    assert drift_of(services, eid) == {}
    services.portfolio.set_setting("stall_days", 14)
    assert drift_of(services, eid) == {"stalled": "Stalled: 15 days in Qualification (threshold 14)."}
    services.portfolio.set_setting("stall_days", 15)
    assert drift_of(services, eid) == {}


def test_moving_on_restarts_the_stall_clock(services, clock):
    """Days in stage count from the last move: a stalled engagement that moves is no longer
    stalled, and stalls again 22 days into its new stage."""
    eid = services.portfolio.add("Acme Ltd").id
    advance(clock, 25)
    assert set(drift_of(services, eid)) == {"stalled"}
    satisfy(services, eid, "qualification")
    services.lifecycle.move(eid, "onboarding")
    services.records.add("checkin", eid, ratings=uniform(3, 0))
    assert drift_of(services, eid) == {}
    advance(clock, 22)
    assert drift_of(services, eid) == {"stalled": "Stalled: 22 days in Onboarding (threshold 21)."}


def test_outcome_stage_never_stalls(services, clock):
    """Expansion or Completion is where an engagement rests: no stall however long, while
    Continuous Optimization does stall."""
    quiet(services)
    services.portfolio.set_setting("stall_days", 21)
    done = engagement_at(services, "outcome", client="Done Ltd")
    busy = engagement_at(services, "optimization", client="Busy Ltd")
    advance(clock, 200)
    assert drift_of(services, done) == {}
    assert drift_of(services, busy) == {
        "stalled": "Stalled: 200 days in Continuous Optimization (threshold 21)."
    }


@pytest.mark.parametrize("how", ["archive", "disqualify"])
def test_only_active_engagements_drift(services, clock, how):
    """An archived or disqualified engagement shows no signal at all; restored to the
    board, its signals return."""
    eid = services.portfolio.add("Acme Ltd").id
    services.records.add("cycle", eid, title="Banner swap")
    advance(clock, 40)
    assert set(drift_of(services, eid)) == {"stalled", "reactive"}
    if how == "archive":
        services.portfolio.archive(eid)
    else:
        services.lifecycle.set_verdict(eid, "not_a_fit")
    assert services.portfolio.card(eid).status != "active"
    assert drift_of(services, eid) == {}
    assert eid not in {c.id for c in services.portfolio.cards()}
    services.portfolio.restore(eid)
    assert set(drift_of(services, eid)) == {"stalled", "reactive"}


@pytest.fixture
def local_zone() -> Iterator[Callable[[str], None]]:
    """Sets the process's local time zone for one test, and puts it back after."""
    old = os.environ.get("TZ")

    def set_zone(zone: str) -> None:
        os.environ["TZ"] = zone
        time.tzset()

    yield set_zone
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Pacific/Honolulu", "Asia/Tokyo"])
def test_fresh_engagement_is_zero_days_in_stage_in_any_local_time_zone(services, zone, local_zone):
    """Days are counted in the consultant's local calendar: an engagement created just now
    has spent 0 days in its stage, whatever the local time zone. (At the fixture's 09:00
    UTC it is still the previous day in Honolulu.)"""
    local_zone(zone)
    eid = services.portfolio.add("Acme Ltd").id
    assert services.portfolio.card(eid).days_in_stage == 0


# --- misaligned --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "flagged"),
    [
        ("qualification", False),
        ("onboarding", False),
        ("insight", True),
        ("execution", True),
        ("optimization", True),
        ("outcome", True),
    ],
)
def test_misaligned_stakeholder_is_drift_only_after_onboarding(services, stage, flagged):
    """A misaligned stakeholder is expected while qualifying and onboarding; from Initial
    Insight Development on it is drift (mitigation note or not)."""
    quiet(services)
    eid = engagement_at(services, stage)
    services.records.add(
        "stakeholder", eid, name="Rita Lowe", alignment="misaligned", mitigation="Weekly sync agreed."
    )
    expected = {"misaligned": "1 misaligned stakeholder after onboarding."} if flagged else {}
    assert drift_of(services, eid) == expected


def test_misaligned_signal_follows_the_stakeholders(services):
    """The signal counts misaligned stakeholders (plural message), and goes when they are
    realigned or removed; aligned and neutral ones never count."""
    quiet(services)
    eid = engagement_at(services, "insight")
    rec = services.records
    rec.add("stakeholder", eid, name="Neutral Ned", alignment="neutral")
    assert drift_of(services, eid) == {}
    a = rec.add("stakeholder", eid, name="Rita Lowe", alignment="misaligned")
    b = rec.add("stakeholder", eid, name="Tom Reyes", alignment="misaligned")
    assert drift_of(services, eid) == {"misaligned": "2 misaligned stakeholders after onboarding."}
    rec.update("stakeholder", a.id, alignment="aligned")
    assert drift_of(services, eid) == {"misaligned": "1 misaligned stakeholder after onboarding."}
    snap = rec.delete("stakeholder", b.id)
    assert drift_of(services, eid) == {}
    rec.restore(snap)
    assert drift_of(services, eid) == {"misaligned": "1 misaligned stakeholder after onboarding."}


def test_misaligned_stakeholder_flagged_once_engagement_leaves_onboarding(services):
    """The same stakeholder, unflagged in Onboarding, is flagged the moment the engagement
    moves to Initial Insight Development."""
    quiet(services)
    eid = engagement_at(services, "onboarding")
    services.records.add("stakeholder", eid, name="Omar Said", alignment="misaligned", mitigation="1:1s")
    assert drift_of(services, eid) == {}
    satisfy(services, eid, "onboarding")
    services.lifecycle.move(eid, "insight")
    assert drift_of(services, eid) == {"misaligned": "1 misaligned stakeholder after onboarding."}


# --- evaluated cycle without learning ----------------------------------------------------


def test_evaluated_cycle_without_learning(services):
    """Only evaluated cycles need a learning: planned, running and abandoned ones do not
    count; a learning citing the cycle clears it; removing that learning brings it back."""
    quiet(services)
    eid = engagement_at(services, "execution")
    hyp = services.lifecycle.detail(eid).hypotheses[0].id
    rec = services.records
    for status in ("planned", "running", "abandoned"):
        started = date(2026, 10, 1) if status == "running" else None  # a running cycle has begun
        rec.add("cycle", eid, title=f"{status} test", hypothesis_id=hyp, status=status, started_on=started)
    assert drift_of(services, eid) == {}
    c1 = rec.add("cycle", eid, title="Price test", hypothesis_id=hyp, status="evaluated", result="loss")
    assert drift_of(services, eid) == {"undocumented_cycle": "1 evaluated cycle with no learning recorded."}
    c2 = rec.add("cycle", eid, title="Copy test", hypothesis_id=hyp, status="evaluated", result="win")
    assert drift_of(services, eid) == {"undocumented_cycle": "2 evaluated cycles with no learning recorded."}
    learning = rec.add("learning", eid, statement="Price beats copy", cycle_ids=[c1.id, c2.id])
    assert drift_of(services, eid) == {}
    snap = rec.delete("learning", learning.id)
    assert drift_of(services, eid) == {"undocumented_cycle": "2 evaluated cycles with no learning recorded."}
    rec.restore(snap)
    assert drift_of(services, eid) == {}


def test_learning_of_another_cycle_does_not_document_this_one(services):
    quiet(services)
    eid = engagement_at(services, "execution")
    hyp = services.lifecycle.detail(eid).hypotheses[0].id
    rec = services.records
    done = rec.add("cycle", eid, title="A", hypothesis_id=hyp, status="evaluated", result="win")
    rec.add("cycle", eid, title="B", hypothesis_id=hyp, status="evaluated", result="inconclusive")
    rec.add("learning", eid, statement="A worked", cycle_ids=[done.id])
    assert drift_of(services, eid) == {"undocumented_cycle": "1 evaluated cycle with no learning recorded."}


def test_running_cycle_becomes_undocumented_when_evaluated(services):
    quiet(services)
    eid = engagement_at(services, "execution")
    hyp = services.lifecycle.detail(eid).hypotheses[0].id
    cycle = services.records.add(
        "cycle", eid, title="A", hypothesis_id=hyp, status="running", started_on=date(2026, 10, 1)
    )
    assert drift_of(services, eid) == {}
    services.records.update("cycle", cycle.id, status="evaluated", result="win")
    assert drift_of(services, eid) == {"undocumented_cycle": "1 evaluated cycle with no learning recorded."}


# --- inconsistent execution structure ------------------------------------------------------


def test_a_cycle_whose_record_contradicts_its_status_is_inconsistent_execution(services):
    """ "inconsistent execution structure": a running cycle with no start date, or a cycle
    that has ended but is neither evaluated nor abandoned; fixing the record clears it."""
    quiet(services)
    eid = engagement_at(services, "execution")
    hyp = services.lifecycle.detail(eid).hypotheses[0].id
    rec = services.records
    running = rec.add("cycle", eid, title="Running, never started", hypothesis_id=hyp, status="running")
    message = "Inconsistent execution structure: {} running without a start date or ended without evaluation."
    assert drift_of(services, eid) == {"inconsistent_execution": message.format("1 cycle")}
    ended = rec.add("cycle", eid, title="Ended, still planned", hypothesis_id=hyp,
                    started_on=date(2026, 10, 1), ended_on=date(2026, 10, 20))  # fmt: skip
    assert drift_of(services, eid) == {"inconsistent_execution": message.format("2 cycles")}
    rec.update("cycle", running.id, started_on=date(2026, 10, 2))
    rec.update("cycle", ended.id, status="abandoned")
    assert drift_of(services, eid) == {}


def test_inconsistent_execution_is_traced_to_the_framework():
    """The signal quotes its drift-protection line and the sentence it enforces; both are
    in the framework when its text is at hand."""
    import inspect
    from pathlib import Path

    source = inspect.getsource(drift.signals)
    quotes = ("inconsistent execution structure", "Execution should follow defined process structure.")
    assert all(f'"{q}"' in source for q in quotes)
    text = Path("/work/shared/lifecycle-framework.txt")
    if text.is_file():
        framework_text = text.read_text(encoding="utf-8")
        assert all(q in framework_text for q in quotes)


# --- hypothesis without priority ---------------------------------------------------------


@pytest.mark.parametrize("missing", ["impact", "confidence", "ease"])
def test_hypothesis_missing_any_ice_factor_is_unprioritised(services, missing):
    """A hypothesis needs all three of impact, confidence and ease to have a priority."""
    quiet(services)
    eid = services.portfolio.add("Acme Ltd").id
    ice = {"impact": 8, "confidence": 6, "ease": 7} | {missing: None}
    h = services.records.add("hypothesis", eid, statement="Show shipping early", **ice)
    assert h.priority is None
    assert drift_of(services, eid) == {"unprioritised": "1 hypothesis without a priority score."}
    services.records.update("hypothesis", h.id, **{missing: 5})
    assert drift_of(services, eid) == {}


def test_unprioritised_counts_hypotheses(services):
    """Fully scored hypotheses never count; two unscored ones read in the plural."""
    quiet(services)
    eid = services.portfolio.add("Acme Ltd").id
    rec = services.records
    rec.add("hypothesis", eid, statement="Scored", impact=1, confidence=1, ease=1)
    assert drift_of(services, eid) == {}
    rec.add("hypothesis", eid, statement="Unscored")
    h = rec.add("hypothesis", eid, statement="Half scored", impact=9)
    assert drift_of(services, eid) == {"unprioritised": "2 hypotheses without a priority score."}
    rec.delete("hypothesis", h.id)
    assert drift_of(services, eid) == {"unprioritised": "1 hypothesis without a priority score."}


# --- cycle without hypothesis (reactive prioritisation) ----------------------------------


def test_cycle_without_hypothesis_is_reactive(services):
    """A cycle with no hypothesis behind it is reactive prioritisation; linking it to a
    hypothesis clears the signal; two read in the plural."""
    quiet(services)
    eid = services.portfolio.add("Acme Ltd").id
    rec = services.records
    h = rec.add("hypothesis", eid, statement="Show shipping early", impact=8, confidence=6, ease=7)
    rec.add("cycle", eid, title="Planned from a hypothesis", hypothesis_id=h.id)
    assert drift_of(services, eid) == {}
    c = rec.add("cycle", eid, title="Banner swap requested by sales", status="running",
                started_on=date(2026, 10, 1))  # fmt: skip
    assert drift_of(services, eid) == {"reactive": "Reactive prioritisation: 1 cycle with no hypothesis."}
    rec.add("cycle", eid, title="Another ad-hoc request")
    assert drift_of(services, eid) == {"reactive": "Reactive prioritisation: 2 cycles with no hypothesis."}
    rec.update("cycle", c.id, hypothesis_id=h.id)
    assert drift_of(services, eid) == {"reactive": "Reactive prioritisation: 1 cycle with no hypothesis."}


def test_deleting_a_hypothesis_orphans_its_cycles_until_restored(services):
    """Removing the hypothesis a cycle tests leaves the cycle reactive; restoring the
    hypothesis re-attaches the cycle and the signal goes."""
    quiet(services)
    eid = services.portfolio.add("Acme Ltd").id
    rec = services.records
    h = rec.add("hypothesis", eid, statement="Show shipping early", impact=8, confidence=6, ease=7)
    c = rec.add("cycle", eid, title="Shipping test", hypothesis_id=h.id)
    snap = rec.delete("hypothesis", h.id)
    assert rec.get("cycle", c.id).hypothesis_id is None
    assert drift_of(services, eid) == {"reactive": "Reactive prioritisation: 1 cycle with no hypothesis."}
    restored = rec.restore(snap)
    assert rec.get("cycle", c.id).hypothesis_id == restored.id
    assert drift_of(services, eid) == {}


# --- health falling over the last three check-ins ----------------------------------------


def checkins(services: Services, eid: int, *held: tuple[date, tuple[int, int]]) -> None:
    for day, (good, bad) in held:
        services.records.add("checkin", eid, held_on=day, ratings=uniform(good, bad))


OCT = [date(2026, 10, d) for d in (5, 12, 19, 26)]


def test_health_falling_over_three_checkins(services):
    """Three check-ins each lower than the one before: the signal, scores oldest first."""
    eid = services.portfolio.add("Acme Ltd").id
    checkins(services, eid, (OCT[0], (3, 0)), (OCT[1], (3, 1)), (OCT[2], (2, 1)))
    assert drift_of(services, eid) == {"health_falling": "Health falling: 100 → 83 → 67."}


@pytest.mark.parametrize(
    "profiles",
    [
        [(3, 0), (3, 1)],  # only two check-ins
        [(3, 0), (3, 1), (3, 1)],  # level at the end
        [(3, 0), (3, 0), (2, 1)],  # level at the start
        [(2, 1), (3, 1), (3, 0)],  # rising
        [(3, 0), (3, 1), (2, 1), (3, 1)],  # fell, then recovered: last three not falling
    ],
)
def test_health_not_falling(services, profiles):
    """No signal unless each of the last three check-ins is strictly lower."""
    eid = services.portfolio.add("Acme Ltd").id
    checkins(services, eid, *zip(OCT, profiles, strict=False))
    assert drift_of(services, eid) == {}


def test_health_falling_reads_the_last_three_by_day_held(services):
    """Only the three most recent check-ins (by the day held, not the order recorded)
    count: an older, lower one does not hide the fall."""
    eid = services.portfolio.add("Acme Ltd").id
    checkins(services, eid, (OCT[3], (2, 1)), (OCT[1], (3, 0)), (OCT[0], (1, 2)), (OCT[2], (3, 1)))
    assert drift_of(services, eid) == {"health_falling": "Health falling: 100 → 83 → 67."}
    checkins(services, eid, (date(2026, 10, 30), (3, 0)))
    assert drift_of(services, eid) == {}


# --- no check-in for 30 days -------------------------------------------------------------


def test_no_checkin_ever_after_30_days(services, clock):
    """Past Qualification, an engagement never checked in is flagged once it is more than
    30 days old."""
    services.portfolio.set_setting("stall_days", 365)
    eid = engagement_at(services, "onboarding")
    advance(clock, 30)
    assert drift_of(services, eid) == {}
    advance(clock, 1)
    assert drift_of(services, eid) == {"no_checkin": "No health check-in recorded yet."}
    services.records.add("checkin", eid, ratings=uniform(3, 0))
    assert drift_of(services, eid) == {}


def test_last_checkin_more_than_30_days_ago(services, clock):
    """30 days after the last check-in is fine; the 31st day flags it with the count; a new
    check-in clears it."""
    services.portfolio.set_setting("stall_days", 365)
    eid = engagement_at(services, "execution")
    services.records.add("checkin", eid, ratings=uniform(3, 0))
    advance(clock, 30)
    assert drift_of(services, eid) == {}
    advance(clock, 1)
    assert drift_of(services, eid) == {"no_checkin": "No health check-in for 31 days."}
    services.records.add("checkin", eid, ratings=uniform(3, 0))
    assert drift_of(services, eid) == {}


def test_checkin_stale_days_setting_moves_the_threshold(services, clock):
    services.portfolio.set_setting("stall_days", 365)
    services.portfolio.set_setting("checkin_stale_days", 7)
    eid = engagement_at(services, "insight")
    services.records.add("checkin", eid, ratings=uniform(3, 0))
    advance(clock, 7)
    assert drift_of(services, eid) == {}
    advance(clock, 1)
    assert drift_of(services, eid) == {"no_checkin": "No health check-in for 8 days."}


def test_qualification_needs_no_checkin(services, clock):
    """No check-in is expected before the engagement is qualified."""
    services.portfolio.set_setting("stall_days", 365)
    eid = services.portfolio.add("Acme Ltd").id
    advance(clock, 300)
    assert drift_of(services, eid) == {}


# --- all together, and the board's bulk path ---------------------------------------------


def test_all_seven_signals_at_once_in_stable_order(services, clock):
    """One engagement showing every drift at once lists them in the documented order, while
    a clean engagement on the same board shows none (the bulk aggregates do not leak)."""
    eid = engagement_at(services, "execution")
    clean = engagement_at(services, "execution", client="Clean Ltd")
    rec = services.records
    rec.add("stakeholder", eid, name="Rita Lowe", alignment="misaligned")
    hyp = services.lifecycle.detail(eid).hypotheses[0].id
    rec.add("cycle", eid, title="Undocumented", hypothesis_id=hyp, status="evaluated", result="win")
    rec.add("hypothesis", eid, statement="Unscored")
    rec.add("cycle", eid, title="Ad hoc")
    checkins(
        services, eid, (date(2026, 9, 1), (3, 0)), (date(2026, 9, 10), (3, 1)), (date(2026, 9, 20), (2, 1))
    )
    checkins(services, clean, (date(2026, 11, 1), (3, 0)))
    advance(clock, 5)
    services.portfolio.set_setting("stall_days", 4)
    since = (clock.today() - date(2026, 9, 20)).days  # 48 in UTC
    assert services.portfolio.card(eid).drift == (
        DriftSignal("stalled", "Stalled: 5 days in Structured Execution (threshold 4)."),
        DriftSignal("misaligned", "1 misaligned stakeholder after onboarding."),
        DriftSignal("undocumented_cycle", "1 evaluated cycle with no learning recorded."),
        DriftSignal("unprioritised", "1 hypothesis without a priority score."),
        DriftSignal("reactive", "Reactive prioritisation: 1 cycle with no hypothesis."),
        DriftSignal("health_falling", "Health falling: 100 → 83 → 67."),
        DriftSignal("no_checkin", f"No health check-in for {since} days."),
    )
    assert drift_of(services, eid) == {s.code: s.message for s in services.portfolio.card(eid).drift}
    assert drift_of(services, clean) == {"stalled": "Stalled: 5 days in Structured Execution (threshold 4)."}


# --- the pure function -------------------------------------------------------------------


def facts(**changes) -> drift.DriftFacts:
    base = {
        "stage": "execution",
        "status": "active",
        "days_in_stage": 0,
        "days_since_checkin": 0,
        "days_since_created": 0,
        "misaligned_stakeholders": 0,
        "evaluated_cycles_without_learning": 0,
        "hypotheses_without_priority": 0,
        "cycles_without_hypothesis": 0,
        "recent_scores": (),
    }
    return drift.DriftFacts(**(base | changes))


def codes(f: drift.DriftFacts, stall_days: int = 21, checkin_stale_days: int = 30) -> tuple[str, ...]:
    return tuple(
        s.code for s in drift.signals(f, stall_days=stall_days, checkin_stale_days=checkin_stale_days)
    )


def test_pure_nothing_to_report():
    assert drift.signals(facts(), stall_days=21, checkin_stale_days=30) == ()


@pytest.mark.parametrize(
    ("days", "stall_days", "stage", "stalled"),
    [
        (21, 21, "execution", False),
        (22, 21, "execution", True),
        (0, 1, "qualification", False),
        (2, 1, "qualification", True),
        (1, 1, "qualification", False),
        (1000, 21, "outcome", False),
        (1000, 21, "optimization", True),
    ],
)
def test_pure_stall_boundary(days, stall_days, stage, stalled):
    """Stalled strictly after ``stall_days`` days, in every stage but the last."""
    assert codes(facts(stage=stage, days_in_stage=days), stall_days=stall_days) == (
        ("stalled",) if stalled else ()
    )


def test_pure_stall_message():
    (s,) = drift.signals(facts(stage="insight", days_in_stage=44), stall_days=21, checkin_stale_days=30)
    assert s == DriftSignal("stalled", "Stalled: 44 days in Initial Insight Development (threshold 21).")


@pytest.mark.parametrize(
    ("stage", "flagged"),
    [("qualification", False), ("onboarding", False), ("insight", True), ("outcome", True)],
)
def test_pure_misaligned_by_stage(stage, flagged):
    assert codes(facts(stage=stage, misaligned_stakeholders=1, days_since_checkin=0)) == (
        ("misaligned",) if flagged else ()
    )


@pytest.mark.parametrize(
    ("field", "one", "two"),
    [
        (
            "misaligned_stakeholders",
            DriftSignal("misaligned", "1 misaligned stakeholder after onboarding."),
            DriftSignal("misaligned", "2 misaligned stakeholders after onboarding."),
        ),
        (
            "evaluated_cycles_without_learning",
            DriftSignal("undocumented_cycle", "1 evaluated cycle with no learning recorded."),
            DriftSignal("undocumented_cycle", "2 evaluated cycles with no learning recorded."),
        ),
        (
            "hypotheses_without_priority",
            DriftSignal("unprioritised", "1 hypothesis without a priority score."),
            DriftSignal("unprioritised", "2 hypotheses without a priority score."),
        ),
        (
            "cycles_without_hypothesis",
            DriftSignal("reactive", "Reactive prioritisation: 1 cycle with no hypothesis."),
            DriftSignal("reactive", "Reactive prioritisation: 2 cycles with no hypothesis."),
        ),
    ],
)
def test_pure_counted_signals_and_plurals(field, one, two):
    """Each counted signal: absent at 0, singular at 1, plural at 2."""
    assert drift.signals(facts(**{field: 0}), stall_days=21, checkin_stale_days=30) == ()
    assert drift.signals(facts(**{field: 1}), stall_days=21, checkin_stale_days=30) == (one,)
    assert drift.signals(facts(**{field: 2}), stall_days=21, checkin_stale_days=30) == (two,)


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ((67, 83, 100), "Health falling: 100 → 83 → 67."),
        ((10, 20, 30, 0), "Health falling: 30 → 20 → 10."),
        ((67, 67, 100), None),
        ((67, 83), None),
        ((), None),
    ],
)
def test_pure_health_falling(scores, message):
    got = drift.signals(facts(recent_scores=scores), stall_days=21, checkin_stale_days=30)
    assert got == ((DriftSignal("health_falling", message),) if message else ())


@pytest.mark.parametrize(
    ("stage", "since", "created", "message"),
    [
        ("onboarding", None, 30, None),
        ("onboarding", None, 31, "No health check-in recorded yet."),
        ("onboarding", 30, 400, None),
        ("onboarding", 31, 400, "No health check-in for 31 days."),
        ("qualification", None, 400, None),
        ("qualification", 400, 400, None),
        ("outcome", 31, 400, "No health check-in for 31 days."),
    ],
)
def test_pure_no_checkin_boundary(stage, since, created, message):
    """Flagged strictly after ``checkin_stale_days``; never in Qualification; with no
    check-in at all, counted from the engagement's creation."""
    f = facts(stage=stage, days_since_checkin=since, days_since_created=created)
    got = drift.signals(f, stall_days=1000, checkin_stale_days=30)
    assert got == ((DriftSignal("no_checkin", message),) if message else ())


@pytest.mark.parametrize("status", ["archived", "disqualified"])
def test_pure_inactive_engagement_never_drifts(status):
    everything = facts(
        stage="execution",
        days_in_stage=100,
        days_since_checkin=100,
        days_since_created=100,
        misaligned_stakeholders=1,
        evaluated_cycles_without_learning=1,
        hypotheses_without_priority=1,
        cycles_without_hypothesis=1,
        recent_scores=(10, 20, 30),
        inconsistent_cycles=1,
    )
    assert codes(everything) == ALL_CODES
    assert codes(dataclasses.replace(everything, status=status)) == ()
