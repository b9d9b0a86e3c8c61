"""The panel that says why a move was refused, with a way to the checklist that fixes it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from mwms_desktop import framework


class RefusalPanel(QFrame):
    open_checklist = Signal(int)  # engagement id

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("refusalPanel")
        self.eid: int | None = None
        self.title = QLabel()
        self.title.setObjectName("refusalTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # a client's name is never markup
        self.items = QLabel()
        self.items.setWordWrap(True)
        self.items.setTextFormat(Qt.TextFormat.PlainText)
        self.open_button = QPushButton("Open checklist")
        self.open_button.clicked.connect(lambda: self.eid is not None and self.open_checklist.emit(self.eid))
        close = QPushButton("Dismiss")
        close.clicked.connect(self.hide)
        buttons = QVBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(close)
        buttons.addStretch(1)
        text = QVBoxLayout()
        text.addWidget(self.title)
        text.addWidget(self.items)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addLayout(text, 1)
        layout.addLayout(buttons)
        self.hide()

    def show_refusal(self, eid: int, client: str, to_stage: str, requirements: list[str]) -> None:
        self.eid = eid
        self.title.setText(f"{client} cannot move to {framework.stage(to_stage).label} yet. Missing:")
        self.items.setText("\n".join(f"• {r}" for r in requirements))
        self.setAccessibleDescription(self.title.text() + " " + " ".join(requirements))
        self.show()
