"""The dated record of engagements taken off the board and brought back (``status_change``,
schema 7): written by the services that change an engagement's status, inside their own
transaction, so the change and its record commit together or not at all."""

from __future__ import annotations

from datetime import datetime

from db.models import Engagement, StatusChange


def change_status(e: Engagement, to_status: str, at: datetime) -> None:
    """Set ``e.status`` to ``to_status`` and record when (nothing if it already is). The
    caller saves ``e`` in the same transaction."""
    if e.status == to_status:
        return
    StatusChange.create(
        engagement=e.id, from_status=e.status, to_status=to_status, stage=e.stage, changed_at=at
    )
    e.status = to_status
