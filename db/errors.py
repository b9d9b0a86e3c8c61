"""Errors of the persistence layer; the core turns them into its own typed errors."""

from __future__ import annotations

import errno
import os
from pathlib import Path

ROOM_NEEDED = 2**20  # bytes: less free space than this behind an I/O error means a full disk


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


def disk_full(exc: BaseException, near: Path | None = None) -> bool:
    """Whether ``exc`` means the disk is full: SQLite's own "database or disk is full", an
    ``ENOSPC``, or SQLite's bare "disk I/O error" while the file system holding ``near`` has
    (almost) no room left, which is how SQLite reports a ``-shm`` it cannot grow."""
    text = str(exc)
    if "database or disk is full" in text or (isinstance(exc, OSError) and exc.errno == errno.ENOSPC):
        return True
    if near is None or "disk I/O error" not in text or not hasattr(os, "statvfs"):
        return False
    try:
        st = os.statvfs(near if near.is_dir() else near.parent)
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < ROOM_NEEDED


def original_error(exc: BaseException) -> BaseException:
    """The error that made a transaction fail, not the failed ROLLBACK after it: when SQLite
    has already rolled back by itself (a full disk), the wrapper's own ROLLBACK fails with
    "cannot rollback - no transaction is active", which would hide the reason."""
    seen = exc
    while "no transaction is active" in str(seen) and isinstance(seen.__context__, Exception):
        seen = seen.__context__
    return seen
