"""Paints the library's result cells: the statement with the matched words in bold (the
snippet's marks), the other columns as plain text, each elided at the cell's right edge.

Drawn as runs of plain and bold text: no rich-text document per cell (laying one out cost
a quarter of a millisecond a row, the most of a keystroke's repaint), nothing past the
visible width measured, and the model asked for one role per cell (the standard delegate
asks for a dozen)."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from mwms_desktop.library.search import MARK_END, MARK_START

SnippetRole = Qt.ItemDataRole.UserRole + 4
PADDING = 4  # px each side, as the style pads a cell's text
SNIPPET_COLUMN = 1


@lru_cache(maxsize=4096)
def runs(snippet: str) -> tuple[tuple[str, bool], ...]:
    """The snippet as (text, bold) runs, whitespace collapsed: the marked words bold."""
    out: list[tuple[str, bool]] = []
    for n, part in enumerate(" ".join(snippet.split()).split(MARK_START)):
        bold, _, rest = part.partition(MARK_END) if n else ("", "", part)
        if bold:
            out.append((bold, True))
        if rest:
            out.append((rest, False))
    return tuple(out)


class SnippetDelegate(QStyledItemDelegate):
    """Every cell of the results table (``SnippetRole`` in the statement column)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._fonts: tuple[QFont, QFont, QFontMetrics, QFontMetrics] | None = None

    def _metrics(self, font: QFont) -> tuple[QFont, QFont, QFontMetrics, QFontMetrics]:
        if self._fonts is None or self._fonts[0] != font:
            bold = QFont(font)
            bold.setBold(True)
            self._fonts = (QFont(font), bold, QFontMetrics(font), QFontMetrics(bold))
        return self._fonts

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:  # fmt: skip
        snippet = index.data(SnippetRole) if index.column() == SNIPPET_COLUMN else None
        if snippet:
            pieces = runs(snippet)
        else:
            text = index.data(Qt.ItemDataRole.DisplayRole)
            pieces = ((str(text), False),) if text else ()
        opt = option  # the cell's background, focus and selection only
        widget = opt.widget
        style = widget.style() if widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        plain, bold, fm_plain, fm_bold = self._metrics(opt.font)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        rect = opt.rect.adjusted(PADDING, 0, -PADDING, 0)
        painter.save()
        painter.setPen(opt.palette.color(role))
        painter.setClipRect(rect)
        x, right = rect.left(), rect.right() + 1
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        for text, strong in pieces:
            fm = fm_bold if strong else fm_plain
            width = fm.horizontalAdvance(text)
            last = x + width > right
            if last:  # the last visible run, cut with an ellipsis
                text = fm.elidedText(text, Qt.TextElideMode.ElideRight, right - x)
                width = fm.horizontalAdvance(text)
            painter.setFont(bold if strong else plain)
            painter.drawText(QRect(x, rect.top(), width + 1, rect.height()), align, text)
            x += width
            if last:
                break
        painter.restore()
