"""Drift signals of every active engagement, for the analytics' counts, without building the
board's cards.

A card carries much more than its drift (health, next action, tags, notes) and building ten
thousand of them costs more than all the analytics. The counts need only what
:class:`mwms_desktop.drift.DriftFacts` holds, so this takes just that: the few engagement
columns the rules read (``fast.read`` reads them with the engagements), the five
per-engagement counts through the very queries the board's cards use
(``services.loading.drift_counts``, built on ``db.models``' shared count queries), the last
three check-ins from the check-ins the fast path has already read, and the unresolved gate
conflicts (``merge.conflicts.lapsed_gates``). Each engagement's facts then go through the
same rules, :func:`mwms_desktop.drift.signals`: no signal's rule is written twice, and the
counts equal the cards' (tests and ``bench/analytics.py`` check that they do).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from db.models import raw_rows
from mwms_desktop import drift
from mwms_desktop.merge import conflicts
from mwms_desktop.services.loading import Thresholds, drift_counts

if TYPE_CHECKING:
    from mwms_desktop.analytics.fast import Board, CheckIns, FastFacts
    from mwms_desktop.clock import Clock


def _recent(checkins: CheckIns) -> dict[int, tuple[int, tuple[int, ...]]]:
    """Per engagement with a check-in: the local day number of its latest and the scores of
    its last three, newest first (the arrays come grouped by engagement, oldest first, in
    ``held_on`` then id order: the board's ``CheckIn.recent_column`` order reversed)."""
    import numpy as np

    eid = checkins.eid
    if not len(eid):
        return {}
    ends = np.nonzero(np.r_[eid[1:] != eid[:-1], True])[0]  # last index of each group
    starts = np.r_[0, ends[:-1] + 1]
    size = ends - starts + 1
    score = checkins.score
    # The last three of each group, newest first, as columns; shorter groups are cut below.
    last = [score[np.maximum(ends - k, starts)].tolist() for k in range(3)]
    cut = np.minimum(size, 3).tolist()
    ones, twos, threes = last
    scores = [
        (a,) if n == 1 else (a, b) if n == 2 else (a, b, c)
        for a, b, c, n in zip(ones, twos, threes, cut, strict=True)
    ]
    days = checkins.day[ends].tolist()
    return dict(zip(eid[ends].tolist(), zip(days, scores, strict=True), strict=True))


@dataclass(frozen=True, slots=True)
class DriftCounts:
    """What the drift rules read beyond the engagement and its check-ins: the five
    per-engagement counts (engagement id -> count, absent: none) and the unresolved gate
    conflicts (engagement uuid -> what its passed gates no longer have)."""

    misaligned: dict[int, int]
    unprioritised: dict[int, int]
    reactive: dict[int, int]
    undocumented: dict[int, int]
    inconsistent: dict[int, int]
    lapsed: dict[str, list[str]]


def read_counts() -> DriftCounts:
    """The counts, on the calling thread's connection (``fast.read`` reads them in its read
    transaction, so they are of the same snapshot as the rest)."""
    counts = (dict(raw_rows(q)) for q in drift_counts(lambda model: ()))
    return DriftCounts(*counts, conflicts.lapsed_gates())


def drift_signals(clock: Clock, limits: Thresholds, read: FastFacts) -> dict[int, tuple[str, ...]]:
    """Active engagement id -> the codes of the drift signals it shows, as on its card, from
    what the fast path read (:func:`fast.read`: the engagements on the board, every check-in;
    the counts are read here)."""
    if read.signals is not None:
        return dict(read.signals)
    if not read.board:
        return {}
    return signals_of(clock, limits, read.board, read.checkins, read_counts())


def signals_of(clock: Clock, limits: Thresholds, board: Board, checkins: CheckIns,
               counts: DriftCounts) -> dict[int, tuple[str, ...]]:  # fmt: skip
    """The drift signals of the engagements on the ``board`` (``FastFacts.board``)."""
    from mwms_desktop.local_days import EPOCH_ORDINAL

    misaligned, unprioritised, reactive = counts.misaligned, counts.unprioritised, counts.reactive
    undocumented, inconsistent = counts.undocumented, counts.inconsistent
    lapsed = {uuid: tuple(what) for uuid, what in counts.lapsed.items()}
    recent = _recent(checkins)
    today = clock.today().toordinal() - EPOCH_ORDINAL
    stall, stale = limits.stall_days, limits.checkin_stale_days
    make, signals = drift.DriftFacts, drift.signals
    never = (None, ())
    out: dict[int, tuple[str, ...]] = {}
    for eid, uuid, stage, entered, created in board:
        day, scores = recent.get(eid, never)
        # Positional, in FACT_FIELDS' order (checked below): ten thousand times, the keywords
        # cost a tenth of the loop.
        facts = make(stage, "active", max(0, today - entered), None if day is None else today - day,
                     today - created, misaligned.get(eid, 0), undocumented.get(eid, 0),
                     unprioritised.get(eid, 0), reactive.get(eid, 0), scores, inconsistent.get(eid, 0),
                     lapsed.get(uuid, ()))  # fmt: skip
        found = signals(facts, stall_days=stall, checkin_stale_days=stale)
        out[eid] = tuple([s.code for s in found]) if found else ()
    return out


FACT_FIELDS = (
    "stage", "status", "days_in_stage", "days_since_checkin", "days_since_created",
    "misaligned_stakeholders", "evaluated_cycles_without_learning", "hypotheses_without_priority",
    "cycles_without_hypothesis", "recent_scores", "inconsistent_cycles", "lapsed_gates",
)  # fmt: skip
if tuple(f.name for f in fields(drift.DriftFacts)) != FACT_FIELDS:  # a field added or moved
    raise ImportError("drift.DriftFacts' fields changed: update drift_read.signals_of")
