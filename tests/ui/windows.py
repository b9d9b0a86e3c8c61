"""The main window as the UI tests open it: throw-away preferences, no restored state."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from mwms_desktop.services import Services
from ui.main_window import MainWindow
from ui.preferences import Preferences


def main_window(
    qtbot,
    services: Services,
    tmp_path: Path,
    *,
    size: tuple[int, int] | None = (1280, 800),
    active: bool = True,
) -> MainWindow:
    """Shown (at ``size``, unless None), and with ``active`` the active window: on a real X
    server shortcuts reach the active window only."""
    prefs = Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))
    w = MainWindow(services, prefs, restore_state=False)
    qtbot.addWidget(w)
    if size is not None:
        w.resize(*size)
    w.show()
    if active:
        with qtbot.waitActive(w):
            w.activateWindow()
    return w
