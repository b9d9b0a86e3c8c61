"""Asks why a card goes back a stage. The client's name is shown as written: plain text, so
``<b>Acme</b> & Sons`` is neither markup nor a keyboard shortcut."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from mwms_desktop import APP_NAME


class ReasonDialog(QDialog):
    def __init__(self, client: str, from_label: str, to_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Reason for moving back — {APP_NAME}")
        self.question = QLabel(
            f"Why does {client} go back from {from_label} to {to_label}?\n"
            "The reason is kept in the stage history."
        )
        self.question.setTextFormat(Qt.TextFormat.PlainText)
        self.question.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("For example: the sponsor changed and scope must be agreed again.")
        self.reason.setTabChangesFocus(True)
        self.reason.installEventFilter(self)  # Ctrl+Enter moves back (Enter is a new line)
        self.hint = QLabel("Ctrl+Enter moves back.")
        self.hint.setObjectName("hint")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Move back")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason.textChanged.connect(self._update_ok)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addWidget(self.reason, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.resize(460, 240)
        self._update_ok()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.reason and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                if self.text():
                    self.accept()
                return True  # never a line break: Ctrl+Enter means "done"
        return super().eventFilter(watched, event)

    def _update_ok(self) -> None:
        # The core refuses a blank reason; the button says so before the core has to.
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.text()))

    def text(self) -> str:
        return self.reason.toPlainText().strip()


def ask_reason(parent: QWidget, client: str, from_label: str, to_label: str) -> str | None:
    """The reason typed, or None when the user cancelled."""
    dialog = ReasonDialog(client, from_label, to_label, parent)
    return dialog.text() if dialog.exec() == QDialog.DialogCode.Accepted and dialog.text() else None
