"""Slow work (dossier export, import, backup) off the UI thread.

``run_task(parent, title, work, on_done)`` runs ``work(progress)`` on a worker thread and
calls ``on_done(result)`` (or shows the error) back on the UI thread, with a progress dialog
while it runs. The worker gets no widget, only a ``progress(done, total)`` callable whose
calls reach the dialog through a queued signal (Anki's CollectionOp, Picard's run_task).

The database: peewee gives each thread its own SQLite connection, so the worker's service
calls are independent transactions; the worker closes its connection when it ends.
"""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from mwms_desktop import APP_NAME
from mwms_desktop.errors import MwmsError

Progress = Callable[[int, int], None]


class _Signals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)


class _Job(QRunnable):
    def __init__(self, work: Callable[[Progress], Any]) -> None:
        super().__init__()
        self.work = work
        self.signals = _Signals()
        self.setAutoDelete(True)

    @Slot()
    def run(self) -> None:
        from mwms_desktop.services import end_thread  # closes this thread's connection only

        signals = self.signals
        try:
            result = self.work(lambda done, total: _emit(signals.progress, done, total))
        except MwmsError as exc:
            _emit(signals.failed, str(exc))
        except Exception as exc:  # a bug must reach the user, not vanish with the thread
            traceback.print_exc()
            _emit(signals.failed, f"Unexpected error: {exc}")
        else:
            _emit(signals.finished, result)
        finally:
            end_thread()


def _emit(signal: Any, *args: Any) -> None:
    """Tell the UI thread, unless the window that asked has gone (closed while the work ran,
    or the app quitting): then there is nobody to tell, and nothing to print."""
    with contextlib.suppress(RuntimeError):  # "Signal source has been deleted"
        signal.emit(*args)


def wait_for_tasks(timeout_ms: int = 15_000) -> bool:
    """At exit: let running work end (and close its connection) before the services close."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)


class Task(QObject):
    """A running job; kept alive by its parent until it ends."""

    done = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        parent: QWidget,
        title: str,
        work: Callable[[Progress], Any],
        *,
        show_errors: bool = True,
        quiet: bool = False,
    ) -> None:
        super().__init__(parent)
        # A quiet task (the automatic backup) runs without a dialog: the user keeps working.
        self.dialog: QProgressDialog | None = None
        if not quiet:
            self.dialog = QProgressDialog(title, "", 0, 0, parent)
            self.dialog.setWindowTitle(APP_NAME)
            self.dialog.setCancelButton(None)
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(300)  # quick jobs never flash a dialog
        self._job = _Job(work)
        self._show_errors = show_errors
        sig = self._job.signals
        sig.progress.connect(self._progress, Qt.ConnectionType.QueuedConnection)
        sig.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        sig.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)

    def start(self, pool: QThreadPool | None = None) -> Task:
        (pool or QThreadPool.globalInstance()).start(self._job)
        return self

    def _progress(self, done: int, total: int) -> None:
        if self.dialog is not None:
            self.dialog.setMaximum(max(total, 1))
            self.dialog.setValue(min(done, total))

    def _finished(self, result: object) -> None:
        if self.dialog is not None:
            self.dialog.reset()
        self.done.emit(result)
        self.deleteLater()

    def _failed(self, message: str) -> None:
        if self.dialog is not None:
            self.dialog.reset()
        if self._show_errors:
            QMessageBox.warning(self.parent(), APP_NAME, message)
        self.failed.emit(message)
        self.deleteLater()


def run_task(
    parent: QWidget,
    title: str,
    work: Callable[[Progress], Any],
    on_done: Callable[[Any], None] | None = None,
    *,
    show_errors: bool = True,
    quiet: bool = False,
) -> Task:
    """Run ``work(progress)`` on the thread pool; ``on_done(result)`` on the UI thread."""
    task = Task(parent, title, work, show_errors=show_errors, quiet=quiet)
    if on_done is not None:
        task.done.connect(on_done)
    return task.start()
