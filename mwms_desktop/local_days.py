"""Stored UTC instants (ISO text) to the user's local calendar day, memoised per UTC day.

The analytics date moves and learnings by local day, the library's date facet dates
learnings the same way: one converter, so a learning recorded just after midnight local time
falls on the same day everywhere."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


class LocalDays:
    """Stored UTC instants to (days since 1970 UTC, local calendar day), memoised.

    The offset to local time (``astimezone``: the process's zone, as ``clock.local_day``) is
    asked at the start and the end of each UTC day; on the few days when they differ (a
    daylight-saving change) every instant of that day is asked on its own. 60,000 moves cost
    a thousand zone look-ups instead of 60,000."""

    def __init__(self) -> None:
        self._offsets: dict[str, float | None] = {}  # UTC day -> the day's offset (None: it changes)
        self._days: dict[int, date] = {}
        self._texts: dict[date, str] = {}

    def _offset(self, stored: str, at: float) -> float:
        key = stored[:10]
        offset = self._offsets.get(key, False)
        if offset is False:
            start = math.floor(at)
            first, last = (zone_offset(start), zone_offset(start + 1 - 1 / 86_400))
            offset = self._offsets[key] = first if first == last else None
        return offset if offset is not None else zone_offset(at)  # type: ignore[return-value]

    def __call__(self, stored: str) -> tuple[float, date]:
        at = datetime.fromisoformat(stored).timestamp() / 86_400
        number = math.floor(at + self._offset(stored, at))
        day = self._days.get(number)
        if day is None:
            day = self._days[number] = date.fromordinal(number + EPOCH_ORDINAL)
        return at, day

    def iso(self, stored: str) -> str:
        """The local calendar day of ``stored`` as ISO text (``YYYY-MM-DD``), each day's
        text made once."""
        day = self(stored)[1]
        text = self._texts.get(day)
        if text is None:
            text = self._texts[day] = day.isoformat()
        return text


def zone_offset(at: float) -> float:
    """The local zone's offset from UTC at instant ``at`` (days since 1970), in days."""
    moment = datetime.fromtimestamp(at * 86_400, UTC).astimezone()
    return moment.utcoffset().total_seconds() / 86_400  # type: ignore[union-attr]
