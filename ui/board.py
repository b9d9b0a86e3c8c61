"""The kanban board: six stage columns side by side, keyboard navigation between them."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Signal
from PySide6.QtWidgets import QHBoxLayout, QWidget

from mwms_desktop import framework
from ui.board_controller import BoardController
from ui.board_store import BoardStore
from ui.board_view import OneSelection
from ui.stage_column import COLUMN_MIN_WIDTH, StageColumn

SPACING = 6  # around and between the columns: 6 × 160 + 7 × 6 = 1002 px, inside 1024


class BoardWidget(QWidget):
    open_requested = Signal(int)
    menu_requested = Signal(int, QPoint)
    wip_menu_requested = Signal(str)

    def __init__(self, store: BoardStore, controller: BoardController, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        self.controller = controller
        self.setObjectName("board")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(SPACING, SPACING, SPACING, SPACING)
        layout.setSpacing(SPACING)
        self.columns: dict[str, StageColumn] = {}
        self.selection = OneSelection(self)
        for n, stage in enumerate(framework.STAGE_SLUGS):
            column = StageColumn(store, stage, controller, controller.probe, self)
            column.setMinimumWidth(COLUMN_MIN_WIDTH)
            view = column.view
            view.move_requested.connect(controller.move_by)
            view.open_requested.connect(self.open_requested)
            view.menu_requested.connect(self.menu_requested)
            view.neighbour_requested.connect(lambda delta, n=n: self.focus_column(n + delta))
            column.wip_menu_requested.connect(self.wip_menu_requested)
            layout.addWidget(column, 1)
            self.columns[stage] = column
            self.selection.join(view)
        controller.moved.connect(self.select)

    def focus_column(self, index: int) -> None:
        if 0 <= index < len(framework.STAGE_SLUGS):
            view = self.columns[framework.STAGE_SLUGS[index]].view
            view.setFocus()
            if not view.currentIndex().isValid() and view.model().rowCount():
                view.setCurrentIndex(view.model().index(0, 0))

    def focus_first(self) -> bool:
        """Focus the first card shown (the search's ↓); False when none is shown."""
        for n, column in enumerate(self.columns.values()):
            if column.model.rowCount():
                column.view.setCurrentIndex(column.model.index(0, 0))
                self.focus_column(n)
                return True
        return False

    def select(self, eid: int) -> None:
        """Select and focus a card wherever it now is (after a move, an undo, a search)."""
        card = self.store.card(eid)
        if card is None or not self.isVisibleTo(self.window()):  # swimlanes are shown instead
            return
        view = self.columns[card.stage].view
        if view.select_id(eid):
            view.setFocus()

    def current_id(self) -> int | None:
        for column in self.columns.values():
            if column.view.hasFocus():
                return column.view.current_id()
        return None
