"""The window's data menu: bundles in and out (the filter decides what goes out), CSV, the
backups dialog restoring a backup under the board, and the quiet automatic backup."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from db.connection import open_database
from mwms_desktop import maintenance
from mwms_desktop.bundle import export_bundle
from mwms_desktop.services import Services, open_services
from ui.backups_dialog import BackupsDialog
from ui.board_store import BoardFilter
from ui.main_window import MainWindow
from ui.preferences import Preferences


@pytest.fixture
def told(monkeypatch) -> list[str]:
    """Message boxes recorded instead of shown (a modal box would block the test)."""
    seen: list[str] = []

    def record(_parent, _title, text, *args, **kwargs):
        seen.append(text)
        return None

    for module in ("ui.data_actions", "ui.tasks", "ui.main_window"):
        monkeypatch.setattr(f"{module}.QMessageBox.information", record)
        monkeypatch.setattr(f"{module}.QMessageBox.warning", record)
    return seen


@pytest.fixture
def window(qtbot, demo_services: Services, tmp_path: Path) -> MainWindow:
    prefs = Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))
    w = MainWindow(demo_services, prefs, restore_state=False)
    qtbot.addWidget(w)
    w.show()
    return w


def _finish(qtbot, task) -> None:
    with qtbot.waitSignals([task.done], timeout=30_000, raising=True):
        pass


def test_export_bundle_holds_exactly_the_shown_engagements(qtbot, window, told, tmp_path):
    """With a search typed, the bundle holds the matching engagements and no other."""
    target = window.shown_ids()[0]
    client = window.store.card(target).client
    window.store.set_filter(BoardFilter(text=client))
    shown = window.shown_ids()
    assert target in shown
    assert len(shown) < window.store.count()
    _finish(qtbot, window.data.export_bundle(tmp_path / "out.json"))
    bundle = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert sorted(e["client"] for e in bundle["engagements"]) == sorted(
        window.store.card(i).client for i in shown
    )
    assert told
    assert "Exported" in told[-1]


def test_import_bundle_adds_cards_and_clears_undo(qtbot, window, told, tmp_path, clock):
    """A bundle from another laptop lands on the board; undo history that refers to the old
    rows is cleared; the summary says what was added."""
    other_path = tmp_path / "other.sqlite"
    other = open_services(other_path, clock=clock)
    other.portfolio.add("Zoë Ødegård <Studio> & Co", "consulting")
    export_bundle(tmp_path / "b.json", None, clock=clock)
    other.close()
    open_database(window.services.path)  # one database per process: bind the window's again
    window.controller.add("Before import", "consulting", "")
    assert window.undo_stack.count() == 1
    before = window.store.count()
    _finish(qtbot, window.data.import_bundle(tmp_path / "b.json"))
    assert window.store.count() == before + 1
    assert any(window.store.card(i).client == "Zoë Ødegård <Studio> & Co" for i in window.shown_ids())
    assert window.undo_stack.count() == 0
    assert "Added: Zoë Ødegård <Studio> & Co" in told[-1]


def test_malformed_bundle_is_refused_naming_the_place_and_changes_nothing(qtbot, window, told, tmp_path):
    """Broken JSON gives the importer's message in a dialog; the board is as it was."""
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "mwms-desktop-bundle", "version": 1, "engagements": [', encoding="utf-8")
    before = sorted(window.shown_ids())
    task = window.data.import_bundle(bad)
    with qtbot.waitSignal(task.failed, timeout=30_000) as failed:
        pass
    assert "line 1" in failed.args[0] or "JSON" in failed.args[0]
    assert told[-1] == failed.args[0]
    assert sorted(window.shown_ids()) == before


def test_export_csv_writes_one_row_per_engagement(qtbot, window, told, tmp_path):
    _finish(qtbot, window.data.export_csv(tmp_path / "board.csv"))
    with (tmp_path / "board.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert len(rows) - 1 == window.store.count()


def test_restoring_a_backup_brings_the_board_back(qtbot, window, told, demo_services):
    """Back up, add a card, restore the backup: the card is gone from the board, the
    replaced file is kept beside the database."""
    backup = maintenance.backup_now(demo_services.path)
    eid = window.controller.add("Added after the backup", "consulting", "")
    assert eid in window.shown_ids()
    dialog = BackupsDialog(demo_services, window)
    qtbot.addWidget(dialog)
    dialog.restored.connect(window.data._restored)
    assert dialog.list.topLevelItemCount() == len(maintenance.list_backups(demo_services.path))
    assert dialog.selected().path == backup.path  # newest first
    task = dialog.restore_selected(confirm=False)
    with qtbot.waitSignal(task.done, timeout=30_000) as done:
        pass
    result = done.args[0]
    assert result.backup == backup.path
    assert eid not in window.shown_ids()
    assert all(p.exists() for p in result.moved_aside)
    assert "Restored" in told[-1]


def test_automatic_backup_runs_quietly_only_when_needed(qtbot, window, demo_services):
    """The timer's backup is made when the file changed and the newest backup is old; a
    second call right after makes none."""
    for b in maintenance.list_backups(demo_services.path):
        b.path.unlink()
    demo_services.portfolio.add("Changed", "consulting")
    task = window.data.auto_backup()
    assert task is not None
    assert task.dialog is None  # no progress dialog for the quiet job
    with qtbot.waitSignal(task.done, timeout=30_000) as made:
        pass
    assert made.args[0] is not None
    assert [b.reason for b in maintenance.list_backups(demo_services.path)] == ["auto"]
    again = window.data.auto_backup()
    with qtbot.waitSignal(again.done, timeout=30_000) as second:
        pass
    assert second.args[0] is None


def test_export_dossier_from_the_workspace_reaches_the_export(window, monkeypatch, demo_services):
    """The workspace's "Export dossier…" asks the main window to export that engagement."""
    asked: list[int] = []
    monkeypatch.setattr(
        "ui.dossier_actions.export_engagement", lambda parent, services, eid, **kw: asked.append(eid)
    )
    eid = window.shown_ids()[0]
    window.open_engagement(eid)
    window.active_workspace().export_action.trigger()
    assert asked == [eid]


def test_backups_dialog_names_reasons_in_words(qtbot, demo_services):
    """Each backup is listed with when and why in words, newest first, size right-aligned."""
    maintenance.backup_now(demo_services.path)
    maintenance.backup_now(demo_services.path, "import")
    dialog = BackupsDialog(demo_services)
    qtbot.addWidget(dialog)
    reasons = [dialog.list.topLevelItem(i).text(1) for i in range(dialog.list.topLevelItemCount())]
    assert reasons[:2] == ["Before an import", "On demand"]
