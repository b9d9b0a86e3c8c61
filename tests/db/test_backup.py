"""Backups: made with the online API and verified, owner-only, rotated, listed, restored
without losing the file they replace, made automatically on open, before migrations and
on the window's timer only when something changed; one window per database."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from db import backup as db_backup
from db.connection import close_database, open_database
from mwms_desktop import maintenance
from mwms_desktop.errors import DatabaseError, DatabaseInUse
from mwms_desktop.services import open_services

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _clients(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute("SELECT client FROM engagement ORDER BY id")]
    finally:
        con.close()


def test_backup_is_a_verified_owner_only_snapshot(services):
    """A backup holds what was committed, passes integrity_check, needs no -wal beside it,
    and is readable by its owner only, in an owner-only folder."""
    services.portfolio.add("Acme Ltd")
    b = maintenance.backup_now(services.path)
    assert b.path.parent == services.path.parent / "backups"
    assert b.reason == "manual"
    assert _clients(b.path) == ["Acme Ltd"]
    assert db_backup.check(b.path) == []
    assert not Path(str(b.path) + "-wal").exists()
    assert _mode(b.path) == 0o600
    assert _mode(b.path.parent) == 0o700
    assert maintenance.list_backups(services.path) == [b]


def test_list_is_newest_first_and_ignores_other_files(services):
    """Only this database's finished backups are listed, newest first; same-second
    backups get distinct names."""
    first = db_backup.make_backup(services.path, "manual", now=NOW, rotate=False)
    second = db_backup.make_backup(services.path, "auto", now=NOW, rotate=False)
    third = db_backup.make_backup(services.path, "auto", now=NOW + timedelta(minutes=5), rotate=False)
    folder = first.path.parent
    (folder / f".{first.name}.partial").write_bytes(b"half")
    (folder / "other.20261102-090000.manual.sqlite").write_bytes(b"x")
    assert first.path != second.path
    assert [b.path for b in maintenance.list_backups(services.path)] == [third.path, second.path, first.path]


def _ages(*hours: float) -> list[datetime]:
    return [NOW - timedelta(hours=h) for h in hours]


def test_rotation_keeps_ten_recent_then_dailies_then_weeklies():
    """Hourly backups over 40 days up to Monday 2026-11-02 09:00: the newest 10, the newest
    of each UTC day younger than 7 days, the newest of each ISO week younger than 4 weeks."""
    created = _ages(*range(0, 40 * 24))
    keep = {created[i] for i in db_backup.plan_rotation(created, NOW)}

    def at(month: int, day: int, hour: int) -> datetime:
        return datetime(2026, month, day, hour, tzinfo=UTC)

    recent = set(_ages(*range(10)))  # 09:00 back to 00:00 today
    dailies = {at(11, 1, 23)} | {at(10, d, 23) for d in range(26, 32)}  # Oct 26 23:00 is 6.4 days old
    weeklies = {at(10, 25, 23), at(10, 18, 23), at(10, 11, 23)}  # Sundays end the ISO weeks
    assert keep == recent | dailies | weeklies


def test_rotation_always_keeps_the_newest_and_thins_a_burst():
    """Fifty backups within an hour keep only ten; one ancient backup alone is still kept."""
    burst = [NOW - timedelta(minutes=m) for m in range(50)]
    assert db_backup.plan_rotation(burst, NOW) == set(range(10))
    assert db_backup.plan_rotation(_ages(24 * 365), NOW) == {0}


def test_prune_deletes_only_what_rotation_drops(services):
    """Pruning removes dropped backup files and leaves everything else in the folder."""
    made = [
        db_backup.make_backup(services.path, "auto", now=NOW - timedelta(days=d), rotate=False)
        for d in (0, 1, 2, 40, 41)
    ]
    stray = made[0].path.parent / "notes.txt"
    stray.write_text("mine")
    dropped = db_backup.prune(services.path, NOW)
    assert sorted(dropped) == sorted([made[3].path, made[4].path])
    assert [b.path for b in maintenance.list_backups(services.path)] == [b.path for b in made[:3]]
    assert stray.exists()


def test_restore_puts_the_backup_back_and_keeps_the_replaced_file(services):
    """Restore brings back the backed-up state in the open services; the file it replaced,
    with its latest changes, is kept aside owner-only, not overwritten or deleted."""
    services.portfolio.add("Before")
    b = maintenance.backup_now(services.path)
    services.portfolio.add("After")
    result = maintenance.restore(services.path, b)
    assert [c.client for c in services.portfolio.cards()] == ["Before"]
    (aside,) = [p for p in result.moved_aside if p.name.endswith(tuple("0123456789"))]
    assert ".replaced-" in aside.name
    assert _mode(aside) == 0o600
    assert _clients(aside) == ["Before", "After"]
    services.portfolio.add("Later")  # the reopened database takes writes
    assert _clients(services.path) == ["Before", "Later"]


def test_restore_by_name_from_another_process_view(services):
    """find_backup accepts the listed name; an unknown name is a clear error."""
    b = maintenance.backup_now(services.path)
    assert maintenance.find_backup(services.path, b.name) == b.path
    with pytest.raises(DatabaseError, match=r"No backup 'nope\.sqlite'"):
        maintenance.find_backup(services.path, "nope.sqlite")


def test_restore_refuses_a_damaged_backup_and_changes_nothing(services, tmp_path):
    """A backup that fails its integrity check is refused before the database is touched."""
    services.portfolio.add("Kept")
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    with pytest.raises(DatabaseError):
        maintenance.restore(services.path, bad)
    assert [c.client for c in services.portfolio.cards()] == ["Kept"]
    assert not list(services.path.parent.glob("*.replaced-*"))


def test_open_backs_up_a_changed_file_once_per_process(tmp_path):
    """Opening an existing file that changed since its newest backup makes one 'open'
    backup; opening it again in the same process does not."""
    path = tmp_path / "p.sqlite"
    s = open_services(path)
    s.portfolio.add("Acme")
    s.close()
    assert maintenance.list_backups(path) == []  # a new file: nothing worth keeping yet
    open_services(path).close()
    (b,) = maintenance.list_backups(path)
    assert b.reason == "open"
    assert _clients(b.path) == ["Acme"]
    open_services(path).close()
    assert len(maintenance.list_backups(path)) == 1


def test_unchanged_file_gets_no_new_open_backup(tmp_path):
    """A file not written since its newest backup is not backed up again on open."""
    path = tmp_path / "p.sqlite"
    s = open_services(path)
    s.portfolio.add("Acme")
    s.close()
    maintenance.backup_now(path)
    open_services(path).close()
    assert [b.reason for b in maintenance.list_backups(path)] == ["manual"]


def test_migration_backs_up_into_the_backups_folder(tmp_path):
    """Upgrading an old file first makes a verified 'schema1' backup in backups/, and no
    stray copy beside the database."""
    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path)
    con.executescript((Path(__file__).parent / "data" / "schema_v1.sql").read_text())
    con.close()
    open_database(path)
    close_database()
    (b,) = maintenance.list_backups(path)
    assert b.reason == "schema1"
    assert db_backup.backup_version(b.path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backups", "old.sqlite"]


def test_maybe_backup_only_after_the_interval_and_a_change(services):
    """The timer's backup: none within 30 minutes of the last one, none without a change,
    one when both the interval passed and the file changed."""
    services.portfolio.add("Acme")
    first = maintenance.maybe_backup(services.path, now=NOW)
    assert first is not None
    assert first.reason == "auto"
    assert maintenance.maybe_backup(services.path, now=NOW + timedelta(hours=1)) is None  # unchanged
    time.sleep(0.01)
    services.portfolio.add("Beta")
    assert maintenance.maybe_backup(services.path, now=NOW + timedelta(minutes=10)) is None  # too soon
    second = maintenance.maybe_backup(services.path, now=NOW + timedelta(minutes=31))
    assert second is not None
    assert _clients(second.path) == ["Acme", "Beta"]


def test_second_window_is_told_the_database_is_in_use(services):
    """The window lock: a second holder is refused with DatabaseInUse naming the process;
    after release it can be taken again. Restore by the holder itself is allowed."""
    lock = maintenance.lock_window(services.path)
    try:
        with pytest.raises(DatabaseInUse, match="already open in another MWMS Desktop window"):
            maintenance.lock_window(services.path)
        b = maintenance.backup_now(services.path)
        maintenance.restore(services.path, b)  # the window restoring its own database
    finally:
        lock.release()
    maintenance.lock_window(services.path).release()
    assert _mode(Path(str(services.path) + ".lock")) == 0o600


_HOLD = """
import sys, time
from db.lock import DatabaseLock
lock = DatabaseLock(sys.argv[1]).acquire()
print("held", flush=True)
time.sleep(30)
"""


def test_lock_held_by_another_process_refuses_restore(services):
    """Another process holding the lock (an open window) blocks restore with DatabaseInUse
    naming its pid, and the lock goes when that process dies, even by SIGKILL."""
    b = maintenance.backup_now(services.path)
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(services.path)], cwd=root, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "held"
        with pytest.raises(DatabaseInUse, match=f"process {proc.pid}") as info:
            maintenance.restore(services.path, b)
        assert info.value.pid == proc.pid
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    maintenance.restore(services.path, b)


def test_a_burst_of_backups_never_rotates_away_the_new_one(services):
    """Fifteen backups within one second: each call returns a file that exists (found by
    the property tests: a name reused from a rotated gap sorted below older ones)."""
    for _ in range(15):
        b = db_backup.make_backup(services.path, "import", now=NOW)
        assert b.path.exists()
        assert maintenance.list_backups(services.path)[0] == b
    assert len(maintenance.list_backups(services.path)) == 10


# Each process waits for the same instant, then runs one CLI command: they collide on
# purpose, within the same second.
_AT_ONCE = """
import sys, time
from mwms_desktop.cli import main
at = float(sys.argv[1])
time.sleep(max(0.0, at - time.time()))
sys.exit(main(sys.argv[2:]))
"""


def _at_once(commands: list[list[str]]) -> list[subprocess.CompletedProcess[str]]:
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    at = int(time.time()) + 3.0  # a whole second, once every process has started
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    procs = [
        subprocess.Popen([sys.executable, "-c", _AT_ONCE, str(at), *argv], cwd=root, env=env, **pipes)
        for argv in commands
    ]
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


def test_twelve_parallel_backups_all_succeed_with_distinct_verified_files(services):
    """Twelve `backup` commands in the same second (they used to share one temporary name:
    eleven failed with I/O errors or a traceback). Each reports its own file; rotation then
    keeps the newest ten of them, each sound; no temporary file is left."""
    services.portfolio.add("Acme")
    path = services.path
    services.close()
    done = _at_once([["--db", str(path), "backup"] for _ in range(12)])
    assert [(d.returncode, d.stderr) for d in done] == [(0, "")] * 12
    made = [Path(d.stdout.strip().removeprefix("Backed up to ")) for d in done]
    assert len(set(made)) == 12
    kept = maintenance.list_backups(path)
    assert len(kept) >= db_backup.KEEP_RECENT
    assert {b.path for b in kept} <= set(made)
    for b in kept:
        assert db_backup.check(b.path) == []
        assert _clients(b.path) == ["Acme"]
        assert _mode(b.path) == 0o600
    assert not list(db_backup.backup_dir(path).glob(".*"))


def test_parallel_adds_and_imports_back_up_without_a_warning(services, tmp_path):
    """Six `add`s (each makes a start-up backup of the changed file) and four `import`s (each
    backs up first) at once: none warns or is refused."""
    services.portfolio.add("Acme")
    bundle = tmp_path / "b.json"
    from mwms_desktop.bundle import export_bundle

    export_bundle(bundle)
    path = services.path
    services.close()
    other = tmp_path / "other.sqlite"
    s = open_services(other)
    s.portfolio.add("Seed")
    s.close()
    adds = [["--db", str(other), "add", f"Client {n}"] for n in range(6)]
    imports = [["--db", str(other), "import", str(bundle)] for _ in range(4)]
    done = _at_once(adds + imports)
    assert [(d.returncode, d.stderr) for d in done] == [(0, "")] * 10
    s = open_services(other)
    try:
        clients = sorted(c.client for c in s.portfolio.cards())
    finally:
        s.close()
    assert clients == sorted(["Acme", "Seed", *(f"Client {n}" for n in range(6))])
    assert path.exists()


def test_without_hard_links_backups_still_claim_distinct_names(services, monkeypatch):
    """A file system without hard links: the final name is claimed with O_EXCL instead,
    so same-second backups still each get their own name and none is overwritten."""

    def no_links(src, dst):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(db_backup.os, "link", no_links)
    made = [db_backup.make_backup(services.path, "manual", now=NOW, rotate=False) for _ in range(3)]
    assert len({b.path for b in made}) == 3
    for b in made:
        assert db_backup.check(b.path) == []
    assert not list(db_backup.backup_dir(services.path).glob(".*"))


def test_a_crashed_attempts_temporary_copy_is_swept_later(services):
    """A copy left by a crash (an hour old) is removed by the next backup; one that may
    belong to an attempt running now is not."""
    folder = db_backup.backup_dir(services.path)
    maintenance.backup_now(services.path)
    stale, fresh = folder / ".old.1-aa.partial", folder / ".new.2-bb.partial"
    for p in (stale, fresh):
        p.write_bytes(b"half")
    hour_ago = time.time() - 2 * 3600
    os.utime(stale, (hour_ago, hour_ago))
    maintenance.backup_now(services.path)
    assert not stale.exists()
    assert fresh.exists()
