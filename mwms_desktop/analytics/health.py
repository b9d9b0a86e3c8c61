"""Relationship health across the portfolio: bands now and at the end of each month, and how
often each drift signal occurs.

An engagement's band on a day is the band of its latest check-in held on or before that day
("No check-in" without one); it is counted while it is on the board (created by then, not yet
archived or disqualified). Drift signals are counted over the engagements on the board now,
as the board computes them (``mwms_desktop.drift``): one count per engagement showing it.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from mwms_desktop import framework
from mwms_desktop import health as rules
from mwms_desktop.analytics.months import months
from mwms_desktop.analytics.source import Facts, Scope
from mwms_desktop.views import EngagementCard

BANDS = framework.slugs(framework.HEALTH_BANDS)  # healthy, watch, at_risk, unknown

# Every drift signal the board can show, in mwms_desktop.drift's order, with a short name.
SIGNALS: tuple[tuple[str, str], ...] = (
    ("stalled", "Stalled"),
    ("misaligned", "Misaligned stakeholder after onboarding"),
    ("undocumented_cycle", "Evaluated cycle without a learning"),
    ("unprioritised", "Hypothesis without a priority"),
    ("reactive", "Cycle without a hypothesis"),
    ("health_falling", "Health falling"),
    ("no_checkin", "No recent check-in"),
)


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


def _on_board(facts: Facts, day: date) -> list[int]:
    return [e.id for e in facts.engagements if e.created <= day and (e.status == "active" or e.changed > day)]


def bands_on(
    facts: Facts, day: date, history: dict[int, tuple[list[date], list[int]]] | None = None
) -> BandCount:
    history = history if history is not None else _history(facts)
    counts: Counter[str] = Counter()
    for eid in _on_board(facts, day):
        days, scores = history.get(eid, ([], []))
        n = bisect.bisect_right(days, day)
        counts[rules.band(scores[n - 1]) if n else "unknown"] += 1
    return BandCount(day, tuple(counts[b] for b in BANDS))


def _history(facts: Facts) -> dict[int, tuple[list[date], list[int]]]:
    per: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for c in facts.checkins:
        per[c.engagement_id].append((c.held_on, c.score))
    out = {}
    for eid, items in per.items():
        items.sort(key=lambda i: i[0])  # a stable sort: same-day check-ins keep the log's order
        out[eid] = ([d for d, _ in items], [s for _, s in items])
    return out


def drift_counts(cards: Iterable[EngagementCard]) -> tuple[tuple[tuple[str, int], ...], int]:
    tally: Counter[str] = Counter()
    total = 0
    for card in cards:
        total += 1
        tally.update({s.code for s in card.drift})
    return tuple((code, tally[code]) for code, _ in SIGNALS), total


def health(facts: Facts, scope: Scope, cards: Iterable[EngagementCard]) -> HealthSummary:
    history = _history(facts)
    ends = []
    for m in months(scope.since, scope.until):
        nxt = (m + timedelta(days=32)).replace(day=1)
        ends.append(min(nxt - timedelta(days=1), scope.until, facts.today))
    drift, total = drift_counts(c for c in cards if c.status == "active")
    return HealthSummary(
        bands_on(facts, facts.today, history),
        tuple(bands_on(facts, end, history) for end in ends),
        drift,
        total,
    )


def signal_label(code: str) -> str:
    return dict(SIGNALS).get(code, code)
