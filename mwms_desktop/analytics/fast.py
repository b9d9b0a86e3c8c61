"""The analytics' fast path: the move log and the check-ins read once each, in one query, into
flat arrays (numpy), the engagements into arrays too (``Columns``), and the flow, times in
stage, outcomes and health bands computed on those arrays. The read runs on two connections
of one snapshot (:mod:`snapshot`, see ``read``).

The sibling modules (``flow``, ``durations``, ``outcomes``, ``health``) are the reference:
plain Python over one frozen object per move and engagement, tested on hand-built facts.
This module computes the same numbers (tests compare both on random move logs and random
engagements) without a Python object or a Python loop per move, per check-in or per
engagement-day:

* the flow is a running sum (``cumsum``) over per-day deltas, each stage change counted once
  where it happens, never a scan of every engagement on every day;
* stays are consecutive moves of one engagement, paired by shifting the arrays by one;
* the band of every engagement at each month end is the last check-in up to that day, found
  with a mask per day (a dozen days), not a walk per engagement;
* outcomes and relationship durations are masks and counts over the engagement columns.

Instants and local days are those of :mod:`source` (the same parsing and the same zone
offsets), so the results are identical, not merely close. numpy comes with the chart library
and is imported only here, when analytics are computed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from mwms_desktop import framework
from mwms_desktop import health as rules
from mwms_desktop.analytics import snapshot
from mwms_desktop.analytics.durations import Durations, Spread, StageTime
from mwms_desktop.analytics.flow import Flow, FlowDay, MonthThroughput, Rework, off_board_months
from mwms_desktop.analytics.health import BANDS, BandCount, DriftMap, HealthSummary, drift_in
from mwms_desktop.analytics.months import month_of, months
from mwms_desktop.analytics.outcomes import (
    COMPLETION,
    OutcomeMonth,
    Outcomes,
    RelationshipDuration,
    Retention,
    decided,
)
from mwms_desktop.analytics.pause_gc import paused
from mwms_desktop.analytics.source import (
    LEFT_BOARD_SQL,
    REUSE_QUERY,
    CycleFact,
    EngagementFact,
    Facts,
    LearningFact,
    Scope,
    departure,
    reuse,
)
from mwms_desktop.clock import Clock
from mwms_desktop.local_days import EPOCH_ORDINAL
from mwms_desktop.local_days import zone_offset as _zone_offset
from mwms_desktop.views import EngagementCard

if TYPE_CHECKING:
    import numpy as np

    from mwms_desktop.services.loading import Thresholds

STAGES = framework.STAGE_SLUGS
OFF = len(STAGES)  # the column of "off the board" (archived or disqualified)
OUTCOME = STAGES.index("outcome")
KIND_CODES = {"created": 0, "forward": 1, "backward": 2, "undo": 3}
BACKWARD, FORWARD, UNDO = KIND_CODES["backward"], KIND_CODES["forward"], KIND_CODES["undo"]
BAND_CODES = {b: n for n, b in enumerate(BANDS)}
NO_CHECKIN = BAND_CODES["unknown"]


@dataclass(frozen=True)
class Log:
    """The move log as arrays, one entry per move, grouped by engagement (ascending id),
    each group in log order (instant, then id). Days are local, as ordinals - EPOCH_ORDINAL."""

    eid: np.ndarray  # int64
    to: np.ndarray  # int8 stage index
    left: np.ndarray  # int8 stage index of ``from_stage``, -1 for none
    kind: np.ndarray  # int8 KIND_CODES
    at: np.ndarray  # float64 days since 1970 UTC
    day: np.ndarray  # int64 local day number


@dataclass(frozen=True)
class CheckIns:
    """Check-ins as arrays, grouped by engagement, each group oldest first."""

    eid: np.ndarray
    day: np.ndarray  # local day number of ``held_on``
    band: np.ndarray  # BAND_CODES
    score: np.ndarray  # int64, what the band is of (drift's "health falling" reads it)


NONE_DAY = -(10**9)  # a day number for "no day" (before any)
STILL_ON = 10**9  # the day number an engagement on the board leaves it (after any)
TYPES = framework.slugs(framework.ENGAGEMENT_TYPES)
OUTCOME_SLUGS = framework.slugs(framework.OUTCOMES)
COMPLETION_CODE = OUTCOME_SLUGS.index(COMPLETION)
OTHER_OUTCOME = len(OUTCOME_SLUGS)  # an outcome the framework does not list (a hand-edited file)


@dataclass(frozen=True)
class Columns:
    """The engagements as arrays, one entry each, in ``Facts.engagements``' order: what the
    sections read of every engagement, without a Python object per engagement."""

    id: np.ndarray  # int64
    stage: np.ndarray  # int64 stage index, -1 for a stage the framework does not list
    created: np.ndarray  # int64 local day number
    gone: np.ndarray  # int64 local day number it left the board (``changed``), STILL_ON on it
    etype: np.ndarray  # int64 index in TYPES, -1 for another
    outcome: np.ndarray  # int64 index in OUTCOME_SLUGS, -1 for none, OTHER_OUTCOME for another
    decided: np.ndarray  # int64 day number of the outcome where decided (``outcomes.decided``), else NONE_DAY


def columns_of(engagements: Sequence[EngagementFact]) -> Columns:
    """The arrays of ``engagements``."""
    import numpy as np

    stage_code = {s: n for n, s in enumerate(STAGES)}
    type_code = {t: n for n, t in enumerate(TYPES)}
    outcome_code = {o: n for n, o in enumerate(OUTCOME_SLUGS)}

    def array(values: list[int]) -> np.ndarray:
        return np.array(values, dtype=np.int64)

    es = engagements
    return Columns(
        array([e.id for e in es]),
        array([stage_code.get(e.stage, -1) for e in es]),
        array([_ordinal(e.created) for e in es]),
        array([_ordinal(e.changed) if e.status != "active" else STILL_ON for e in es]),
        array([type_code.get(e.engagement_type, -1) for e in es]),
        array([-1 if e.outcome is None else outcome_code.get(e.outcome, OTHER_OUTCOME) for e in es]),
        array([_ordinal(e.outcome_on) if decided(e) else NONE_DAY for e in es]),
    )


# The engagements on the board, as drift reads them: id, uuid, stage, and the local day
# numbers it entered that stage and was created.
Board = tuple[tuple[int, str, str, int, int], ...]


@dataclass(frozen=True)
class FastFacts:
    """What the fast path reads: the engagements as facts (ten thousand, not sixty), the move
    log and the check-ins as arrays, cycles and learnings as facts (few)."""

    facts: Facts  # engagements, cycles, learnings (moves and check-ins are the arrays)
    log: Log
    checkins: CheckIns
    # The engagements on the board, as drift reads them (``drift_read``).
    board: Board = ()
    # The drift signals of the engagements on the board (``drift_read``), when ``read`` was
    # given the thresholds: computed while the move log was read. None: not computed.
    signals: DriftMap | None = None
    # The engagements as arrays (``columns_of``); None: made from the facts when needed.
    engagement_columns: Columns | None = None

    @property
    def columns(self) -> Columns:
        if self.engagement_columns is None:
            object.__setattr__(self, "engagement_columns", columns_of(self.facts.engagements))
        return self.engagement_columns  # type: ignore[return-value]


def nothing(today: date) -> FastFacts:
    """The facts of an empty portfolio."""
    import numpy as np

    i, b, f = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int8), np.zeros(0, dtype=np.float64)
    return FastFacts(Facts(today, (), ()), Log(i, b, b, b, f, i), CheckIns(i, i, b, i))


def local_days(at: np.ndarray) -> np.ndarray:
    """Local day numbers of instants ``at`` (days since 1970 UTC), as ``local_days.LocalDays``:
    one zone look-up at each end of every UTC day, every instant on its own on a day when
    the two differ (a daylight-saving change)."""
    import numpy as np

    if not len(at):
        return np.zeros(0, dtype=np.int64)
    starts = np.floor(at)
    unique, inverse = np.unique(starts, return_inverse=True)
    first = np.array([_zone_offset(float(s)) for s in unique])
    last = np.array([_zone_offset(float(s) + 1 - 1 / 86_400) for s in unique])
    offset = first[inverse]
    changing = (first != last)[inverse]
    if changing.any():
        where = np.nonzero(changing)[0]
        offset[where] = [_zone_offset(float(a)) for a in at[where]]
    return np.floor(at + offset).astype(np.int64)


def _instants(texts: Sequence[str]) -> np.ndarray:
    """Stored instants as days since 1970 UTC, exactly as ``source.instant`` parses them:
    UTC text to the second (what the app writes) in one numpy conversion, anything else
    through ``datetime``."""
    import numpy as np

    if all(len(t) == 25 and t.endswith("+00:00") for t in texts):
        joined = "".join(t[:19] for t in texts).encode()
        return _utc_seconds(joined) / 86_400
    parse = datetime.fromisoformat
    return np.array([parse(t).timestamp() / 86_400 for t in texts], dtype=np.float64)


def _utc_seconds(joined: bytes) -> np.ndarray:
    """``YYYY-MM-DDTHH:MM:SS`` texts side by side, as seconds since 1970."""
    import numpy as np

    return np.frombuffer(joined, dtype="S19").astype("datetime64[s]").astype(np.int64)


def _ints(text: str | None, count: int) -> np.ndarray:
    """``group_concat`` of ``count`` integers as an array: numpy's parser reads the text at
    once; a value it cannot read stops it short of ``count`` (SQLite types are per value: a
    hand-edited file), and then each value is converted apart, which says which is wrong."""
    import numpy as np

    if not text:
        return np.zeros(0, dtype=np.int64)
    try:
        out = np.fromstring(text, dtype=np.int64, sep=",")
    except ValueError:  # warnings turned into errors: the same as stopping short
        out = None
    if out is None or len(out) != count:
        out = np.array(text.split(","), dtype=np.int64)
    return out


def _case(column: str, codes: dict[str, int]) -> str:
    whens = " ".join(f"WHEN '{slug}' THEN {n}" for slug, n in codes.items())
    return f"CASE {column} {whens} ELSE -1 END"


def _ordinal(day: date | None) -> int:
    return -(10**9) if day is None else day.toordinal() - EPOCH_ORDINAL


def _date(number: int) -> date:
    return date.fromordinal(int(number) + EPOCH_ORDINAL)


@paused
def read(clock: Clock, limits: Thresholds | None = None) -> FastFacts:
    """Every engagement, its move log and check-ins (arrays), cycles and learnings, each in
    one query on the open database, all of one snapshot: the engagements' instants, the
    check-ins and then the move log on a second connection and thread while the rest is read
    here (:mod:`snapshot`). Given
    the drift thresholds, the drift signals of the board too (``FastFacts.signals``),
    computed here while the other thread reads the move log."""

    from db.models import database
    from mwms_desktop.analytics import drift_read

    con = database.connection()
    with snapshot.paired(con, database.database) as other:
        # The other thread only runs the queries (one row each): numpy's work on the arrays, or
        # fetching many rows, lets the GIL go and takes it again at each step, and each taking
        # waits for this thread's turn; so the arrays are made here.
        raw = snapshot.Job((_stamp_row, _checkin_row, _log_row), other, con)
        try:
            rows = con.execute(
                "SELECT id, client, engagement_type, owner, stage, status, outcome, outcome_on, uuid"
                " FROM engagement ORDER BY id"
            ).fetchall()
            cycle_rows = con.execute("SELECT engagement_id, status, result, ended_on FROM cycle").fetchall()
            learning_rows = con.execute("SELECT id, engagement_id, recorded_at FROM learning").fetchall()
            reused = reuse(con.execute(REUSE_QUERY).fetchall())
            counts = drift_read.read_counts() if limits is not None else None
            created, changed, entered = _stamp_days(raw.result(0), len(rows), con)
            board = tuple((r[0], r[8], r[4], e, c) for r, e, c in zip(rows, entered, created, strict=True)
                          if r[5] == "active")  # fmt: skip
            checkins = _checkin_arrays(raw.result(1), con)
            signals = None
            if limits is not None and counts is not None:
                signals = drift_read.signals_of(clock, limits, board, checkins, counts) if board else {}
            log = _log_arrays(raw.result(2), con)
        except BaseException:
            raw.join()
            raise
    seen: dict[str, date] = {}

    def iso(text: str | None) -> date | None:
        if text is None:
            return None
        day = seen.get(text)
        if day is None:
            day = seen[text] = date.fromisoformat(text)
        return day

    last = _last_changes(log)
    # A few hundred distinct days among ten thousand engagements: each made once, then looked up.
    days = {number: _date(number) for number in {*created, *changed, *(d for _, d in last.values())}}

    def left(eid: int, c: int, u: int) -> date:
        """Off the board: the day it left (``source.departure``)."""
        return departure(days[u], days[last[eid][1] if eid in last else c])

    engagements = tuple(
        EngagementFact(r[0], r[1], r[2], r[3], r[4], r[5], days[c], r[6], iso(r[7]),
                       days[u] if r[5] == "active" else left(r[0], c, u))
        for r, c, u in zip(rows, created, changed, strict=True)
    )  # fmt: skip
    cycles = tuple(CycleFact(e, status, result, iso(ended)) for e, status, result, ended in cycle_rows)
    learning_days = local_days(_instants([r[2] for r in learning_rows])).tolist()
    none: frozenset[int] = frozenset()
    for d in learning_days:
        if d not in days:
            days[d] = _date(d)
    learnings = tuple(
        LearningFact(r[1], days[d], reused.get(r[0], none))
        for r, d in zip(learning_rows, learning_days, strict=True)
    )
    facts = Facts(clock.today(), engagements, (), cycles, learnings, ())
    return FastFacts(facts, log, checkins, board, signals)


# One row: each engagement's instants of creation, of leaving the board (or, on it, of its
# last change) and of entering its stage, side by side to the second, in id order.
_STAMP_COLUMNS = ("created_at", "left_at", "stage_entered_at")
_STAMP_QUERY = (
    "SELECT count(*), "
    + ", ".join(f"group_concat(substr({c}, 1, 19), '')" for c in _STAMP_COLUMNS)
    + ", "
    + " + ".join(f"sum(length({c}) != 25 OR substr({c}, 20) != '+00:00')" for c in _STAMP_COLUMNS)
    + f" FROM (SELECT created_at, {LEFT_BOARD_SQL} AS left_at, stage_entered_at FROM engagement ORDER BY id)"
)


def _stamp_row(con: Any) -> tuple:
    return con.execute(_STAMP_QUERY).fetchone()


def _stamp_days(row: tuple, count: int, con: Any) -> tuple[list[int], list[int], list[int]]:
    """``_STAMP_QUERY``'s row as three lists of local day numbers (created, left or last
    changed, entered its stage), one per engagement in id order; ``con`` reads them one by
    one, as ``source.instant`` parses them, when one is not written as UTC to the second."""
    n, created, left, entered, other = row
    if n != count:  # cannot be within one snapshot: a bug, not a state of the file
        raise RuntimeError(f"engagements read twice differ: {n} and {count}")
    if other:
        rows = con.execute(
            f"SELECT created_at, {LEFT_BOARD_SQL}, stage_entered_at FROM engagement ORDER BY id"
        ).fetchall()
        days = local_days(_instants([r[k] for k in range(3) for r in rows]))
    else:
        days = local_days(_utc_seconds(((created or "") + (left or "") + (entered or "")).encode()) / 86_400)
    return days[:n].tolist(), days[n : 2 * n].tolist(), days[2 * n :].tolist()


# One row: the whole log as comma-separated columns (``group_concat`` walks the table once),
# stage and kind as small codes packed in one integer, instants side by side to the second.
_LOG_QUERY = (
    "SELECT group_concat(id), group_concat(engagement_id),"
    f" group_concat(({_case('to_stage', {s: n for n, s in enumerate(STAGES)})}) * 64"
    f" + ({_case('from_stage', {s: n for n, s in enumerate(STAGES)})} + 1) * 8"
    f" + ({_case('kind', KIND_CODES)} + 1)),"
    " group_concat(substr(moved_at, 1, 19), ''),"
    " sum(length(moved_at) != 25 OR substr(moved_at, 20) != '+00:00'), count(*)"
    " FROM stage_move"
)


def _read_log(con: Any) -> Log:
    """The move log in one query, into arrays sorted by engagement, instant, then id."""
    return _log_arrays(_log_row(con), con)


def _log_row(con: Any) -> tuple:
    return con.execute(_LOG_QUERY).fetchone()


def _log_arrays(row: tuple, con: Any) -> Log:
    """``_LOG_QUERY``'s row as arrays (``con``, in the same snapshot, reads what is not
    written as expected one row at a time)."""
    import numpy as np

    ids, eids, codes, stamps, other, count = row
    if other:  # an instant not written as UTC to the second: parsed one by one
        rows = con.execute("SELECT moved_at FROM stage_move ORDER BY id").fetchall()
        at = _instants([r[0] for r in rows])
    else:
        at = _utc_seconds((stamps or "").encode()) / 86_400
    move_id, eid, packed = _ints(ids, count), _ints(eids, count), _ints(codes, count)
    order = _log_order(move_id, eid, at)
    packed, at = packed[order], at[order]
    to = (packed // 64).astype(np.int8)
    left = (packed // 8 % 8 - 1).astype(np.int8)
    kind = (packed % 8 - 1).astype(np.int8)
    return Log(eid[order], to, left, kind, at, local_days(at))


def _log_order(move_id: np.ndarray, eid: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The order by engagement, instant, then id. Rows come in id order and each engagement's
    moves nearly always in time order: then a stable sort by engagement alone is that order
    (checked); else all three keys are sorted."""
    import numpy as np

    if len(move_id) > 1 and (move_id[1:] > move_id[:-1]).all():
        order = np.argsort(eid, kind="stable")
        e, a = eid[order], at[order]
        if not ((a[1:] < a[:-1]) & (e[1:] == e[:-1])).any():
            return order
    return np.lexsort((move_id, at, eid))


