"""An unexpected exception in a slot: logged (without the message), a dialog says what
happened and where the log is, "Copy details" puts the traceback on the clipboard, and the
app keeps running; after a damaged database it closes."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from mwms_desktop import logs
from ui import crash_dialog
from ui.crash_dialog import CrashDialog

CLIENT = "Zoë Ødegård Secret Client"

pytestmark = pytest.mark.qt_no_exception_capture  # the app's own hook is under test


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    target = logs.setup(tmp_path / "logs")
    assert target is not None
    yield target
    logs.shutdown()


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch) -> crash_dialog.CrashHandler:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    return crash_dialog.install()


def failing_button(qtbot, error: BaseException) -> tuple[QPushButton, list[int]]:
    clicks: list[int] = []

    def slot() -> None:
        clicks.append(1)
        raise error

    button = QPushButton("Do it")
    button.clicked.connect(slot)
    qtbot.addWidget(button)
    button.show()
    return button, clicks


def when_dialog_opens(act) -> list[CrashDialog]:
    """Run ``act(dialog)`` once the modal crash dialog is up (it blocks the click)."""
    seen: list[CrashDialog] = []

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, CrashDialog):
            seen.append(dialog)
            act(dialog)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    return seen


def test_the_dialog_explains_copies_and_the_app_goes_on(qtbot, log_file: Path, hook) -> None:
    button, clicks = failing_button(qtbot, ValueError(f"cannot file {CLIENT}"))
    texts: list[str] = []

    def act(dialog: CrashDialog) -> None:
        texts.append("\n".join(label.text() for label in dialog.findChildren(QLabel)))
        qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
        texts.append(dialog.copy_button.text())
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)

    seen = when_dialog_opens(act)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert len(seen) == 1
    labels = texts[0]
    assert f"ValueError: cannot file {CLIENT}" in labels
    assert str(log_file) in labels
    assert "keeps running" in labels
    assert texts[1] == "Copied"
    copied = QApplication.clipboard().text()
    assert "Traceback (most recent call last)" in copied
    assert "in slot" in copied
    assert f"ValueError: cannot file {CLIENT}" in copied
    assert seen[0].close_button.text() == "Continue"

    # still running: the next click is handled (and the next failure explained) again
    when_dialog_opens(lambda d: qtbot.mouseClick(d.close_button, Qt.MouseButton.LeftButton))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert clicks == [1, 1]
    log = log_file.read_text(encoding="utf-8")
    assert log.count("unexpected error in the window: builtins.ValueError at test_crash_dialog.py") == 2
    assert "Zoë" not in log
    assert "Secret" not in log


def test_a_damaged_database_closes_the_app(qtbot, log_file: Path, hook, monkeypatch) -> None:
    exits: list[int] = []
    monkeypatch.setattr(QApplication, "exit", staticmethod(lambda code=0: exits.append(code)))
    button, _ = failing_button(qtbot, sqlite3.DatabaseError("database disk image is malformed"))
    names: list[str] = []

    def act(dialog: CrashDialog) -> None:
        names.append(dialog.close_button.text())
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)

    when_dialog_opens(act)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert names == ["Quit"]
    assert exits == [crash_dialog.EXIT_CRASHED]


def test_the_window_installs_the_hook(monkeypatch, services, tmp_path: Path) -> None:
    """run_app installs it before the window opens (checked without entering the event loop)."""
    from PySide6.QtCore import QSettings

    import ui.app
    from ui.preferences import Preferences

    scratch = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    monkeypatch.setattr(ui.app, "Preferences", lambda: Preferences(scratch))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    assert ui.app.run_app(services) == 0
    assert isinstance(sys.excepthook, crash_dialog.CrashHandler)
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
