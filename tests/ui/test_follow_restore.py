"""A restore from the Backups dialog runs on a worker with a busy indicator: it waits for
another writer (a restore takes SQLite's write lock) while the window stays responsive, then
the board reloads from the restored file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer

from mwms_desktop import maintenance
from mwms_desktop.services import Services
from ui.backups_dialog import BackupsDialog
from ui.main_window import MainWindow
from ui.preferences import Preferences


@pytest.fixture
def told(monkeypatch) -> list[str]:
    seen: list[str] = []
    for module in ("ui.data_actions", "ui.tasks", "ui.backups_dialog"):
        monkeypatch.setattr(
            f"{module}.QMessageBox.information", lambda _p, _t, text, *a, **k: seen.append(text)
        )
        monkeypatch.setattr(f"{module}.QMessageBox.warning", lambda _p, _t, text, *a, **k: seen.append(text))
    return seen


def test_a_restore_waits_for_a_writer_on_a_worker_while_the_window_keeps_working(
    qtbot, demo_services: Services, tmp_path: Path, told
):
    window = MainWindow(
        demo_services,
        Preferences(QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat)),
        restore_state=False,
    )
    qtbot.addWidget(window)
    window.show()
    maintenance.backup_now(demo_services.path)
    eid = window.controller.add("Added after the backup", "consulting", "")
    dialog = BackupsDialog(demo_services, window)
    qtbot.addWidget(dialog)
    dialog.restored.connect(window.data._restored)

    writer = sqlite3.connect(demo_services.path, timeout=30)  # another program, mid-write
    writer.execute("BEGIN IMMEDIATE")
    ticks: list[int] = []
    beat = QTimer(interval=50, timeout=lambda: ticks.append(1))
    beat.start()
    try:
        task = dialog.restore_selected(confirm=False)
        assert task is not None
        assert task.dialog is not None  # the busy indicator
        assert not dialog.restore_button.isEnabled()
        assert not dialog.backup_button.isEnabled()
        qtbot.wait(800)  # the restore waits for the writer; the UI thread does not
        assert len(ticks) >= 8
        assert eid in window.shown_ids()  # nothing restored yet
    finally:
        writer.rollback()
        writer.close()
    with qtbot.waitSignal(task.done, timeout=30_000):
        pass
    beat.stop()
    assert eid not in window.shown_ids()  # the board reloaded from the restored file
    assert demo_services.portfolio.count() == 13  # the demo portfolio, as backed up
    assert dialog.restore_button.isEnabled()
    assert any("Restored" in t for t in told)
