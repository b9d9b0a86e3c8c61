"""Two-way sync of this laptop's SQLite file with the joined team server.

The unit of sync is the engagement, in the bundle format 2 form (``bundle/export.py`` writes
it, ``bundle/parse.py`` reads it): what arrives passes the same validation as a bundle and
is merged by the same core merge (``bundle/merge.py``: ``check_against_db`` + ``apply``).
Small modules, one job each: ``local`` (what this laptop knows of the server: pending
engagements, what the server last had, the pull cursor), ``entries`` (an engagement as a
bundle entry and as server rows), ``pull`` and ``push`` (one page or batch each, against the
server), ``engine`` (a whole sync). The window calls :func:`run` (on a worker thread) and
:func:`status` (cheap, local only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from mwms_desktop.sync import local

if TYPE_CHECKING:
    from mwms_desktop.clock import Clock
    from mwms_desktop.team.credentials import Ask

Progress = Callable[[str, int, int], None]  # (what, done, total): "pull" or "push"


@dataclass(frozen=True)
class SyncReport:
    """What one sync did, counted in engagements (each travels whole). ``pulled``:
    engagements the server had changed since this laptop last had them, merged here;
    ``pushed``: engagements whose changed records the server took."""

    pulled: int
    pushed: int
    conflicts: int  # new entries in the conflicts list
    refused: tuple[str, ...]  # one line each: what the server (or validation) refused and why
    waiting: int  # engagements with local changes still not on the server
    finished_at: datetime
    # engagements made the server's again, their refused changes kept in a file: records of
    # them have new local ids (an undo stack's commands may refer to the old ones)
    reset: tuple[str, ...] = ()


@dataclass(frozen=True)
class SyncStatus:
    joined: bool
    last_sync_at: datetime | None
    waiting: int  # engagements with local changes the server lacks
    conflicts: int  # unresolved conflicts


def run(
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    ask: Ask | None = None,
    clock: Clock | None = None,
) -> SyncReport:
    """Sync the bound database (``db.models.database``) with the joined team server: pull
    what the server has that this laptop lacks, push what this laptop has that the server
    lacks. Raises a :class:`mwms_desktop.team.errors.TeamError` subclass with one clear line
    (:class:`mwms_desktop.team.errors.Offline` when the server cannot be reached).
    ``cancelled()`` is asked between pages and batches: a cancelled sync stops there, with
    everything done so far kept and consistent (the next sync goes on from there)."""
    from mwms_desktop.sync import engine

    return engine.run(progress=progress, cancelled=cancelled, ask=ask, clock=clock)


def status() -> SyncStatus:
    """Local only (no network): joined or not, the last sync, what is waiting, conflicts."""
    return SyncStatus(
        joined=local.joined(),
        last_sync_at=local.last_sync_at(),
        waiting=local.waiting(),
        conflicts=local.open_conflicts(),
    )


def head_office_thresholds() -> dict[str, int]:
    """Local only: the lifecycle thresholds head office set on the server, as the last sync
    took them (the rule settings among them are in force; the window shows them as set by
    head office)."""
    return local.head_office_thresholds()
