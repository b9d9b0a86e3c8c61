"""Stage times, percentiles, outcomes and retention, execution: against hand-computed values."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from mwms_desktop.analytics.durations import durations, percentile
from mwms_desktop.analytics.execution import execution
from mwms_desktop.analytics.outcomes import outcomes
from mwms_desktop.analytics.source import CycleFact, EngagementFact, Facts, LearningFact, Move, Scope, instant

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
YEAR = Scope(date(2026, 1, 1), date(2026, 12, 31))


def fact(eid: int, etype: str = "consulting", *, stage: str = "qualification", status: str = "active",
         created: date = date(2026, 1, 1), outcome: str | None = None, outcome_on: date | None = None,
         owner: str = "") -> EngagementFact:  # fmt: skip
    return EngagementFact(eid, f"C{eid}", etype, owner, stage, status, created, outcome, outcome_on, created)


def log(eid: int, *steps: tuple[float, str, str]) -> list[Move]:
    """Moves of one engagement: (days after T0, stage entered, kind); the first is its creation."""
    out, previous = [], None
    for offset, stage, kind in steps:
        when = T0 + timedelta(days=offset)
        out.append(Move(eid, previous, stage, instant(when), when.date(), kind))
        previous = stage
    return out


def test_percentile_interpolates_between_closest_ranks():
    values = [10, 1, 4, 3, 2]  # sorted: 1 2 3 4 10
    assert percentile(values, 50) == 3
    assert percentile(values, 85) == pytest.approx(6.4)  # rank 3.4: 4 + 0.4 * (10 - 4)
    assert percentile([7], 85) == 7
    assert percentile([], 50) is None
    assert percentile([1, 2], 50) == 1.5


def test_time_in_stage_counts_each_finished_visit_and_never_an_open_stay():
    moves = [
        *log(1, (0, "qualification", "created"), (2, "onboarding", "forward"), (5, "insight", "forward"),
             (6, "onboarding", "backward"), (10, "insight", "forward")),  # onboarding twice: 3 d, 4 d
        *log(2, (0, "qualification", "created"), (4, "onboarding", "forward")),  # onboarding still open
        *log(3, (0, "qualification", "created"), (1, "onboarding", "forward"),
             (1.5, "qualification", "undo")),
    ]  # fmt: skip
    facts = Facts(date(2026, 12, 31), (fact(1), fact(2, "ai_advisory"), fact(3)), tuple(moves))
    result = {s.stage: s for s in durations(facts, YEAR).stages}
    onboarding = result["onboarding"].overall
    assert onboarding.count == 2  # the two visits of 1; 2's is open; 3's was undone
    assert onboarding.median == pytest.approx(3.5)
    assert onboarding.p85 == pytest.approx(3.85)  # 3 + 0.85 * (4 - 3)
    qualification = result["qualification"]
    assert (qualification.overall.count, qualification.overall.median) == (3, 2)  # 2, 4 and 1 days
    assert dict(qualification.by_type)["ai_advisory"].median == 4
    assert dict(qualification.by_type)["consulting"].count == 2


def test_lead_time_runs_from_creation_to_the_first_outcome_and_leaves_the_unfinished_out():
    moves = [
        *log(1, (0, "qualification", "created"), (30, "optimization", "forward"), (40, "outcome", "forward"),
             (41, "optimization", "backward"), (50, "outcome", "forward")),
        *log(2, (0, "qualification", "created"), (20, "outcome", "forward")),
        *log(3, (0, "qualification", "created")),
    ]  # fmt: skip
    facts = Facts(date(2026, 12, 31), (fact(1), fact(2), fact(3)), tuple(moves))
    lead = durations(facts, YEAR).lead_time
    assert (lead.count, lead.median) == (2, 30)  # 40 and 20 days; 3 is not counted as zero


def test_retention_with_nothing_decided_says_so_instead_of_dividing_by_zero():
    facts = Facts(date(2026, 12, 31), (fact(1, stage="optimization", outcome="extended_retainer",
                                             outcome_on=date(2026, 3, 1)),), ())  # fmt: skip
    result = outcomes(facts, YEAR)
    assert result.retention.decided == 0  # chosen in Continuous Optimization: still a plan
    assert result.retention.share is None
    assert result.retention.sentence == "Retention: no engagement has reached an outcome in this period yet."


def test_retention_is_the_share_of_decided_engagements_that_continued():
    facts = Facts(date(2026, 12, 31), (
        fact(1, stage="outcome", outcome="extended_retainer", outcome_on=date(2026, 3, 1)),
        fact(2, stage="outcome", outcome="expanded_scope", outcome_on=date(2026, 3, 20)),
        fact(3, stage="outcome", outcome="project_completion", outcome_on=date(2026, 4, 2)),
        fact(4, stage="outcome", outcome="project_completion", outcome_on=date(2025, 4, 2)),  # before
    ), ())  # fmt: skip
    result = outcomes(facts, YEAR)
    assert (result.retention.continued, result.retention.decided) == (2, 3)
    assert "2 of 3 decided engagements continued the relationship (67%)" in result.retention.sentence
    march = next(m for m in result.by_month if m.month == date(2026, 3, 1))
    assert march.counts == (1, 1, 0, 0, 0)
    consulting = result.duration_by_type[0]
    # 1 and 2 ongoing to 31 Dec (364 d); 3 ended 2 Apr (91 d); 4 ended before the period
    assert (consulting.spread.count, consulting.ongoing, consulting.spread.median) == (3, 2, 364)


def test_win_rate_comes_with_its_counts_and_learnings_per_evaluated_cycle():
    cycles = (
        CycleFact(1, "evaluated", "win", date(2026, 2, 3)),
        CycleFact(1, "evaluated", "loss", date(2026, 2, 9)),
        CycleFact(1, "evaluated", "inconclusive", date(2026, 3, 1)),
        CycleFact(1, "abandoned", None, date(2026, 3, 2)),
        CycleFact(1, "running", None, None),
        CycleFact(1, "evaluated", "win", date(2025, 12, 1)),  # before the period
    )
    learnings = (LearningFact(1, date(2026, 2, 4)), LearningFact(1, date(2026, 2, 5)))
    result = execution(Facts(date(2026, 12, 31), (fact(1),), (), cycles, learnings), YEAR)
    assert (result.win_rate.part, result.win_rate.whole) == (1, 3)
    assert result.win_sentence == "Win rate: 1 wins of 3 evaluated cycles (33%)."
    assert result.by_month[1].counts == (1, 1, 0, 0)  # February: a win and a loss
    assert result.by_month[2].counts == (0, 0, 1, 1)
    assert result.learnings_per_cycle == pytest.approx(2 / 3)


def test_no_cycle_evaluated_gives_no_rate():
    result = execution(Facts(date(2026, 12, 31), (fact(1),), ()), YEAR)
    assert result.win_rate.value is None
    assert result.learnings_per_cycle is None
    assert "no cycle was evaluated" in result.win_sentence


def test_the_drift_counts_cover_every_signal_the_board_can_show(demo_services):
    """Every drift code a card carries is one the analytics count and name (the list is
    drift.SIGNALS, so a new signal cannot be left out of the counts), and the counts are the
    cards' own."""
    from collections import Counter

    from mwms_desktop import drift
    from mwms_desktop.analytics.health import SIGNALS, drift_counts, signal_label

    cards = demo_services.portfolio.cards()
    shown = Counter(s.code for c in cards for s in c.drift)
    assert {"inconsistent_execution", "stalled"} <= set(shown)  # the demo shows old and new ones
    counted, total = drift_counts(cards)
    assert total == len(cards)
    assert dict(counted) == {t.slug: shown.get(t.slug, 0) for t in drift.SIGNALS}
    assert [code for code, _ in SIGNALS] == [t.slug for t in drift.SIGNALS]
    assert all(signal_label(code) != code for code in shown)


def test_cycles_concluded_are_counted_by_the_frameworks_results_then_abandoned():
    from mwms_desktop import framework
    from mwms_desktop.analytics.execution import KINDS

    assert [k for k, _ in KINDS] == [*(t.slug for t in framework.CYCLE_RESULTS), "abandoned"]
