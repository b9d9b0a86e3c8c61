"""The sync as the window runs it, on a worker thread: the core's ``mwms_desktop.sync.run``
and ``status``, each outcome turned into a value the indicator shows.

Qt-free. The password: the keyring's, read by the core; where there is no keyring, one typed
in this session (memory only). Without either, the worker never waits for a dialog: the
outcome says a password is needed, and the window asks on its own thread."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import Any

from mwms_desktop import settings
from mwms_desktop.services import Services

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """This laptop's side of team mode, read locally (no network)."""

    joined: bool
    where: str = ""  # "host:port/database as NAME"
    user: str = ""
    last_sync_at: datetime | None = None
    waiting: int = 0
    conflicts: int = 0
    minutes: int = settings.SYNC_MINUTES.default
    head_office: tuple[str, ...] = ()  # the thresholds head office set, a line each
    wip: tuple[tuple[str, int], ...] = ()  # (stage, limit) that head office set


@dataclass(frozen=True, slots=True)
class Outcome:
    snapshot: Snapshot
    problem: str = ""  # the core's one line; "" when the sync went through
    offline: bool = False
    needs_password: bool = False
    pulled: int = 0
    pushed: int = 0
    refused: tuple[str, ...] = ()
    reset: tuple[str, ...] = ()  # engagements made the server's again (SyncReport.reset)


class NeedPassword(Exception):
    """No keyring and no password typed in this session: ask on the UI thread, then retry."""


def engine() -> ModuleType:
    """``mwms_desktop.sync``, imported on first use (psycopg comes with it)."""
    return importlib.import_module("mwms_desktop.sync")


def snapshot(services: Services, sync: Any = None) -> Snapshot:
    minutes = services.portfolio.setting(settings.SYNC_MINUTES.key)
    try:
        module = sync or engine()
        from mwms_desktop.team import membership
    except ImportError:  # a build without team mode (psycopg, keyring): never in a team
        return Snapshot(joined=False, minutes=minutes)
    status = module.status()
    if not status.joined:
        return Snapshot(joined=False, minutes=minutes)
    address = membership.current_address()
    where = f"{address.where}/{address.database} as {address.user}" if address else ""
    from mwms_desktop.team import thresholds

    set_by_head_office = module.head_office_thresholds()
    return Snapshot(
        joined=True,
        where=where,
        user=address.user if address else "",
        last_sync_at=status.last_sync_at,
        waiting=status.waiting,
        conflicts=status.conflicts,
        minutes=minutes,
        head_office=thresholds.as_lines(set_by_head_office),
        wip=tuple(sorted(thresholds.wip_limits(set_by_head_office).items())),
    )


def sync(
    services: Services,
    *,
    password: str | None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    sync: Any = None,
) -> Outcome:
    """One sync; never raises for what the core says in one line (offline, refused)."""
    from mwms_desktop.team.errors import Offline, TeamError

    module = sync or engine()

    def ask(_prompt: str) -> str:
        if password:
            return password
        raise NeedPassword

    try:
        report = module.run(progress=progress, cancelled=cancelled, ask=ask)
    except NeedPassword:
        return Outcome(snapshot(services, module), needs_password=True)
    except Offline as exc:
        return Outcome(snapshot(services, module), problem=str(exc), offline=True)
    except TeamError as exc:
        return Outcome(snapshot(services, module), problem=str(exc))
    return Outcome(
        snapshot(services, module),
        pulled=report.pulled,
        pushed=report.pushed,
        refused=report.refused,
        reset=report.reset,
    )
