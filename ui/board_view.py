"""The list view of one column: drag and drop, the gate shown while dragging, keyboard moves.

While a card is dragged over the column, the view asks ``probe(eid)`` (the core's gate check,
through the controller) and shows the verdict: an accent outline where the card may go, a
warning outline and the reason where it would be refused. The drop itself still goes to the
model, so a refused drop is reported in full by the controller and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QObject, QPoint, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QFocusEvent,
    QKeyEvent,
)
from PySide6.QtWidgets import QAbstractItemView, QListView
from shiboken6 import Shiboken

from ui.stage_model import IdRole, decode_ids

Probe = Callable[[int], list[str]]


class OneSelection(QObject):
    """One selected card on the whole board: selecting a card in one column (or swimlane cell)
    clears the selection of every other, so two cards never both look selected."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.views: list[QListView] = []

    def join(self, view: QListView) -> None:
        self.views.append(view)
        view.selectionModel().selectionChanged.connect(lambda *_: self._selected(view))

    def _selected(self, view: QListView) -> None:
        if not view.selectionModel().hasSelection():
            return
        self.views = [v for v in self.views if Shiboken.isValid(v)]
        for other in self.views:
            if other is not view and other.selectionModel().hasSelection():
                other.clearSelection()


class BoardListView(QListView):
    drag_verdict = Signal(object)  # None when no drag is over; else list of unmet requirements
    move_requested = Signal(int, int)  # engagement id, +1 / -1 stage
    open_requested = Signal(int)
    menu_requested = Signal(int, QPoint)
    neighbour_requested = Signal(int)  # -1 left column, +1 right column
    edge_requested = Signal(int)  # -1 up from the first card, +1 down from the last (swimlanes)

    def __init__(self, probe: Probe | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("boardList")  # the style sheet's board-only rules
        self.probe = probe
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformItemSizes(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMouseTracking(True)
        self.setProperty("dropState", "")
        self._verdict_for: int | None = None

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Tabbed or clicked into, the column's focus is on a card (its ring shows where), never
        on nothing: the current card, or else the first."""
        super().focusInEvent(event)
        if not self.currentIndex().isValid() and self.model() is not None and self.model().rowCount():
            self.setCurrentIndex(self.model().index(0, 0))

    def current_id(self) -> int | None:
        idx = self.currentIndex()
        return idx.data(IdRole) if idx.isValid() else None

    def select_id(self, eid: int) -> bool:
        row = self.model().row_of(eid)  # the column's StageListModel: no Qt call per row
        if row < 0:
            return False
        idx = self.model().index(row, 0)
        self.setCurrentIndex(idx)
        self.scrollTo(idx)
        return True

    # --- drag feedback -------------------------------------------------------------------

    def _set_state(self, state: str) -> None:
        if self.property("dropState") != state:
            self.setProperty("dropState", state)
            self.style().unpolish(self)
            self.style().polish(self)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        ids = decode_ids(event.mimeData())
        if len(ids) != 1:
            event.ignore()
            return
        unmet = self.probe(ids[0]) if self.probe else []
        self._set_state("refused" if unmet else "ok")
        self.drag_verdict.emit(unmet)
        super().dragEnterEvent(event)
        event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        super().dragMoveEvent(event)
        move, nowhere = Qt.DropAction.MoveAction, QModelIndex()
        if self.model().canDropMimeData(event.mimeData(), move, -1, -1, nowhere):
            event.acceptProposedAction()  # anywhere in the column, on a card or between
        else:  # not ours, or another swimlane's card: the cursor says no (the banner says why)
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._clear_drag()
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self._clear_drag()
        super().dropEvent(event)

    def _clear_drag(self) -> None:
        self._set_state("")
        self.drag_verdict.emit(None)

    # --- keyboard and menu (WCAG 2.5.7: every drag has a non-drag alternative) -----------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        eid = self.current_id()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Left):
            delta = 1 if key == Qt.Key.Key_Right else -1
            if ctrl and eid is not None:
                self.move_requested.emit(eid, delta)
            elif not ctrl:
                self.neighbour_requested.emit(delta)
            event.accept()
            return
        plain = not (mods & ~Qt.KeyboardModifier.KeypadModifier)  # keypad arrows are arrows
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and plain:
            row, rows = self.currentIndex().row(), self.model().rowCount()  # row -1: none current
            delta = -1 if key == Qt.Key.Key_Up else 1
            if rows == 0 or (delta < 0 and row == 0) or (delta > 0 and row == rows - 1):
                self.edge_requested.emit(delta)
                event.accept()
                return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and eid is not None:
            self.open_requested.emit(eid)
            event.accept()
            return
        if key == Qt.Key.Key_Menu and eid is not None:
            rect = self.visualRect(self.currentIndex())
            self.menu_requested.emit(eid, self.viewport().mapToGlobal(rect.center()))
            event.accept()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        idx = self.indexAt(event.pos())
        if idx.isValid():
            self.setCurrentIndex(idx)
            self.menu_requested.emit(idx.data(IdRole), event.globalPos())

    def mouseDoubleClickEvent(self, event) -> None:
        idx = self.indexAt(event.position().toPoint())
        if idx.isValid():
            self.open_requested.emit(idx.data(IdRole))
            return
        super().mouseDoubleClickEvent(event)
