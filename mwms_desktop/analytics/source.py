"""The raw facts the analytics read, in a few bulk queries, with days in the user's zone.

Everything here is plain tuples and frozen dataclasses: the computations in the sibling
modules never touch the database, so they are tested on hand-built facts and the same facts
serve the window, ``mwms-desktop report`` and the portfolio dossier.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from db.models import CheckIn, Cycle, Learning, StageMove, database, raw_rows
from mwms_desktop.clock import Clock
from mwms_desktop.local_days import LocalDays

DEFAULT_MONTHS = 12  # the period when none is given: the last twelve months up to today
# The owner filter's "Unassigned": engagements without an owner (the board's filter value,
# ``ui.board_store.UNASSIGNED``, is this text; a name never starts with a control character).
NO_OWNER = "\x1fnone"


@dataclass(frozen=True, slots=True)
class Move:
    """One row of the move log: ``at`` the instant, ``day`` its local calendar day."""

    engagement_id: int
    from_stage: str | None
    to_stage: str
    at: float  # the UTC instant in days since 1970-01-01 (fractions kept): durations subtract these
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
    # Off the board (archived, disqualified): the local day it left (``departure``), from its
    # status log (``status_change``; without a record of its current status there, as after
    # a bundle from another laptop, the day of its last change), never before the last stage
    # change its move log shows. On the board: the day of its last change (not read).
    changed: date


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
    # The other engagements that built a hypothesis or an insight on it (a citation whose
    # citing record still exists): empty when no other engagement reused it.
    reused_by: frozenset[int] = frozenset()


# The instant an engagement off the board left it: its latest status record (the last
# written), when that record took it to the status it has now; else its last change. A
# status changed by a bundle merge (or sync) writes no record here, so a later record may
# be missing: archived here in February, restored in March, archived on another laptop in
# June and merged, the latest record here says "active", not "archived", and the day is the
# engagement's last change (June), not the February record. A column of ``engagement``,
# read by both paths.
LEFT_BOARD_SQL = (
    "CASE WHEN engagement.status = 'active' THEN engagement.updated_at ELSE coalesce("
    "(SELECT CASE WHEN s.to_status = engagement.status THEN s.changed_at END FROM status_change s"
    " WHERE s.engagement_id = engagement.id ORDER BY s.id DESC LIMIT 1), engagement.updated_at) END"
)

# Per learning, the other engagements citing it: (learning id, citing engagement id) rows.
# A citation counts while its citing hypothesis or insight exists (removing one keeps its
# citation for undo, see services/citations.py); a learning cited only from its own
# engagement is not reused across engagements.
REUSE_QUERY = (
    "SELECT DISTINCT l.id, c.engagement_id FROM learning_citation c"
    " JOIN learning l ON l.uuid = c.learning_uuid"
    " WHERE c.engagement_id != l.engagement_id AND ("
    "(c.citing_kind = 'hypothesis' AND EXISTS (SELECT 1 FROM hypothesis h WHERE h.uuid = c.citing_uuid))"
    " OR (c.citing_kind = 'insight' AND EXISTS (SELECT 1 FROM insight i WHERE i.uuid = c.citing_uuid)))"
)


def departure(left: date, last_change: date) -> date:
    """The local day an engagement off the board left it: the day its status record (or
    last change) says, ``left``, but never before ``last_change``, the day of the last stage
    change its move log shows (or of its creation, without a log). A clock set back, or a
    merge of another laptop's moves, can date the record earlier; the flow cannot leave the
    board before it entered its last stage. Both readers date ``EngagementFact.changed`` so,
    and the flow, the months left, the relationship durations and the health bands all read
    that one day."""
    return max(left, last_change)


def last_changes(moves: Iterable[Move]) -> dict[int, date]:
    """Per engagement, the local day of the last move that changed its stage (moves grouped
    by engagement, each group in log order; a move to the stage it stood in changes none)."""
    out: dict[int, date] = {}
    eid: int | None = None
    current: str | None = None
    for m in moves:
        if m.engagement_id != eid:
            eid, current = m.engagement_id, None
        if m.to_stage != current:
            out[eid] = m.day
            current = m.to_stage
    return out


def reuse(rows: Iterable[tuple[int, int]]) -> dict[int, frozenset[int]]:
    """``REUSE_QUERY``'s rows as learning id -> the engagements citing it."""
    out: dict[int, set[int]] = {}
    for learning, engagement in rows:
        out.setdefault(learning, set()).add(engagement)
    return {k: frozenset(v) for k, v in out.items()}


