"""The connection's pragmas: every file the app opens is in WAL with synchronous=FULL and
foreign keys on, on the UI thread and on a worker thread alike."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from db.connection import open_database
from db.models import database


def _pragmas() -> tuple[str, int, int, int]:
    run = lambda name: database.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    return run("journal_mode"), run("synchronous"), run("foreign_keys"), run("busy_timeout")


def test_new_and_existing_rollback_journal_files_open_in_wal(tmp_path: Path) -> None:
    """A new file, and an existing app file left in rollback-journal mode, both run in WAL,
    FULL (2), foreign keys on and a busy timeout, and stay in WAL on disk."""
    path = tmp_path / "p.sqlite"
    open_database(path)
    assert _pragmas() == ("wal", 2, 1, 5000)
    database.close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = delete")
    con.close()
    open_database(path, backup_on_open=False)
    assert _pragmas() == ("wal", 2, 1, 5000)
    database.close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_worker_thread_connection_has_the_same_pragmas(services) -> None:
    """peewee opens one connection per thread: a worker's gets the same settings."""
    seen: list[tuple[str, int, int, int]] = []

    def work() -> None:
        seen.append(_pragmas())
        database.close()

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert seen == [("wal", 2, 1, 5000)]
