"""A chart's numbers as a read-only table model: what screen readers read and people copy."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from mwms_desktop.analytics.charts import ChartSpec

Index = QModelIndex | QPersistentModelIndex
# Asked for once per cell and role: made once here, not from Qt's enums at each call (a
# combination of two flags is a new enum value each time it is made).
DISPLAY, ACCESSIBLE = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole
ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class NumbersModel(QAbstractTableModel):
    """Rows are the chart's categories (a day, a month, a stage), columns its series."""

    def __init__(self, spec: ChartSpec | None = None, parent=None) -> None:
        super().__init__(parent)
        self._headers: tuple[str, ...] = ()
        self._full: tuple[str, ...] = ()  # the columns' full names (tooltips, screen readers)
        self._rows: tuple[tuple[str, ...], ...] = ()
        if spec is not None:
            self.set_spec(spec)

    def set_spec(self, spec: ChartSpec) -> None:
        self.beginResetModel()
        self._headers = spec.headers
        self._full = spec.full_headers
        self._rows = spec.rows if not spec.missing else ()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = DISPLAY) -> object:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if row >= len(self._rows) or column >= len(self._headers):
            return None
        if role == DISPLAY:
            return self._rows[row][column]
        if role == ACCESSIBLE:
            return f"{self._full[column]}: {self._rows[row][column]}"
        if role == ALIGNMENT and column > 0:
            return RIGHT
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._full[section] if 0 <= section < len(self._full) else None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if horizontal:
            return self._headers[section] if 0 <= section < len(self._headers) else None
        return str(section + 1)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
