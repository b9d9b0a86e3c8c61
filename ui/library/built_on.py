"""The "Built on" list of a hypothesis or insight being edited: the learnings it cites, as
they read when cited, with "Remove citation" (an undoable edit, like citing)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from mwms_desktop.services.citations import CitationView
from ui import shortcuts

CitationRole = Qt.ItemDataRole.UserRole + 4


def item_text(c: CitationView) -> str:
    return f"{c.statement}\n{c.learning_client or 'a learning not in this database'}"


class BuiltOnList(QWidget):
    remove_requested = Signal(int)  # a citation's id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("Built on")
        self.title.setObjectName("sectionTitle")
        self.list = QListWidget()
        self.list.setAccessibleName("Built on these learnings")
        self.list.setWordWrap(True)
        self.remove_button = QPushButton("Remove citation")
        self.remove_button.setAccessibleName("Remove the selected citation")
        self.remove_button.setToolTip("No longer built on the selected learning (undo brings it back)")
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.currentItemChanged.connect(
            lambda *_: self.remove_button.setEnabled(self.selected() is not None)
        )
        for key in shortcuts.delete_keys():
            delete = QShortcut(key, self.list, self.remove_selected)
            delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.remove_button)

    def set_citations(self, citations: Sequence[CitationView]) -> None:
        self.list.clear()
        for c in citations:
            item = QListWidgetItem(item_text(c))
            item.setData(CitationRole, c.id)
            self.list.addItem(item)
        self.title.setText(f"Built on ({len(citations)})" if citations else "Built on: nothing yet")
        self.remove_button.setEnabled(self.selected() is not None)

    def selected(self) -> int | None:
        item = self.list.currentItem()
        return item.data(CitationRole) if item is not None else None

    def remove_selected(self) -> None:
        cid = self.selected()
        if cid is not None:
            self.remove_requested.emit(cid)
