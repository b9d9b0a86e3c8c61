"""Relationship health across the portfolio: bands now and at the end of each month, and how
often each drift signal occurs.

An engagement's band on a day is the band of its latest check-in held on or before that day
("No check-in" without one); it is counted while it is on the board (created by then, not yet
archived or disqualified). Drift signals are counted over the engagements on the board now,
as the board computes them (``mwms_desktop.drift``): one count per engagement showing it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from mwms_desktop import drift, framework
from mwms_desktop import health as rules
from mwms_desktop.analytics.months import months
from mwms_desktop.analytics.source import Facts, Scope
from mwms_desktop.views import EngagementCard

BANDS = framework.slugs(framework.HEALTH_BANDS)  # healthy, watch, at_risk, unknown

# Every drift signal the board can show, in mwms_desktop.drift's order, with its short name.
SIGNALS: tuple[tuple[str, str], ...] = tuple((t.slug, t.label) for t in drift.SIGNALS)


@dataclass(frozen=True, slots=True)
class BandCount:
    when: date
    counts: tuple[int, ...]  # one per BANDS entry


@dataclass(frozen=True, slots=True)
class HealthSummary:
    now: BandCount
    by_month: tuple[BandCount, ...]  # at the end of each month of the period (today for this one)
    drift: tuple[tuple[str, int], ...]  # (signal code, engagements showing it), SIGNALS order
    on_board: int  # engagements the drift counts are out of


def _band_changes(facts: Facts) -> dict[int, list[tuple[date, str]]]:
    """Per engagement, (day, band) of each check-in, oldest first (the facts come ordered)."""
    out: dict[int, list[tuple[date, str]]] = defaultdict(list)
    band = rules.band
    for c in facts.checkins:
        out[c.engagement_id].append((c.held_on, band(c.score)))
    return out


def bands_at(facts: Facts, days: list[date]) -> list[BandCount]:
    """The band counts at the end of each of ``days`` (ascending), in one pass over the
    engagements: each walks its check-ins once alongside the days."""
    changes = _band_changes(facts)
    counts = [Counter() for _ in days]  # type: ignore[var-annotated]
    for e in facts.engagements:
        history = changes.get(e.id, ())
        gone = e.changed if e.status != "active" else None
        n, current = 0, "unknown"
        for k, day in enumerate(days):
            if e.created > day or (gone is not None and gone <= day):
                continue
            while n < len(history) and history[n][0] <= day:
                current = history[n][1]
                n += 1
            counts[k][current] += 1
    return [BandCount(day, tuple(c[b] for b in BANDS)) for day, c in zip(days, counts, strict=True)]


def bands_on(facts: Facts, day: date) -> BandCount:
    return bands_at(facts, [day])[0]


# Active engagement id -> the codes of the drift signals it shows (``drift.signals``): what
# the counts are made of, from the board's cards (``drift_map``) or from the analytics' own
# narrow read (``analytics.drift_read``), which feeds the same rules without building cards.
DriftMap = Mapping[int, tuple[str, ...]]


def drift_map(cards: Iterable[EngagementCard]) -> dict[int, tuple[str, ...]]:
    """The drift codes of the active ``cards``."""
    return {c.id: tuple(s.code for s in c.drift) for c in cards if c.status == "active"}


def as_drift_map(drift: DriftMap | Iterable[EngagementCard]) -> DriftMap:
    return drift if isinstance(drift, Mapping) else drift_map(drift)


def count_signals(shown: Iterable[Iterable[str]]) -> tuple[tuple[tuple[str, int], ...], int]:
    """(signal code, engagements showing it) in SIGNALS order, and how many engagements."""
    # One count per engagement showing a signal (a code can repeat: a lapsed gate each), in
    # one Counter over all codes (its C loop), not one update per engagement.
    listed = [codes if len(codes) < 2 else set(codes) for codes in shown]
    tally = Counter(code for codes in listed for code in codes)
    return tuple((code, tally[code]) for code, _ in SIGNALS), len(listed)


def drift_counts(cards: Iterable[EngagementCard]) -> tuple[tuple[tuple[str, int], ...], int]:
    return count_signals(drift_map(cards).values())


Counts = tuple[tuple[str, int], ...]


def drift_in(drift: DriftMap | Iterable[EngagementCard], ids: set[int]) -> tuple[Counts, int]:
    """The counts over the engagements of ``ids`` (the scope's) that are on the board."""
    shown = as_drift_map(drift)
    return count_signals(codes for eid, codes in shown.items() if eid in ids)


def health(facts: Facts, scope: Scope, drift: DriftMap | Iterable[EngagementCard]) -> HealthSummary:
    ends = []
    for m in months(scope.since, scope.until):
        nxt = (m + timedelta(days=32)).replace(day=1)
        ends.append(min(nxt - timedelta(days=1), scope.until, facts.today))
    days = sorted({*ends, facts.today})
    counted = dict(zip(days, bands_at(facts, days), strict=True))
    counts, total = drift_in(drift, {e.id for e in facts.engagements})
    return HealthSummary(counted[facts.today], tuple(counted[end] for end in ends), counts, total)


def signal_label(code: str) -> str:
    return dict(SIGNALS).get(code, code)
