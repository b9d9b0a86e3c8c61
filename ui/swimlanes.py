"""The board in swimlanes: a band of six stage cells for each engagement type, or each owner.

The stage headers stay above the lanes (they follow the lanes sideways, never scroll away);
each lane has a bar with its name and count that folds it. A cell is a :class:`StageColumn`
without a header, over the stage's cards of that lane, so drag and drop, the gate's verdict
and the keyboard work as on the plain board. A card keeps its lane when it moves: the lane is
the engagement's type or owner, edited in its workspace, not by dragging.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mwms_desktop import framework
from ui.board_controller import BoardController
from ui.board_store import BoardStore
from ui.board_view import OneSelection
from ui.card_delegate import CARD_HEIGHT
from ui.lane import Lane
from ui.stage_column import COLUMN_MIN_WIDTH, FRAME_INSET, StageColumn
from ui.stage_header import StageHeader

LANE_ROWS = 3  # a lane is as tall as its fullest cell, up to this many cards; cells scroll beyond
SPACING = 6  # as the plain board: six cells and a scroll bar fit 1024 pixels


def _even_row(widgets: list[QWidget]) -> QHBoxLayout:
    """Six widgets side by side at equal widths, whatever their contents ask for: the header
    row and every lane use it, so their columns line up."""
    row = QHBoxLayout()
    row.setContentsMargins(SPACING, 0, SPACING, 0)
    row.setSpacing(SPACING)
    for widget in widgets:
        widget.setMinimumWidth(COLUMN_MIN_WIDTH)
        widget.setSizePolicy(QSizePolicy.Policy.Ignored, widget.sizePolicy().verticalPolicy())
        row.addWidget(widget, 1)
    return row


class LaneRow(QWidget):
    """One lane: its bar (name, count, fold) and its six cells."""

    def __init__(self, store: BoardStore, controller: BoardController, lane: Lane, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        self.lane = lane
        self.bar = QToolButton()
        self.bar.setObjectName("laneBar")
        self.bar.setCheckable(True)
        self.bar.setChecked(True)
        self.bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.bar.setAutoRaise(True)
        self.bar.toggled.connect(self.set_expanded)
        self.cells: dict[str, StageColumn] = {
            stage: StageColumn(
                store, stage, controller, controller.probe, self, lane=lane, header=False, banner_host=parent
            )
            for stage in framework.STAGE_SLUGS
        }
        self._cell_row = QWidget()
        self._cell_row.setLayout(_even_row(list(self.cells.values())))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self._bar_row = QHBoxLayout()
        self._bar_row.setContentsMargins(SPACING, 0, SPACING, 0)
        self._bar_row.addWidget(self.bar)
        self._bar_row.addStretch(1)
        layout.addLayout(self._bar_row)
        layout.addWidget(self._cell_row)
        for cell in self.cells.values():
            cell.model.rows_changed.connect(self._fit)
        self._fit()
        self.set_expanded(True)

    def count(self) -> int:
        return sum(cell.model.rowCount() for cell in self.cells.values())

    def _fit(self) -> None:
        """As tall as the fullest cell (one card at least, so an empty cell takes a drop)."""
        fullest = max(cell.model.rowCount() for cell in self.cells.values())
        height = min(max(fullest, 1), LANE_ROWS) * CARD_HEIGHT + 2 * FRAME_INSET + 2
        for cell in self.cells.values():
            cell.setFixedHeight(height)
        n = self.count()
        self.bar.setText(f"{self.lane.label} · {n} engagement{'' if n == 1 else 's'}")
        self.bar.setAccessibleName(f"{self.lane.label} lane, {n} shown")

    def set_expanded(self, expanded: bool) -> None:
        self.bar.setChecked(expanded)
        self.bar.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.bar.setToolTip("Fold this lane" if expanded else "Unfold this lane")
        self._cell_row.setVisible(expanded)

    def follow(self, offset: int) -> None:
        """Keep the lane's name in sight when the lanes are scrolled sideways by ``offset``."""
        self._bar_row.setContentsMargins(SPACING + offset, 0, SPACING, 0)

    @property
    def expanded(self) -> bool:
        return self.bar.isChecked()


