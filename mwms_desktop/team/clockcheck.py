"""The five-minute clock check: ``updated_at`` (the laptop's clock) still decides which of two
changes is newer, so a laptop whose clock is far off the server's would win or lose merges it
should not. Such a laptop is refused a sync, with a message saying by how much."""

from __future__ import annotations

from datetime import datetime, timedelta

import psycopg

from mwms_desktop.clock import Clock
from mwms_desktop.team.errors import TeamError

TOLERANCE = timedelta(minutes=5)


def _amount(delta: timedelta) -> str:
    seconds = int(abs(delta).total_seconds())
    if seconds >= 3600:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"
    return f"{seconds // 60} min {seconds % 60} s"


def check(server_now: datetime, laptop_now: datetime) -> timedelta:
    """The laptop's offset from the server; raises when it is more than five minutes."""
    offset = laptop_now - server_now
    if abs(offset) > TOLERANCE:
        way = "ahead of" if offset > timedelta(0) else "behind"
        raise TeamError(
            f"This computer's clock is {_amount(offset)} {way} the team server's: set it right "
            "(automatic date and time) and sync again."
        )
    return offset


def check_connection(conn: psycopg.Connection, clock: Clock) -> timedelta:
    row = conn.execute("SELECT now()").fetchone()
    assert row is not None
    return check(row[0], clock.now())
