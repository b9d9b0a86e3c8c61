"""One stage of the board: header (name, count, WIP limit), card list, and the gate's verdict
laid over the list while a card is dragged over it. In a swimlane, a cell: one stage's cards
of one lane, without a header of its own (the lanes share one row of headers)."""

from __future__ import annotations

import html

from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from mwms_desktop import framework
from ui.board_store import BoardStore
from ui.board_view import BoardListView, Probe
from ui.card_delegate import CardDelegate
from ui.lane import Lane
from ui.stage_header import StageHeader
from ui.stage_model import DropHandler, StageListModel
from ui.tooltip import plain_tip


class StageColumn(QFrame):
    wip_menu_requested = Signal(str)

    def __init__(
        self,
        store: BoardStore,
        stage: str,
        handler: DropHandler,
        probe: Probe,
        parent=None,
        *,
        lane: Lane | None = None,
        header: bool = True,
        banner_host: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.stage = stage
        self.store = store
        self.lane = lane
        info = framework.stage(stage)
        self.setObjectName("stageColumn")
        self.setFrameShape(QFrame.Shape.NoFrame)

        # The gate's verdict while a card is dragged over: an overlay on the foot of the list,
        # not in the layout, so showing it never moves a card under the cursor. Mouse and drag
        # events pass through it to the list below. A swimlane cell, often one card tall, lays
        # it on ``banner_host`` (the lanes), where it may rise above the cell to be read whole.
        self.banner = QLabel(banner_host or self)
        if banner_host is not None:
            self.destroyed.connect(self.banner.deleteLater)
        self.banner.setObjectName("gateBanner")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.banner.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.banner.hide()

        self.model = StageListModel(store, stage, handler, lane)
        self.model.setParent(self)  # goes with the column (swimlanes are rebuilt)

        self._other_lane = False  # the verdict shown is "not this lane", not a gate's

        def verdict(eid: int) -> list[str]:
            refusal = self.model.lane_refusal(eid)
            self._other_lane = refusal is not None
            return [refusal] if refusal else probe(eid, stage)

        self.view = BoardListView(verdict)
        self.view.setModel(self.model)
        self.view.setItemDelegate(CardDelegate(self.view, today=store.services.clock.today))
        where = f"{info.label} column" if lane is None else f"{info.label}, {lane.label} lane"
        self.view.setAccessibleName(where)
        self.view.drag_verdict.connect(self._show_verdict)
        self.model.rows_changed.connect(self._describe)
        self._describe()

        layout = QVBoxLayout(self)
        # Inside the frame's rounded corners (radius 8): the cards are opaque pictures.
        layout.setContentsMargins(FRAME_INSET, 0 if header else FRAME_INSET, FRAME_INSET, FRAME_INSET)
        layout.setSpacing(2)
        self.header: StageHeader | None = None
        if header:
            self.header = StageHeader(store, stage, self)
            self.title, self.count = self.header.title, self.header.count
            self.header.wip_menu_requested.connect(self.wip_menu_requested)
            layout.addWidget(self.header)
        layout.addWidget(self.view, 1)

    @property
    def wip_limit(self) -> int:
        return self.header.wip_limit if self.header else 0

    def set_wip_limit(self, limit: int, *, by_head_office: bool = False) -> None:
        if self.header:
            self.header.set_wip_limit(limit, by_head_office=by_head_office)

    def _describe(self) -> None:
        self.view.setAccessibleDescription(f"{self.model.rowCount()} engagements shown")

    def _show_verdict(self, unmet: list[str] | None) -> None:
        if unmet is None:
            self.banner.hide()
            return
        self.banner.setProperty("refused", bool(unmet))
        self.banner.setText(verdict_html(unmet, "Not in this lane:" if self._other_lane else None))
        self.banner.setToolTip(plain_tip("\n".join(unmet)))
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.banner.show()
        self._place_banner()

    def _place_banner(self) -> None:
        """Lay the banner over the foot of the list, as tall as its text needs (at most the
        list's height), above the cards. A swimlane cell, short and under the cursor, gets it
        on the banner host just above the cell (or, in the top lane, just below it)."""
        host = self.banner.parentWidget()
        area = QRect(self.view.mapTo(host, QPoint(0, 0)), self.view.size())
        width = max(0, area.width() - 2 * BANNER_INSET)
        needed = self.banner.heightForWidth(width)
        if host is self:
            height = min(needed, area.height() - 2 * BANNER_INSET)
            top = area.bottom() + 1 - BANNER_INSET - height
        else:
            height = min(needed, host.height() - 2 * BANNER_INSET)
            above = area.top() - BANNER_INSET - height
            top = above if above >= 0 else min(area.bottom() + 1 + BANNER_INSET, host.height() - height)
        self.banner.setGeometry(area.left() + BANNER_INSET, top, width, height)
        self.banner.raise_()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.banner.isVisible():
            self._place_banner()


BANNER_INSET = 6
FRAME_INSET = 3
COLUMN_MIN_WIDTH = 160  # six columns fit a window 1024 pixels wide (board.SPACING)
MAX_SHOWN = 4


def verdict_html(unmet: list[str], heading: str | None = None) -> str:
    """The banner's text: "Drop to move here", or what is missing (under ``heading``) as a
    list whose wrapped lines hang under their first word. Reasons are escaped: they are shown
    as written."""
    if not unmet:
        return "Drop to move here"
    rows = "".join(
        f'<tr><td style="padding-right: 5px">•</td><td>{html.escape(reason, quote=False)}</td></tr>'
        for reason in unmet[:MAX_SHOWN]
    )
    more = (
        f'<p style="margin-top: 2px">… and {len(unmet) - MAX_SHOWN} more (drop to see them all)</p>'
        if len(unmet) > MAX_SHOWN
        else ""
    )
    table = f'<table cellspacing="0" cellpadding="0">{rows}</table>'
    return f'<p style="margin-bottom: 2px">{heading or "Cannot enter yet:"}</p>{table}{more}'
