"""Execution and learning: cycles concluded per month by kind, the win rate with its count,
learnings per evaluated cycle, learnings reused across engagements.

A cycle is concluded when it is evaluated (its kind is its result: win, loss, inconclusive)
or abandoned, on its end day; a cycle with no end day has not concluded. The win rate is
wins among evaluated cycles with a result, always with both counts. Learnings per evaluated
cycle divides the learnings recorded in the period by the cycles evaluated in it.

*Learnings reused across engagements* reads the learning library's reuse links (a
hypothesis or insight "built on" a learning, ``learning_citation``): of the learnings
recorded in the period by the engagements in scope, those cited by at least one *other*
engagement (whenever it cited them, up to today), as a count and a share of those learnings,
with the number of distinct engagements citing them. A learning cited only from its own
engagement is not reuse across engagements; a citation whose hypothesis or insight was
removed does not count.
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
class ReuseMonth:
    month: date
    recorded: int  # learnings recorded in the month
    reused: int  # of them, cited by another engagement


REUSE_DEFINITION = (
    "A learning is reused across engagements when at least one other engagement built a "
    "hypothesis or an insight on it (cited it in the learning library)."
)


@dataclass(frozen=True, slots=True)
class Reuse:
    """Learnings recorded in the period that other engagements cite."""

    share: Ratio  # reused learnings of the learnings recorded in the period
    citing_engagements: int  # distinct other engagements citing them
    by_month: tuple[ReuseMonth, ...]

    @property
    def sentence(self) -> str:
        r = self.share
        if not r.whole:
            return "Learnings reused across engagements: no learning was recorded in this period."
        n = self.citing_engagements
        return (
            f"Learnings reused across engagements: {r.part} of {r.whole} learnings recorded in this "
            f"period ({100 * r.value:.0f}%) are cited by at least one other engagement"  # type: ignore[operator]
            + (f", by {n} engagement{'s' if n != 1 else ''} in all." if r.part else ".")
        )


@dataclass(frozen=True, slots=True)
class Execution:
    by_month: tuple[CycleMonth, ...]
    win_rate: Ratio  # wins of evaluated cycles with a result
    learnings: int  # recorded in the period
    evaluated: int  # cycles evaluated in the period
    reuse: Reuse

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
    recorded: Counter[date] = Counter()
    reused: Counter[date] = Counter()
    citing: set[int] = set()
    for x in facts.learnings:
        if not scope.covers(x.day):
            continue
        month = month_of(x.day)
        recorded[month] += 1
        if x.reused_by:
            reused[month] += 1
            citing |= x.reused_by
    learnings = sum(recorded.values())
    return Execution(
        tuple(CycleMonth(m, tuple(c[k] for k, _ in KINDS)) for m, c in per_month.items()),
        Ratio(wins, decided),
        learnings,
        evaluated,
        Reuse(
            Ratio(sum(reused.values()), learnings),
            len(citing),
            tuple(ReuseMonth(m, recorded[m], reused[m]) for m in per_month),
        ),
    )
