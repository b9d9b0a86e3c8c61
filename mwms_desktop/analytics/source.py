"""The raw facts the analytics read, in a few bulk queries, with days in the user's zone.

Everything here is plain tuples and frozen dataclasses: the computations in the sibling
modules never touch the database, so they are tested on hand-built facts and the same facts
serve the window, ``mwms-desktop report`` and the portfolio dossier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from db.models import CheckIn, Cycle, Engagement, Learning, StageMove, raw_rows
from mwms_desktop.clock import Clock

DEFAULT_MONTHS = 12  # the period when none is given: the last twelve months up to today


@dataclass(frozen=True, slots=True)
class Move:
    """One row of the move log: ``at`` is the UTC instant, ``day`` its local calendar day."""

    engagement_id: int
    from_stage: str | None
    to_stage: str
    at: datetime
    day: date
    kind: str  # created | forward | backward | undo


@dataclass(frozen=True, slots=True)
class EngagementFact:
    id: int
    client: str
    engagement_type: str
    owner: str
    stage: str
    status: str  # active | archived | disqualified
    created: date  # local day
    outcome: str | None
    outcome_on: date | None
    changed: date  # local day of the last change (``updated_at``): when it left the board if archived


@dataclass(frozen=True, slots=True)
class CycleFact:
    engagement_id: int
    status: str
    result: str | None
    ended_on: date | None


@dataclass(frozen=True, slots=True)
class LearningFact:
    engagement_id: int
    day: date  # local day recorded


@dataclass(frozen=True, slots=True)
class CheckInFact:
    engagement_id: int
    held_on: date
    score: int


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything the analytics read. ``moves`` are in log order (instant, then id)."""

    today: date
    engagements: tuple[EngagementFact, ...]
    moves: tuple[Move, ...]
    cycles: tuple[CycleFact, ...] = ()
    learnings: tuple[LearningFact, ...] = ()
    checkins: tuple[CheckInFact, ...] = ()

    def restricted(self, ids: set[int]) -> Facts:
        """The same facts for the engagements in ``ids`` only."""
        return Facts(
            self.today,
            tuple(e for e in self.engagements if e.id in ids),
            tuple(m for m in self.moves if m.engagement_id in ids),
            tuple(c for c in self.cycles if c.engagement_id in ids),
            tuple(x for x in self.learnings if x.engagement_id in ids),
            tuple(c for c in self.checkins if c.engagement_id in ids),
        )


@dataclass(frozen=True, slots=True)
class Scope:
    """What to look at: a period of local days (both ends included), an engagement type and
    an owner ("" = all). The board's type and owner filters are the same two fields."""

    since: date
    until: date
    engagement_type: str = ""
    owner: str = ""

    def __post_init__(self) -> None:
        if self.since > self.until:
            raise ValueError("the period starts after it ends")

    def covers(self, day: date | None) -> bool:
        return day is not None and self.since <= day <= self.until

    def selects(self, e: EngagementFact) -> bool:
        return (not self.engagement_type or e.engagement_type == self.engagement_type) and (
            not self.owner or e.owner == self.owner
        )

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1


def default_scope(today: date, months: int = DEFAULT_MONTHS, **filters: str) -> Scope:
    """The last ``months`` whole months up to today: from the first of the month a year ago."""
    year, month = divmod(today.year * 12 + today.month - 1 - (months - 1), 12)
    return Scope(date(year, month + 1, 1), today, **filters)


def scoped(facts: Facts, scope: Scope) -> Facts:
    """The facts of the engagements the scope's type and owner select."""
    if not scope.engagement_type and not scope.owner:
        return facts
    return facts.restricted({e.id for e in facts.engagements if scope.selects(e)})


@dataclass(slots=True)
class _LocalDays:
    """Stored UTC instants (ISO text) to (instant, local day). The offset to local time is
    found once per UTC hour: zones change their offset only on whole UTC hours (or half
    hours, which the hour's two halves cover), so 60,000 moves cost a few hundred
    ``astimezone`` calls instead of 60,000."""

    offsets: dict[str, timedelta] = field(default_factory=dict)

    def __call__(self, stored: str) -> tuple[datetime, date]:
        at = datetime.fromisoformat(stored)
        key = stored[:13] + ("a" if stored[14:16] < "30" else "b")  # 2026-11-23T21 + half hour
        offset = self.offsets.get(key)
        if offset is None:
            offset = self.offsets[key] = at.astimezone().utcoffset() or timedelta(0)
        return at, (at + offset).date()


def read_facts(clock: Clock) -> Facts:
    """Every engagement (all statuses) and its move log, cycles, learnings and check-ins."""
    local = _LocalDays()
    E = Engagement
    engagements = []
    for eid, client, etype, owner, stage, status, created, outcome, outcome_on, updated in raw_rows(
        E.select(E.id, E.client, E.engagement_type, E.owner, E.stage, E.status, E.created_at,
                 E.outcome, E.outcome_on, E.updated_at).order_by(E.id)
    ):  # fmt: skip
        engagements.append(
            EngagementFact(
                eid, client, etype, owner, stage, status, local(created)[1], outcome,
                date.fromisoformat(outcome_on) if outcome_on else None, local(updated)[1],
            )
        )  # fmt: skip
    M = StageMove
    moves = []
    for eid, from_stage, to_stage, moved_at, kind in raw_rows(
        M.select(M.engagement, M.from_stage, M.to_stage, M.moved_at, M.kind).order_by(M.moved_at, M.id)
    ):
        at, day = local(moved_at)
        moves.append(Move(eid, from_stage, to_stage, at, day, kind))
    cycles = tuple(
        CycleFact(eid, status, result, date.fromisoformat(ended) if ended else None)
        for eid, status, result, ended in raw_rows(Cycle.select(Cycle.engagement, Cycle.status,
                                                                Cycle.result, Cycle.ended_on))
    )  # fmt: skip
    learnings = tuple(
        LearningFact(eid, local(at)[1])
        for eid, at in raw_rows(Learning.select(Learning.engagement, Learning.recorded_at))
    )
    checkins = tuple(
        CheckInFact(eid, date.fromisoformat(held), score)
        for eid, held, score in raw_rows(CheckIn.select(CheckIn.engagement, CheckIn.held_on, CheckIn.score))
    )
    return Facts(clock.today(), tuple(engagements), tuple(moves), cycles, learnings, checkins)


__all__ = [
    "CheckInFact",
    "CycleFact",
    "EngagementFact",
    "Facts",
    "LearningFact",
    "Move",
    "Scope",
    "default_scope",
    "read_facts",
    "scoped",
]
