"""Putting a backup in place of the database without losing a write made meanwhile.

Other processes (CLI commands, a window's worker thread) may hold the database open and
write at any moment; the window lock (``db/lock.py``) keeps only windows out. So a restore
never swaps files underneath open connections: it copies the backup *into* the live file
through SQLite's backup API, which takes SQLite's own write lock, and keeps the current
content aside first, under that same lock:

1. the backup is checked and copied into the live file one page at a time; the first step
   takes the live file's write lock, which the copy then holds until it commits;
2. right after that first step, before anything of it is committed, a separate reader
   copies the live file's committed content aside (``<name>.replaced-<stamp>``, verified,
   owner-only). No writer can commit between the two, so each write is either in that copy
   (it committed before) or waits for the lock (busy timeout) and commits into the restored
   file after; a writer that waits too long gets "database is busy", never a silent loss;
3. the copy commits; other connections see the restored content at their next read (the
   backup API bumps the schema cookie).

Why not ``BEGIN IMMEDIATE`` on the live connection around both steps? SQLite refuses to start
a backup into a connection that has a transaction open (``sqlite3_backup_init`` fails; Python
says "target is in transaction"), and a second connection's lock would block the copy
itself. The backup holds "a write transaction open on the destination database file for the
duration of the backup operation" (SQLite's documentation), which is the lock needed.
This needs WAL mode, where a writer leaves readers in, so the live file is switched to WAL
first (every open does so anyway).

If anything fails before the commit (the copy aside, a full disk), SQLite rolls the
half-copied pages back and the database is exactly as it was.

A damaged file cannot be read through SQLite, so :func:`replace_file` (recovery) still moves
it aside and renames a verified copy of the backup into its place; a damaged file already
refuses every process that opens it (its quick check fails), and the window lock keeps
windows out. The damaged file keeps its name until the copy takes it over (a hard link to
the aside name first), so there is never a moment without a file, when a writer could create
a new empty database there.
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from peewee import PeeweeException as PeeweeError
from peewee import SqliteDatabase

from db import migrations
from db.backup import (
    _connect_ro,
    _copy,
    _fsync_dir,
    _stamp,
    _why,
    attempt_name,
    backup_version,
    check,
    copy_from,
    sweep_partials,
)
from db.errors import BackupError, DatabaseOpenError

_log = logging.getLogger(__name__)

WAIT_FOR_WRITERS = 30.0  # seconds a restore waits for other processes' write transactions
_SUFFIXES = ("", "-wal", "-shm")


def _refuse_unusable(db_path: Path, backup_path: Path) -> None:
    if not backup_path.is_file():
        raise BackupError(f"{backup_path} does not exist.")
    if db_path.exists() and not db_path.is_file():
        raise BackupError(f"{db_path} is not a database file; nothing was restored.")
    problems = check(backup_path)
    if problems:
        raise BackupError(f"{backup_path.name} is damaged ({problems[0]}); choose another backup.")


def _aside_names(db_path: Path, label: str, now: datetime) -> Iterator[Path]:
    """Candidate names ``<name>.<label>-<stamp>[-n]`` for the kept content, none of them (or
    their ``-wal``/``-shm``) taken when offered."""
    stamp, n = _stamp(now), 0
    while True:
        base = db_path.parent / f"{db_path.name}.{label}-{stamp}{f'-{n}' if n else ''}"
        if not any(Path(str(base) + s).exists() for s in _SUFFIXES):
            yield base
        n += 1


def _claim_aside(db_path: Path, label: str, now: datetime) -> Path:
    """Create, empty and owner-only (never over an existing file), the file the current
    content is kept in."""
    for base in _aside_names(db_path, label, now):
        try:
            os.close(os.open(base, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            continue
        except OSError as exc:
            why = _why(exc)
            raise BackupError(f"Cannot keep {db_path.name} aside: {why}; nothing was restored.") from exc
        return base
    raise AssertionError("unreachable")


class _Busy(Exception):
    pass


def restore_into(
    db_path: Path,
    backup_path: Path,
    *,
    label: str = "replaced",
    now: datetime | None = None,
    wait: float = WAIT_FOR_WRITERS,
) -> list[Path]:
    """Copy ``backup_path`` into the live database ``db_path``, keeping its current content
    aside first under the same write lock (see the module's docstring); returns the file it
    was kept in. Other connections may stay open. Raises :class:`BackupError`, the database
    left as it was.

    The content copied in is always at the current schema and the live file's page size: a
    backup that differs is brought there in a copy first, so no other process ever finds an
    old schema in the live file (a WAL file cannot change its page size anyway)."""
    now = now or datetime.now(UTC)
    _refuse_unusable(db_path, backup_path)
    source = backup_path
    with contextlib.ExitStack() as scratch:
        if backup_version(source) < migrations.SCHEMA_VERSION:
            source = scratch.enter_context(_upgraded(db_path, source))
        live_size = _page_size(db_path)
        if _page_size(source) != live_size:
            source = scratch.enter_context(_resized(db_path, source, live_size))
        kept = _copy_into(db_path, source, label, now, wait)
    _log.info("backup restored into the live file, its content kept aside (%s)", label)
    return kept


@contextlib.contextmanager
def _scratch_copy(db_path: Path, source: Path, why: str) -> Iterator[Path]:
    """A verified copy of ``source`` in a private folder beside the database, removed after."""
    try:
        folder = Path(tempfile.mkdtemp(prefix=f".{db_path.name}.{why}-", dir=db_path.parent))
    except OSError as exc:
        raise BackupError(f"Cannot restore {source.name}: {_why(exc)}; nothing was restored.") from exc
    try:
        copy = folder / db_path.name
        _copy(source, copy)
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _upgraded(db_path: Path, source: Path) -> Iterator[Path]:
    with _scratch_copy(db_path, source, "upgrading") as copy:
        scratch = SqliteDatabase(str(copy), pragmas={"foreign_keys": 1})
        try:
            scratch.connect()
            migrations.upgrade(scratch, copy)
        except (DatabaseOpenError, PeeweeError, sqlite3.Error) as exc:
            raise BackupError(f"{source.name} could not be upgraded ({exc}); nothing was restored.") from exc
        finally:
            scratch.close()
        yield copy


@contextlib.contextmanager
def _resized(db_path: Path, source: Path, page_size: int) -> Iterator[Path]:
    with _scratch_copy(db_path, source, "resizing") as copy:
        try:
            con = sqlite3.connect(copy, isolation_level=None)
            try:
                con.execute(f"PRAGMA page_size = {int(page_size)}")
                con.execute("VACUUM")
            finally:
                con.close()
        except sqlite3.Error as exc:
            why = _why(exc)
            raise BackupError(f"Cannot restore {source.name}: {why}; nothing was restored.") from exc
        yield copy


def _page_size(path: Path) -> int:
    try:
        con = _connect_ro(path)
        try:
            return int(con.execute("PRAGMA page_size").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{path.name} cannot be read ({exc}); nothing was restored.") from exc


def _copy_into(db_path: Path, backup_path: Path, label: str, now: datetime, wait: float) -> list[Path]:
    try:
        src = _connect_ro(backup_path)
        pages = src.execute("PRAGMA page_count").fetchone()[0]
    except sqlite3.Error as exc:
        raise BackupError(f"{backup_path.name} cannot be read ({exc}); nothing was restored.") from exc
    aside: Path | None = None
    committed = False
    try:
        # The first step must not be the last: the content is kept aside between the two.
        if pages < 2:
            raise BackupError(f"{backup_path.name} is empty, not a backup; nothing was restored.")
        aside = _claim_aside(db_path, label, now)
        kept = False
        deadline = time.monotonic() + wait

        def after_step(status: int, remaining: int, total: int) -> None:
            nonlocal kept
            if kept:
                return
            if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                if time.monotonic() > deadline:
                    raise _Busy
                return
            if status == sqlite3.SQLITE_DONE:  # in one step: it cannot be, see above
                raise BackupError("The restore finished before the current content was kept.")
            if status != sqlite3.SQLITE_OK:  # the backup raises SQLite's error itself
                return
            # The live file's write lock is held by the copy, nothing of it committed: this
            # reader sees the content about to be replaced, and no one can change it now.
            reader = sqlite3.connect(db_path)
            try:
                copy_from(reader, db_path.name, aside, claimed=True)
            finally:
                reader.close()
            kept = True

        live = sqlite3.connect(db_path, timeout=0.2, isolation_level=None)
        try:
            # In WAL mode the copy's write lock leaves readers in, so the content can be
            # kept aside while the lock is held; a rollback-journal copy would shut them out.
            mode = live.execute("PRAGMA journal_mode = wal").fetchone()[0]
            if str(mode).lower() != "wal":
                raise BackupError(f"{db_path.name} cannot be switched to WAL mode; nothing was restored.")
            src.backup(live, pages=1, progress=after_step, sleep=0.05)
            committed = True
        finally:
            live.close()
    except BaseException as exc:
        if aside is not None and not committed:
            aside.unlink(missing_ok=True)
        if isinstance(exc, _Busy):
            raise BackupError(
                f"{db_path.name} stayed busy: another program kept writing to it for {wait:.0f} s. "
                "Nothing was restored; try again."
            ) from exc
        if isinstance(exc, sqlite3.Error):
            raise BackupError(
                f"Cannot restore {backup_path.name}: {_why(exc)}. {db_path.name} was left as it was."
            ) from exc
        raise
    finally:
        src.close()
    _fsync_dir(db_path.parent)
    return [aside]


def replace_file(db_path: Path, backup_path: Path, *, label: str, now: datetime | None = None) -> list[Path]:
    """Put a verified copy of ``backup_path`` in place of a damaged (or missing) ``db_path``;
    the damaged file and its ``-wal``/``-shm`` are kept as ``<name>.<label>-<stamp>``.
    Returns where they went. Raises :class:`BackupError`, leaving the file as it was."""
    now = now or datetime.now(UTC)
    _refuse_unusable(db_path, backup_path)
    sweep_partials(db_path.parent, datetime.now(UTC), f".{glob.escape(db_path.name)}.restoring.*.partial")
    partial = attempt_name(db_path.parent, f"{db_path.name}.restoring")
    _copy(backup_path, partial)
    try:
        moved, linked = _keep_aside(db_path, label, now)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Cannot move {db_path.name} aside: {exc.strerror}.") from exc
    try:
        os.replace(partial, db_path)
        _fsync_dir(db_path.parent)
    except OSError as exc:  # put the current file (and its WAL) back where it was
        for aside in moved:
            original = Path(str(db_path) + aside.name[len(moved[0].name) :])
            with contextlib.suppress(OSError):
                if aside == moved[0] and linked:
                    aside.unlink()
                else:
                    os.replace(aside, original)
        partial.unlink(missing_ok=True)
        raise BackupError(
            f"Cannot put the backup in place ({exc.strerror}); {db_path.name} was left as it was."
        ) from exc
    _log.info("backup put in place, the current file moved aside (%s)", label)
    return moved


def _keep_aside(db_path: Path, label: str, now: datetime) -> tuple[list[Path], bool]:
    """Give the database and its ``-wal``/``-shm`` the names ``<name>.<label>-<stamp>[...]``,
    owner-only, never over an existing file. The main file is hard-linked (it keeps its own
    name until the copy replaces it) where the file system allows; returns the new paths and
    whether it was linked."""
    if not db_path.exists():
        return [], False
    linked = True
    for aside in _aside_names(db_path, label, now):
        try:
            os.link(db_path, aside)
        except FileExistsError:
            continue
        except OSError:  # no hard links on this file system: rename it
            linked = False
            os.rename(db_path, aside)
        break
    moved = [aside]
    for suffix in _SUFFIXES[1:]:
        src = Path(str(db_path) + suffix)
        if src.exists():
            dst = Path(str(aside) + suffix)
            os.rename(src, dst)
            moved.append(dst)
    for path in moved:
        with contextlib.suppress(OSError):
            path.chmod(0o600)
    _fsync_dir(db_path.parent)
    return moved, linked
