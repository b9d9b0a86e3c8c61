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

# The Today view's desktop notification (at most once a day); not shown in ALL's
# threshold-editing list of rules, but stored the same way so every window on the file agrees.
NOTIFY = Setting(
    "notify_daily",
    1,
    0,
    1,
    "Daily desktop notification",
    "Once a day, a desktop notification of newly overdue actions and new stalls (1 on, 0 off).",
)
NOTIFIED_ON = Setting(
    "notified_on",
    0,
    0,
    3_652_059,  # date.max.toordinal()
    "Last notification day",
    "The day (proleptic ordinal) of the last daily notification; 0: never.",
)

BY_KEY |= {s.key: s for s in (NOTIFY, NOTIFIED_ON)}
