"""Paints the library's result cells: the statement with the matched words in bold (the
snippet's marks), the other columns as plain text, each elided at the cell's edge.

A cell is one line of text laid out once (``QTextLayout``, bold ranges as formats), in the
direction of the view (right-to-left text such as Hebrew or Arabic is ordered by the
layout's bidi algorithm, whatever the view's direction) and elided as a whole: no
rich-text document per cell (laying one out cost a quarter of a millisecond a row, the
most of a keystroke's repaint), and the model asked for one role per cell (the standard
delegate asks for a dozen). Laid-out lines are kept (``line_layout``'s cache): a repaint
of the same rows lays nothing out again."""

from __future__ import annotations

from collections import OrderedDict
from functools import lru_cache

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, Qt
from PySide6.QtGui import QFont, QPainter, QPalette, QTextCharFormat, QTextLayout, QTextOption
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from mwms_desktop.library.search import MARK_END, MARK_START

SnippetRole = Qt.ItemDataRole.UserRole + 4
PADDING = 4  # px each side, as the style pads a cell's text
SNIPPET_COLUMN = 1
ELLIPSIS = "…"
CACHED_LINES = 512  # laid-out lines kept: a few screens of cells

Runs = tuple[tuple[str, bool], ...]


@lru_cache(maxsize=4096)
def runs(snippet: str) -> Runs:
    """The snippet as (text, bold) runs, whitespace collapsed: the marked words bold."""
    out: list[tuple[str, bool]] = []
    for n, part in enumerate(" ".join(snippet.split()).split(MARK_START)):
        bold, _, rest = part.partition(MARK_END) if n else ("", "", part)
        if bold:
            out.append((bold, True))
        if rest:
            out.append((rest, False))
    return tuple(out)


def _bold_ranges(pieces: Runs, end: int) -> list[QTextLayout.FormatRange]:
    """The bold runs' ranges up to ``end`` (the text shown)."""
    out, at = [], 0
    for text, strong in pieces:
        if strong and at < end:
            r = QTextLayout.FormatRange()
            r.start, r.length = at, min(len(text), end - at)
            fmt = QTextCharFormat()
            fmt.setFontWeight(QFont.Weight.Bold)
            r.format = fmt
            out.append(r)
        at += len(text)
    return out


def _laid_out(text: str, ranges: list[QTextLayout.FormatRange], font: QFont, width: int,
              direction: Qt.LayoutDirection, align: Qt.AlignmentFlag) -> QTextLayout:  # fmt: skip
    layout = QTextLayout(text, font)
    option = QTextOption(align)
    option.setWrapMode(QTextOption.WrapMode.NoWrap)
    option.setTextDirection(direction)
    layout.setTextOption(option)
    layout.setFormats(ranges)
    layout.beginLayout()
    line = layout.createLine()
    if line.isValid():
        line.setLineWidth(width)
    layout.endLayout()
    return layout


def _fits(layout: QTextLayout, width: int) -> bool:
    return layout.lineCount() == 0 or layout.lineAt(0).naturalTextWidth() <= width


def _cut(full: QTextLayout, room: float) -> int:
    """The longest logical prefix of ``full``'s text whose width is at most ``room`` (its
    advance from the start of the text, read off the laid-out line: no layout per guess),
    at a cursor position (never inside a character or a cluster)."""
    line = full.lineAt(0)
    start = line.cursorToX(0)[0]
    lo, hi = 0, len(full.text())
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if abs(line.cursorToX(mid)[0] - start) <= room:
            lo = mid
        else:
            hi = mid - 1
    while lo and not full.isValidCursorPosition(lo):
        lo -= 1
    return lo


_lines: OrderedDict[tuple, QTextLayout] = OrderedDict()


def line_layout(pieces: Runs, font: QFont, width: int, direction: Qt.LayoutDirection,
                align: Qt.AlignmentFlag) -> QTextLayout:  # fmt: skip
    """``pieces`` laid out as one line ``width`` px wide: bold where marked, in ``direction``,
    aligned by ``align`` (horizontal, visual); elided as a whole with "…" at the end of the
    text (its right in left-to-right text, its left in right-to-left text) when it does
    not fit."""
    key = (pieces, font.key(), width, direction, align)
    got = _lines.get(key)
    if got is not None:
        _lines.move_to_end(key)
        return got
    text = "".join(t for t, _ in pieces)
    layout = _laid_out(text, _bold_ranges(pieces, len(text)), font, width, direction, align)
    if not _fits(layout, width):
        ellipsis = QTextLayout(ELLIPSIS, font)
        ellipsis.beginLayout()
        mark = ellipsis.createLine()
        ellipsis.endLayout()
        n = _cut(layout, max(0.0, width - mark.naturalTextWidth()))
        while True:  # the estimate is exact for text in one direction; mixed text may need less
            shown = text[:n].rstrip() + ELLIPSIS
            layout = _laid_out(shown, _bold_ranges(pieces, len(shown) - 1), font, width, direction, align)
            if n == 0 or _fits(layout, width):
                break
            n = layout.previousCursorPosition(min(n, len(shown) - 1))
    _lines[key] = layout
    if len(_lines) > CACHED_LINES:
        _lines.popitem(last=False)
    return layout


class SnippetDelegate(QStyledItemDelegate):
    """Every cell of the results table (``SnippetRole`` in the statement column)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:  # fmt: skip
        snippet = index.data(SnippetRole) if index.column() == SNIPPET_COLUMN else None
        if snippet:
            pieces = runs(snippet)
        else:
            text = index.data(Qt.ItemDataRole.DisplayRole)
            pieces = ((" ".join(str(text).split()), False),) if text else ()
        opt = option  # the cell's background, focus and selection only
        widget = opt.widget
        style = widget.style() if widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        if not pieces:
            return
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        rect = opt.rect.adjusted(PADDING, 0, -PADDING, 0)
        visual = QStyle.visualAlignment(opt.direction, opt.displayAlignment)
        align = visual & Qt.AlignmentFlag.AlignHorizontal_Mask
        layout = line_layout(pieces, opt.font, max(0, rect.width()), opt.direction, align)
        if not layout.lineCount():
            return
        height = layout.lineAt(0).height()
        painter.save()
        painter.setPen(opt.palette.color(role))
        painter.setClipRect(rect)
        layout.draw(painter, QPointF(rect.left(), rect.top() + (rect.height() - height) / 2))
        painter.restore()
