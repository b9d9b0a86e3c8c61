"""One stage of the board: header (name, count, WIP limit), gate banner, card list."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
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
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.count.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.count.customContextMenuRequested.connect(lambda _pos: self.wip_menu_requested.emit(stage))
        header = QHBoxLayout()
        header.setContentsMargins(8, 6, 8, 2)
        header.addWidget(self.title, 1)
        header.addWidget(self.count)

        self.banner = QLabel()
        self.banner.setObjectName("gateBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()

        self.model = StageListModel(store, stage, handler)
        self.view = BoardListView(lambda eid: probe(eid, stage))
        self.view.setModel(self.model)
        self.view.setItemDelegate(CardDelegate(self.view, today=store.services.clock.today()))
        self.view.setAccessibleName(f"{info.label} column")
        self.view.drag_verdict.connect(self._show_verdict)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self.banner)
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
        self.count.setProperty("over", over)
        self.count.setToolTip(
            f"Over the WIP limit of {self.wip_limit}." if over else "Right-click to set a WIP limit."
        )
        self.count.style().unpolish(self.count)
        self.count.style().polish(self.count)
        self.view.setAccessibleDescription(f"{shown} engagements shown")

    def _show_verdict(self, unmet: list[str] | None) -> None:
        if unmet is None:
            self.banner.hide()
            return
        self.banner.setProperty("refused", bool(unmet))
        shown = unmet[:4]
        more = f"\n… and {len(unmet) - 4} more (drop to see them all)" if len(unmet) > 4 else ""
        self.banner.setText(
            "Cannot enter yet:\n" + "\n".join(f"• {r}" for r in shown) + more
            if unmet
            else "Drop to move here"
        )
        self.banner.setToolTip("\n".join(unmet))
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.banner.show()
