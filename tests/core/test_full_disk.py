"""A full disk is reported as a full disk, and nothing is lost.

When SQLite meets a full disk it may roll the transaction back by itself; the ROLLBACK the
transaction wrapper then sends fails ("cannot rollback - no transaction is active"), and
that error used to be the one reported. Two ways to fill the disk: SQLite's own page limit
(``PRAGMA max_page_count``, deterministic, anywhere) and a real 2 MB tmpfs (root only).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from db.models import Engagement, database
from mwms_desktop.bundle import export_bundle, import_bundle
from mwms_desktop.errors import DatabaseError
from mwms_desktop.services import open_services

ROOT = Path(__file__).resolve().parents[2]
FULL = "The disk is full. Nothing was saved; free some space and try again."


def _cap_pages() -> None:
    """This connection may not grow the file by one more page: SQLITE_FULL."""
    pages = database.execute_sql("PRAGMA page_count").fetchone()[0]
    database.execute_sql(f"PRAGMA max_page_count = {pages}")


def _add_until_refused(services) -> None:
    for n in range(200):  # the first page that does not fit ends it
        services.portfolio.add(f"Client {n} " + "x" * 150)


def test_a_full_database_says_the_disk_is_full_and_keeps_what_was_there(services):
    services.portfolio.add("Kept")
    _cap_pages()
    with pytest.raises(DatabaseError) as info:
        _add_until_refused(services)
    assert str(info.value) == FULL
    database.execute_sql("PRAGMA max_page_count = 1073741823")
    clients = [c.client for c in services.portfolio.cards()]
    assert clients[0] == "Kept"
    assert all(c == "Kept" or c.startswith("Client ") for c in clients)
    assert database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_an_import_onto_a_full_disk_says_so_and_imports_nothing(tmp_path):
    source = open_services(tmp_path / "source.sqlite")
    for n in range(60):
        source.portfolio.add(f"Imported {n} " + "y" * 150)
    export_bundle(tmp_path / "b.json")
    source.close()
    services = open_services(tmp_path / "target.sqlite")
    services.portfolio.add("Kept")
    _cap_pages()
    with pytest.raises(DatabaseError) as info:
        import_bundle(services.path, tmp_path / "b.json")
    assert str(info.value) == FULL
    assert [e.client for e in Engagement.select()] == ["Kept"]
    services.close()


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 2 MB tmpfs, or a skip saying why there is none."""
    mount = tmp_path / "small"
    mount.mkdir()
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "mwms_desktop", "--db", str(db), *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_add_and_import_on_a_full_tmpfs_say_the_disk_is_full(small_disk: Path, tmp_path: Path):
    db = small_disk / "m.sqlite"
    assert _cli(db, "demo").returncode == 0
    bundle = tmp_path / "b.json"
    assert _cli(db, "export", str(bundle)).returncode == 0
    other = tmp_path / "other.sqlite"
    assert _cli(other, "import", str(bundle)).returncode == 0
    assert _cli(other, "add", "New on the other laptop").returncode == 0
    assert _cli(other, "export", str(bundle)).returncode == 0
    holder = sqlite3.connect(db)  # keeps -wal and -shm in place, as an open window does
    holder.execute("SELECT count(*) FROM engagement").fetchone()
    before = holder.execute("SELECT count(*) FROM engagement").fetchone()[0]
    try:
        fd = os.open(small_disk / "filler", os.O_CREAT | os.O_WRONLY, 0o600)
        try:  # every byte that is left
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        add = _cli(db, "add", "Client " + "x" * 150)
        imported = _cli(db, "import", str(bundle))
    finally:
        (small_disk / "filler").unlink(missing_ok=True)
    assert add.returncode == 1
    assert f"mwms-desktop: {FULL}" in add.stderr.splitlines()
    assert imported.returncode == 1
    assert "the disk is full" in imported.stderr.lower(), imported.stderr
    assert "no transaction is active" not in add.stderr + imported.stderr
    assert holder.execute("SELECT count(*) FROM engagement").fetchone()[0] == before
    holder.close()
    assert _cli(db, "check").returncode == 0
