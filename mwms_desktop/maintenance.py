"""Keeping the database safe: backups, checks, restore and recovery, for the window and CLI.

Everything here takes the database's path and raises :mod:`mwms_desktop.errors` errors.
Restore and recovery hold the database's lock (``db/lock.py``) while they work, which keeps
other windows out: a window that holds it may restore its own database; anyone else is
refused with :class:`DatabaseInUse`. Other writers (CLI commands) are serialised by SQLite's
own locks, see ``db/restore.py``. The window takes :func:`lock_window` when it opens and calls
:func:`maybe_backup` on a timer.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from db import backup as db_backup
from db import identity
from db import restore as db_restore
from db.backup import Backup
from db.connection import close_database, damaged, database_path, open_database
from db.errors import BackupError, DatabaseLocked, DatabaseOpenError
from db.errors import DatabaseDamaged as DbDamaged
from db.lock import DatabaseLock, exclusive
from db.models import database
from mwms_desktop import paths
from mwms_desktop.errors import DatabaseDamaged, DatabaseError, DatabaseInUse

__all__ = [
    "AUTO_INTERVAL",
    "Backup",
    "CheckReport",
    "RestoreResult",
    "backup_folder",
    "backup_now",
    "check",
    "core_error",
    "find_backup",
    "list_backups",
    "lock_window",
    "maybe_backup",
    "newest_good_backup",
    "recover_from_backup",
    "restore",
]

AUTO_INTERVAL = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class RestoreResult:
    backup: Path  # the backup now in place
    moved_aside: tuple[Path, ...]  # where the replaced (or damaged) file and its WAL went


@dataclass(frozen=True, slots=True)
class CheckReport:
    path: Path
    problems: tuple[str, ...]
    newest_good_backup: Backup | None

    @property
    def ok(self) -> bool:
        return not self.problems


def core_error(exc: DatabaseOpenError | BackupError) -> DatabaseError:
    """The core's error for a persistence error: damage names the backup and the command
    that restores it; a held lock means another window."""
    if isinstance(exc, DbDamaged):
        message = str(exc)
        if exc.backup is not None:
            message += f" Restore it with: {restore_command(exc.path, exc.backup)}"
        return DatabaseDamaged(message, exc.path, exc.backup)
    if isinstance(exc, DatabaseLocked):
        return DatabaseInUse(str(exc), exc.pid)
    return DatabaseError(str(exc))


@contextlib.contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except (DatabaseOpenError, BackupError) as exc:
        raise core_error(exc) from exc


def restore_command(db_path: Path, backup: Path) -> str:
    """The CLI line that restores ``backup`` over ``db_path``."""
    default = paths.data_dir() / paths.DEFAULT_DB_NAME
    same = os.path.abspath(default) == os.path.abspath(db_path)
    db = "" if same else f" --db {shlex.quote(str(db_path))}"
    return f"mwms-desktop{db} restore {shlex.quote(backup.name)}"


def _resolve(db_path: str | os.PathLike[str]) -> Path:
    return Path(db_path).expanduser().resolve()


def backup_now(db_path: str | os.PathLike[str], reason: str = "manual") -> Backup:
    """A verified backup made now (``mwms-desktop backup``, the window's Back up now)."""
    path = _resolve(db_path)
    with _translated():
        _require_database_file(path)
        if identity.read_header(path).size == 0:  # a backup of it would rotate good ones away
            raise damaged(path, "it is empty: 0 bytes")
        refusal = identity.foreign(path)
        if refusal is not None:
            raise refusal
        return db_backup.make_backup(path, reason)


def _require_database_file(path: Path) -> None:
    """Raise :class:`DatabaseOpenError` for a missing path, a folder, a pipe or a device."""
    if identity.regular_file(path) is None:
        raise DatabaseOpenError(f"{path} does not exist.")


def list_backups(db_path: str | os.PathLike[str]) -> list[Backup]:
    """The database's backups, newest first."""
    return db_backup.list_backups(_resolve(db_path))


def backup_folder(db_path: str | os.PathLike[str]) -> Path:
    """Where the database's backups are kept."""
    return db_backup.backup_dir(_resolve(db_path))


def newest_good_backup(db_path: str | os.PathLike[str]) -> Backup | None:
    return db_backup.newest_good_backup(_resolve(db_path))


def maybe_backup(
    db_path: str | os.PathLike[str], *, now: datetime | None = None, interval: timedelta = AUTO_INTERVAL
) -> Backup | None:
    """The window's timer: a backup when the newest is older than ``interval`` and the file
    changed since; None when none was needed."""
    path = _resolve(db_path)
    now = now or datetime.now(UTC)
    backups = db_backup.list_backups(path)
    newest = backups[0] if backups else None
    if newest is not None and now - newest.created < interval:
        return None
    if not db_backup.changed_since(path, newest):
        return None
    with _translated():
        return db_backup.make_backup(path, "auto", now=now)


def find_backup(db_path: str | os.PathLike[str], name: str | os.PathLike[str]) -> Path:
    """A backup named as listed (``mwms.sqlite.20261102-090000.manual.sqlite``) or given as a path."""
    given = Path(name).expanduser()
    if given.is_file():
        return given.resolve()
    listed = db_backup.backup_dir(_resolve(db_path)) / given.name
    if given.name == str(name) and listed.is_file():
        return listed
    raise DatabaseError(f"No backup {str(name)!r}; `mwms-desktop backups` lists them.")


def restore(db_path: str | os.PathLike[str], backup: Backup | str | os.PathLike[str]) -> RestoreResult:
    """Put a backup in place of the database. The backup is copied *into* the live file
    through SQLite's backup API, under SQLite's write lock, after its current content was
    kept aside as ``<name>.replaced-<stamp>`` under that same lock (``db/restore.py``): a
    write made meanwhile by another process is in one of the two, or its writer is told it
    failed. A file that fails its quick check cannot be read that way: it is moved aside as
    ``.damaged-`` instead. Nothing is ever overwritten or deleted."""
    path = _resolve(db_path)
    sound = path.is_file() and _holds_database(path) and not db_backup.check(path, "quick_check")
    label = "replaced" if sound or not path.exists() else "damaged"
    return _swap(path, backup.path if isinstance(backup, Backup) else Path(backup), label, into=sound)


def _holds_database(path: Path) -> bool:
    """Whether ``path`` holds an MWMS Desktop database at all: an empty or truncated file
    (no tables) is damage to be moved aside, not content to keep as "replaced"."""
    try:
        return identity.file_version(path) > 0
    except (DatabaseOpenError, sqlite3.Error):
        return False


def recover_from_backup(db_path: str | os.PathLike[str]) -> RestoreResult:
    """Move a damaged database aside as ``<name>.damaged-<stamp>`` and restore its newest
    good backup."""
    path = _resolve(db_path)
    good = db_backup.newest_good_backup(path)
    if good is None:
        raise DatabaseError(f"No good backup of {path.name} to recover from; the file was left as it is.")
    return _swap(path, good.path, "damaged", into=False)


def _swap(path: Path, backup: Path, label: str, *, into: bool) -> RestoreResult:
    """Restore ``backup`` over ``path``: copied into the live file (``into``, a sound file
    other processes may be writing to) or renamed into place (a damaged or missing file).
    The window lock keeps other windows out meanwhile; this process's own window may
    restore its database."""
    backup = backup.expanduser().resolve()
    with _translated():
        identity.check_restore(path, backup)  # ours, a version this one reads; never over another program's
        with exclusive(path):
            bound = database_path() == path and not database.is_closed()  # this thread's
            if into:
                moved = db_restore.restore_into(path, backup, label=label)
                if bound:  # the schema cookie changed: start afresh
                    close_database()
                    open_database(path, create=False)
            else:
                if bound:
                    close_database()
                try:
                    moved = db_restore.replace_file(path, backup, label=label)
                except BaseException:
                    if bound and path.is_file():  # the file as it was, if it opens at all
                        with contextlib.suppress(DatabaseOpenError):
                            open_database(path, create=False)
                    raise
                if bound:
                    open_database(path, create=False)
    return RestoreResult(backup, tuple(moved))


def check(db_path: str | os.PathLike[str]) -> CheckReport:
    """The full check (an MWMS Desktop file, ``PRAGMA integrity_check`` and
    ``foreign_key_check``), read-only, so it also works on a file too damaged to open. An
    empty file is a problem: there is no database in it."""
    path = _resolve(db_path)
    with _translated():
        _require_database_file(path)
    problems = db_backup.full_check(path)
    return CheckReport(path, tuple(problems), db_backup.newest_good_backup(path) if problems else None)


def lock_window(db_path: str | os.PathLike[str]) -> DatabaseLock:
    """The lock a window holds while open; :class:`DatabaseInUse` if another window has it.
    Release it (``.release()``) when the window closes."""
    with _translated():
        return DatabaseLock(_resolve(db_path)).acquire()
