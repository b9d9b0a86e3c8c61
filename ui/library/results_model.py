"""The library's results as a table model: kind, statement (snippet), client, type, result.

Each row's texts are made once, when the row is first asked for (a repaint asks a cell for
a dozen roles; only the visible rows are ever asked). A search shows its first page; when
the view scrolls near the end (or has room), ``fetchMore`` asks for the next page
(``more_wanted``), which the window reads on a worker and hands to ``add_hits``."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from mwms_desktop import framework as fw
from mwms_desktop.library import Hit
from ui.library.snippet_delegate import SnippetRole
from ui.library.text import KIND_LABELS, plain
from ui.tooltip import plain_tip

HitRole = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex

HEADERS = ("Kind", "Statement", "Client", "Type", "Result")
_TEXT_ROLES = frozenset({int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.ToolTipRole)})
_TIP = int(Qt.ItemDataRole.ToolTipRole)
_HIT_ROLES = frozenset({int(HitRole), int(SnippetRole)})


def _result(h: Hit) -> str:
    return ", ".join(dict.fromkeys(fw.label(fw.CYCLE_RESULTS, r) for r in h.results))


def texts(h: Hit) -> tuple[str, str, str, str, str]:
    """What each column shows for ``h``."""
    return (KIND_LABELS[h.kind], plain(h.snippet) or h.statement, h.client,
            fw.label(fw.ENGAGEMENT_TYPES, h.engagement_type), _result(h))  # fmt: skip


class ResultsModel(QAbstractTableModel):
    more_wanted = Signal()  # the view wants the next page

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.hits: tuple[Hit, ...] = ()
        self._texts: dict[int, tuple[str, ...]] = {}
        self.more = False  # whether the search has more than the hits shown
        self._asked = False  # the next page is on its way

    def set_hits(self, hits: tuple[Hit, ...], *, more: bool = False) -> None:
        self.beginResetModel()
        self.hits = tuple(hits)
        self._texts = {}
        self.more, self._asked = more, False
        self.endResetModel()

    def add_hits(self, hits: tuple[Hit, ...], *, more: bool) -> None:
        """The next page, below the rows shown."""
        first = len(self.hits)
        self._asked = False
        self.more = more and bool(hits)
        if hits:
            self.beginInsertRows(QModelIndex(), first, first + len(hits) - 1)
            self.hits = self.hits + tuple(hits)
            self.endInsertRows()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self.more and not self._asked

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._asked = True
            self.more_wanted.emit()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.hits)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in _TEXT_ROLES:
            row = index.row()
            if not index.isValid() or not 0 <= row < len(self.hits):
                return None
            shown = self._texts.get(row)
            if shown is None:
                shown = self._texts[row] = texts(self.hits[row])
            text = shown[index.column()]
            return plain_tip(text) if role == _TIP else text  # a statement or client, as typed
        if role in _HIT_ROLES:
            if not index.isValid() or not 0 <= index.row() < len(self.hits):
                return None
            h = self.hits[index.row()]
            if role == HitRole:
                return h
            return (h.snippet or h.statement) if index.column() == 1 else None
        return None

    def hit(self, row: int) -> Hit | None:
        return self.hits[row] if 0 <= row < len(self.hits) else None
