"""Adding an engagement: client, type, owner. The core validates; the dialog shows why."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit

from mwms_desktop import framework, validate
from mwms_desktop.errors import ValidationError
from ui.focus_ring import FocusRing


class AddEngagementDialog(QDialog):
    def __init__(self, parent=None, owners: list[str] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add engagement")
        self.client = QLineEdit()
        self.client.setMaxLength(200)
        self.type_box = QComboBox()
        for term in framework.ENGAGEMENT_TYPES:
            self.type_box.addItem(term.label, term.slug)
        self.owner = QComboBox(editable=True)
        self.owner.addItems(owners or [])
        self.owner.setCurrentText("")
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Client", self.client)
        form.addRow("Type", self.type_box)
        form.addRow("Owner", self.owner)
        form.addRow(self.error)
        form.addRow(buttons)
        self.resize(420, self.sizeHint().height())
        self.focus_ring = FocusRing(self)  # the accent ring on every field, as on the board

    def accept(self) -> None:
        try:
            validate.name(self.client.text(), "Client")
        except ValidationError as exc:
            self.error.setText(str(exc))
            self.error.show()
            self.client.setFocus()
            return
        super().accept()

    def values(self) -> tuple[str, str, str]:
        return self.client.text(), self.type_box.currentData(), self.owner.currentText()
