"""Library queries off the UI thread: the latest one wins.

Every keystroke asks (after a short pause); the query runs on a one-thread pool with its own
database connection, and only the answer to the newest question is delivered, so typing is
never held up by a search and a slow answer never overwrites a newer one.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot

from mwms_desktop.errors import MwmsError


class _Signals(QObject):
    done = Signal(int, object)
    failed = Signal(int, str)


class _Job(QRunnable):
    def __init__(self, generation: int, work: Callable[[], Any]) -> None:
        super().__init__()
        self.generation, self.work = generation, work
        self.signals = _Signals()
        self.setAutoDelete(True)

    @Slot()
    def run(self) -> None:
        from mwms_desktop.services import end_thread

        try:
            result = self.work()
        except MwmsError as exc:
            self.signals.failed.emit(self.generation, str(exc))
        except Exception as exc:  # a bug must show, not vanish with the thread
            traceback.print_exc()
            self.signals.failed.emit(self.generation, f"Unexpected error: {exc}")
        else:
            self.signals.done.emit(self.generation, result)
        finally:
            end_thread()


class LatestQuery(QObject):
    """``ask(work)`` after ``pause_ms`` of quiet runs ``work()`` on a worker; ``ready`` gets
    the result of the newest question only."""

    ready = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None, *, pause_ms: int = 120) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._generation = 0
        self._work: Callable[[], Any] | None = None
        self._timer = QTimer(self, singleShot=True, interval=pause_ms, timeout=self._start)
        self.busy = False

    def ask(self, work: Callable[[], Any]) -> None:
        self._work = work
        self._generation += 1
        self.busy = True
        self._timer.start()

    def _start(self) -> None:
        if self._work is None:
            return
        job = _Job(self._generation, self._work)
        job.signals.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        job.signals.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self.pool.start(job)

    def _done(self, generation: int, result: object) -> None:
        if generation == self._generation:
            self.busy = False
            self.ready.emit(result)

    def _failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.busy = False
            self.failed.emit(message)

    def cancel(self) -> None:
        """Forget the question: not started if still pausing, its answer dropped if running."""
        self._timer.stop()
        self._work = None
        self._generation += 1
        self.busy = False

    def wait(self) -> None:
        """Let a running query end (closing a window)."""
        self._timer.stop()
        self.pool.waitForDone(5000)
