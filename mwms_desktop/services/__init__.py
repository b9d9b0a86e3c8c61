"""The one service API: the window, the CLI and the dossier read and write through it.

Open a database with :func:`open_services`; every public write method runs in a single
transaction and raises a typed :mod:`mwms_desktop.errors` error on bad input.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from peewee import PeeweeException

from db.connection import close_database, data_version, open_database, wait_checked
from db.errors import DatabaseOpenError
from mwms_desktop.clock import Clock
from mwms_desktop.maintenance import core_error
from mwms_desktop.services.citations import CitationService
from mwms_desktop.services.conflicts import ConflictService
from mwms_desktop.services.lifecycle import LifecycleService
from mwms_desktop.services.portfolio import PortfolioService
from mwms_desktop.services.records import RecordService, Snapshot

__all__ = ["ChangeWatch", "Services", "Snapshot", "end_thread", "open_services"]


class ChangeWatch:
    """ "Has anything else written to the database since I last looked?"

    Made and asked on one thread (the window's): each question is a single ``PRAGMA
    data_version`` on that thread's connection, which changes only when another connection
    commits (the CLI, an import on a worker thread, later a sync), never for this thread's
    own writes. No table is read, so asking often costs next to nothing."""

    def __init__(self) -> None:
        self._seen = self._version()

    @staticmethod
    def _version() -> tuple[int, int] | None:
        try:
            return data_version()
        except (sqlite3.Error, PeeweeException) as exc:  # busy, or the file is being replaced
            logging.getLogger(__name__).debug("data_version unavailable: %s", exc)
            return None

    def changed_elsewhere(self) -> bool:
        """True once for each time something else committed since the last call (or since
        the watch was made); an unreadable version counts as no news: ask again later."""
        now = self._version()
        if now is None or now == self._seen:
            return False
        self._seen = now
        return True


@dataclass(frozen=True)
class Services:
    path: Path
    clock: Clock
    portfolio: PortfolioService
    lifecycle: LifecycleService
    records: RecordService
    citations: CitationService
    conflicts: ConflictService

    def close(self) -> None:
        self.portfolio.end_read_ahead()  # its connection closes first: never the file's last
        close_database()

    def checked(self) -> None:
        """Wait for a deferred quick check (``open_services(defer_check=True)``); raise the
        damage it found, naming the backup to restore. Every write waits for it anyway."""
        try:
            wait_checked()
        except DatabaseOpenError as exc:
            raise core_error(exc) from exc

    def watch_changes(self) -> ChangeWatch:
        """A :class:`ChangeWatch` on the calling thread's connection."""
        return ChangeWatch()

    def reconnect(self) -> None:
        """Close the calling thread's connection and open the file again (after a restore
        made on another thread put other content in it): every read starts afresh."""
        close_database()
        try:
            open_database(self.path, create=False)
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
        citations=CitationService(clock),
        conflicts=ConflictService(clock),
    )


def end_thread() -> None:
    """Close the calling thread's database connection (a worker thread, when it ends)."""
    close_database()
