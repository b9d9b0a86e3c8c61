"""Opening the database file: checks, pragmas, schema creation and upgrades.

``open_database(path)`` is the only way in. It refuses, with a sentence a consultant can act
on, a file that is missing (when asked not to create), a folder, a pipe or device, unreadable,
not SQLite, another program's, or written by a newer MWMS Desktop; it upgrades an older file
after backing it up. A damaged file raises :class:`DatabaseDamaged`, which names the newest
backup that is still sound. An existing file that is empty, or SQLite with no tables, is a
new database only while nothing shows it held data: with backups (or a ``-wal``) beside it,
it was truncated, and is damage. The first open of a changed file in a process makes a
start-up backup (see ``db/backup.py``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import stat
import threading
from pathlib import Path

from peewee import DatabaseError as PeeweeDatabaseError
from peewee import OperationalError

from db import backup, clocks, fts, identity, migrations
from db.errors import BackupError, DatabaseDamaged, DatabaseOpenError, disk_full, original_error
from db.models import database

SQLITE_HEADER = identity.SQLITE_HEADER
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
    if identity.regular_file(path) is None:  # a folder, pipe or device raises here
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
    header = identity.read_header(path)
    if header.size == 0:
        _refuse_if_it_held_data(path, "it is empty: 0 bytes")
        return True
    if not header.is_sqlite:
        raise damaged(path, "it is not an SQLite file")
    if header.application_id != identity.APPLICATION_ID:
        # Another program's file (or a version we never wrote) is refused before a writing
        # connection could roll back its journal or make a WAL beside it.
        with contextlib.suppress(sqlite3.Error):  # damage: the quick check names the backup
            identity.file_version(path)
    return False


def _refuse_if_it_held_data(path: Path, detail: str) -> None:
    """An empty file is a new database, unless backups (or a WAL) beside it show it held
    data: then it was truncated, and is damage naming the backup to restore."""
    wal = Path(f"{path}-wal")
    if backup.list_backups(path) or (wal.is_file() and wal.stat().st_size > 0):
        raise damaged(path, detail)


def _match_sidecar_modes(path: Path) -> None:
    """Give ``-wal``/``-shm`` the main file's mode when this process may write it: SQLite
    creates them with the mode the file had then, so a read-only (0400) open would leave
    them unwritable after the file is made writable again."""
    if not os.access(path, os.W_OK):
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    for suffix in ("-wal", "-shm"):
        side = Path(f"{path}{suffix}")
        try:
            st = side.lstat()
            mine = not hasattr(os, "getuid") or st.st_uid == os.getuid()
            if stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) != mode and mine:
                side.chmod(mode)
        except OSError:
            continue  # absent, or not ours to change: SQLite reports what it cannot use


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


def open_database(
    path: str | os.PathLike[str],
    *,
    create: bool = True,
    backup_on_open: bool = True,
    defer_check: bool = False,
) -> Path:
    """Bind the models to ``path`` and bring its schema to the current version.

    Returns the resolved path. Raises :class:`DatabaseOpenError` for an unusable file
    (:class:`DatabaseDamaged` for a corrupt one).

    ``defer_check``: a current-schema file's quick check (and then its start-up backup) runs
    on a worker thread with its own connection, so the window's imports overlap it (SQLite
    leaves the GIL while it reads). Nothing writes before it passes: every transaction's
    BEGIN waits for it, and :func:`wait_checked` raises the damage it found.
    """
    path = identity.resolved(path)
    made_here = not path.exists()
    is_new = _check_file(path, create)
    close_database()
    if not is_new:
        _match_sidecar_modes(path)
    database.init(str(path), pragmas=CONNECTION_PRAGMAS)
    global _pending
    try:
        database.connect()
        if not is_new:
            found = migrations.found_version(database, path)
            deferred = defer_check and found == migrations.SCHEMA_VERSION and _in_wal_mode()
            if deferred:  # nothing below writes: the schema is current, the file already WAL
                _pending = _PendingCheck(path, backup_on_open)
                return path
            _check_integrity_quick(path)
            if found == 0:  # SQLite, but no tables
                _refuse_if_it_held_data(path, "it has no tables")
        found = migrations.upgrade(database, path)
        fts.reconcile(database)  # the library's index as this SQLite can keep it
        database.execute_sql(f"PRAGMA journal_mode = {PRAGMAS['journal_mode']}")
    except (PeeweeDatabaseError, sqlite3.DatabaseError) as exc:
        close_database()
        if made_here:  # a database this open could not create leaves no empty file behind
            _remove_new(path)
        raise _describe(path, original_error(exc)) from exc
    except BaseException:
        close_database()
        if made_here:
            _remove_new(path)
        raise
    # An upgrade has just made its own backup; a new file has nothing worth keeping yet.
    if backup_on_open and not is_new and found == migrations.SCHEMA_VERSION:
        _backup_on_open(path)
    return path


def _backup_on_open(path: Path) -> None:
    try:
        backup.backup_on_open(path)
    except (BackupError, OSError) as exc:  # never stop the consultant from working
        logging.getLogger(__name__).warning("Start-up backup of %s failed: %s", path, exc)


def _in_wal_mode() -> bool:
    return database.execute_sql("PRAGMA journal_mode").fetchone()[0] == PRAGMAS["journal_mode"]


class _PendingCheck:
    """The quick check of an opened file, on a worker thread with its own connection; the
    start-up backup follows it there only once it passed."""

    def __init__(self, path: Path, backup_on_open: bool) -> None:
        self.path = path
        self.backup_on_open = backup_on_open
        self.problem: str | None = None
        self.error: sqlite3.Error | None = None
        self.decided = threading.Event()  # the check's verdict is known (the backup may follow)
        self._thread = threading.Thread(target=self._run, name="mwms-quick-check", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            con = sqlite3.connect(str(self.path), timeout=5)
            try:
                rows = con.execute("PRAGMA quick_check").fetchall()
            finally:
                con.close()
            if [r[0] for r in rows] != ["ok"]:
                self.problem = str(rows[0][0])
        except sqlite3.Error as exc:
            self.error = exc
        finally:
            self.decided.set()
        if self.error is None and self.problem is None and self.backup_on_open:
            _backup_on_open(self.path)

    def wait(self) -> None:
        self._thread.join()
        if self.error is not None:
            raise _describe(self.path, self.error)
        if self.problem is not None:
            raise damaged(self.path, self.problem)


_pending: _PendingCheck | None = None


def wait_checked() -> None:
    """Wait for a deferred quick check; raise :class:`DatabaseDamaged` (every time, while the
    file stays open) if it failed. Immediate when there is none."""
    global _pending
    pending = _pending
    if pending is not None:
        pending.wait()
        _pending = None
        # What a non-deferred open does after its check: the index as this SQLite can keep
        # it (a build without FTS5 may have written the file; an older index is made anew).
        # The window opens all the same if that fails (a full disk): the library then scans.
        try:
            fts.reconcile(database)
        except (PeeweeDatabaseError, sqlite3.DatabaseError) as exc:
            logging.getLogger(__name__).warning("library index not reconciled: %s", type(exc).__name__)


def check_passed() -> bool:
    """Wait for a deferred quick check's verdict, without taking it (any thread may ask;
    :func:`wait_checked` still raises the damage): True when it passed or none is pending.
    A read made after True saw a sound file; one made before may be thrown away."""
    pending = _pending
    if pending is None:
        return True
    pending.decided.wait()
    return pending.error is None and pending.problem is None


_begin = type(database).begin


def _begin_once_checked(*args: object, **kwargs: object) -> object:
    wait_checked()  # no write before the quick check passed
    return _begin(database, *args, **kwargs)


database.begin = _begin_once_checked


def _remove_new(path: Path) -> None:
    """Remove the file this open created (and its -wal/-shm), unless it holds data."""
    try:
        if identity.file_version(path) > 0:
            return
    except (DatabaseOpenError, OSError, sqlite3.Error):  # cannot tell: keep it
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            Path(f"{path}{suffix}").unlink()


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
    if disk_full(exc, path):
        return DatabaseOpenError(f"Cannot open {path}: the disk is full; free some space and try again.")
    return DatabaseOpenError(f"Cannot open {path}: {text}.")


def close_database() -> None:
    clocks.forget_devices()
    global _pending
    if _pending is not None:  # let it finish (and its backup) before the file may be moved
        _pending._thread.join()
        _pending = None
    if not database.is_closed():
        database.close()


def data_version() -> tuple[int, int]:
    """This thread's connection and SQLite's ``PRAGMA data_version`` on it.

    The number changes only when *another* connection (another process, or another thread
    of this one) commits to the file; this connection's own writes leave it as it is. It is
    per connection, so the connection's identity comes with it: a connection closed and
    opened again (a restore) never looks unchanged. One pragma, no table is read."""
    connection = database.connection()
    return id(connection), connection.execute("PRAGMA data_version").fetchone()[0]


def database_path() -> Path | None:
    """The file the models are bound to, or None before ``open_database``."""
    return Path(database.database) if database.database else None
