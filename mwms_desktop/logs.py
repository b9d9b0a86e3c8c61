"""The one place logging is configured: a rotating log file in the user's data folder.

It records what happened (start, errors, schema upgrades, backups, restores, imports) and
never what the user typed: no client names, notes or passwords. Exception *messages* are
left out for that reason (ours quote client names), only their type and where they were
raised. Other modules only call ``logging.getLogger(__name__)``.

A crash that Python cannot catch (a segmentation fault in Qt or a C library) leaves the
Python stack of every thread in ``crash.log`` beside it (``faulthandler``: file names,
functions and lines, no values), where the process would otherwise vanish without a word.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
import traceback
from pathlib import Path

from mwms_desktop import __version__, paths

LOG_FILE_NAME = "mwms-desktop.log"
CRASH_FILE_NAME = "crash.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3  # mwms-desktop.log.1 .. .3: at most 4 MB in all
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RotatingFileHandler(logging.FileHandler):
    """``logging.handlers.RotatingFileHandler``'s size rotation, without importing
    ``logging.handlers`` (pickle, socket, queue: some 10 ms of every start-up)."""

    def __init__(self, filename: Path, max_bytes: int, backup_count: int) -> None:
        super().__init__(filename, mode="a", encoding="utf-8", delay=True)
        self.max_bytes = max_bytes
        self.backup_count = backup_count

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._full(record):
                self._rotate()
        except OSError:
            self.handleError(record)
        super().emit(record)

    def _full(self, record: logging.LogRecord) -> bool:
        path = Path(self.baseFilename)
        size = (
            self.stream.tell() if self.stream is not None else (path.stat().st_size if path.exists() else 0)
        )
        return size > 0 and size + len(self.format(record)) + 1 > self.max_bytes

    def _rotate(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None  # reopened by FileHandler.emit
        base = self.baseFilename
        for n in range(self.backup_count - 1, 0, -1):
            if os.path.exists(f"{base}.{n}"):
                os.replace(f"{base}.{n}", f"{base}.{n + 1}")
        os.replace(base, f"{base}.1")
        os.close(os.open(base, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))  # owner-only again


_handler: RotatingFileHandler | None = None


def log_dir() -> Path:
    return paths.data_dir() / "logs"


def log_file() -> Path:
    return log_dir() / LOG_FILE_NAME


def setup(folder: Path | None = None) -> Path | None:
    """Attach the rotating file handler to the root logger (once; again with a new folder
    moves it). Returns the log file, or ``None`` when the folder cannot be written: the app
    runs without a log rather than not at all."""
    global _handler
    target = (folder or log_dir()) / LOG_FILE_NAME
    if _handler is not None:
        if Path(_handler.baseFilename) == target:
            return target
        shutdown()
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))  # owner-only
        handler = RotatingFileHandler(target, MAX_BYTES, BACKUP_COUNT)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    _handler = handler
    logging.getLogger(__name__).info("MWMS Desktop %s, pid %d", __version__, os.getpid())
    _catch_crashes(target.parent / CRASH_FILE_NAME)
    return target


_crash_stream = None


def _catch_crashes(path: Path) -> None:
    """Dump every thread's Python stack to ``path`` on a fatal signal (appended, owner-only;
    the file stays open for the process: the dump is written from the signal handler)."""
    global _crash_stream
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    except OSError:
        return
    stream = os.fdopen(fd, "a", encoding="utf-8")
    faulthandler.enable(file=stream, all_threads=True)
    if _crash_stream is not None:
        _crash_stream.close()
    _crash_stream = stream


def shutdown() -> None:
    global _handler, _crash_stream
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None
    if _crash_stream is not None:  # fatal errors go to the console again, where there is one
        stderr = sys.__stderr__
        if stderr is not None and not stderr.closed:
            faulthandler.enable(file=stderr, all_threads=True)
        else:
            faulthandler.disable()
        _crash_stream.close()
        _crash_stream = None


def current_file() -> Path | None:
    return Path(_handler.baseFilename) if _handler is not None else None


def describe(exc: BaseException) -> str:
    """An exception for the log: its type and the frames it passed, not its message (which may
    quote a client's name)."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))
    return f"{type(exc).__module__}.{type(exc).__qualname__} at {where or '?'}"
