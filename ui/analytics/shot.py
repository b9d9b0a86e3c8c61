"""Headless screenshots of the Today dock and the analytics window (``mwms-desktop
screenshot --today`` / ``--analytics SECTION``): wait for their worker-thread reads, then
hand back the widget to grab. Importing this module imports no chart library; asking for the
analytics does."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

WAIT_SECONDS = 30.0


def _wait(app: QApplication, done) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not done() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)


def settle_today(app: QApplication, window: QMainWindow) -> None:
    dock = getattr(window, "today", None)
    if dock is None:
        return
    if dock.today is None and not dock._running:
        dock.refresh()
    _wait(app, lambda: dock.today is not None and not dock._running)
    app.processEvents()


def show_analytics(app: QApplication, window: QMainWindow, section: str, size: tuple[int, int]) -> QWidget:
    """The analytics window over ``window``, at ``size``, on the tab of ``section``."""
    from mwms_desktop.analytics.charts import SECTIONS
    from ui.analytics.view import AnalyticsWindow

    view = AnalyticsWindow(window.services, window.filters, window, store=window.store)  # type: ignore[attr-defined]
    view.resize(*size)
    view.show()
    _wait(app, lambda: view.report is not None)
    keys = [key for key, _ in SECTIONS]
    view.tabs.setCurrentIndex(keys.index(section) if section in keys else 0)
    for _ in range(3):
        app.processEvents()
    view.resize(*size)
    app.processEvents()
    return view
