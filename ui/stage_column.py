"""One stage of the board: header (name, count, WIP limit), card list, and the gate's verdict
laid over the list while a card is dragged over it."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout

from mwms_desktop import framework
from ui.board_store import BoardStore
from ui.board_view import BoardListView, Probe
from ui.card_delegate import CardDelegate
from ui.stage_model import DropHandler, StageListModel


class StageColumn(QFrame):
    wip_menu_requested = Signal(str)

    def __init__(
        self, store: BoardStore, stage: str, handler: DropHandler, probe: Probe, parent=None
    ) -> None:
        super().__init__(parent)
        self.stage = stage
        self.store = store
        self.wip_limit = 0
        info = framework.stage(stage)
        self.setObjectName("stageColumn")
        self.setFrameShape(QFrame.Shape.NoFrame)

        self.title = QLabel(f"{info.number}  {info.label}")
        self.title.setObjectName("columnTitle")
        self.title.setToolTip(info.purpose)
        self.title.setWordWrap(True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # Two lines for every title, so the cards of all six columns start level.
        bold = QFont(self.title.font())
        bold.setBold(True)  # the style sheet makes titles bold after this point
        self.title.setFixedHeight(QFontMetrics(bold).lineSpacing() * 2 + 12)
        self.count = QLabel()
        self.count.setObjectName("columnCount")
        # Top-aligned like the title (same top padding in the style sheet), so the count sits
        # on the title's first line rather than halfway down its two.
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.count.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.count.customContextMenuRequested.connect(lambda _pos: self.wip_menu_requested.emit(stage))
        header = QHBoxLayout()
        header.setContentsMargins(8, 6, 8, 2)
        header.addWidget(self.title, 1)
        header.addWidget(self.count, 0, Qt.AlignmentFlag.AlignTop)

        # The gate's verdict while a card is dragged over: an overlay on the foot of the list,
        # not in the layout, so showing it never moves a card under the cursor. Mouse and drag
        # events pass through it to the list below.
        self.banner = QLabel(self)
        self.banner.setObjectName("gateBanner")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.banner.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.banner.hide()

        self.model = StageListModel(store, stage, handler)
        self.view = BoardListView(lambda eid: probe(eid, stage))
        self.view.setModel(self.model)
        self.view.setItemDelegate(CardDelegate(self.view, today=store.services.clock.today))
        self.view.setAccessibleName(f"{info.label} column")
        self.view.drag_verdict.connect(self._show_verdict)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self.view, 1)
        store.counts_changed.connect(self.update_count)
        self.update_count()

    def set_wip_limit(self, limit: int) -> None:
        self.wip_limit = limit
        self.update_count()

    def update_count(self) -> None:
        shown, total = len(self.store.ids(self.stage)), self.store.total(self.stage)
        text = f"{shown}" if shown == total else f"{shown} of {total}"
        over = bool(self.wip_limit) and total > self.wip_limit
        if self.wip_limit:
            text += f" / WIP {self.wip_limit}"
        self.count.setText(("⚠ " if over else "") + text)
        self.count.setToolTip(
            f"Over the WIP limit of {self.wip_limit}." if over else "Right-click to set a WIP limit."
        )
        if self.count.property("over") != over:  # re-polishing costs a repaint: only on change
            self.count.setProperty("over", over)
            self.count.style().unpolish(self.count)
            self.count.style().polish(self.count)
        self.view.setAccessibleDescription(f"{shown} engagements shown")

    def _show_verdict(self, unmet: list[str] | None) -> None:
        if unmet is None:
            self.banner.hide()
            return
        self.banner.setProperty("refused", bool(unmet))
        self.banner.setText(verdict_html(unmet))
        self.banner.setToolTip("\n".join(unmet))
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.banner.show()
        self._place_banner()

    def _place_banner(self) -> None:
        """Lay the banner over the foot of the list, as tall as its text needs (at most the
        list's height), above the cards."""
        area = self.view.geometry()
        width = max(0, area.width() - 2 * BANNER_INSET)
        height = min(self.banner.heightForWidth(width), area.height() - 2 * BANNER_INSET)
        self.banner.setGeometry(
            area.left() + BANNER_INSET, area.bottom() + 1 - BANNER_INSET - height, width, height
        )
        self.banner.raise_()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.banner.isVisible():
            self._place_banner()


BANNER_INSET = 6
MAX_SHOWN = 4


def verdict_html(unmet: list[str]) -> str:
    """The banner's text: "Drop to move here", or what is missing as a list whose wrapped
    lines hang under their first word. Reasons are escaped: they are shown as written."""
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
    return f'<p style="margin-bottom: 2px">Cannot enter yet:</p>{table}{more}'