_CHECKIN_QUERY = (
    "SELECT group_concat(engagement_id), group_concat(score), group_concat(held_on, ''),"
    " sum(length(held_on) != 10), count(*)"
    " FROM (SELECT engagement_id, score, held_on FROM check_in ORDER BY engagement_id, held_on, id)"
)


def _read_checkins(con: Any) -> CheckIns:
    """Check-ins in one query, grouped by engagement, oldest first, with their bands."""
    return _checkin_arrays(_checkin_row(con), con)


def _checkin_row(con: Any) -> tuple:
    return con.execute(_CHECKIN_QUERY).fetchone()


def _checkin_arrays(row: tuple, con: Any) -> CheckIns:
    """``_CHECKIN_QUERY``'s row as arrays, as ``_log_arrays``."""
    import numpy as np

    eids, scores, held, other, count = row
    if other:  # a day not stored as YYYY-MM-DD: read as the reference does
        rows = con.execute("SELECT held_on FROM check_in ORDER BY engagement_id, held_on, id").fetchall()
        days = np.array([_ordinal(date.fromisoformat(r[0])) for r in rows], dtype=np.int64)
    else:
        days = np.frombuffer((held or "").encode(), dtype="S10").astype("datetime64[D]").astype(np.int64)
    score = _ints(scores, count)
    codes = np.array([BAND_CODES[rules.band(int(v))] for v in range(101)], dtype=np.int8)
    if len(score) and (score.min() < 0 or score.max() > 100):  # outside the scale: one by one
        band = np.array([BAND_CODES[rules.band(int(v))] for v in score], dtype=np.int8)
    else:
        band = codes[score]
    return CheckIns(_ints(eids, count), days, band, score)


