"""How long things take: time in each stage (per stage, per engagement type) and lead time
from Qualification to an outcome, as median and 85th percentile with their counts.

Method, stated once: percentiles interpolate linearly between the closest ranks (Hyndman
and Fan type 7, as numpy's default and a spreadsheet's PERCENTILE.INC): for ``n`` sorted
values the p-th percentile sits at rank ``(n - 1) * p``. Durations are exact elapsed days
between the UTC instants of two moves (fractions kept), so a time-zone change never bends
them.

A *stay* is one visit to a stage, from the move that entered it to the move that left it;
each visit is its own sample (a stage visited twice after rework gives two samples, never one
summed stay). Stays still open are not finished and not counted; a stay ended by an undo was
taken back and is not counted either. A stay counts in the period in which it ended.
Lead time runs from creation (entering Qualification) to the first entry into Expansion or
Completion; engagements that have not got there are not counted as zero, they are left out
and the count says how many samples there are.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from mwms_desktop import framework
from mwms_desktop.analytics.source import Facts, Move, Scope


def percentile(values: Sequence[float], p: float) -> float | None:
    """The ``p``-th percentile (0–100) of ``values`` by linear interpolation between closest
    ranks; None for no values."""
    if not values:
        return None
    if not 0 <= p <= 100:
        raise ValueError("percentile must be from 0 to 100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True, slots=True)
class Spread:
    """Median and 85th percentile of ``count`` samples (days); None without samples."""

    count: int
    median: float | None
    p85: float | None

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(len(values), percentile(values, 50), percentile(values, 85))


@dataclass(frozen=True, slots=True)
class StageTime:
    stage: str
    overall: Spread
    by_type: tuple[tuple[str, Spread], ...]  # (engagement type, spread) for types with samples


@dataclass(frozen=True, slots=True)
class Durations:
    stages: tuple[StageTime, ...]
    lead_time: Spread
    lead_time_by_type: tuple[tuple[str, Spread], ...]


def stays(log: Sequence[Move]) -> list[tuple[str, float, Move]]:
    """(stage, days, the move that ended the stay) for one engagement's finished stays."""
    out = []
    for entered, left in itertools.pairwise(log):
        if left.kind == "undo":
            continue
        out.append((entered.to_stage, left.at - entered.at, left))
    return out


def durations(facts: Facts, scope: Scope) -> Durations:
    types = {e.id: e.engagement_type for e in facts.engagements}
    logs: dict[int, list[Move]] = defaultdict(list)
    for m in facts.moves:
        logs[m.engagement_id].append(m)
    per_stage: dict[str, list[float]] = defaultdict(list)
    per_stage_type: dict[tuple[str, str], list[float]] = defaultdict(list)
    lead: list[float] = []
    lead_type: dict[str, list[float]] = defaultdict(list)
    for eid, log in logs.items():
        etype = types.get(eid)
        if etype is None:
            continue
        for stage, days, ended in stays(log):
            if scope.covers(ended.day):
                per_stage[stage].append(days)
                per_stage_type[(stage, etype)].append(days)
        reached = next((m for m in log if m.to_stage == "outcome"), None)
        if reached is not None and scope.covers(reached.day):
            days = reached.at - log[0].at
            lead.append(days)
            lead_type[etype].append(days)
    type_order = framework.slugs(framework.ENGAGEMENT_TYPES)
    stages = tuple(
        StageTime(
            s,
            Spread.of(per_stage[s]),
            tuple((t, Spread.of(per_stage_type[(s, t)])) for t in type_order if per_stage_type[(s, t)]),
        )
        for s in framework.STAGE_SLUGS
        if s != "outcome"  # the last stage is where engagements rest: no stay there ends
    )
    return Durations(
        stages,
        Spread.of(lead),
        tuple((t, Spread.of(lead_type[t])) for t in type_order if lead_type[t]),
    )
