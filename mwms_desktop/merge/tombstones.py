"""Deletions as records: a tombstone (the record's uuid, kind, engagement, when, where and
by whom) is written in the same transaction as the deletion, and travels in bundles like an
edit. Putting a deleted record back removes its tombstone and counts as a newer change."""

from __future__ import annotations

import getpass
from datetime import datetime

from db import clocks
from db.models import Tombstone, database

# The bundle's key for each kind of record that can be deleted (stage moves and dossier
# exports never are: the history is append-only).
DELETABLE = (
    "qualification_scores",
    "stakeholders",
    "insights",
    "hypotheses",
    "cycles",
    "learnings",
    "checkins",
    "citations",  # "built on" links of the library: a removal travels like any deletion
)


def who() -> str:
    """The account deleting, as the operating system names it ("" when it cannot)."""
    try:
        return getpass.getuser()[:120]
    except (OSError, KeyError, ImportError):
        return ""


def bury(kind: str, uuid: str, engagement_uuid: str, previous: datetime | None, now: datetime) -> datetime:
    """Record the deletion of record ``uuid`` (last dated ``previous``) made ``now``: a newer
    change in its version vector, and its tombstone. Returns when it was deleted."""
    at = clocks.after(previous, now)
    vector = clocks.stamp(database, uuid, (), at)
    Tombstone.replace(
        uuid=uuid,
        kind=kind,
        engagement_uuid=engagement_uuid,
        deleted_at=at,
        device=clocks.device_id(database),
        who=who(),
        vv=clocks.dump(vector),
    ).execute()
    return at


def unbury(uuid: str) -> datetime | None:
    """Remove the tombstone of ``uuid`` (a deletion undone); returns when it had been
    deleted, so the record comes back dated after it (None: there was none)."""
    stone = Tombstone.get_or_none(Tombstone.uuid == uuid)
    if stone is None:
        return None
    stone.delete_instance()
    return stone.deleted_at


def count() -> int:
    return Tombstone.select().count()