def scoped(fast: FastFacts, scope: Scope) -> FastFacts:
    """The facts of the engagements the scope's type and owner select."""
    if not scope.engagement_type and not scope.owner:
        return fast
    import numpy as np

    ids = {e.id for e in fast.facts.engagements if scope.selects(e)}
    wanted = np.array(sorted(ids), dtype=np.int64)
    m = np.isin(fast.log.eid, wanted)
    c = np.isin(fast.checkins.eid, wanted)
    log, ch = fast.log, fast.checkins
    return FastFacts(
        fast.facts.restricted(ids),
        Log(log.eid[m], log.to[m], log.left[m], log.kind[m], log.at[m], log.day[m]),
        CheckIns(ch.eid[c], ch.day[c], ch.band[c], ch.score[c]),
    )


def _firsts(eid: np.ndarray) -> np.ndarray:
    """True where a group of equal ``eid`` starts."""
    import numpy as np

    out = np.ones(len(eid), dtype=bool)
    out[1:] = eid[1:] != eid[:-1]
    return out


def _months_of(numbers: Iterable[int]) -> Counter[date]:
    counted: Counter[date] = Counter()
    for number, n in Counter(numbers).items():
        counted[month_of(_date(number))] += n
    return counted


def _stage_changes(log: Log) -> tuple[np.ndarray, np.ndarray]:
    """The moves that change their engagement's stage (mask), and each move's previous stage
    (-1 for an engagement's first)."""
    import numpy as np

    first = _firsts(log.eid)
    prev = np.empty(len(log.to), dtype=np.int8)
    prev[0:1] = -1
    prev[1:] = log.to[:-1]
    prev[first] = -1
    return first | (log.to != prev), prev


