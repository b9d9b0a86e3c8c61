"""The window's background sync: every few minutes (``settings.SYNC_MINUTES``) and on demand,
on a worker thread of its own, never two at once, cancelled cleanly when the window closes.

A sync writes through its own SQLite connection, so the board sees what it brought in the way
it sees any outside change (``ui/board_follow.py``): nothing here reloads the board.
``changed`` gives the indicator a new ``SyncView`` each time something about the sync moved.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QWidget

from mwms_desktop.services import Services
from ui.tasks import Task
from ui.team import sync_work
from ui.team.sync_view import SyncView

FIRST_LOOK_MS = 1_000  # after start-up: the first paint never waits for psycopg's import
STATUS_QUIET_MS = 400  # local edits come in bursts: one status read after them
CLOSE_WAIT_MS = 15_000  # a cancelled sync stops at its next page or batch; bounded anyway


class SyncRunner(QObject):
    changed = Signal(object)  # SyncView
    finished = Signal(object)  # sync_work.Outcome, after each sync (manual or not)
    password_needed = Signal()  # a sync the user asked for needs the password typed
    idle = Signal()  # a sync ended, whichever way
    _progress = Signal(str, int, int)  # from the worker, queued to this thread

    def __init__(self, window: QWidget, services: Services, sync: Any = None) -> None:
        super().__init__(window)
        self.window, self.services, self.sync_module = window, services, sync
        self.view = SyncView()
        self.password: str | None = None  # typed in this session where there is no keyring
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)  # syncs queue, never overlap
        self._cancel = threading.Event()
        self._task: Task | None = None
        self._manual = False
        self._closed = False
        self._first = False  # the first status read after start syncs at once
        self._status_task: Task | None = None
        self._status_again = False
        self.syncs = 0  # started, for tests and the curious
        self.looks = 0  # status reads answered
        self.timer = QTimer(self, timeout=lambda: self.sync_now(manual=False))
        self._status_soon = QTimer(self, singleShot=True, interval=STATUS_QUIET_MS, timeout=self.read_status)
        self._progress.connect(self._on_progress)

    # --- starting ---------------------------------------------------------------------------

    def start(self, delay_ms: int = FIRST_LOOK_MS) -> None:
        """Look whether the database is in a team (after ``delay_ms``), then sync at once and
        every few minutes while it is."""
        self._first = True
        QTimer.singleShot(delay_ms, self, self.read_status)

    def joined(self) -> None:
        """Just joined (a team, or another one): show it and sync at once."""
        self._first = True
        self.read_status()

    def sync_now(self, *, manual: bool = True) -> bool:
        """Start a sync unless one is running; False if none was started."""
        if self._closed or self._task is not None or not self.view.joined:
            return False
        if self.view.needs_password and self.password is None:
            if manual:
                self.password_needed.emit()
            return False  # a timer's sync waits for the user: no dialog by itself
        self._manual = manual
        self._cancel.clear()
        password, services, module, cancel = self.password, self.services, self.sync_module, self._cancel

        def work(_progress: object) -> sync_work.Outcome:
            return sync_work.sync(
                services,
                password=password,
                progress=self._progress.emit,
                cancelled=cancel.is_set,
                sync=module,
            )

        self.syncs += 1
        self._task = Task(self.window, "Syncing…", work, show_errors=False, quiet=True)
        self._task.done.connect(self._synced)
        self._task.failed.connect(self._failed)
        self._task.start(self.pool)
        self._show(running=True, progress="")
        return True

    @property
    def running(self) -> bool:
        return self._task is not None

    # --- what comes back ----------------------------------------------------------------------

    def _on_progress(self, what: str, done: int, total: int) -> None:
        if self._task is not None and not self._closed:
            self._show(progress=f"{what} {done} of {total}" if total else what)

    def _synced(self, outcome: sync_work.Outcome) -> None:
        self._task = None
        if self._closed:
            return
        self.idle.emit()
        if outcome.needs_password:
            self._show_snapshot(outcome.snapshot, needs_password=True, problem="", offline=False)
            if self._manual:
                self.password_needed.emit()
        else:
            if outcome.problem and not outcome.offline:
                self.password = None  # a typed password may be what was refused: asked again
            self._show_snapshot(
                outcome.snapshot,
                problem=outcome.problem,
                offline=outcome.offline,
                needs_password=False,
                refused=outcome.refused,
            )
        self.finished.emit(outcome)

    def _failed(self, message: str) -> None:
        """Not a team refusal (those are outcomes): the local database was busy, or a bug;
        said in the indicator like any other problem, and tried again at the next tick."""
        self._task = None
        if not self._closed:
            self.idle.emit()
            self._show(running=False, problem=message, offline=False)

    def _show_snapshot(self, snap: sync_work.Snapshot, **more: Any) -> None:
        self._schedule(snap)
        self._show(
            running=False,
            joined=snap.joined,
            where=snap.where,
            last_sync_at=snap.last_sync_at,
            waiting=snap.waiting,
            conflicts=snap.conflicts,
            head_office=snap.head_office,
            wip=snap.wip,
            **more,
        )

    def _schedule(self, snap: sync_work.Snapshot) -> None:
        if not snap.joined:
            self.timer.stop()
            return
        interval = snap.minutes * 60_000
        if not self.timer.isActive() or self.timer.interval() != interval:
            self.timer.start(interval)

    def _show(self, **changes: Any) -> None:
        self.view = self.view.with_(**changes)
        self.changed.emit(self.view)

    # --- the local status (no network) -----------------------------------------------------

    def status_soon(self, *, outside: bool = False) -> None:
        """Something changed locally: read the status after the burst, for the waiting count.
        ``outside``: another program wrote (maybe `team join` or `team leave`): read it even
        while not in a team."""
        if not self._closed and (self.view.joined or outside):
            self._status_soon.start()

    def read_status(self) -> None:
        if self._closed:
            return
        if self._status_task is not None:
            self._status_again = True
            return
        services, module = self.services, self.sync_module
        # On the sync's own thread: after a running sync, and waited for on close like it.
        self._status_task = Task(
            self.window,
            "Reading the sync status…",
            lambda _p: sync_work.snapshot(services, module),
            quiet=True,
            show_errors=False,
        )
        self._status_task.done.connect(self._status_read)
        self._status_task.failed.connect(self._status_failed)
        self._status_task.start(self.pool)

    def _status_read(self, snap: sync_work.Snapshot) -> None:
        self._status_task = None
        self.looks += 1
        if self._closed:
            return
        if self._status_again:
            self._status_again = False
            self.read_status()
            return
        was_joined = self.view.joined
        if not snap.joined:
            self.password = None
            self.view = SyncView()  # left (here or with `team leave`): nothing to show
            self.timer.stop()
            self.changed.emit(self.view)
            return
        if self.running:  # the sync's own outcome shows the counts when it ends
            return
        self._show_snapshot(snap)
        first, self._first = self._first, False
        if first or not was_joined:
            self.sync_now(manual=False)  # on opening, or just joined: bring the team's work in

    def _status_failed(self, _message: str) -> None:
        self._status_task = None  # busy: the next change or tick reads again

    # --- stopping -----------------------------------------------------------------------------

    def forget(self) -> None:
        """Left the team: stop syncing, show nothing."""
        self.timer.stop()
        self.password = None
        self.view = SyncView()
        self.changed.emit(self.view)

    def cancel(self) -> None:
        self._cancel.set()

    def when_idle(self, then: Callable[[], None]) -> None:
        """Run ``then`` once no sync runs (at once if none does); a running one is cancelled."""
        self.timer.stop()
        if self._task is None:
            then()
            return
        self.cancel()
        self.idle.connect(then, type=Qt.ConnectionType.SingleShotConnection)

    def shutdown(self) -> bool:
        """The window closes: no new sync, the running one cancelled and waited for (it stops
        at its next page or batch, everything done so far kept). False if it did not stop in
        time (it then ends on its own; the next sync goes on from where it stopped)."""
        self._closed = True
        self.timer.stop()
        self._status_soon.stop()
        self._cancel.set()
        return self.pool.waitForDone(CLOSE_WAIT_MS)
