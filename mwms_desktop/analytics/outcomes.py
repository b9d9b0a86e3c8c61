"""Outcomes: the five outcomes over time, retention, and relationship duration by type.

An engagement is *decided* once it stands in Expansion or Completion with its outcome chosen
(an outcome chosen in Continuous Optimization is still a plan), dated by the outcome's day.
Retention is exactly the share of decided engagements whose outcome continued the
relationship: every outcome but structured project completion. With nothing decided there is
no share, only the sentence saying so.

Relationship duration runs from creation to the end of the relationship (structured project
completion: the outcome's day; archived or disqualified: the day it left the board) or, for
a relationship still going, to today; by engagement type, median and 85th percentile.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from mwms_desktop import framework
from mwms_desktop.analytics.durations import Spread
from mwms_desktop.analytics.months import month_of, months
from mwms_desktop.analytics.source import EngagementFact, Facts, Scope

COMPLETION = "project_completion"
OUTCOME_SLUGS = framework.slugs(framework.OUTCOMES)


@dataclass(frozen=True, slots=True)
class OutcomeMonth:
    month: date
    counts: tuple[int, ...]  # one per outcome, in framework order


@dataclass(frozen=True, slots=True)
class Retention:
    continued: int
    decided: int

    @property
    def share(self) -> float | None:
        return self.continued / self.decided if self.decided else None

    @property
    def sentence(self) -> str:
        if not self.decided:
            return "Retention: no engagement has reached an outcome in this period yet."
        return (
            f"Retention: {self.continued} of {self.decided} decided engagements continued the "
            f"relationship ({100 * self.share:.0f}%)."  # type: ignore[operator]
        )


@dataclass(frozen=True, slots=True)
class RelationshipDuration:
    engagement_type: str
    spread: Spread
    ongoing: int  # of the samples, relationships still going (measured to today)


@dataclass(frozen=True, slots=True)
class Outcomes:
    by_month: tuple[OutcomeMonth, ...]
    totals: tuple[tuple[str, int], ...]  # (outcome, count) in the period
    retention: Retention
    duration_by_type: tuple[RelationshipDuration, ...]


def decided(e: EngagementFact) -> bool:
    return e.stage == "outcome" and e.outcome is not None and e.outcome_on is not None


def _ended(e: EngagementFact) -> date | None:
    if e.status != "active":
        return e.changed
    if decided(e) and e.outcome == COMPLETION:
        return e.outcome_on
    return None


def outcomes(facts: Facts, scope: Scope) -> Outcomes:
    in_period = [e for e in facts.engagements if decided(e) and scope.covers(e.outcome_on)]
    per_month: dict[date, Counter[str]] = {m: Counter() for m in months(scope.since, scope.until)}
    totals: Counter[str] = Counter()
    for e in in_period:
        per_month[month_of(e.outcome_on)][e.outcome] += 1  # type: ignore[arg-type,index]
        totals[e.outcome] += 1  # type: ignore[index]
    continued = sum(n for slug, n in totals.items() if slug != COMPLETION)
    samples: dict[str, list[float]] = {}
    ongoing: Counter[str] = Counter()
    for e in facts.engagements:
        end = _ended(e)
        if end is None:
            if e.created > scope.until:
                continue
            end = min(facts.today, scope.until)
            ongoing[e.engagement_type] += 1
        elif not scope.covers(end):
            continue
        samples.setdefault(e.engagement_type, []).append(float(max(0, (end - e.created).days)))
    durations = tuple(
        RelationshipDuration(t, Spread.of(samples[t]), ongoing[t])
        for t in framework.slugs(framework.ENGAGEMENT_TYPES)
        if t in samples
    )
    return Outcomes(
        tuple(OutcomeMonth(m, tuple(c[s] for s in OUTCOME_SLUGS)) for m, c in per_month.items()),
        tuple((s, totals[s]) for s in OUTCOME_SLUGS),
        Retention(continued, sum(totals.values())),
        durations,
    )
