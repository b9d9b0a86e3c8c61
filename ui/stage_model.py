"""One board column's item model: the visible cards of one stage, as a flat list.

The model is thin: rows come from the :class:`BoardStore`; a drop is decoded here and handed
to the board controller, which moves the engagement through the services (and the undo
stack). Rows are never removed by the view: after a drag with MoveAction Qt calls
``removeRows`` on the source model, which must not drop a card the store still holds, so it
refuses; the store alone decides what each column shows.

The model derives from :class:`QStringListModel` for one reason: its row count lives in C++.
QListView lays a column out by asking ``model.index(row)`` for every row, and each of those
asks ``rowCount``; answered in Python, that is two calls from C++ into Python per row, about
2.5 ms for a column of 1,600 cards on every change. The strings themselves are empty and
unused: the engagement ids are ``_rows``, and every role is answered by ``data``.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from PySide6.QtCore import QMimeData, QModelIndex, QPersistentModelIndex, QStringListModel, Qt

from mwms_desktop import framework
from mwms_desktop.views import EngagementCard
from ui.board_store import BoardStore
from ui.lane import Lane

MIME_TYPE = "application/x-mwms-engagement"
CardRole = Qt.ItemDataRole.UserRole + 1
IdRole = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


class DropHandler(Protocol):
    def drop_card(self, eid: int, to_stage: str, before_id: int | None) -> bool: ...


def encode_ids(ids: list[int], stage: str) -> QMimeData:
    data = QMimeData()
    data.setData(MIME_TYPE, json.dumps({"ids": ids, "from": stage}).encode())
    return data


def decode_ids(data: QMimeData) -> list[int]:
    """The engagement ids a drag carries; empty for anything that is not ours or malformed."""
    if not data.hasFormat(MIME_TYPE):
        return []
    try:
        payload = json.loads(bytes(data.data(MIME_TYPE).data()).decode())
        ids = payload["ids"]
    except (ValueError, KeyError, TypeError):
        return []
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        return []
    return ids


def days_shown(days: int) -> str:
    """A card's days in its stage, in the one wording every card uses: "1 day", "12 days"."""
    return f"{days} day{'' if days == 1 else 's'}"


def accessible_text(card: EngagementCard) -> str:
    parts = [
        card.client,
        card.type_label,
        *([f"owner {card.owner}"] if card.owner else []),
        f"{days_shown(card.days_in_stage)} in {card.stage_label}",
        f"health {card.health.band_label}",
    ]
    if card.drift:
        parts.append("drift: " + " ".join(s.message for s in card.drift))
    if card.next_action:
        due = f", due {card.next_action_due.isoformat()}" if card.next_action_due else ""
        parts.append(f"next: {card.next_action}{due}")
    return "; ".join(parts)


def tooltip(card: EngagementCard) -> str:
    from html import escape

    lines = [f"<b>{escape(card.client)}</b> — {escape(card.type_label)}"]
    if card.owner:
        lines.append(f"Owner: {escape(card.owner)}")
    lines.append(f"{days_shown(card.days_in_stage)} in {escape(card.stage_label)}")
    score = f" ({card.health.score})" if card.health.score is not None else ""
    trend = framework.label(framework.TRENDS, card.health.trend)
    lines.append(f"Health: {escape(card.health.band_label)}{score}, trend {escape(trend.lower())}")
    if card.drift:
        lines.append("<b>Drift signals</b>")
        lines.extend(f"• {escape(s.message)}" for s in card.drift)
    return "<br>".join(lines)


class StageListModel(QStringListModel):
    def __init__(
        self, store: BoardStore, stage: str, handler: DropHandler | None = None, lane: Lane | None = None
    ) -> None:
        super().__init__(store)
        self.store = store
        self.stage = stage
        self.handler = handler
        self.lane = lane  # a swimlane's cell: only this lane's cards of the stage
        self._rows: list[int] = []
        self._on_stage_reset(stage)
        store.stage_reset.connect(self._on_stage_reset)

    def _on_stage_reset(self, stage: str) -> None:
        if stage != self.stage:
            return
        lane = self.lane
        rows = list(self.store.ids(stage) if lane is None else self.store.lane_ids(stage, lane))
        if rows == self._rows:  # the same cards (an edit, another lane's move): repaint what changed
            touched = self.store.touched
            changed = range(len(rows)) if touched is None else [n for n, e in enumerate(rows) if e in touched]
            if changed:
                self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), 0))
            return
        self._rows = rows
        self.setStringList([""] * len(rows))  # a model reset; see the module docstring

    # --- read ----------------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == IdRole:
            return self._rows[index.row()]
        card = self.store.card(self._rows[index.row()])
        if card is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return card.client
        if role == CardRole:
            return card
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(card)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return accessible_text(card)
        return None

    def row_of(self, eid: int) -> int:
        return self._rows.index(eid) if eid in self._rows else -1

    def card_at(self, row: int) -> EngagementCard | None:
        return self.store.card(self._rows[row]) if 0 <= row < len(self._rows) else None

    # --- drag and drop -------------------------------------------------------------------

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsDropEnabled
        if not index.isValid():
            return base
        return base | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        ids = [self._rows[i.row()] for i in indexes if i.isValid() and i.row() < len(self._rows)]
        return encode_ids(ids, self.stage)

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        ids = decode_ids(data)
        return action == Qt.DropAction.MoveAction and len(ids) == 1 and self.lane_refusal(ids[0]) is None

    def lane_refusal(self, eid: int) -> str | None:
        """Why ``eid`` cannot be dropped in this swimlane cell (it belongs to another lane)."""
        if self.lane is None:
            return None
        theirs = self.store.lane_of(eid, self.lane.field)
        if theirs is None or theirs == self.lane:
            return None
        what = "engagement type" if self.lane.field == "engagement_type" else "owner"
        return (
            f"This lane is for {self.lane.holds}; this card {theirs.of_card}. A card keeps its "
            f"lane: change its {what} in the engagement to move it to another."
        )

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        """Ask the controller to move (or reorder) the dropped card; True if it did."""
        if not self.canDropMimeData(data, action, row, column, parent) or self.handler is None:
            return False
        if parent.isValid():  # dropped onto a card: place it above that card
            row = parent.row()
        before = self.card_at(row) if row >= 0 else None
        (eid,) = decode_ids(data)
        if before is not None and before.id == eid:
            return False
        return self.handler.drop_card(eid, self.stage, before.id if before else None)

    # --- the store owns the rows: no edit from outside ---------------------------------------

    def removeRows(self, row: int, count: int, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        """Refused: after a drag, Qt asks the source to remove what it moved; see the module
        docstring."""
        return False

    def insertRows(self, row: int, count: int, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return False

    def moveRows(self, src: Index, row: int, count: int, dst: Index, child: int) -> bool:
        return False

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        return False
