"""A restore that cannot finish leaves the database as it was, and a restore never replaces
something that is not a database file."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from db import backup as db_backup
from db import restore as db_restore
from db.errors import BackupError
from mwms_desktop import maintenance
from mwms_desktop.errors import DatabaseError
from mwms_desktop.services import open_services


def test_a_restore_whose_copy_aside_fails_changes_nothing(services, monkeypatch):
    """The current content cannot be kept aside (say the disk filled up): the restore is
    refused, the half-copied backup pages are rolled back, nothing named .replaced- is left,
    and the open services still read the current data."""
    services.portfolio.add("Before backup")
    good = maintenance.backup_now(services.path)
    services.portfolio.add("After backup")

    def full_disk(*args, **kwargs):
        raise BackupError("Cannot copy portfolio.sqlite: the disk is full.")

    monkeypatch.setattr(db_restore, "copy_from", full_disk)
    with pytest.raises(DatabaseError, match="the disk is full"):
        maintenance.restore(services.path, good)
    monkeypatch.undo()
    folder = services.path.parent
    assert not [p for p in folder.iterdir() if ".replaced-" in p.name]
    assert {c.client for c in services.portfolio.cards()} == {"Before backup", "After backup"}
    assert maintenance.check(services.path).ok


def test_a_failed_final_rename_puts_the_damaged_file_back(services, monkeypatch):
    """Recovering a damaged file: the backup cannot be renamed into place, so the damaged
    file (and its WAL) returns to its name byte for byte, and no copy is left behind."""
    services.portfolio.add("Before backup")
    good = maintenance.backup_now(services.path)
    path = services.path
    services.close()
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    damaged = path.read_bytes()
    real_replace = os.replace

    def failing_replace(src, dst):
        if ".restoring." in str(src):
            raise PermissionError(13, "Permission denied")
        return real_replace(src, dst)

    monkeypatch.setattr(db_restore.os, "replace", failing_replace)
    with pytest.raises(DatabaseError, match="was left as it was"):
        maintenance.restore(path, good)
    monkeypatch.undo()
    assert path.read_bytes() == damaged
    assert not [p for p in path.parent.iterdir() if ".damaged-" in p.name or ".restoring" in p.name]


def test_restore_refuses_a_folder_in_place_of_the_database(tmp_path: Path, services):
    services.portfolio.add("Acme")
    good = maintenance.backup_now(services.path)
    folder = tmp_path / "Clients"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(DatabaseError, match="not a database file"):
        maintenance.restore(folder, good)
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert not list(tmp_path.glob("Clients.*-*"))


def test_two_databases_sharing_a_stem_keep_their_own_backups(tmp_path: Path, clock):
    """mwms.sqlite and mwms.db in one folder: each lists, rotates and recovers only its own
    backups, and an old-style name (``mwms.<stamp>…``), which could be either's, is neither's."""
    from mwms_desktop.services import open_services

    a, b = tmp_path / "mwms.sqlite", tmp_path / "mwms.db"
    for path, client in ((a, "From sqlite"), (b, "From db")):
        s = open_services(path, clock=clock)
        s.portfolio.add(client)
        s.close()
        maintenance.backup_now(path)
    legacy = db_backup.backup_dir(a) / "mwms.20261101-080000.manual.sqlite"
    legacy.write_bytes(maintenance.list_backups(a)[0].path.read_bytes())
    assert [x.path.name.split(".2026")[0] for x in maintenance.list_backups(a)] == ["mwms.sqlite"]
    assert [x.path.name.split(".2026")[0] for x in maintenance.list_backups(b)] == ["mwms.db"]


def test_an_old_style_backup_name_still_counts_for_a_lone_database(tmp_path: Path, services):
    """Backups made before the names carried the whole file name are still listed, when no
    other database beside it shares the stem."""
    services.portfolio.add("Acme")
    made = maintenance.backup_now(services.path)
    stem = services.path.stem
    legacy = made.path.with_name(f"{stem}.20261101-080000.manual.sqlite")
    legacy.write_bytes(made.path.read_bytes())
    assert legacy in [x.path for x in maintenance.list_backups(services.path)]


def _page_size_copy(source: Path, target: Path, page_size: int) -> None:
    con = sqlite3.connect(target)
    con.execute(f"PRAGMA page_size = {page_size}")
    src = sqlite3.connect(source)
    src.backup(con)
    src.close()
    con.execute(f"PRAGMA page_size = {page_size}")
    con.execute("VACUUM")
    con.close()


def test_a_backup_with_another_page_size_is_restored(services, tmp_path: Path):
    """A WAL file cannot change its page size: the backup is brought to the live file's
    first, instead of the copy failing with 'attempt to write a readonly database'."""
    services.portfolio.add("In the backup")
    made = maintenance.backup_now(services.path)
    services.portfolio.add("Later")
    small = tmp_path / "small-pages.sqlite"
    _page_size_copy(made.path, small, 1024)
    maintenance.restore(services.path, small)
    assert [c.client for c in services.portfolio.cards()] == ["In the backup"]
    assert maintenance.check(services.path).ok
    assert not [p for p in tmp_path.iterdir() if ".restoring" in p.name]


def test_a_file_in_rollback_journal_mode_is_restored_without_waiting_for_ever(services, tmp_path: Path):
    """Outside WAL mode the copy's lock would shut out the reader that keeps the current
    content aside: the live file is switched to WAL first (as every open does anyway)."""
    services.portfolio.add("In the backup")
    made = maintenance.backup_now(services.path)
    services.portfolio.add("Later")
    path = services.path
    services.close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
    con.close()
    started = time.monotonic()
    result = maintenance.restore(path, made)
    assert time.monotonic() - started < 20
    assert _clients(path) == {"In the backup"}
    assert _clients(result.moved_aside[0]) == {"In the backup", "Later"}


def test_an_older_backup_is_upgraded_as_it_is_restored(tmp_path: Path):
    """A schema-1 backup restored by the CLI (nothing open in its process) is upgraded in a
    scratch copy first, so the live file never holds an old schema that another process
    could find; the scratch folder goes afterwards."""
    from db.migrations import SCHEMA_VERSION

    old = tmp_path / "old.sqlite"
    con = sqlite3.connect(old)
    con.executescript((Path(__file__).parent / "data" / "schema_v1.sql").read_text())
    con.close()
    live = tmp_path / "live.sqlite"
    s = open_services(live)
    s.portfolio.add("Now")
    s.close()
    maintenance.restore(live, old)
    con = sqlite3.connect(live)
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        con.close()
    assert maintenance.check(live).ok
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert [b.reason for b in maintenance.list_backups(live)] == []


def _clients(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {row[0] for row in con.execute("SELECT client FROM engagement")}
    finally:
        con.close()
