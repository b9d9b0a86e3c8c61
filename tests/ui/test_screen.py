"""Windows open at a size the screen can show whole: the offscreen test screen is 800 × 800,
smaller than the main window's (1440 × 900) and the workspace's (1280 × 820) defaults, as a
1366 × 768 laptop is."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication, QImage

from mwms_desktop.cli import main
from mwms_desktop.services import Services
from tests.factories import engagement_at
from ui.main_window import MainWindow
from ui.preferences import Preferences
from ui.screen import fitted


def _available() -> tuple[int, int]:
    area = QGuiApplication.primaryScreen().availableGeometry()
    return area.width(), area.height()


def test_default_sizes_shrink_to_the_screen_and_small_ones_stay(qtbot) -> None:
    from PySide6.QtWidgets import QWidget

    widget = QWidget()
    qtbot.addWidget(widget)
    width, height = _available()
    assert (width, height) == (800, 800)  # the premise: smaller than the defaults
    big = fitted(widget, 1440, 900)
    assert big.width() < width
    assert big.height() < height
    assert fitted(widget, 420, 240).toTuple() == (420, 240)


def test_main_window_and_workspace_open_inside_the_screen(qtbot, services: Services, tmp_path: Path) -> None:
    eid = engagement_at(services, "insight")
    prefs = Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))
    window = MainWindow(services, prefs)  # no saved geometry: the default size
    qtbot.addWidget(window)
    width, height = _available()
    assert window.width() <= width
    assert window.height() <= height
    window.show()
    window.open_engagement(eid)
    workspace = window.active_workspace()
    assert workspace is not None
    assert workspace.width() <= width
    assert workspace.height() <= height


def test_screenshot_of_a_workspace_has_the_asked_size(demo_services, db_path, tmp_path) -> None:
    """`--open` renders the workspace at `--size`, whatever the (virtual) screen."""
    eid = demo_services.portfolio.cards()[0].id
    demo_services.close()
    target = tmp_path / "workspace.png"
    assert (
        main(["--db", str(db_path), "screenshot", str(target), "--open", str(eid), "--size", "1280x820"]) == 0
    )
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1280, 820)
