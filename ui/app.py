"""Starting the Qt side: the application object, fonts, style, and the main window."""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize, QTimer
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QIcon, QPixmapCache
from PySide6.QtWidgets import QApplication

from mwms_desktop import APP_NAME, __version__, collector
from mwms_desktop.errors import MwmsError
from mwms_desktop.paths import resources_dir
from mwms_desktop.services import Services
from ui import theme
from ui.preferences import SCHEME, Preferences

DESKTOP_ID = "mwms-desktop"  # resources/desktop/mwms-desktop.desktop, the icons' name
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def app_icon() -> QIcon:
    """The window's, taskbar's and dock's icon: the PNG set (no SVG plugin needed)."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(resources_dir() / "icons" / f"{DESKTOP_ID}-{size}.png"), QSize(size, size))
    return icon


def create_application(argv: list[str] | None = None) -> QApplication:
    """The one QApplication, Fusion-styled, with the shipped DejaVu fonts registered."""
    QGuiApplication.setDesktopFileName(DESKTOP_ID)  # Wayland's app id: the launcher entry and icon
    app = QApplication.instance()
    if app is None:
        QCoreApplication.setOrganizationName("MWMS")
        QCoreApplication.setApplicationName(APP_NAME)
        QCoreApplication.setApplicationVersion(__version__)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setStyle("Fusion")
    # Card pictures (ui/card_delegate.py) are kept here: room for a screen of swimlanes, about
    # a hundred cards of some 115 KB each (four times that on a high-DPI screen's board).
    QPixmapCache.setCacheLimit(32 * 1024)  # KiB
    fonts = resources_dir() / "fonts"
    for ttf in sorted(fonts.glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(ttf))
    font = QFont("DejaVu Sans")
    font.setPointSizeF(9.5)
    app.setFont(font)
    app.setWindowIcon(app_icon())
    app.setStyleSheet(theme.style_sheet(dark=False))  # theme.apply() sets the scheme's
    return app


def run_app(services: Services) -> int:
    app = create_application()
    from ui import crash_dialog

    crash_dialog.install()  # an exception in a slot: logged, explained, and the app goes on
    prefs = Preferences()
    theme.apply(prefs.text(SCHEME, "system"))
    from ui.main_window import MainWindow

    window = MainWindow(services, prefs)
    resume_collector_when_painted(window)  # paused by the window command
    window.show()
    log = logging.getLogger(__name__)
    log.info("window opened")
    status = app.exec()
    from ui.tasks import wait_for_tasks

    wait_for_tasks()  # work still running (a backup, a read) ends before the services close
    log.info("window closed, exit status %d", status)
    return status


class _FirstPaint(QObject):
    def __init__(self, widget: QObject, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._callback: Callable[[], None] | None = callback
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            callback, self._callback = self._callback, None
            watched.removeEventFilter(self)
            callback()
        return False


def when_first_painted(widget: QObject, callback: Callable[[], None]) -> None:
    """Call ``callback`` once, when ``widget`` receives its first paint event."""
    _FirstPaint(widget, callback)


RESUME_MS = 5000  # a window never painted (started minimized) still gets the collector back


def resume_collector_when_painted(window: QObject) -> None:
    """Resume the garbage collector (``mwms_desktop.collector``) at the window's first paint,
    or after ``RESUME_MS`` if it is not painted by then."""
    when_first_painted(window, collector.resume)
    QTimer.singleShot(RESUME_MS, window, collector.resume)


def render_screenshot(
    services: Services,
    target: Path,
    size: tuple[int, int],
    theme_name: str = "light",
    open_id: int | None = None,
    lanes: str = "",
    analytics: str = "",
    today_only: bool = False,
) -> None:
    """Render the main window (optionally with an engagement open, or in swimlanes by the
    card field ``lanes``; or the analytics window on the tab ``analytics``; or on its Today
    view) to a PNG, headless."""
    from PySide6.QtCore import qInstallMessageHandler

    previous = qInstallMessageHandler(_quiet_offscreen)
    try:
        _render(services, target, size, theme_name, open_id, lanes, analytics, today_only)
    finally:
        qInstallMessageHandler(previous)


# The offscreen platform says it cannot size-hint or raise a window: true, and no news.
_OFFSCREEN_NOISE = ("does not support propagateSizeHints", "does not support raise")


def _quiet_offscreen(_mode: object, _context: object, message: str) -> None:
    if not any(noise in message for noise in _OFFSCREEN_NOISE):
        print(message, file=sys.stderr)


def _render(
    services: Services,
    target: Path,
    size: tuple[int, int],
    theme_name: str,
    open_id: int | None,
    lanes: str,
    analytics: str = "",
    today_only: bool = False,
) -> None:
    app = create_application()
    theme.apply(theme_name)
    from PySide6.QtCore import QSettings

    from ui.main_window import MainWindow

    # Throw-away settings: a screenshot never reads or changes the user's preferences.
    scratch_dir = Path(tempfile.mkdtemp(prefix="mwms-shot-"))
    scratch = QSettings(str(scratch_dir / "prefs.ini"), QSettings.Format.IniFormat)
    window = MainWindow(services, Preferences(scratch), restore_state=False)
    window.set_swimlanes(lanes)
    window.resize(*size)
    window.show()
    for _ in range(3):  # first paint, then the status counts that follow it
        app.processEvents()
    if open_id is not None:
        window.open_engagement(open_id)
        workspace = window.active_workspace()
        if workspace is not None:  # at the asked size, not the one that fits the (virtual) screen
            workspace.resize(*size)
        app.processEvents()
    from ui.analytics.shot import settle_today, show_analytics

    if today_only:
        window.views.setCurrentIndex(1)  # the window on its Today view
    settle_today(app, window)  # the Today view reads on a worker: show its list, not "Reading…"
    grab_target = window.active_workspace() or window
    if analytics:
        grab_target = show_analytics(app, window, analytics, size)
    app.processEvents()
    pixmap = grab_target.grab()
    ok = pixmap.save(str(target), "PNG")
    window.close()  # writes its geometry to the scratch file, which then goes
    from ui.tasks import wait_for_tasks

    wait_for_tasks()  # a worker's read still running must end before the process does
    scratch.sync()
    shutil.rmtree(scratch_dir, ignore_errors=True)
    if not ok:
        raise MwmsError(f"Could not write {target}.")
