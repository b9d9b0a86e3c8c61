"""Flow: how many engagements stood in each stage at the end of every day of a period,
rebuilt from the move log (no stored snapshot to drift out of date), with rework counted.

The state at the end of a local day is the last move of that day or before it: an
engagement created and moved on the same day counts once, in the stage it reached. An
archived or disqualified engagement leaves the six stages on its departure day
(``source.departure``: its status record's day, never before its last stage change) and is
counted as *off the board* from then on, never silently dropped. Backward moves are rework: counted
per day and per stage they left. An undo is a correction, not rework: it restores the stage
the log shows and is counted apart.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from mwms_desktop import framework
from mwms_desktop.analytics.months import month_of, months
from mwms_desktop.analytics.source import EngagementFact, Facts, Move, Scope, departure

STAGES = framework.STAGE_SLUGS
OFF = "off_board"  # archived or disqualified


@dataclass(frozen=True, slots=True)
class FlowDay:
    day: date
    counts: tuple[int, ...]  # one per stage, in lifecycle order
    off_board: int
    rework: int  # backward moves made that day

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True, slots=True)
class Rework:
    """Backward moves in the period: in all, out of each stage, and undone moves apart."""

    total: int
    by_stage: tuple[tuple[str, int], ...]  # (stage left, count), lifecycle order
    undone: int  # undo moves (corrections), not counted as rework
    forward: int  # forward moves, for scale


@dataclass(frozen=True, slots=True)
class MonthThroughput:
    month: date
    started: int  # entered Qualification (created)
    finished: int  # first reached Expansion or Completion
    left: int = 0  # taken off the board (archived or disqualified) and off it still: its status record's day


@dataclass(frozen=True, slots=True)
class Flow:
    days: tuple[FlowDay, ...]
    rework: Rework
    throughput: tuple[MonthThroughput, ...]

    @property
    def empty(self) -> bool:
        return not any(d.total or d.off_board for d in self.days)


def _by_engagement(moves: tuple[Move, ...]) -> dict[int, list[Move]]:
    grouped: dict[int, list[Move]] = defaultdict(list)
    for m in moves:
        grouped[m.engagement_id].append(m)
    return grouped


def _changes(e: EngagementFact, log: list[Move]) -> list[tuple[date, str | None, str]]:
    """(local day, stage left or None, stage or OFF entered) for one engagement, in order."""
    out: list[tuple[date, str | None, str]] = []
    current: str | None = None
    for m in log:
        if m.to_stage == current:
            continue
        out.append((m.day, current, m.to_stage))
        current = m.to_stage
    if current is None:  # no log at all (a hand-made file): it stood where it is since creation
        out.append((e.created, None, e.stage))
        current = e.stage
    if e.status != "active":
        out.append((departure(e.changed, out[-1][0]), current, OFF))
    return out


def stage_on(facts: Facts, eid: int, day: date) -> str | None:
    """The stage engagement ``eid`` stood in at the end of local ``day`` (``OFF`` once
    archived or disqualified; None before it existed)."""
    e = next(x for x in facts.engagements if x.id == eid)
    state = None
    for when, _left, entered in _changes(e, [m for m in facts.moves if m.engagement_id == eid]):
        if when > day:
            break
        state = entered
    return state


def flow(facts: Facts, scope: Scope) -> Flow:
    """The cumulative flow of the engagements in ``facts`` (already scoped by type and owner)
    over ``scope``'s period, one row per local day."""
    index = {s: n for n, s in enumerate(STAGES)}
    index[OFF] = len(STAGES)
    width = len(STAGES) + 1
    before = [0] * width  # the state at the end of the day before the period
    deltas: dict[date, list[int]] = {}
    logs = _by_engagement(facts.moves)
    for e in facts.engagements:
        for day, left, entered in _changes(e, logs.get(e.id, [])):
            if day > scope.until:
                break
            row = before if day < scope.since else deltas.setdefault(day, [0] * width)
            if left is not None:
                row[index[left]] -= 1
            row[index[entered]] += 1
    rework_days: Counter[date] = Counter()
    out_of: Counter[str] = Counter()
    undone = forward = 0
    for m in facts.moves:
        if not scope.covers(m.day):
            continue
        if m.kind == "backward":
            rework_days[m.day] += 1
            out_of[m.from_stage or ""] += 1
        elif m.kind == "undo":
            undone += 1
        elif m.kind == "forward":
            forward += 1
    days: list[FlowDay] = []
    state = before
    day = scope.since
    while day <= scope.until:
        delta = deltas.get(day)
        if delta is not None:
            state = [a + b for a, b in zip(state, delta, strict=True)]
        days.append(FlowDay(day, tuple(state[: len(STAGES)]), state[-1], rework_days[day]))
        day += timedelta(days=1)
    rework = Rework(
        sum(rework_days.values()),
        tuple((s, out_of[s]) for s in STAGES if out_of[s]),
        undone,
        forward,
    )
    return Flow(tuple(days), rework, throughput(facts, scope, logs))


def throughput(
    facts: Facts, scope: Scope, logs: dict[int, list[Move]] | None = None
) -> tuple[MonthThroughput, ...]:
    """Engagements started (created), finished (first entry into Expansion or Completion) and
    taken off the board (archived or disqualified, and still so) in each local month of the
    period."""
    logs = logs if logs is not None else _by_engagement(facts.moves)
    started: Counter[date] = Counter()
    finished: Counter[date] = Counter()
    for e in facts.engagements:
        if scope.covers(e.created):
            started[month_of(e.created)] += 1
        reached = next((m.day for m in logs.get(e.id, ()) if m.to_stage == "outcome"), None)
        if scope.covers(reached):
            finished[month_of(reached)] += 1  # type: ignore[arg-type]
    left = off_board_months(facts, scope)
    return tuple(
        MonthThroughput(m, started[m], finished[m], left[m]) for m in months(scope.since, scope.until)
    )


def off_board_months(facts: Facts, scope: Scope) -> Counter[date]:
    """Per month of the period, the engagements it took off the board (and that are off it
    still), on their departure day (``EngagementFact.changed``, as ``source.departure``
    dates it when the facts are read: the day the cumulative flow takes them off)."""
    return Counter(
        month_of(e.changed) for e in facts.engagements if e.status != "active" and scope.covers(e.changed)
    )
