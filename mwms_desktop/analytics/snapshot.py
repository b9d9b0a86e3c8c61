"""Two connections reading one snapshot of the database, so the analytics read the move log
and the check-ins on a second core while the engagements are read on the first (Python's
sqlite3 leaves the GIL while a statement steps).

``paired(con, path)`` opens one read transaction on ``con`` and one on a second, read-only
connection to the same file, and makes sure both see the same committed state: the database
is in WAL mode, where a read transaction sees the database as it was when it began, so the
two must begin with no commit between them. ``PRAGMA data_version`` on the second
connection changes when another connection commits: taken before ``con``'s transaction
begins and again inside the second's, an equal value means no commit came between (``con``
itself is in a read transaction and cannot commit). A commit that does slip in makes it try
again; when pairing cannot be arranged (``con`` already in a transaction, a database not in a
file, a file SQLite will not open twice) it yields None and the caller reads everything on
``con``, in its one read transaction. Either way every read is of one snapshot.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

ATTEMPTS = 3  # a commit between the two beginnings is rare: then at most this many tries
_FIRST_READ = "SELECT 1 FROM sqlite_schema LIMIT 1"  # a read: the transaction's snapshot starts


def _version(con: sqlite3.Connection) -> int:
    return con.execute("PRAGMA data_version").fetchone()[0]


def _begin(con: sqlite3.Connection) -> None:
    con.execute("BEGIN")
    con.execute(_FIRST_READ).fetchall()


def _end(con: sqlite3.Connection) -> None:
    if con.in_transaction:
        con.execute("COMMIT")  # a read transaction: nothing to write


def _second(path: str) -> sqlite3.Connection | None:
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    try:
        other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error:
        return None
    try:
        other.execute("PRAGMA query_only = 1")  # it only reads
        other.execute("PRAGMA busy_timeout = 5000")
        if other.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            other.close()  # outside WAL a reader blocks writers: not worth pairing
            return None
    except sqlite3.Error:
        other.close()
        return None
    return other


@contextmanager
def paired(con: sqlite3.Connection, path: str) -> Iterator[sqlite3.Connection | None]:
    """``con`` in a read transaction, and a second connection reading the same snapshot (or
    None: read on ``con`` alone). Both transactions end, and the second connection closes,
    on leaving."""
    if con.in_transaction:  # the caller's transaction is the snapshot: read in it, alone
        yield None
        return
    other = _second(path)
    try:
        for _ in range(ATTEMPTS if other is not None else 0):
            before = _version(other)  # type: ignore[union-attr]
            _begin(con)
            _begin(other)  # type: ignore[arg-type]
            if _version(other) == before:  # type: ignore[arg-type]
                break
            _end(other)  # type: ignore[arg-type]
            _end(con)
        else:
            if other is not None:
                other.close()
                other = None
            _begin(con)
        yield other
    finally:
        if other is not None:
            _end(other)
            other.close()
        _end(con)


class Job:
    """``works``, each ``work(con)``, one after the other on a thread of its own when there is
    a second connection (``result(n)`` waits for the n-th only), else each on ``fallback``
    when its result is asked for."""

    def __init__(self, works: Sequence[Callable[[sqlite3.Connection], Any]],
                 con: sqlite3.Connection | None, fallback: sqlite3.Connection) -> None:  # fmt: skip
        self._works, self._fallback = works, fallback
        self._results: list[Any] = []
        self._error: BaseException | None = None
        self._done = threading.Condition()
        self._thread: threading.Thread | None = None
        if con is not None:
            self._thread = threading.Thread(target=self._run, args=(con,), name="mwms-analytics-read")
            self._thread.start()

    def _run(self, con: sqlite3.Connection) -> None:
        try:
            for work in self._works:
                got = work(con)
                with self._done:
                    self._results.append(got)
                    self._done.notify_all()
        except BaseException as exc:  # raised again on the asking thread
            with self._done:
                self._error = exc
                self._done.notify_all()

    def join(self) -> None:
        """Wait for the thread (before its connection closes), whatever it did."""
        if self._thread is not None:
            self._thread.join()

    def result(self, n: int) -> Any:
        if self._thread is None:
            while len(self._results) <= n:
                self._results.append(self._works[len(self._results)](self._fallback))
            return self._results[n]
        with self._done:
            self._done.wait_for(lambda: len(self._results) > n or self._error is not None)
            if len(self._results) > n:
                return self._results[n]
        raise self._error  # type: ignore[misc]
