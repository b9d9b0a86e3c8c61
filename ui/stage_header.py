"""A stage's header: its number and name, and how many cards it holds against its WIP limit.

It heads a column of the board, or a column of the swimlanes (where it stays above the lanes).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from mwms_desktop import framework
from ui.board_store import BoardStore

MARGIN_X, SPACING = 8, 6


class StageHeader(QWidget):
    """The count sits beside the title where the header is wide enough for the longest word of
    any stage's name and a count such as "12 of 40"; in a narrower header it goes under the
    title, so a name never loses letters to the count. The choice and the title's height
    depend only on the header's width, which all six share: the cards of every column start
    level."""

    wip_menu_requested = Signal(str)

    def __init__(self, store: BoardStore, stage: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.stage = stage
        self.wip_limit = 0
        self.wip_by_head_office = False
        info = framework.stage(stage)
        self.title = QLabel(f"{info.number}  {info.label}")
        self.title.setObjectName("columnTitle")
        self.title.setToolTip(info.purpose)
        self.title.setWordWrap(True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.count = QLabel()
        self.count.setObjectName("columnCount")
        self.count.setWordWrap(True)
        self.count.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.count.customContextMenuRequested.connect(lambda _pos: self.wip_menu_requested.emit(stage))
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(MARGIN_X, 6, MARGIN_X, 2)
        self.grid.setHorizontalSpacing(SPACING)
        self.grid.setVerticalSpacing(0)
        self.beside: bool | None = None
        # What the last layout was computed for (the font's key and the width): Qt resizes a
        # header several times while the window opens, mostly to the same width.
        self._widest: tuple[str, int] | None = None
        self._fitted: tuple[str, int] | None = None
        # Measures every stage's name as this header's title would lay it out (its font, its
        # padding from the style sheet), so all six titles get the height of the longest.
        self._probe = QLabel(self)
        self._probe.setObjectName("columnTitle")
        self._probe.setWordWrap(True)
        self._probe.setAlignment(self.title.alignment())
        self._probe.hide()
        self.title.installEventFilter(self)
        self._arrange(QFontMetrics(self._bold()).averageCharWidth() * 40)
        store.counts_changed.connect(self.update_count)
        self.update_count()

    def _bold(self) -> QFont:
        bold = QFont(self.title.font())
        bold.setBold(True)  # the style sheet makes titles bold after this point
        return bold

    def count_room(self) -> int:
        """The count's width beside the title: room for "12 of 40" and its padding."""
        return self.count.fontMetrics().horizontalAdvance("⚠ 88 of 88") + 6

    def _widest_word(self) -> int:
        bold = self._bold()
        if self._widest is None or self._widest[0] != bold.key():
            fm = QFontMetrics(bold)
            widest = max(
                fm.horizontalAdvance(word)
                for s in framework.STAGES
                for word in (f"{s.number}  {s.label.split()[0]}", *s.label.split())
            )
            self._widest = (bold.key(), widest)
        return self._widest[1]

    def _arrange(self, width: int) -> None:
        """Lay the title and count out for a header ``width`` pixels wide."""
        inner = width - 2 * MARGIN_X
        beside = inner - self.count_room() - SPACING >= self._widest_word() + 4  # the label's padding
        title_width = inner - self.count_room() - SPACING if beside else inner
        if beside != self.beside:
            self.beside = beside
            self.grid.removeWidget(self.title)
            self.grid.removeWidget(self.count)
            top, left, right = (
                Qt.AlignmentFlag.AlignTop,
                Qt.AlignmentFlag.AlignLeft,
                Qt.AlignmentFlag.AlignRight,
            )
            if beside:
                self.grid.addWidget(self.title, 0, 0)
                self.grid.addWidget(self.count, 0, 1, top)
                self.count.setFixedWidth(self.count_room())
                self.count.setAlignment(right | top)
            else:
                self.grid.addWidget(self.title, 0, 0, 1, 2)
                self.grid.addWidget(self.count, 1, 0, 1, 2)
                self.count.setMinimumWidth(0)
                self.count.setMaximumWidth(16_777_215)
                self.count.setAlignment(left | top)
        self._fit_title(title_width)

    def _fit_title(self, width: int) -> None:
        """Every title as tall as the longest stage name needs at this width (two lines at
        least), so no name loses a word."""
        probe = self._probe
        probe.ensurePolished()
        fitted = (probe.font().key(), width)
        if fitted == self._fitted:
            return
        heights = []
        for s in framework.STAGES:
            probe.setText(f"{s.number}  {s.label}")
            heights.append(probe.heightForWidth(max(1, width)))
        probe.setText("1\n2")
        height = max(*heights, probe.heightForWidth(max(1, width)))  # two lines at least
        if self.title.minimumHeight() != height or self.title.maximumHeight() != height:
            self.title.setFixedHeight(height)
        self._fitted = fitted

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._widest = self._fitted = None  # the style sheet may pad the title otherwise
        super().changeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(self.width())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.title and event.type() == QEvent.Type.Resize:
            self._fit_title(self.title.width())  # the width the layout gave it
        return super().eventFilter(watched, event)

    def set_wip_limit(self, limit: int, *, by_head_office: bool = False) -> None:
        self.wip_limit = limit
        self.wip_by_head_office = by_head_office
        self.update_count()

    def update_count(self) -> None:
        shown, total = len(self.store.ids(self.stage)), self.store.total(self.stage)
        text = f"{shown}" if shown == total else f"{shown} of {total}"
        over = bool(self.wip_limit) and total > self.wip_limit
        if self.wip_limit:
            text += f" / WIP {self.wip_limit}"
        self.count.setText(("⚠ " if over else "") + text)
        if self.wip_by_head_office:
            limit = f"The WIP limit ({self.wip_limit or 'none'}) is set by head office."
            tip = f"Over the WIP limit of {self.wip_limit}, set by head office." if over else limit
        else:
            tip = f"Over the WIP limit of {self.wip_limit}." if over else "Right-click to set a WIP limit."
        self.count.setToolTip(tip)
        if self.count.property("over") != over:  # re-polishing costs a repaint: only on change
            self.count.setProperty("over", over)
            self.count.style().unpolish(self.count)
            self.count.style().polish(self.count)
