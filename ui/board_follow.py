"""The board follows what else writes to its database: the CLI, an import, later a sync.

A timer asks the services whether anything else has committed since the last look
(``ChangeWatch.changed_elsewhere``: one ``PRAGMA data_version``, no table read). Only when
something has does the board read its cards again, in bulk, on a worker thread (about
0.1 s for 10,000 engagements: too long for the UI thread), and the store updates just the
rows whose data differs. The selected card stays selected, wherever it now is.

``noticed`` tells the window at once, which tells each open workspace to look at its own
engagement (its records are more than its card); ``followed`` says the board has updated.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from mwms_desktop.services import Services
from mwms_desktop.services.loading import CardSource
from ui.board_store import BoardStore
from ui.board_view import BoardListView
from ui.stage_model import IdRole
from ui.tasks import Task, run_task

FOLLOW_MS = 500  # an outside change shows within about a second


class BoardFollower(QObject):
    noticed = Signal()  # another program committed: said at once, before the board's read
    followed = Signal(object)  # the set of engagement ids whose card changed (maybe empty)

    def __init__(
        self, services: Services, store: BoardStore, shown: Callable[[], QWidget], parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.services, self.store, self.shown = services, store, shown
        self.watch = services.watch_changes()
        self.timer = QTimer(self, interval=FOLLOW_MS, timeout=self.check)
        self._task: Task | None = None
        self._again = False  # another change arrived while a read was running
        self._retry = False  # the last read failed (busy): read at the next tick
        self.reads = 0  # bulk reads started (the idle cost: none while nothing changes)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def check(self) -> bool:
        """Read the board again if anything else wrote to the database; True if it did."""
        changed = self.watch.changed_elsewhere()
        if not (changed or self._retry):
            return False
        self._retry = False
        self._read()
        self.noticed.emit()
        return True

    def _read(self) -> None:
        if self._task is not None:
            self._again = True
            return
        edits, old = self.store.edits, self.store.source
        portfolio = self.services.portfolio

        def read(_progress: object) -> tuple[CardSource, set[int] | None]:
            # Read and compare off the UI thread; both sources are only read here.
            source = portfolio.card_source()
            return source, (source.changed_since(old) if old is not None else None)

        self.reads += 1
        self._task = run_task(
            self.parent(),  # type: ignore[arg-type]
            "Reading the board…",
            read,
            quiet=True,
            show_errors=False,
        )
        self._task.done.connect(lambda result: self._apply(*result, edits))
        self._task.failed.connect(self._failed)

    def _failed(self, _message: str) -> None:
        # The database was busy or being replaced: read again at the next tick.
        self._task = None
        self._again = False
        self._retry = True

    def _apply(self, source: CardSource, differs: set[int] | None, edits: int) -> None:
        self._task = None
        if self._again or edits != self.store.edits:
            # Changed again meanwhile, or edited here after the read began: this read may
            # be older than what the board shows. Read again.
            self._again = False
            self._read()
            return
        selected = self._selected()
        changed = self.store.follow(source, differs)
        if selected is not None:
            self._reselect(*selected)
        self.followed.emit(changed)

    # --- the selected card ---------------------------------------------------------------

    def _views(self) -> list[BoardListView]:
        return self.shown().findChildren(BoardListView)

    def _selected(self) -> tuple[int, bool] | None:
        """The selected card's id and whether its view has the focus."""
        for view in self._views():
            rows = view.selectionModel().selectedIndexes()
            if rows:
                return rows[0].data(IdRole), view.hasFocus()
        return None

    def _reselect(self, eid: int, focused: bool) -> None:
        """Select the card again if the change took it out of its row (moved, re-placed):
        Qt then selects the row that took its place."""
        if self._selected() == (eid, focused):
            return
        for view in self._views():
            if view.isVisibleTo(view.window()) and view.select_id(eid):
                if focused:
                    view.setFocus()
                return
