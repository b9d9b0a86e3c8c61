"""What the dossier derives from an engagement before drawing it: how long each stage
lasted, short references for records (I3, H2, C7, L12), the key learnings. Pure functions
over the frozen views, so the layout code only formats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from mwms_desktop import framework
from mwms_desktop.clock import local_day
from mwms_desktop.views import EngagementDetail, LearningView


@dataclass(frozen=True, slots=True)
class StageSpan:
    """One stay in a stage (a backward move makes a second stay in an earlier stage)."""

    stage: str
    start: datetime
    end: datetime
    current: bool

    @property
    def days(self) -> float:
        return max(0.0, (self.end - self.start).total_seconds() / 86400)


@dataclass(frozen=True, slots=True)
class StageTotal:
    stage: str
    days: float
    first_entered: date | None
    last_left: date | None
    visits: int
    current: bool


def stage_spans(d: EngagementDetail, now: datetime) -> list[StageSpan]:
    """Every stay in a stage, oldest first; the last one runs until ``now`` unless the
    engagement is no longer active (then it ends at its last recorded move)."""
    moves = list(d.history)
    if not moves:
        return [StageSpan(d.stage, d.created_at, max(now, d.created_at), True)]
    spans = []
    for move, nxt in zip(moves, [*moves[1:], None], strict=True):
        end = nxt.moved_at if nxt is not None else max(now, move.moved_at)
        spans.append(StageSpan(move.to_stage, move.moved_at, end, nxt is None))
    return spans


def stage_totals(spans: list[StageSpan]) -> list[StageTotal]:
    """Per stage of the lifecycle, in order: days spent in it (all stays), first entered,
    last left (None while it is the current stage or was never reached)."""
    totals = []
    for st in framework.STAGES:
        mine = [s for s in spans if s.stage == st.slug]
        current = any(s.current for s in mine)
        totals.append(
            StageTotal(
                stage=st.slug,
                days=sum(s.days for s in mine),
                first_entered=local_day(mine[0].start) if mine else None,
                last_left=None if (current or not mine) else local_day(mine[-1].end),
                visits=len(mine),
                current=current,
            )
        )
    return totals


@dataclass(frozen=True, slots=True)
class Refs:
    """Short, stable references to an engagement's records, numbered in dossier order."""

    insights: dict[int, str]
    hypotheses: dict[int, str]
    cycles: dict[int, str]
    learnings: dict[int, str]


def refs(d: EngagementDetail) -> Refs:
    def number(prefix: str, ids: list[int]) -> dict[int, str]:
        return {rid: f"{prefix}{n}" for n, rid in enumerate(ids, start=1)}

    return Refs(
        insights=number("I", [i.id for i in grouped_insight_order(d)]),
        hypotheses=number("H", [h.id for h in d.hypotheses]),
        cycles=number("C", [c.id for c in d.cycles]),
        learnings=number("L", [lr.id for lr in d.learnings]),
    )


def grouped_insight_order(d: EngagementDetail) -> list:
    """Insights grouped by activity in the framework's order, oldest first within each."""
    order = {slug: n for n, slug in enumerate(framework.slugs(framework.INSIGHT_ACTIVITIES))}
    return sorted(d.insights, key=lambda i: (order.get(i.activity, 99), i.recorded_on, i.id))


def key_learnings(d: EngagementDetail, limit: int = 5) -> list[LearningView]:
    """The learnings a reader should see first: high confidence before medium before low,
    the most recent first within a level."""
    rank = {"high": 0, "medium": 1, "low": 2}
    ordered = sorted(d.learnings, key=lambda lr: (rank.get(lr.confidence, 3), -lr.recorded_at.timestamp()))
    return ordered[:limit]


def period(d: EngagementDetail, now: datetime) -> tuple[date, date | None]:
    """From the day the engagement was added to the day its outcome was decided (None:
    still running)."""
    return local_day(d.created_at), d.outcome.decided_on


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fmt_day(day: date | datetime | None) -> str:
    if day is None:
        return "—"
    if isinstance(day, datetime):
        day = local_day(day)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def plural(count: int, word: str, words: str | None = None) -> str:
    """ "1 learning", "3 learnings"."""
    return f"{count} {word if count == 1 else (words or word + 's')}"


def fmt_days(days: float) -> str:
    whole = round(days)
    if days and whole == 0:
        return "< 1 day"
    return "1 day" if whole == 1 else f"{whole} days"
