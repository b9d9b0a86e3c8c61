"""Every file the app writes holds client data, so every one is owner-only (0600).

The test runs every CLI command (the list comes from the parser itself: a new command
must be added here) in a folder of its own under the common umask 022, then looks at every
file and folder that appeared there: the database and its -wal/-shm, backups, the file a
restore keeps aside, dossiers, screenshots, CSV, bundles, the window's lock file.
"""

from __future__ import annotations

import argparse
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from db.models import DossierExport, database
from mwms_desktop import maintenance
from mwms_desktop.cli import build_parser, main
from mwms_desktop.dossier import export_dossier
from mwms_desktop.errors import DossierError

Argv = Callable[[Path, Path], list[str]]  # (work folder, database) -> arguments

# Each command, as it is run here (in this order); what it must leave is checked below.
COMMANDS: dict[str, list[Argv]] = {
    "demo": [lambda w, db: ["demo"]],
    "list": [lambda w, db: ["list"]],
    "add": [lambda w, db: ["add", "Zoë Ødegård"]],
    "move": [lambda w, db: ["move", "1", "onboarding"]],
    "screenshot": [lambda w, db: ["screenshot", str(w / "board.png"), "--size", "640x400"]],
    "dossier": [
        lambda w, db: ["dossier", "1", "--out", str(w / "one.pdf")],
        lambda w, db: ["dossier", "--all", "--out", str(w / "all.pdf")],
    ],
    "backup": [lambda w, db: ["backup"]],
    "backups": [lambda w, db: ["backups"]],
    "restore": [lambda w, db: ["restore", maintenance.list_backups(db)[0].name]],
    "check": [lambda w, db: ["check"]],
    "gate": [lambda w, db: ["gate", "1"]],
    "report": [lambda w, db: ["report"], lambda w, db: ["report", "--json"]],
    "export": [lambda w, db: ["export", str(w / "bundle.json")]],
    "import": [
        lambda w, db: ["import", str(w / "bundle.json")],
        lambda w, db: ["--db", str(w / "new.sqlite"), "import", str(w / "bundle.json")],
    ],
    "export-csv": [lambda w, db: ["export-csv", str(w / "board.csv")]],
    "library": [
        lambda w, db: ["library", "search", "checkout"],
        lambda w, db: ["library", "playbook", "--out", str(w / "playbook.pdf")],
    ],
    "team": [lambda w, db: ["team", "leave"]],  # the rest need a team server: tests/team/
    "sync": [],  # needs a team server (tests/team/test_sync_cli.py); it writes no file but the database
    "conflicts": [lambda w, db: ["conflicts"], lambda w, db: ["conflicts", "--json"]],
}
WRITTEN = (
    "board.png",
    "one.pdf",
    "all.pdf",
    "bundle.json",
    "board.csv",
    "new.sqlite",
    "m.sqlite",
    "playbook.pdf",
)


def _commands() -> set[str]:
    (sub,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return set(sub.choices)


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_every_command_is_covered():
    assert set(COMMANDS) == _commands()


def test_every_file_any_command_writes_is_owner_only(tmp_path: Path, umask_022: None, capsys):
    work = tmp_path / "work"
    work.mkdir()
    db = work / "m.sqlite"
    (work / "one.pdf").write_bytes(b"an older dossier")  # replaced: owner-only too
    (work / "one.pdf").chmod(0o644)
    for name, runs in COMMANDS.items():
        for argv in runs:
            args = argv(work, db)
            if args[0] != "--db":
                args = ["--db", str(db), *args]
            assert main(args) in (0, 2), (name, capsys.readouterr().err)
    maintenance.lock_window(db).release()  # the open window's lock file
    written = {p.name for p in work.iterdir()}
    assert set(WRITTEN) <= written
    assert any(".replaced-" in name for name in written)
    assert (work / "m.sqlite.lock").exists()
    assert len(maintenance.list_backups(db)) >= 2  # the manual one and the import's
    loose = {
        str(p.relative_to(work)): oct(_mode(p))
        for p in work.rglob("*")
        if _mode(p) != (0o700 if p.is_dir() else 0o600)
    }
    assert loose == {}


def test_a_dossier_whose_export_cannot_be_recorded_says_it_was_written(demo_services, tmp_path: Path):
    """A read-only database: the dossier is written (the consultant's work is not thrown
    away), owner-only, and the error says so, and that the export was not recorded; it
    never says "Nothing was saved" about a file that exists."""
    target = tmp_path / "d.pdf"
    before = DossierExport.select().count()
    database.execute_sql("PRAGMA query_only = 1")  # every write: attempt to write a readonly database
    try:
        with pytest.raises(DossierError) as info:
            export_dossier(demo_services, 1, target)
    finally:
        database.execute_sql("PRAGMA query_only = 0")
    message = str(info.value)
    assert message.startswith(f"The dossier was written to {target}, but the database did not record")
    assert "read-only" in message
    assert "Nothing was saved" not in message
    assert target.read_bytes().startswith(b"%PDF")
    assert _mode(target) == 0o600
    assert DossierExport.select().count() == before


def test_a_dossier_whose_engagement_went_meanwhile_says_it_was_written(demo_services, tmp_path, monkeypatch):
    """Any refusal of the record after the file was written (here: the engagement was
    removed by a restore in another process meanwhile) says the file exists."""
    from mwms_desktop.errors import NotFound

    def gone(*args):
        raise NotFound("No engagement with id 1.")

    monkeypatch.setattr(demo_services.lifecycle, "record_dossier_export", gone)
    target = tmp_path / "d.pdf"
    with pytest.raises(DossierError, match=r"was written to .*\(No engagement with id 1\.\)"):
        export_dossier(demo_services, 1, target)
    assert target.exists()
