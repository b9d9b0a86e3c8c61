"""One small table model over the frozen record views (stakeholders, insights, …).

Columns are declared as functions of a view, so the model holds no per-kind code. Rows keep
their record ids, so a pane can put the selection back after a refresh.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ui.workspace.fields import NONE_SHOWN

IdRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2
RecordRole = Qt.ItemDataRole.UserRole + 3

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[Any], str]
    sort: Callable[[Any], Any] | None = None  # a number or text to sort by; default: the text
    numeric: bool = False  # right-aligned
    colour: Callable[[Any], QColor | None] | None = None  # a marker drawn before the text
    main: bool = False  # the table's main text: it takes the width the other columns leave
    max_chars: int = 26  # any other column is as wide as its text, up to about this many


class RecordTableModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], parent=None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = []

    # --- reading -------------------------------------------------------------------------

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows) or index.column() >= len(self.columns):
            return None
        row, column = self.rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _one_line(column.text(row)) or NONE_SHOWN
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return _one_line(column.text(row)) or "not set"
        if role == Qt.ItemDataRole.ToolTipRole:
            # The whole text; the table shows it only where the cell cannot (record_pane).
            return column.text(row).strip() or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.numeric else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.DecorationRole and column.colour is not None:
            return column.colour(row)
        if role == SortRole:
            return column.sort(row) if column.sort else column.text(row).casefold()
        if role == IdRole:
            return row.id
        if role == RecordRole:
            return row
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        shown = role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
        if shown and orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return self.columns[section].title  # the tooltip: whole, where a narrow column cuts it
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    # --- writing -------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Replace the rows: in place when the same records are shown (the view keeps its
        selection and scroll position), otherwise as a reset."""
        rows = list(rows)
        if [r.id for r in rows] == [r.id for r in self.rows]:
            # Every cell: a column may show another record (a cycle's hypothesis) that changed.
            self.rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, self.columnCount() - 1))
            return
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def row_of(self, rid: int) -> int:
        return next((n for n, r in enumerate(self.rows) if r.id == rid), -1)

    def record(self, row: int) -> Any:
        return self.rows[row] if 0 <= row < len(self.rows) else None


def _one_line(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first + (" …" if "\n" in text.strip() else "")
