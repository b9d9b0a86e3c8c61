"""A stage's header: its number and name, and how many cards it holds against its WIP limit.

It heads a column of the board, or a column of the swimlanes (where it stays above the lanes).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from mwms_desktop import framework
from ui.board_store import BoardStore


class StageHeader(QWidget):
    wip_menu_requested = Signal(str)

    def __init__(self, store: BoardStore, stage: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.stage = stage
        self.wip_limit = 0
        info = framework.stage(stage)
        self.title = QLabel(f"{info.number}  {info.label}")
        self.title.setObjectName("columnTitle")
        self.title.setToolTip(info.purpose)
        self.title.setWordWrap(True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # Every title as tall as the longest stage name needs at this width (two lines at
        # least), so the cards of all six columns start level and no name loses a word.
        self._fit_title(QFontMetrics(self._bold()).averageCharWidth() * 30)
        self.count = QLabel()
        self.count.setObjectName("columnCount")
        # Top-aligned like the title (same top padding in the style sheet), so the count sits
        # on the title's first line rather than halfway down its two.
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.count.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.count.customContextMenuRequested.connect(lambda _pos: self.wip_menu_requested.emit(stage))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 2)
        layout.addWidget(self.title, 1)
        layout.addWidget(self.count, 0, Qt.AlignmentFlag.AlignTop)
        store.counts_changed.connect(self.update_count)
        self.update_count()

    def _bold(self) -> QFont:
        bold = QFont(self.title.font())
        bold.setBold(True)  # the style sheet makes titles bold after this point
        return bold

    def _fit_title(self, width: int) -> None:
        fm = QFontMetrics(self._bold())
        flags = int(Qt.TextFlag.TextWordWrap)
        needed = max(
            fm.boundingRect(QRect(0, 0, max(1, width), 10_000), flags, f"{s.number}  {s.label}").height()
            for s in framework.STAGES
        )
        height = max(needed, fm.lineSpacing() * 2) + 12  # the label's padding
        if self.title.height() != height or self.title.minimumHeight() != height:
            self.title.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_title(self.title.contentsRect().width())

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
