"""Every setting the core knows, declared once with its default and meaning.

Settings that shape the rules (thresholds of drift signals) live in the database, so every
window and the CLI on that file agree; the UI's own preferences (geometry, filters) live in
``ui/preferences.py`` through QSettings.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Setting:
    key: str
    default: int
    minimum: int
    maximum: int
    label: str
    help: str


STALL_DAYS = Setting(
    "stall_days",
    21,
    1,
    365,
    "Stalled after (days)",
    "An engagement this long in one stage is flagged as stalled.",
)
CHECKIN_STALE_DAYS = Setting(
    "checkin_stale_days",
    30,
    1,
    365,
    "Check-in overdue after (days)",
    "With no health check-in for this long an engagement is flagged, and it may not move to "
    "Expansion or Completion.",
)

ALL: tuple[Setting, ...] = (STALL_DAYS, CHECKIN_STALE_DAYS)
BY_KEY = {s.key: s for s in ALL}
