"""The chart library (pyqtgraph, with numpy), imported on a worker thread the first time the
analytics window opens, while the window reads the portfolio and lays out its tables.

Only imports run off the GUI thread: no Qt object is made there (importing pyqtgraph makes
none: its clean-up hook is connected when its first view is made). The charts themselves are
made on the GUI thread once the import is done."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

_imported = False  # set once the chart module's import has ended (not when it began)


def ready() -> bool:
    """The chart module (and with it the library) is imported, to its end: a module is in
    ``sys.modules`` from the start of its import, so that is no sign the import is done."""
    return _imported


def _import(_progress: object) -> None:
    global _imported
    import numpy  # noqa: F401

    from ui.analytics.shim import import_pyqtgraph

    import_pyqtgraph()
    import ui.analytics.chart  # noqa: F401

    _imported = True


def load(parent: QWidget, on_ready: Callable[[], None], on_failed: Callable[[str], None]) -> None:
    """Import the chart library on a worker thread, then call ``on_ready`` on the GUI thread
    (at once if it is already imported)."""
    if ready():
        on_ready()
        return
    from ui.tasks import run_task

    done = lambda _result: on_ready()  # noqa: E731
    task = run_task(parent, "Chart library", _import, done, quiet=True, show_errors=False)
    task.failed.connect(on_failed)
