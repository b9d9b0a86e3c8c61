"""Writes meet another process's writes: a service write waits for the lock (IMMEDIATE
transaction + busy timeout) instead of failing at once, and when the lock is held too long
it fails with a typed, plain-language error having written nothing."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from db.models import database
from mwms_desktop.errors import DatabaseError
from tests.factories import dump


def _hold_write_lock(path, seconds: float, ready: threading.Event) -> None:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    ready.set()
    time.sleep(seconds)
    con.execute("ROLLBACK")
    con.close()


def test_a_write_waits_for_another_writer(services):
    """Another connection holds the write lock for 0.5 s: the add waits and commits."""
    ready = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(services.path, 0.5, ready))
    holder.start()
    ready.wait(5)
    started = time.perf_counter()
    card = services.portfolio.add("Waited Ltd")
    waited = time.perf_counter() - started
    holder.join()
    assert services.portfolio.card(card.id).client == "Waited Ltd"
    assert waited >= 0.3


def test_a_lock_held_too_long_is_a_typed_error_and_writes_nothing(services):
    """Past the busy timeout the write gives up: DatabaseError in words, nothing written."""
    services.portfolio.add("Existing")
    before = dump(services.path)
    database.execute_sql("PRAGMA busy_timeout = 100")
    ready = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(services.path, 1.0, ready))
    holder.start()
    ready.wait(5)
    try:
        with pytest.raises(DatabaseError, match="busy: another MWMS Desktop process"):
            services.portfolio.add("Blocked Ltd")
    finally:
        holder.join()
        database.execute_sql("PRAGMA busy_timeout = 5000")
    assert dump(services.path) == before


def test_an_import_meeting_a_held_lock_is_a_typed_error(services, tmp_path):
    """The importer's own transaction translates a lock held too long like every write."""
    from mwms_desktop.bundle import export_bundle, import_bundle

    services.portfolio.add("Bundled")
    export_bundle(tmp_path / "b.json")
    database.execute_sql("PRAGMA busy_timeout = 100")
    ready = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(services.path, 1.0, ready))
    try:
        holder.start()
        ready.wait(5)
        time.sleep(0.05)
        with pytest.raises(DatabaseError, match="busy"):
            import_bundle(services.path, tmp_path / "b.json")
    finally:
        holder.join()
        database.execute_sql("PRAGMA busy_timeout = 5000")
