"""One window per database: an advisory lock on ``<db>.lock`` beside the file.

Why a lock at all, when SQLite already makes concurrent writes safe (WAL, a busy timeout,
one transaction per write)? Two windows on one file would each show a board that silently
goes stale while the other edits, and a restore in one would change the database under the
other's board. So the window holds this lock for as long as it is open, and so do restore
and recovery while they work; a second window is told the database is already open.
Short CLI commands that read or write do not take it: SQLite keeps them safe, restore
included (it copies the backup into the live file under SQLite's own write lock, see
``db/restore.py``), and the window shows their changes when it next reloads.

The lock is the operating system's (``flock`` on POSIX, ``msvcrt.locking`` on Windows), so
it vanishes with the process that held it, even after a crash or SIGKILL; the file itself
is left in place and only records the holder's process id for the message.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from db.errors import DatabaseLocked

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


# Windows locks byte ranges and forbids reading a locked one: lock a byte past the pid text.
_WIN_LOCK_OFFSET = 1024
_held: dict[Path, DatabaseLock] = {}


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


class DatabaseLock:
    """The lock of one database file, held by this process until :meth:`release`."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path).resolve()
        self.path = lock_path(self.db_path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> DatabaseLock:
        """Take the lock or raise :class:`DatabaseLocked` naming the holder's process id."""
        if self._fd is not None:
            return self
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise DatabaseLocked(
                f"Cannot create the lock file {self.path}: {exc.strerror}.", self.db_path, None
            ) from exc
        if not _try_lock(fd):
            pid = _read_pid(fd)
            os.close(fd)
            who = f" (process {pid})" if pid else ""
            raise DatabaseLocked(
                f"{self.db_path.name} is already open in another MWMS Desktop window{who}.",
                self.db_path,
                pid,
            )
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        _held[self.db_path] = self
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        _held.pop(self.db_path, None)
        with contextlib.suppress(OSError):
            _unlock(fd)
        os.close(fd)

    def __enter__(self) -> DatabaseLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_pid(fd: int) -> int | None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 32).decode("ascii", "replace").strip()
        return int(text) if text.isdigit() else None
    except OSError:
        return None


def held_lock(db_path: Path) -> DatabaseLock | None:
    """The lock this process holds on ``db_path``, if any."""
    return _held.get(Path(db_path).resolve())


@contextlib.contextmanager
def exclusive(db_path: Path):
    """Hold the database's lock for a block: reuse this process's own lock (the window
    restoring a backup), or take it, refusing if another process holds it."""
    own = held_lock(db_path)
    if own is not None:
        yield own
        return
    with DatabaseLock(db_path) as lock:
        yield lock
