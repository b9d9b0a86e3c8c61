"""The daily desktop notification: newly overdue next actions and new stalls, at most once
a day. Pure: the window remembers the last day it notified (``settings.NOTIFIED_ON``) and
passes it in.

*Newly* means since the last notification: an action whose due day has passed since then
(due on or after that day, before today), an engagement whose days in stage crossed the stall
threshold since then. Never notified before: everything overdue or stalled is new.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from mwms_desktop.views import EngagementCard

if TYPE_CHECKING:
    from mwms_desktop.services import Services

TITLE = "MWMS Desktop — today"


@dataclass(frozen=True, slots=True)
class Notice:
    overdue: tuple[str, ...]  # clients
    stalled: tuple[str, ...]

    @property
    def text(self) -> str:
        parts = []
        if self.overdue:
            n = len(self.overdue)
            parts.append(f"{n} next action{'s' if n != 1 else ''} newly overdue: {_names(self.overdue)}.")
        if self.stalled:
            n = len(self.stalled)
            parts.append(f"{n} new stall{'s' if n != 1 else ''}: {_names(self.stalled)}.")
        return " ".join(parts)


def _names(clients: tuple[str, ...], shown: int = 3) -> str:
    head = ", ".join(clients[:shown])
    return head + (f" and {len(clients) - shown} more" if len(clients) > shown else "")


def daily_notice(
    cards: Iterable[EngagementCard], today: date, last: date | None, stall_days: int
) -> Notice | None:
    """What to notify today; None when already notified today or nothing is new."""
    if last is not None and last >= today:
        return None
    since = (today - last).days if last is not None else None
    overdue, stalled = [], []
    for c in cards:
        if c.status != "active":
            continue
        due = c.next_action_due
        if due is not None and due < today and (last is None or due >= last):
            overdue.append(c.client)
        over = c.days_in_stage - stall_days
        if c.stage != "outcome" and over > 0 and (since is None or over <= since):
            stalled.append(c.client)
    if not overdue and not stalled:
        return None
    return Notice(tuple(sorted(overdue, key=str.casefold)), tuple(sorted(stalled, key=str.casefold)))


def take_daily_notice(services: Services, cards: Iterable[EngagementCard]) -> Notice | None:
    """Today's notice if notifications are on and none was given today; the day is recorded
    (one transaction) when there is something to say, so it is said at most once a day. Only
    call it where the notice can be shown (a desktop with a tray)."""
    from mwms_desktop.settings import NOTIFIED_ON, NOTIFY

    portfolio = services.portfolio
    if not portfolio.setting(NOTIFY.key):
        return None
    today = services.clock.today()
    stored = portfolio.setting(NOTIFIED_ON.key)
    last = date.fromordinal(stored) if stored else None
    notice = daily_notice(cards, today, last, portfolio.thresholds().stall_days)
    if notice is not None:
        portfolio.set_setting(NOTIFIED_ON.key, today.toordinal())
    return notice
