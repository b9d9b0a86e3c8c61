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

# Team mode: how often the window syncs with the team server by itself (``Sync now`` any time).
SYNC_MINUTES = Setting(
    "sync_minutes",
    5,
    1,
    1440,
    "Sync every (minutes)",
    "While the window is open on a database that joined a team, it syncs with the team server "
    "this often, in the background.",
)

BY_KEY |= {s.key: s for s in (NOTIFY, NOTIFIED_ON, SYNC_MINUTES)}


@dataclass(frozen=True, slots=True)
class TextSetting:
    """A setting held as text in the database (team mode's), with no range to check."""

    key: str
    label: str
    help: str


TEAM_ADDRESS = TextSetting(
    "team_address",
    "Team server",
    "The team server this database syncs with (postgresql://NAME@HOST:PORT/DATABASE?sslmode=…), "
    "never with a password: that is in the operating system's keyring, or asked for each time.",
)
TEAM_TLS_WARNED = TextSetting(
    "team_tls_warned",
    "Unverified connection warned about",
    "The team address whose weaker-than-verify-full TLS was already warned about (once).",
)

TEAM: tuple[TextSetting, ...] = (TEAM_ADDRESS, TEAM_TLS_WARNED)
