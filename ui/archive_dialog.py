"""Archived and disqualified engagements, with restore."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from mwms_desktop import framework
from mwms_desktop.services import Services
from ui.board_controller import BoardController


class ArchiveDialog(QDialog):
    def __init__(self, services: Services, controller: BoardController, parent=None) -> None:
        super().__init__(parent)
        self.services = services
        self.controller = controller
        self.setWindowTitle("Archived and disqualified engagements")
        self.list = QListWidget()
        self.list.setAccessibleName("Archived engagements")
        self.note = QLabel("Nothing is ever deleted: restore puts an engagement back on the board.")
        self.note.setWordWrap(True)
        self.restore_button = QPushButton("Restore")
        self.restore_button.clicked.connect(self.restore_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(560, 420)
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        for card in self.services.portfolio.cards(statuses=("archived", "disqualified")):
            status = framework.label(framework.ENGAGEMENT_STATUSES, card.status)
            item = QListWidgetItem(f"{card.client} — {status}, last in {card.stage_label}")
            item.setData(Qt.ItemDataRole.UserRole, card.id)
            self.list.addItem(item)
        self.restore_button.setEnabled(self.list.count() > 0)
        if self.list.count():
            self.list.setCurrentRow(0)

    def restore_selected(self) -> None:
        item = self.list.currentItem()
        if item is not None and self.controller.restore(item.data(Qt.ItemDataRole.UserRole)):
            self.reload()
