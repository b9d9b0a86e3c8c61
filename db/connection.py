"""Opening the database file: checks, pragmas, schema creation and upgrades.

``open_database(path)`` is the only way in. It refuses, with a sentence a consultant can act
on, a file that is missing (when asked not to create), unreadable, not SQLite, or written by a
newer MWMS Desktop; it upgrades an older file after backing it up. A damaged file raises
:class:`DatabaseDamaged`, which names the newest backup that is still sound. The first open
of a changed file in a process makes a start-up backup (see ``db/backup.py``).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

from peewee import DatabaseError as PeeweeDatabaseError
from peewee import OperationalError

from db import backup, migrations
from db.errors import BackupError, DatabaseDamaged, DatabaseOpenError
from db.models import database

SQLITE_HEADER = b"SQLite format 3\x00"
PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "full",
    "foreign_keys": 1,
    "busy_timeout": 5000,
}
# Every connection gets these. WAL is switched on once, after the file has been accepted
# (it is persistent in the file): a refused file is left exactly as it was.
CONNECTION_PRAGMAS = {k: v for k, v in PRAGMAS.items() if k != "journal_mode"}


def _check_file(path: Path, create: bool) -> bool:
    """Validate ``path`` before SQLite touches it; True when a new file must be created."""
    if path.is_dir():
        raise DatabaseOpenError(f"{path} is a folder, not a database file.")
    if not path.exists():
        if not create:
            raise DatabaseOpenError(f"{path} does not exist.")
        if not path.parent.is_dir():
            raise DatabaseOpenError(f"Folder {path.parent} does not exist.")
        # Created here, owner-only, so SQLite (and its -wal/-shm files) inherit the mode.
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except OSError as exc:
            raise DatabaseOpenError(f"Cannot create {path}: {exc.strerror}.") from exc
        return True
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseOpenError(f"Cannot read {path}: {exc.strerror}.") from exc
    if header == b"":
        return True
    if header != SQLITE_HEADER:
        raise damaged(path, "it is not an SQLite file")
    return False


def damaged(path: Path, detail: str) -> DatabaseDamaged:
    """The error for a damaged file, naming the newest backup that is still sound."""
    good = backup.newest_good_backup(path)
    offer = (
        f" The newest good backup is {good.name}, made {good.created:%Y-%m-%d %H:%M} UTC."
        if good
        else " No good backup of it was found."
    )
    message = f"{path} is damaged or not an MWMS Desktop database ({detail}).{offer}"
    return DatabaseDamaged(message, path, good.path if good else None)


def open_database(path: str | os.PathLike[str], *, create: bool = True, backup_on_open: bool = True) -> Path:
    """Bind the models to ``path`` and bring its schema to the current version.

    Returns the resolved path. Raises :class:`DatabaseOpenError` for an unusable file
    (:class:`DatabaseDamaged` for a corrupt one).
    """
    path = Path(path).expanduser().resolve()
    is_new = _check_file(path, create)
    close_database()
    database.init(str(path), pragmas=CONNECTION_PRAGMAS)
    try:
        database.connect()
        if not is_new:
            _check_integrity_quick(path)
        found = migrations.upgrade(database, path)
        database.execute_sql(f"PRAGMA journal_mode = {PRAGMAS['journal_mode']}")
    except (PeeweeDatabaseError, sqlite3.DatabaseError) as exc:
        close_database()
        raise _describe(path, exc) from exc
    except BaseException:
        close_database()
        raise
    # An upgrade has just made its own backup; a new file has nothing worth keeping yet.
    if backup_on_open and not is_new and found == migrations.SCHEMA_VERSION:
        try:
            backup.backup_on_open(path)
        except (BackupError, OSError) as exc:  # never stop the consultant from working
            logging.getLogger(__name__).warning("Start-up backup of %s failed: %s", path, exc)
    return path


def _check_integrity_quick(path: Path) -> None:
    rows = database.execute_sql("PRAGMA quick_check").fetchall()
    if [r[0] for r in rows] != ["ok"]:
        raise damaged(path, str(rows[0][0]))


def _describe(path: Path, exc: Exception) -> DatabaseOpenError:
    text = str(exc)
    if isinstance(exc, OperationalError) and "locked" in text:
        return DatabaseOpenError(f"{path} is locked by another program; close it and try again.")
    if "not a database" in text or "malformed" in text:
        return damaged(path, text)
    return DatabaseOpenError(f"Cannot open {path}: {text}.")


def close_database() -> None:
    if not database.is_closed():
        database.close()


def database_path() -> Path | None:
    """The file the models are bound to, or None before ``open_database``."""
    return Path(database.database) if database.database else None
