"""What a new user sees: an empty board and the first step."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from mwms_desktop import framework


class EmptyState(QWidget):
    add_requested = Signal()
    demo_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        title = QLabel("No engagements yet")
        title.setObjectName("emptyTitle")
        stages = " → ".join(s.label for s in framework.STAGES)
        body = QLabel(
            "Every client relationship moves through six stages:\n"
            f"{stages}.\n\nAdd your first engagement, or load a demo portfolio to look around."
        )
        body.setWordWrap(True)
        body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        add = QPushButton("Add engagement…")
        add.setDefault(True)
        add.clicked.connect(self.add_requested)
        demo = QPushButton("Load demo portfolio")
        demo.clicked.connect(self.demo_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(add)
        buttons.addWidget(demo)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(title, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(body)
        layout.addLayout(buttons)
        layout.addStretch(3)
        self.add_button, self.demo_button = add, demo
