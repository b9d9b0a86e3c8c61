"""CLI commands, one module each: ``register(subparsers)`` adds the parser and sets
``run=fn(ctx) -> exit status``. :class:`Context` opens the database on first use."""

from __future__ import annotations

import argparse
from pathlib import Path

from mwms_desktop import paths
from mwms_desktop.errors import DatabaseError
from mwms_desktop.services import Services, open_services


class Context:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._services: Services | None = None

    def db_path(self) -> Path:
        """The database file the command works on, resolved (``--db`` or the default)."""
        explicit = self.args.db
        return (explicit if explicit is not None else paths.default_database()).expanduser().resolve()

    def services(self, *, create: bool = False) -> Services:
        """Open the database. The default file is always created when missing; a file named
        with ``--db`` only when ``create`` (commands that make data: demo, add, import)."""
        if self._services is None:
            explicit = self.args.db
            path = explicit if explicit is not None else paths.default_database()
            if explicit is not None and not explicit.exists() and not create:
                raise DatabaseError(f"{explicit} does not exist.")
            self._services = open_services(path)
        return self._services

    def opened(self) -> Services | None:
        """The services if the database was opened, else None (nothing opened yet)."""
        return self._services

    def close(self) -> None:
        if self._services is not None:
            self._services.close()
            self._services = None


from mwms_desktop.commands import board, data, dossier, window  # noqa: E402

COMMANDS = (board, window, dossier, data)
