"""The board's first read, started before the window needs it.

Opening the window imports Qt and the widgets (some 0.1–0.2 s) on the main thread while the
second core idles. The quick integrity check already runs on a worker (db/connection.py);
the board's bulk read runs on another, beside it, so the window finds its cards read when
it asks for them (at 50,000 engagements the check and the read each take longer than the
imports: one after the other they would keep the window waiting). It is a read only:
nothing is written, and the read is handed over only once the check passed.

The window watches for other programs' commits from before its first read (ui/board_follow.py).
A read made ahead would slip a commit between it and that watch, so it is handed over only
if nothing else committed since it began (``PRAGMA data_version`` on the asking thread's
connection, taken when the read was started); else the caller reads afresh.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from peewee import PeeweeException

from db.connection import check_passed, data_version
from db.models import database

T = TypeVar("T")
log = logging.getLogger(__name__)


class ReadAhead(Generic[T]):
    """``read()`` on a worker thread with its own connection; taken only once the quick
    check passed."""

    def __init__(self, read: Callable[[], T]) -> None:
        self._thread_id = threading.get_ident()
        self._version: int | None
        try:
            self._version = data_version()
        except (sqlite3.Error, PeeweeException):  # busy: the window reads afresh, and says so
            self._version = None
        self._result: T | None = None
        self._worker = threading.Thread(target=self._run, args=(read,), name="mwms-read-ahead", daemon=True)
        self._worker.start()

    def _run(self, read: Callable[[], T]) -> None:
        try:
            self._result = read()
        except Exception as exc:  # busy, damaged, a bad row: the caller reads
            # again on its own thread and reports it as it always did; nothing printed here
            log.debug("read ahead failed: %s", type(exc).__name__)
        finally:
            if not database.is_closed():
                database.close()  # this thread's connection only

    def wait(self) -> None:
        """Until the worker is done and its connection closed."""
        self._worker.join()

    def take(self) -> T | None:
        """The read, if it is still what the database holds; None: read afresh. Asked on the
        thread that started it (its connection's data_version is the comparison)."""
        self._worker.join()
        stale = self._version is None or self._result is None
        if threading.get_ident() != self._thread_id or stale or not check_passed():
            return None
        try:
            if data_version() != self._version:
                return None
        except (sqlite3.Error, PeeweeException):
            return None
        result, self._result = self._result, None
        return result
