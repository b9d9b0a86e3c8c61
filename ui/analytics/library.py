"""The chart library (pyqtgraph, with numpy), imported the first time the analytics window
opens, while the window reads the portfolio and lays out its tables.

numpy (no Qt) is imported on a worker thread; pyqtgraph and the chart module then on the GUI
thread. pyqtgraph's import makes PySide6 classes (PySide6 makes each on first use: QColor,
QPainterPath, QGraphicsObject… and modules such as QtSvg), and PySide6 does not make them
safely on two threads at once: importing pyqtgraph on a worker while the GUI thread made
classes of its own crashed the process about once in a hundred tries under load."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

_imported = False  # set once the chart module's import has ended (not when it began)


def ready() -> bool:
    """The chart module (and with it the library) is imported, to its end: a module is in
    ``sys.modules`` from the start of its import, so that is no sign the import is done."""
    return _imported


def _import(_progress: object) -> None:
    """On the worker: what has no Qt in it."""
    import numpy  # noqa: F401


def _import_charts() -> None:
    """On the GUI thread: pyqtgraph (through the shim) and the chart module."""
    global _imported
    from ui.analytics.shim import import_pyqtgraph

    import_pyqtgraph()
    import ui.analytics.chart  # noqa: F401

    _imported = True


def load(parent: QWidget, on_ready: Callable[[], None], on_failed: Callable[[str], None]) -> None:
    """Import numpy on a worker thread, then pyqtgraph and the charts on the GUI thread, and
    call ``on_ready`` (at once if it is already imported); ``on_failed`` with a line if not."""
    if ready():
        on_ready()
        return
    from ui.tasks import run_task

    def done(_result: object) -> None:
        try:
            _import_charts()
        except Exception as exc:  # a broken install: the tables stay, the charts cannot be drawn
            on_failed(f"Unexpected error: {exc}")  # as a worker's failure says it
            return
        on_ready()

    task = run_task(parent, "Chart library", _import, done, quiet=True, show_errors=False)
    task.failed.connect(on_failed)
