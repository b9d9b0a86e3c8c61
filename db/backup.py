"""Backups of the database file, made with SQLite's online backup API.

A backup is a consistent snapshot read through SQLite (never a byte copy of a live file,
which could catch a half-written page or miss the WAL). Each one is written under a
temporary name of its own (process id and a random part: many processes may back up in the
same second) in ``backups/`` beside the database, checked with ``PRAGMA integrity_check``
and only then given its final name, claimed atomically (a hard link, which fails rather than
replace a name another process took). So every file listed here is a verified,
self-contained database (journal mode DELETE, no ``-wal`` needed). Folder and files are
owner-only. Restoring one is :mod:`db.restore`'s job.

File names carry what the list shows: ``<db stem>.<UTC yyyymmdd-hhmmss>[-n].<reason>.sqlite``.
Old backups are thinned by :func:`plan_rotation` after each new one; files moved aside by a
restore are never touched by it.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import secrets
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from db import identity
from db.errors import BackupError, DatabaseOpenError

BACKUP_DIR = "backups"
_REASON = re.compile(r"[a-z0-9-]{1,40}")

# Rotation: every backup of the last day (at most KEEP_RECENT), the newest of each of the
# last DAILY_DAYS days, the newest of each ISO week in the last WEEKLY_WEEKS weeks.
KEEP_RECENT = 10
RECENT = timedelta(hours=24)
DAILY = timedelta(days=7)
WEEKLY = timedelta(weeks=4)

_started: set[Path] = set()  # databases already backed up on open by this process


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    created: datetime  # aware UTC, from the file name
    reason: str  # open | auto | manual | import | schema<N> | ...
    size: int
    sequence: int = 0  # orders backups made within the same second

    @property
    def name(self) -> str:
        return self.path.name


def backup_dir(db_path: Path) -> Path:
    return db_path.parent / BACKUP_DIR


def _stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")


_DB_SUFFIXES = ("", ".sqlite", ".db", ".sqlite3")


def _name_pattern(db_path: Path) -> re.Pattern[str]:
    """Backups are named after the database's whole file name
    (``mwms.sqlite.<stamp>.<why>.sqlite``), so ``mwms.sqlite`` and ``mwms.db`` in one folder
    never share them. Names from before (``mwms.<stamp>.<why>.sqlite``) still count, unless
    another database beside it has the same stem and the old name could be its backup."""
    names = [re.escape(db_path.name)]
    if db_path.suffix:
        siblings = (db_path.parent / (db_path.stem + suffix) for suffix in _DB_SUFFIXES)
        if not any(p != db_path and p.is_file() for p in siblings):
            names.append(re.escape(db_path.stem))
    return re.compile(
        "(?:" + "|".join(names) + r")\.(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?\.(?P<reason>[a-z0-9-]+)\.sqlite"
    )


def _private_dir(folder: Path) -> None:
    """Make ``folder`` (owner-only), or tighten an existing one to 0700. A symlink is the
    user's choice of where backups go (another disk) and is followed, but the folder it
    points to keeps its mode: it is not ours to change (the backups in it are 0600)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if folder.is_symlink():
        return
    with contextlib.suppress(OSError):  # a folder we do not own keeps its mode
        folder.chmod(0o700)


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); Windows has no directory handles to sync."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _connect_ro(path: Path) -> sqlite3.Connection:
    """Read-only, creating nothing beside the file when it can (``identity.connect_readonly``):
    a read-only folder or file is checked without a ``-wal``/``-shm``."""
    return identity.connect_readonly(path)


def check(path: Path, pragma: str = "integrity_check") -> list[str]:
    """Problems ``PRAGMA integrity_check`` (or ``quick_check``) reports; empty when sound."""
    try:
        con = _connect_ro(path)
        try:
            rows = [str(r[0]) for r in con.execute(f"PRAGMA {pragma}").fetchall()]
        finally:
            con.close()
    except sqlite3.Error as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def identity_problems(path: Path) -> list[str]:
    """Why ``path`` is not an MWMS Desktop database this version can read (empty when it is)."""
    try:
        found = identity.file_version(path)
    except DatabaseOpenError as exc:
        return [str(exc)]
    except sqlite3.Error as exc:
        return [str(exc)]
    if found == 0:
        empty = identity.read_header(path).size == 0
        return ["it is empty: 0 bytes" if empty else "it has no MWMS Desktop tables"]
    return []


