"""A table header whose labels wrap at word boundaries, so a column is as wide as its numbers
(or its header's longest word), never as wide as a long header on one line.

A long header on one line used to make its column wider than the table: the numbers, right
aligned, sat past the table's edge. Here each column's width is the widest of its cells and
of its header's words; the header grows in height to hold the wrapped label.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QRect, QSize, Qt
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionHeader, QTableView, QWidget

WRAP = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap


class WrappingHeader(QHeaderView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setDefaultAlignment(WRAP)
        self.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setStretchLastSection(False)
        self._pad: int | None = None  # ``_padding``, measured once per style and font

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._pad = None
        super().changeEvent(event)

    def _text(self, section: int) -> str:
        model = self.model()
        value = model.headerData(section, self.orientation(), Qt.ItemDataRole.DisplayRole) if model else None
        return "" if value is None else str(value)

    def _padding(self) -> int:
        """What the style adds around a section's text (its margins and frame)."""
        if self._pad is None:
            self._pad = self._measure_padding()
        return self._pad

    def _measure_padding(self) -> int:
        opt = QStyleOptionHeader()
        self.initStyleOption(opt)
        empty = self.style().sizeFromContents(QStyle.ContentsType.CT_HeaderSection, opt, QSize(), self)
        margin = self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, opt, self)
        return max(empty.width(), 2 * margin) + 2

    def word_width(self, section: int) -> int:
        """The width the header's longest word needs."""
        metrics = self.fontMetrics()
        words = self._text(section).split() or [""]
        return max(metrics.horizontalAdvance(w) for w in words) + self._padding()

    def sectionSizeFromContents(self, logicalIndex: int) -> QSize:
        width = max(self.sectionSize(logicalIndex), self.word_width(logicalIndex))
        text_width = max(1, width - self._padding())
        bound = self.fontMetrics().boundingRect(
            QRect(0, 0, text_width, 10_000), int(WRAP), self._text(logicalIndex)
        )
        base = super().sectionSizeFromContents(logicalIndex)
        extra = base.height() - self.fontMetrics().height()
        return QSize(width, max(base.height(), bound.height() + extra))


def fit_columns(table: QTableView) -> int:
    """Size each column to the widest of its cells and of its header's words, re-measure the
    header's height for the wrapped labels, and return the width the whole table needs
    (every column, the frame and the vertical scroll bar) to show every number."""
    header = table.horizontalHeader()
    model = table.model()
    columns = model.columnCount(QModelIndex()) if model is not None else 0
    word = header.word_width if isinstance(header, WrappingHeader) else (lambda _n: 0)
    total = 0
    for n in range(columns):
        width = max(table.sizeHintForColumn(n), word(n))
        header.resizeSection(n, width)
        total += width
    header.setMinimumHeight(0)
    header.setMinimumHeight(
        max((header.sectionSizeFromContents(n).height() for n in range(columns)), default=0)
    )
    header.updateGeometry()
    table.updateGeometries()
    scroll = table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, table)
    return total + 2 * table.frameWidth() + scroll + 2
