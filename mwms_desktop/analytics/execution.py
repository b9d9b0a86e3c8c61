"""Execution and learning: cycles concluded per month by kind, the win rate with its count,
learnings per evaluated cycle.

A cycle is concluded when it is evaluated (its kind is its result: win, loss, inconclusive)
or abandoned, on its end day; a cycle with no end day has not concluded. The win rate is
wins among evaluated cycles with a result, always with both counts. Learnings per evaluated
cycle divides the learnings recorded in the period by the cycles evaluated in it.

*Learnings reused across engagements* needs reuse links between learnings, which the
learning library (issue 13) will bring: it is not computed here rather than shown as a
number that means nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from mwms_desktop import framework
from mwms_desktop.analytics.months import month_of, months
from mwms_desktop.analytics.source import Facts, Scope

# How a cycle concluded: the framework's results, then abandoned (a status, not a result).
KINDS: tuple[tuple[str, str], ...] = (
    *((t.slug, t.label) for t in framework.CYCLE_RESULTS),
    ("abandoned", framework.label(framework.CYCLE_STATUSES, "abandoned")),
)


@dataclass(frozen=True, slots=True)
class CycleMonth:
    month: date
    counts: tuple[int, ...]  # one per KINDS entry


@dataclass(frozen=True, slots=True)
class Ratio:
    """``part`` of ``whole``: never a bare percentage."""

    part: int
    whole: int

    @property
    def value(self) -> float | None:
        return self.part / self.whole if self.whole else None


@dataclass(frozen=True, slots=True)
class Execution:
    by_month: tuple[CycleMonth, ...]
    win_rate: Ratio  # wins of evaluated cycles with a result
    learnings: int  # recorded in the period
    evaluated: int  # cycles evaluated in the period

    @property
    def win_sentence(self) -> str:
        r = self.win_rate
        if not r.whole:
            return "Win rate: no cycle was evaluated with a result in this period."
        return f"Win rate: {r.part} wins of {r.whole} evaluated cycles ({100 * r.value:.0f}%)."  # type: ignore[operator]

    @property
    def learnings_per_cycle(self) -> float | None:
        return self.learnings / self.evaluated if self.evaluated else None

    @property
    def learning_sentence(self) -> str:
        if not self.evaluated:
            return (
                "Learnings per evaluated cycle: no cycle evaluated in this period "
                f"({self.learnings} learnings recorded)."
            )
        return (
            f"Learnings per evaluated cycle: {self.learnings_per_cycle:.2f} "
            f"({self.learnings} learnings, {self.evaluated} evaluated cycles)."
        )


def execution(facts: Facts, scope: Scope) -> Execution:
    per_month: dict[date, Counter[str]] = {m: Counter() for m in months(scope.since, scope.until)}
    wins = decided = evaluated = 0
    for c in facts.cycles:
        if c.ended_on is None or not scope.covers(c.ended_on):
            continue
        if c.status == "evaluated":
            evaluated += 1
            if c.result in ("win", "loss", "inconclusive"):
                per_month[month_of(c.ended_on)][c.result] += 1
                decided += 1
                wins += c.result == "win"
        elif c.status == "abandoned":
            per_month[month_of(c.ended_on)]["abandoned"] += 1
    learnings = sum(1 for x in facts.learnings if scope.covers(x.day))
    return Execution(
        tuple(CycleMonth(m, tuple(c[k] for k, _ in KINDS)) for m, c in per_month.items()),
        Ratio(wins, decided),
        learnings,
        evaluated,
    )
