"""CLI commands, one module each: ``register(subparsers)`` adds the parser and sets
``run=fn(ctx) -> exit status``. :class:`Context` opens the database on first use."""

from __future__ import annotations

import argparse
from pathlib import Path

from db import identity
from db.errors import DatabaseOpenError
from mwms_desktop import paths
from mwms_desktop.errors import DatabaseError
from mwms_desktop.services import Services, open_services


def refuse_unusable_database(path: Path) -> None:
    """Before a command (or the window) touches it: a database path that is a folder, a pipe
    or a device is refused without being opened (reading a FIFO would block for ever), and
    another program's SQLite file is refused untouched (no lock file, WAL or backups made
    beside it). Missing, empty and damaged files are left to the command: it may create,
    report or restore them."""
    try:
        refusal = identity.foreign(path) if identity.regular_file(path) is not None else None
    except DatabaseOpenError as exc:
        raise DatabaseError(str(exc)) from exc
    if refusal is not None:
        raise DatabaseError(str(refusal))


class Context:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._services: Services | None = None
        self._path: Path | None = None

    def db_path(self) -> Path:
        """The database file the command works on, resolved (``--db`` or the default), once
        :func:`refuse_unusable_database` let it through."""
        if self._path is None:
            explicit = self.args.db
            try:
                path = identity.resolved(explicit if explicit is not None else paths.default_database())
            except DatabaseOpenError as exc:
                raise DatabaseError(str(exc)) from exc
            refuse_unusable_database(path)
            self._path = path
        return self._path

    def services(self, *, create: bool = False, defer_check: bool = False) -> Services:
        """Open the database. The default file is always created when missing; a file named
        with ``--db`` only when ``create`` (commands that make data: demo, add, import)."""
        if self._services is None:
            self.db_path()
            explicit = self.args.db
            path = explicit if explicit is not None else paths.default_database()
            if explicit is not None and not explicit.exists() and not create:
                raise DatabaseError(f"{explicit} does not exist.")
            self._services = open_services(path, defer_check=defer_check)
        return self._services

    def opened(self) -> Services | None:
        """The services if the database was opened, else None (nothing opened yet)."""
        return self._services

    def close(self) -> None:
        if self._services is not None:
            self._services.close()
            self._services = None


from mwms_desktop.commands import board, conflicts, data, dossier, library, report, sync, team, window  # noqa: E402

COMMANDS = (board, window, dossier, data, report, library, team, sync, conflicts)
