"""The connection: every file the app opens is in WAL with synchronous=FULL and
foreign keys on, on the UI thread and on a worker thread alike; read-only files and
folders (run as an ordinary user, since permission bits do not stop root) leave nothing that
breaks later writes, and are checked without a problem."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

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


# --- read-only files and folders (issue 10, item 10) --------------------------------------

ROOT = Path(__file__).resolve().parents[2]
NOBODY = 65534
# Run the CLI as an unprivileged user: permission bits do not stop root. Python and the
# modules the commands need are loaded first, as root (the interpreter may live where
# nobody can read), then the process drops to nobody.
_AS_USER = """
import datetime, json, os, sqlite3, sys, _strptime
datetime.datetime.strptime("20260101-000000", "%Y%m%d-%H%M%S")
import mwms_desktop.cli as cli, mwms_desktop.maintenance, mwms_desktop.services, mwms_desktop.validate
if os.geteuid() == 0:
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
sys.exit(cli.main(sys.argv[1:]))
"""


def _as_user(*argv: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MWMS_DESKTOP_DATA_DIR": str(data / "userdata")}
    return subprocess.run(
        [sys.executable, "-c", _AS_USER, *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def user_folder() -> Iterator[Path]:
    """A folder the unprivileged user owns (outside pytest's root-only tmp folders)."""
    folder = Path(tempfile.mkdtemp(prefix="mwms-perm-", dir="/tmp"))
    folder.chmod(0o755)
    if os.geteuid() == 0:
        os.chown(folder, NOBODY, NOBODY)
    try:
        yield folder
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_wal_and_shm_left_read_only_get_the_files_mode_again(tmp_path: Path) -> None:
    """A read-only (0400) file opened once leaves -wal/-shm behind at 0400 (SQLite copies the
    file's mode and a read-only connection cannot remove them); once the file is writable
    again, opening it gives them the file's mode, so writes do not fail."""
    path = tmp_path / "p.sqlite"
    open_database(path)
    database.close()
    path.chmod(0o400)
    con = sqlite3.connect(path.as_uri() + "?mode=ro", uri=True)
    con.execute("SELECT count(*) FROM engagement").fetchall()
    con.close()
    sides = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    assert [_mode(p) for p in sides] == [0o400, 0o400]
    path.chmod(0o600)
    open_database(path, backup_on_open=False)
    try:
        assert [_mode(p) for p in sides] == [0o600, 0o600]
    finally:
        database.close()


@posix_only
def test_a_0400_database_opened_once_is_writable_after_chmod_600(user_folder: Path) -> None:
    """As an ordinary user: `list` on a 0400 database, `chmod 600`, then `add` saves."""
    path = user_folder / "p.sqlite"
    assert _as_user("--db", str(path), "add", "Acme", data=user_folder).returncode == 0
    path.chmod(0o400)
    listed = _as_user("--db", str(path), "list", data=user_folder)
    assert listed.returncode == 0, listed.stderr
    path.chmod(0o600)
    added = _as_user("--db", str(path), "add", "Beta", data=user_folder)
    assert (added.returncode, added.stderr) == (0, "")
    assert "Added engagement 2: Beta" in added.stdout


@posix_only
def test_check_of_a_sound_file_in_a_read_only_folder(user_folder: Path) -> None:
    """As an ordinary user, a sound database in a folder they may not write: `check` says it
    is sound (it reads without a -wal/-shm it could not create) and leaves nothing behind."""
    path = user_folder / "p.sqlite"
    assert _as_user("--db", str(path), "add", "Acme", data=user_folder).returncode == 0
    assert not Path(f"{path}-wal").exists()
    user_folder.chmod(0o555)
    before = sorted(p.name for p in user_folder.iterdir())
    checked = _as_user("--db", str(path), "check", data=user_folder)
    assert (checked.returncode, checked.stderr) == (0, "")
    assert checked.stdout == f"{path}: integrity and references are sound.\n"
    assert sorted(p.name for p in user_folder.iterdir()) == before