def full_check(path: Path) -> list[str]:
    """What :func:`identity_problems`, ``integrity_check`` and ``foreign_key_check`` find, on
    read-only connections, in words: empty when ``path`` is a sound MWMS Desktop database."""
    problems = identity_problems(path) or check(path)
    if problems:
        return problems
    try:
        con = _connect_ro(path)
        try:
            rows = con.execute("PRAGMA foreign_key_check").fetchall()
        finally:
            con.close()
    except sqlite3.Error as exc:
        return [str(exc)]
    return [f"{table} row {rowid} refers to a missing {parent} record" for table, rowid, parent, _ in rows]


def attempt_name(folder: Path, base: str) -> Path:
    """A temporary name in ``folder`` that no other attempt, in this process or another,
    can share (two backups in the same second used to write into one ``.partial`` file)."""
    return folder / f".{base}.{os.getpid()}-{secrets.token_hex(6)}.partial"


def _why(exc: BaseException) -> str:
    text = str(exc)
    if "database or disk is full" in text or (isinstance(exc, OSError) and exc.errno == errno.ENOSPC):
        return "the disk is full"
    return text


COPY_WAIT = 30.0  # seconds a copy waits for a source another process has locked


def _give_up_after(seconds: float) -> Callable[[int, int, int], None]:
    """A progress callback for ``Connection.backup``, which retries a locked source for ever:
    give up (the copy raises) once it has been busy for ``seconds``."""
    deadline = time.monotonic() + seconds

    def progress(status: int, remaining: int, total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise sqlite3.OperationalError("database is locked")

    return progress


def copy_from(src: sqlite3.Connection, source_name: str, target: Path, *, claimed: bool = False) -> None:
    """What ``src`` reads into an owner-only ``target`` through the backup API, verified.
    ``target`` is created (never over an existing file) unless this attempt already
    ``claimed`` it as an empty file of its own."""
    flags = os.O_WRONLY | (os.O_TRUNC if claimed else os.O_CREAT | os.O_EXCL)
    try:
        os.close(os.open(target, flags, 0o600))
    except OSError as exc:
        raise BackupError(f"Cannot copy {source_name}: {_why(exc)}.") from exc
    try:
        dest = sqlite3.connect(target)
        try:
            src.backup(dest, progress=_give_up_after(COPY_WAIT))
            dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            dest.close()
        problems = check(target)
        if problems:
            raise BackupError(f"The copy of {source_name} failed its integrity check: {problems[0]}.")
    except BaseException as exc:
        target.unlink(missing_ok=True)  # our own unfinished copy, never a user's file
        if isinstance(exc, sqlite3.Error | OSError):
            raise BackupError(f"Cannot copy {source_name}: {_why(exc)}.") from exc
        raise


def _copy(source: Path, target: Path) -> None:
    """``source`` into a new owner-only ``target`` through the backup API, verified."""
    try:
        src = _connect_ro(source)
    except sqlite3.Error as exc:
        raise BackupError(f"Cannot copy {source.name}: {_why(exc)}.") from exc
    try:
        copy_from(src, source.name, target)
    finally:
        src.close()


def _claim(partial: Path, target: Path) -> bool:
    """Give the finished copy ``partial`` the name ``target`` unless that name is taken,
    atomically: a hard link fails on an existing name (no exists()-then-rename race)."""
    try:
        os.link(partial, target)
    except FileExistsError:
        return False
    except OSError:  # no hard links here: claim the name with O_EXCL, then rename over it
        try:
            os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            return False
        os.replace(partial, target)
        return True
    partial.unlink()
    return True


STALE_PARTIAL = timedelta(hours=1)


def sweep_partials(folder: Path, now: datetime, pattern: str = ".*.partial") -> None:
    """Remove temporary copies left by a crash (older than an hour; a running attempt's is
    younger than that)."""
    cutoff = (now - STALE_PARTIAL).timestamp()
    for path in folder.glob(pattern):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff:
                path.unlink()


def make_backup(db_path: Path, reason: str, *, now: datetime | None = None, rotate: bool = True) -> Backup:
    """Write a verified backup of ``db_path`` now; returns it. Raises :class:`BackupError`.

    Safe to run in many processes at once: each copies under its own temporary name, then
    claims the first free final name atomically."""
    if not _REASON.fullmatch(reason):
        raise ValueError(f"bad backup reason {reason!r}")
    now = now or datetime.now(UTC)
    folder = backup_dir(db_path)
    try:
        _private_dir(folder)
    except OSError as exc:
        raise BackupError(f"Cannot create the backup folder {folder}: {exc.strerror}.") from exc
    stamp = _stamp(now)
    sweep_partials(folder, datetime.now(UTC))
    partial = attempt_name(folder, f"{db_path.name}.{stamp}.{reason}")
    _copy(db_path, partial)
    size = partial.stat().st_size
    # Number same-second backups after the highest one made (not into a gap rotation left),
    # so the newest always sorts first.
    created = now.astimezone(UTC).replace(microsecond=0)
    n = max((b.sequence + 1 for b in list_backups(db_path) if b.created == created), default=0)
    try:
        while True:
            target = folder / f"{db_path.name}.{stamp}{f'-{n}' if n else ''}.{reason}.sqlite"
            if _claim(partial, target):
                break
            n += 1  # another process took the name meanwhile
        _fsync_dir(folder)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Cannot name the backup of {db_path.name}: {_why(exc)}.") from exc
    if rotate:
        prune(db_path, now, protect=target)
    logging.getLogger(__name__).info("backup made (%s), %d bytes", reason, size)
    return Backup(target, created, reason, size, n)


def list_backups(db_path: Path) -> list[Backup]:
    """The backups of ``db_path``, newest first."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    pattern = _name_pattern(db_path)
    found: list[Backup] = []
    for path in folder.iterdir():
        m = pattern.fullmatch(path.name)
        if not m:
            continue
        created = datetime.strptime(m["stamp"], "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
        try:
            size = path.stat().st_size
        except FileNotFoundError:  # rotated away by another process just now
            continue
        found.append(Backup(path, created, m["reason"], size, int(m["n"] or 0)))
    found.sort(key=lambda b: (b.created, b.sequence), reverse=True)
    return found


def plan_rotation(created: Sequence[datetime], now: datetime) -> set[int]:
    """Indices of the backups to keep, given their creation instants (pure).

    Kept: the newest always; the newest ``KEEP_RECENT`` of the last 24 hours; the newest of
    each UTC day in the last 7 days; the newest of each ISO week in the last 4 weeks."""
    order = sorted(range(len(created)), key=lambda i: created[i], reverse=True)
    keep = set(order[:1])
    keep.update([i for i in order if now - created[i] < RECENT][:KEEP_RECENT])
    days: set[object] = set()
    weeks: set[object] = set()
    for i in order:
        at, age = created[i].astimezone(UTC), now - created[i]
        if age < DAILY and at.date() not in days:
            days.add(at.date())
            keep.add(i)
        week = at.isocalendar()[:2]
        if age < WEEKLY and week not in weeks:
            weeks.add(week)
            keep.add(i)
    return keep


def prune(db_path: Path, now: datetime, protect: Path | None = None) -> list[Path]:
    """Delete the backups :func:`plan_rotation` does not keep (never ``protect``, the one
    just made); returns their paths."""
    backups = list_backups(db_path)
    keep = plan_rotation([b.created for b in backups], now)
    dropped = [b.path for i, b in enumerate(backups) if i not in keep and b.path != protect]
    for path in dropped:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    return dropped


def newest_good_backup(db_path: Path) -> Backup | None:
    """The newest backup that passes the full check now (:func:`full_check`: an MWMS Desktop
    database, ``integrity_check`` and ``foreign_key_check``), so the one offered never has
    the fault of the file it would replace."""
    for b in list_backups(db_path):
        if not full_check(b.path):
            return b
    return None


def changed_since(db_path: Path, backup: Backup | None) -> bool:
    """Whether the database (or its WAL) was written after ``backup`` was made.

    Commits append to the ``-wal`` file and checkpoints write the main file, so their
    modification times move with every change, from this process or another one. Equal
    times count as a change: an extra backup is cheap, a missed one is not."""
    if backup is None:
        return True
    try:
        made = backup.path.stat().st_mtime_ns
    except FileNotFoundError:
        return True
    for suffix in ("", "-wal"):
        try:
            st = Path(str(db_path) + suffix).stat()
        except FileNotFoundError:
            continue
        if st.st_size and st.st_mtime_ns >= made:
            return True
    return False


def backup_on_open(db_path: Path) -> Backup | None:
    """The start-up backup: once per process and database, and only when the file changed
    since its newest backup."""
    if db_path in _started:
        return None
    _started.add(db_path)
    backups = list_backups(db_path)
    if not changed_since(db_path, backups[0] if backups else None):
        return None
    return make_backup(db_path, "open")


def backup_version(path: Path) -> int:
    """The schema version a backup (or any database file) records."""
    try:
        con = _connect_ro(path)
        try:
            return int(con.execute("PRAGMA user_version").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{path.name} is not a readable database ({exc}).") from exc
