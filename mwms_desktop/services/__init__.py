"""The one service API: the window, the CLI and the dossier read and write through it.

Open a database with :func:`open_services`; every public write method runs in a single
transaction and raises a typed :mod:`mwms_desktop.errors` error on bad input.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from db.connection import close_database, open_database, wait_checked
from db.errors import DatabaseOpenError
from mwms_desktop.clock import Clock
from mwms_desktop.maintenance import core_error
from mwms_desktop.services.conflicts import ConflictService
from mwms_desktop.services.lifecycle import LifecycleService
from mwms_desktop.services.portfolio import PortfolioService
from mwms_desktop.services.records import RecordService, Snapshot

__all__ = ["Services", "Snapshot", "end_thread", "open_services"]


@dataclass(frozen=True)
class Services:
    path: Path
    clock: Clock
    portfolio: PortfolioService
    lifecycle: LifecycleService
    records: RecordService
    conflicts: ConflictService

    def close(self) -> None:
        close_database()

    def checked(self) -> None:
        """Wait for a deferred quick check (``open_services(defer_check=True)``); raise the
        damage it found, naming the backup to restore. Every write waits for it anyway."""
        try:
            wait_checked()
        except DatabaseOpenError as exc:
            raise core_error(exc) from exc


def open_services(
    path: str | os.PathLike[str],
    *,
    clock: Clock | None = None,
    create: bool = True,
    defer_check: bool = False,
) -> Services:
    """Open (creating or upgrading if needed) the database at ``path``. ``defer_check``: the
    quick integrity check runs on a worker; call :meth:`Services.checked` before reading."""
    clock = clock or Clock()
    try:
        resolved = open_database(path, create=create, defer_check=defer_check)
    except DatabaseOpenError as exc:
        raise core_error(exc) from exc  # damage names the backup to restore
    return Services(
        path=resolved,
        clock=clock,
        portfolio=PortfolioService(clock),
        lifecycle=LifecycleService(clock),
        records=RecordService(clock),
        conflicts=ConflictService(clock),
    )


def end_thread() -> None:
    """Close the calling thread's database connection (a worker thread, when it ends)."""
    close_database()