@dataclass(frozen=True, slots=True)
class CheckInFact:
    engagement_id: int
    held_on: date
    score: int


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything the analytics read. ``moves`` are grouped by engagement, each group in log
    order (instant, then id); ``checkins`` likewise, oldest first."""

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
        owner = "" if self.owner == NO_OWNER else self.owner
        return (not self.engagement_type or e.engagement_type == self.engagement_type) and (
            not self.owner or e.owner == owner
        )

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1


def instant(at: datetime) -> float:
    """An aware instant as ``Move.at``: days since 1970-01-01 UTC."""
    return at.astimezone(UTC).timestamp() / 86_400


def default_scope(today: date, months: int = DEFAULT_MONTHS, **filters: str) -> Scope:
    """The last ``months`` whole months up to today: from the first of the month a year ago."""
    year, month = divmod(today.year * 12 + today.month - 1 - (months - 1), 12)
    return Scope(date(year, month + 1, 1), today, **filters)


def scoped(facts: Facts, scope: Scope) -> Facts:
    """The facts of the engagements the scope's type and owner select."""
    if not scope.engagement_type and not scope.owner:
        return facts
    return facts.restricted({e.id for e in facts.engagements if scope.selects(e)})


class _Days:
    """ISO day text to ``date``, memoised: 60,000 moves fall on a few hundred days."""

    def __init__(self) -> None:
        self._seen: dict[str, date] = {}

    def __call__(self, text: str | None) -> date | None:
        if text is None:
            return None
        day = self._seen.get(text)
        if day is None:
            day = self._seen[text] = date.fromisoformat(text)
        return day


def read_facts(clock: Clock) -> Facts:
    """Every engagement (all statuses) and its move log, cycles, learnings and check-ins, in a
    few bulk reads. Moves come grouped by engagement, each engagement's in log order."""
    days, local = _Days(), LocalDays()
    M, C = StageMove, CheckIn
    rows = database.execute_sql(
        "SELECT id, client, engagement_type, owner, stage, status, created_at, outcome, outcome_on,"
        f" {LEFT_BOARD_SQL} FROM engagement ORDER BY id"
    ).fetchall()
    moves: list[Move] = []
    group: list[Move] = []
    # By engagement through its index (no sort); within an engagement the log order is the
    # instant's, which insertion order nearly always is: a group is sorted only if it is not.
    for eid, from_stage, to_stage, moved_at, kind in raw_rows(
        M.select(M.engagement, M.from_stage, M.to_stage, M.moved_at, M.kind).order_by(M.engagement, M.id)
    ):
        at, day = local(moved_at)
        if group and group[-1].engagement_id != eid:
            _flush(moves, group)
        group.append(Move(eid, from_stage, to_stage, at, day, kind))
    _flush(moves, group)
    last = last_changes(moves)
    engagements = []
    for eid, client, etype, owner, stage, status, created, outcome, outcome_on, updated in rows:
        born, changed = local(created)[1], local(updated)[1]
        if status != "active":
            changed = departure(changed, last.get(eid, born))
        engagements.append(EngagementFact(eid, client, etype, owner, stage, status, born,
                                          outcome, days(outcome_on), changed))  # fmt: skip
    cycles = tuple(
        CycleFact(eid, status, result, days(ended))
        for eid, status, result, ended in raw_rows(Cycle.select(Cycle.engagement, Cycle.status,
                                                                Cycle.result, Cycle.ended_on))
    )  # fmt: skip
    reused = reuse(database.execute_sql(REUSE_QUERY).fetchall())
    learnings = tuple(
        LearningFact(eid, local(at)[1], reused.get(lid, frozenset()))
        for lid, eid, at in raw_rows(Learning.select(Learning.id, Learning.engagement, Learning.recorded_at))
    )
    checkins = tuple(
        CheckInFact(eid, days(held), score)  # type: ignore[arg-type]
        for eid, held, score in raw_rows(
            C.select(C.engagement, C.held_on, C.score).order_by(C.engagement, C.held_on, C.id)
        )
    )
    return Facts(clock.today(), tuple(engagements), tuple(moves), cycles, learnings, checkins)


def _flush(into: list[Move], group: list[Move]) -> None:
    if any(a.at > b.at for a, b in itertools.pairwise(group)):
        group.sort(key=lambda m: m.at)  # stable: same-instant moves keep their id order
    into.extend(group)
    group.clear()


__all__ = [
    "CheckInFact",
    "CycleFact",
    "EngagementFact",
    "Facts",
    "LearningFact",
    "Move",
    "Scope",
    "default_scope",
    "departure",
    "last_changes",
    "read_facts",
    "reuse",
    "scoped",
]