def _last_change_arrays(log: Log) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``_last_changes`` as arrays, by ascending engagement id: the ids, the stage each last
    change entered, and its local day number."""
    import numpy as np

    change, _ = _stage_changes(log)
    ch_eid = log.eid[change]
    if not len(ch_eid):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    lasts = np.nonzero(np.r_[ch_eid[1:] != ch_eid[:-1], True])[0]
    return ch_eid[lasts], log.to[change][lasts].astype(np.int64), log.day[change][lasts]


def _last_changes(log: Log) -> dict[int, tuple[int, int]]:
    """Per engagement with a log: the stage its last stage change entered, and that change's
    local day number (``source.last_changes`` on the arrays)."""
    import numpy as np

    change, _ = _stage_changes(log)
    ch_eid, ev_day, ev_to = log.eid[change], log.day[change], log.to[change].astype(np.int64)
    lasts = np.nonzero(np.r_[ch_eid[1:] != ch_eid[:-1], True])[0] if len(ch_eid) else np.zeros(0, dtype=int)
    last_to, last_day = ev_to[lasts].tolist(), ev_day[lasts].tolist()
    return dict(zip(ch_eid[lasts].tolist(), zip(last_to, last_day, strict=True), strict=True))


def flow(fast: FastFacts, scope: Scope) -> Flow:
    """``flow.flow`` on the arrays: per-day deltas of every stage change, summed running."""
    import numpy as np

    log, cols = fast.log, fast.columns
    since, until = _ordinal(scope.since), _ordinal(scope.until)
    change, prev = _stage_changes(log)
    ev_day, ev_left, ev_to = log.day[change], prev[change], log.to[change].astype(np.int64)
    # Per engagement: the last stage its log leaves it in, and the day of its last change;
    # without a log, it stood where it is since its creation (an event of its own).
    last_eid, last_to, last_day = _last_change_arrays(log)
    where = np.minimum(np.searchsorted(last_eid, cols.id), max(len(last_eid) - 1, 0))
    logged = (last_eid[where] == cols.id) if len(last_eid) else np.zeros(len(cols.id), dtype=bool)
    if (~logged & (cols.stage < 0)).any():  # a stage the framework does not list: as the reference
        raise KeyError(next(e.stage for e, ok in zip(fast.facts.engagements, logged, strict=True)
                            if not ok and e.stage not in STAGES))  # fmt: skip
    stood = np.where(logged, last_to[where] if len(last_eid) else 0, cols.stage)
    since_day = np.where(logged, last_day[where] if len(last_eid) else 0, cols.created)
    off = cols.gone != STILL_ON
    in_log = np.isin(log.eid[change], cols.id)
    day = np.concatenate([ev_day[in_log], cols.created[~logged], np.maximum(cols.gone[off], since_day[off])])
    left = np.concatenate([ev_left[in_log].astype(np.int64), np.full((~logged).sum(), -1), stood[off]])
    entered = np.concatenate([ev_to[in_log], cols.stage[~logged], np.full(off.sum(), OFF)])
    ids = cols.id
    keep = day <= until
    day, left, entered = day[keep], left[keep], entered[keep]
    width, span = OFF + 1, until - since + 1
    index = np.maximum(day - since + 1, 0)  # row 0: everything before the period
    deltas = np.zeros((span + 1, width), dtype=np.int64)
    np.add.at(deltas, (index, entered), 1)
    has_left = left >= 0
    np.add.at(deltas, (index[has_left], left[has_left]), -1)
    state = np.cumsum(deltas, axis=0)[1:]
    # Rework: the moves of the period (every move of these engagements, as the reference).
    in_period = (log.day >= since) & (log.day <= until)
    if scope.engagement_type or scope.owner:
        in_period &= np.isin(log.eid, ids)
    back = in_period & (log.kind == BACKWARD)
    per_day = np.bincount(log.day[back] - since, minlength=span)
    out_of = np.bincount(log.left[back & (log.left >= 0)].astype(np.int64), minlength=len(STAGES))
    rework = Rework(
        int(back.sum()),
        tuple((s, int(out_of[n])) for n, s in enumerate(STAGES) if out_of[n]),
        int((in_period & (log.kind == UNDO)).sum()),
        int((in_period & (log.kind == FORWARD)).sum()),
    )
    counts = state[:, : len(STAGES)].tolist()
    off = state[:, OFF].tolist()
    rework_days = per_day.tolist()
    flow_days = tuple(
        FlowDay(_date(since + k), tuple(counts[k]), off[k], rework_days[k]) for k in range(span)
    )
    return Flow(flow_days, rework, throughput(fast, scope))


def _reached(log: Log) -> tuple[np.ndarray, np.ndarray]:
    """Per engagement with one, the index of its first move into the last stage, and the
    index of its first move."""
    import numpy as np

    starts = np.nonzero(_firsts(log.eid))[0]
    hits = np.nonzero(log.to == OUTCOME)[0]
    hit_eid = log.eid[hits]
    first_hit = hits[_firsts(hit_eid)] if len(hits) else hits
    group_start = starts[np.searchsorted(starts, first_hit, side="right") - 1]
    return first_hit, group_start


def throughput(fast: FastFacts, scope: Scope) -> tuple[MonthThroughput, ...]:
    import numpy as np

    since, until = _ordinal(scope.since), _ordinal(scope.until)
    cols = fast.columns
    started = _months_of(cols.created[(cols.created >= since) & (cols.created <= until)].tolist())
    ids = cols.id
    hit, _ = _reached(fast.log)
    days = fast.log.day[hit]
    ok = (days >= since) & (days <= until) & np.isin(fast.log.eid[hit], ids)
    finished = _months_of(days[ok].tolist())
    left = off_board_months(fast.facts, scope)
    return tuple(
        MonthThroughput(m, started[m], finished[m], left[m]) for m in months(scope.since, scope.until)
    )


def _spread(values: np.ndarray) -> Spread:
    import numpy as np

    return Spread.of(np.sort(values).tolist())


def durations(fast: FastFacts, scope: Scope) -> Durations:
    """``durations.durations`` on the arrays: stays are pairs of consecutive moves."""
    import numpy as np

    log, cols = fast.log, fast.columns
    since, until = _ordinal(scope.since), _ordinal(scope.until)
    type_order = TYPES
    ids, types = cols.id, cols.etype
    where = np.searchsorted(ids, log.eid)
    where = np.minimum(where, max(len(ids) - 1, 0))
    known = (ids[where] == log.eid) if len(ids) else np.zeros(len(log.eid), dtype=bool)
    etype = np.where(known, types[where] if len(ids) else -1, -2)
    same = ~_firsts(log.eid)[1:]  # move i+1 continues move i's engagement
    ended = same & (log.kind[1:] != UNDO) & (log.day[1:] >= since) & (log.day[1:] <= until) & known[:-1]
    stay_stage = log.to[:-1][ended].astype(np.int64)
    stay_days = (log.at[1:] - log.at[:-1])[ended]
    stay_type = etype[:-1][ended]
    stages = []
    for n, s in enumerate(STAGES):
        if s == "outcome":  # the last stage is where engagements rest: no stay there ends
            continue
        mine = stay_stage == n
        values, kinds = stay_days[mine], stay_type[mine]
        by_type = []
        for k, t in enumerate(type_order):
            of_type = values[kinds == k]
            if len(of_type):
                by_type.append((t, _spread(of_type)))
        stages.append(StageTime(s, _spread(values), tuple(by_type)))
    hit, start = _reached(log)
    in_scope = (log.day[hit] >= since) & (log.day[hit] <= until) & known[hit]
    lead = (log.at[hit] - log.at[start])[in_scope]
    lead_type = etype[hit][in_scope]
    by_type = []
    for k, t in enumerate(type_order):
        of_type = lead[lead_type == k]
        if len(of_type):
            by_type.append((t, _spread(of_type)))
    return Durations(tuple(stages), _spread(lead), tuple(by_type))


def bands_at(fast: FastFacts, days: list[date]) -> list[BandCount]:
    """``health.bands_at`` on the arrays: per day, the last check-in up to it per engagement."""
    import numpy as np

    cols, ch = fast.columns, fast.checkins
    ids, created, gone = cols.id, cols.created, cols.gone
    where = np.searchsorted(ids, ch.eid)
    where = np.minimum(where, max(len(ids) - 1, 0))
    known = (ids[where] == ch.eid) if len(ids) else np.zeros(len(ch.eid), dtype=bool)
    last_in_group = np.ones(len(ch.eid), dtype=bool)
    last_in_group[:-1] = ch.eid[1:] != ch.eid[:-1]
    out = []
    for day in days:
        d = _ordinal(day)
        upto = ch.day <= d
        nxt = np.zeros(len(upto), dtype=bool)
        nxt[:-1] = upto[1:]
        latest = upto & known & (last_in_group | ~nxt)  # the last held by ``day``: its group's
        band = np.full(len(ids), NO_CHECKIN, dtype=np.int64)
        band[where[latest]] = ch.band[latest]
        alive = (created <= d) & (gone > d)
        counts = np.bincount(band[alive], minlength=len(BANDS))
        out.append(BandCount(day, tuple(int(x) for x in counts)))
    return out


def health(fast: FastFacts, scope: Scope, drift: DriftMap | Iterable[EngagementCard]) -> HealthSummary:
    from datetime import timedelta

    today = fast.facts.today
    ends = []
    for m in months(scope.since, scope.until):
        nxt = (m + timedelta(days=32)).replace(day=1)
        ends.append(min(nxt - timedelta(days=1), scope.until, today))
    days = sorted({*ends, today})
    counted = dict(zip(days, bands_at(fast, days), strict=True))
    counts, total = drift_in(drift, set(fast.columns.id.tolist()))
    return HealthSummary(counted[today], tuple(counted[end] for end in ends), counts, total)


def outcomes(fast: FastFacts, scope: Scope) -> Outcomes:
    """``outcomes.outcomes`` on the engagement arrays."""
    import numpy as np

    cols, today = fast.columns, _ordinal(fast.facts.today)
    since, until = _ordinal(scope.since), _ordinal(scope.until)
    chosen = (cols.decided >= since) & (cols.decided <= until)  # decided in the period
    outcome, day = cols.outcome[chosen], cols.decided[chosen]
    per_month = {m: [0] * len(OUTCOME_SLUGS) for m in months(scope.since, scope.until)}
    for (number, code), n in Counter(zip(day.tolist(), outcome.tolist(), strict=True)).items():
        if code != OTHER_OUTCOME:  # counted as decided, listed under no outcome (the reference)
            per_month[month_of(_date(number))][code] += n
    totals = np.bincount(outcome, minlength=OTHER_OUTCOME + 1)
    decided_n = len(outcome)
    continued = decided_n - int(totals[COMPLETION_CODE])
    # Relationship duration: to the day it left the board, to a completion's day, or (going
    # on) to today or the period's end, whichever is first.
    off = cols.gone != STILL_ON
    completed = ~off & (cols.decided != NONE_DAY) & (cols.outcome == COMPLETION_CODE)
    end = np.where(off, cols.gone, np.where(completed, cols.decided, min(today, until)))
    ongoing = ~off & ~completed
    counted = np.where(ongoing, cols.created <= until, (end >= since) & (end <= until))
    days = np.maximum(0, end - cols.created).astype(np.float64)
    durations = []
    for k, t in enumerate(TYPES):
        mine = counted & (cols.etype == k)
        if mine.any():
            spread = Spread.of(np.sort(days[mine]).tolist())
            durations.append(RelationshipDuration(t, spread, int((ongoing & mine).sum())))
    return Outcomes(
        tuple(OutcomeMonth(m, tuple(c)) for m, c in per_month.items()),
        tuple((slug, int(totals[n])) for n, slug in enumerate(OUTCOME_SLUGS)),
        Retention(continued, decided_n),
        tuple(durations),
    )
