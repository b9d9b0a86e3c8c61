"""Errors of the persistence layer; the core turns them into its own typed errors."""

from __future__ import annotations

from pathlib import Path


class DatabaseOpenError(Exception):
    """The file cannot be used as an MWMS Desktop database; the message says why."""


class DatabaseDamaged(DatabaseOpenError):
    """The file is corrupt or unreadable as a database. ``backup`` is the newest backup
    that passes an integrity check (None when there is none), so the caller can offer it."""

    def __init__(self, message: str, path: Path, backup: Path | None) -> None:
        super().__init__(message)
        self.path = path
        self.backup = backup


class DatabaseLocked(DatabaseOpenError):
    """Another process (an open window) holds the database's lock; ``pid`` is its id if known."""

    def __init__(self, message: str, path: Path, pid: int | None) -> None:
        super().__init__(message)
        self.path = path
        self.pid = pid


class BackupError(Exception):
    """A backup could not be written, verified or restored; nothing was changed."""
