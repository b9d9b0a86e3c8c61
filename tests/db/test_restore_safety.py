"""A restore that cannot finish leaves the database as it was, and a restore never replaces
something that is not a database file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from db import backup as db_backup
from mwms_desktop import maintenance
from mwms_desktop.errors import DatabaseError


def test_a_failed_final_rename_puts_the_current_file_back(services, monkeypatch):
    """The backup cannot be renamed into place: the moved-aside file returns, nothing named
    .restoring is left, and the open services still read the current data."""
    services.portfolio.add("Before backup")
    good = maintenance.backup_now(services.path)
    services.portfolio.add("After backup")
    real_replace = os.replace

    def failing_replace(src, dst):
        if str(src).endswith(".restoring"):
            raise PermissionError(13, "Permission denied")
        return real_replace(src, dst)

    monkeypatch.setattr(db_backup.os, "replace", failing_replace)
    with pytest.raises(DatabaseError, match="was left as it was"):
        maintenance.restore(services.path, good)
    monkeypatch.undo()
    folder = services.path.parent
    assert not [p for p in folder.iterdir() if p.name.endswith(".restoring")]
    assert not [p for p in folder.iterdir() if ".replaced-" in p.name]
    assert {c.client for c in services.portfolio.cards()} == {"Before backup", "After backup"}


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
