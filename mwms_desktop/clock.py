"""Time, injected: services ask a clock, so tests can stand on any day."""

from __future__ import annotations

from datetime import UTC, date, datetime


class Clock:
    """The real clock: aware UTC instants; the consultant's local calendar day."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone().date()


class FixedClock(Clock):
    """A clock that stands still until told to move (tests, demo data, benchmarks)."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.at = at

    def now(self) -> datetime:
        return self.at


def local_day(instant: datetime) -> date:
    return instant.astimezone().date()