class SwimlaneBoard(QWidget):
    open_requested = Signal(int)
    menu_requested = Signal(int, QPoint)
    wip_menu_requested = Signal(str)

    def __init__(self, store: BoardStore, controller: BoardController, field: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("swimlanes")
        self.store = store
        self.controller = controller
        self.field = field
        self.lanes: list[LaneRow] = []  # shown, in order
        self._rows: dict[Lane, LaneRow] = {}  # every lane built, shown or hidden by the filter
        self.selection = OneSelection(self)

        self.headers = {stage: StageHeader(store, stage) for stage in framework.STAGE_SLUGS}
        for header in self.headers.values():
            header.wip_menu_requested.connect(self.wip_menu_requested)
        self._header_clip = QWidget()  # the header row, moved sideways with the lanes
        self._header_row = QWidget(self._header_clip)
        self._header_row.setLayout(_even_row(list(self.headers.values())))
        self._header_clip.setFixedHeight(self._header_row.sizeHint().height())
        # A header grows a line when its column narrows (stage_header): the row follows.
        self._header_row.installEventFilter(self)

        self._content = QWidget()
        self._lanes_layout = QVBoxLayout(self._content)
        self._lanes_layout.setContentsMargins(0, 0, 0, SPACING)
        self._lanes_layout.setSpacing(SPACING)
        self._nothing = QLabel("No engagement matches the filters.")
        self._nothing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._lanes_layout.addWidget(self._nothing)
        self._lanes_layout.addStretch(1)
        self._content.setMinimumWidth(6 * COLUMN_MIN_WIDTH + 7 * SPACING)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self._content)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a frame, not a Tab stop
        self.scroll.horizontalScrollBar().valueChanged.connect(self._place_header)
        self._content.installEventFilter(self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, SPACING, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self._header_clip)
        layout.addWidget(self.scroll, 1)
        store.counts_changed.connect(self._sync_lanes)
        controller.moved.connect(self.select)
        self._sync_lanes()

    # --- lanes ---------------------------------------------------------------------------

    def _sync_lanes(self) -> None:
        """Show the lanes that hold a visible card, in order. A lane the filter empties is only
        hidden (typing a search must not rebuild dozens of cells per keystroke); a lane with no
        card left at all (its last card archived, its owner renamed) goes."""
        wanted = self.store.lanes(self.field)
        if not self.store.filter.active:  # unfiltered, every lane with a card is wanted
            for lane in [lane for lane in self._rows if lane not in wanted]:
                row = self._rows.pop(lane)
                self._lanes_layout.removeWidget(row)
                row.deleteLater()
        if [row.lane for row in self.lanes] == wanted:
            return
        focused = self.current_id()
        for row in self._rows.values():
            self._lanes_layout.removeWidget(row)
            row.hide()
        self.lanes = [self._rows.get(lane) or self._add_row(lane) for lane in wanted]
        for n, row in enumerate(self.lanes):
            self._lanes_layout.insertWidget(n, row)
            row.show()
        self._nothing.setVisible(not wanted)
        self._place_header()
        if focused is not None:
            self.select(focused)

    def _add_row(self, lane: Lane) -> LaneRow:
        row = self._rows[lane] = LaneRow(self.store, self.controller, lane, self._content)
        for s, cell in enumerate(row.cells.values()):
            view = cell.view
            self.selection.join(view)
            view.move_requested.connect(self.controller.move_by)
            view.open_requested.connect(self.open_requested)
            view.menu_requested.connect(self.menu_requested)
            view.neighbour_requested.connect(lambda d, r=row, s=s: self._focus_cell(r, s + d))
            view.edge_requested.connect(lambda d, r=row, s=s: self._focus_lane(r, d, s))
        return row

    def _focus_cell(self, row: LaneRow, index: int, at: int | None = None) -> None:
        """Focus a cell of ``row`` (the stage at ``index``): on its card ``at`` (0 the first,
        -1 the last), or else on its current card, or its first."""
        if 0 <= index < len(framework.STAGE_SLUGS):
            cell = row.cells[framework.STAGE_SLUGS[index]]
            view = cell.view
            view.setFocus()
            rows = view.model().rowCount()
            if rows and (at is not None or not view.currentIndex().isValid()):
                view.setCurrentIndex(view.model().index(rows - 1 if at == -1 else 0, 0))
            self.scroll.ensureWidgetVisible(cell, 0, 0)

    def focus_first(self) -> bool:
        """Focus the first card shown, in the first unfolded lane (the search's ↓)."""
        for row in self.lanes:
            if not row.expanded:
                continue
            for index, cell in enumerate(row.cells.values()):
                if cell.model.rowCount():
                    self._focus_cell(row, index, at=0)
                    return True
        return False

    def _focus_lane(self, row: LaneRow, delta: int, index: int) -> None:
        """Up from a cell's first card or down from its last: the same stage in the next
        unfolded lane above or below."""
        n = self.lanes.index(row) + delta
        while 0 <= n < len(self.lanes) and not self.lanes[n].expanded:
            n += delta
        if 0 <= n < len(self.lanes):
            self._focus_cell(self.lanes[n], index, at=-1 if delta < 0 else 0)

    def set_wip_limit(self, stage: str, limit: int, *, by_head_office: bool = False) -> None:
        self.headers[stage].set_wip_limit(limit, by_head_office=by_head_office)

    # --- the header row follows the lanes sideways ------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._header_row and event.type() == QEvent.Type.LayoutRequest:
            height = self._header_row.sizeHint().height()
            if height != self._header_clip.height():
                self._header_clip.setFixedHeight(height)
                self._place_header()
        if watched is self._content and event.type() == QEvent.Type.Resize:
            self._place_header()
        return False

    def _place_header(self) -> None:
        offset = self.scroll.horizontalScrollBar().value()
        self._header_row.setGeometry(-offset, 0, self._content.width(), self._header_clip.height())
        for row in self.lanes:
            row.follow(offset)

    # --- selection -----------------------------------------------------------------------

    def cell_of(self, eid: int) -> StageColumn | None:
        card = self.store.card(eid)
        if card is None:
            return None
        value = getattr(card, self.field)
        row = next((r for r in self.lanes if r.lane.value == value), None)
        return row.cells[card.stage] if row else None

    def select(self, eid: int) -> None:
        """Select and focus a card in its lane (unfolding the lane), and scroll to it."""
        cell = self.cell_of(eid)
        if cell is None or not self.isVisibleTo(self.window()):
            return
        row = next(r for r in self.lanes if cell in r.cells.values())
        row.set_expanded(True)
        if cell.view.select_id(eid):
            cell.view.setFocus()
            self.scroll.ensureWidgetVisible(cell, 0, 0)

    def current_id(self) -> int | None:
        for row in self.lanes:
            for cell in row.cells.values():
                if cell.view.hasFocus():
                    return cell.view.current_id()
        return None
