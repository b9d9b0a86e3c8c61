"""Drift signals: the framework's "Drift Protection" list, read off an engagement's data.

``signals(facts)`` is pure. The services build :class:`DriftFacts` either from one
engagement's full record or, for the whole board, from a handful of aggregate queries; both
paths meet here so a card and the workspace always agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mwms_desktop import framework, health
from mwms_desktop.views import DriftSignal

_ONBOARDING = framework.stage_index("onboarding")

# Every signal :func:`signals` can give, in the order it gives them, with a short name for
# counts and charts (the signal itself carries the full sentence).
SIGNALS: tuple[framework.Term, ...] = (
    framework.Term("gate_lapsed", "Passed gate no longer holds"),
    framework.Term("stalled", "Stalled"),
    framework.Term("misaligned", "Misaligned stakeholder after onboarding"),
    framework.Term("undocumented_cycle", "Evaluated cycle without a learning"),
    framework.Term("unprioritised", "Hypothesis without a priority"),
    framework.Term("reactive", "Cycle without a hypothesis"),
    framework.Term("inconsistent_execution", "Inconsistent execution structure"),
    framework.Term("health_falling", "Health falling"),
    framework.Term("no_checkin", "No recent check-in"),
)


@dataclass(frozen=True, slots=True)
class DriftFacts:
    stage: str
    status: str
    days_in_stage: int
    days_since_checkin: int | None  # None: never; counted from creation then
    days_since_created: int
    misaligned_stakeholders: int
    evaluated_cycles_without_learning: int
    hypotheses_without_priority: int
    cycles_without_hypothesis: int
    recent_scores: Sequence[int]  # newest first
    inconsistent_cycles: int = 0  # running with no start date, or ended yet not evaluated
    # What a passed gate no longer has after a merge (an unresolved conflict each).
    lapsed_gates: Sequence[str] = ()


def signals(facts: DriftFacts, *, stall_days: int, checkin_stale_days: int) -> tuple[DriftSignal, ...]:
    """Every drift signal that holds, in a stable order. Only active engagements drift."""
    if facts.status != "active":
        return ()
    found: list[DriftSignal] = []
    # "nothing is undone silently" (issue 12): a merged stage past a gate that no longer holds.
    for what in facts.lapsed_gates:
        found.append(DriftSignal("gate_lapsed", what))
    stage_idx = framework.stage_index(facts.stage)
    # "stalled projects" (Purpose); the final stage is a resting place, not a stall.
    if facts.days_in_stage > stall_days and facts.stage != "outcome":
        found.append(
            DriftSignal(
                "stalled",
                f"Stalled: {facts.days_in_stage} days in {framework.stage(facts.stage).label} "
                f"(threshold {stall_days}).",
            )
        )
    # "Misaligned stakeholders create approval delays, conflicting priorities ..."
    if facts.misaligned_stakeholders and stage_idx > _ONBOARDING:
        n = facts.misaligned_stakeholders
        found.append(
            DriftSignal(
                "misaligned",
                f"{n} misaligned stakeholder{'s' if n > 1 else ''} after onboarding.",
            )
        )
    # "abandoning documentation discipline" / "fragmented learning accumulation"
    if facts.evaluated_cycles_without_learning:
        n = facts.evaluated_cycles_without_learning
        found.append(
            DriftSignal(
                "undocumented_cycle",
                f"{n} evaluated cycle{'s' if n > 1 else ''} with no learning recorded.",
            )
        )
    # "Strong early insights improve prioritization quality."
    if facts.hypotheses_without_priority:
        n = facts.hypotheses_without_priority
        found.append(
            DriftSignal(
                "unprioritised",
                f"{n} hypothes{'es' if n > 1 else 'is'} without a priority score.",
            )
        )
    # "reactive prioritization"
    if facts.cycles_without_hypothesis:
        n = facts.cycles_without_hypothesis
        found.append(
            DriftSignal(
                "reactive",
                f"Reactive prioritisation: {n} cycle{'s' if n > 1 else ''} with no hypothesis.",
            )
        )
    # "inconsistent execution structure" ("Execution should follow defined process structure."):
    # a cycle whose record contradicts its status.
    if facts.inconsistent_cycles:
        n = facts.inconsistent_cycles
        found.append(
            DriftSignal(
                "inconsistent_execution",
                f"Inconsistent execution structure: {n} cycle{'s' if n > 1 else ''} running without a "
                f"start date or ended without evaluation.",
            )
        )
    # "Lifecycle structure supports relationship health monitoring."
    if health.falling_three(facts.recent_scores):
        scores = " → ".join(str(s) for s in reversed(facts.recent_scores[:3]))
        found.append(DriftSignal("health_falling", f"Health falling: {scores}."))
    if stage_idx > 0:
        since = facts.days_since_checkin
        if since is None and facts.days_since_created > checkin_stale_days:
            found.append(DriftSignal("no_checkin", "No health check-in recorded yet."))
        elif since is not None and since > checkin_stale_days:
            found.append(DriftSignal("no_checkin", f"No health check-in for {since} days."))
    return tuple(found)
