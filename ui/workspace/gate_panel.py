"""The current stage's exit gate, always in view: each requirement done (✓) or missing (✗)
with what is missing, and the button that asks the core to move on."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from mwms_desktop import framework
from mwms_desktop.gates import ChecklistItem
from mwms_desktop.views import EngagementDetail
from ui import theme
from ui.workspace.base import plain_label


class GatePanel(QFrame):
    move_requested = Signal(str)  # the next stage's slug

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gatePanel")
        self.setAccessibleName("Stage gate checklist")
        self.next_stage: str | None = None
        self.items: list[ChecklistItem] = []
        self.heading = plain_label(name="sectionTitle")
        self.summary = plain_label(name="paneIntro")
        self.items_box = QWidget()
        self.items_layout = QVBoxLayout(self.items_box)
        self.items_layout.setContentsMargins(0, 0, 0, 0)
        self.items_layout.setSpacing(8)
        self.move_button = QPushButton()
        self.move_button.clicked.connect(
            lambda: self.next_stage and self.move_requested.emit(self.next_stage)
        )
        self.refusal = plain_label(name="formError")
        self.refusal.hide()
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 4, 0)
        body_layout.addWidget(self.items_box)
        body_layout.addSpacing(6)
        body_layout.addWidget(self.refusal)
        body_layout.addWidget(self.move_button)
        body_layout.addStretch(1)
        scroller = QScrollArea()
        scroller.setWidget(body)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(scroller, 1)

    def set_gate(self, detail: EngagementDetail, items: Sequence[ChecklistItem]) -> None:
        self.items = list(items)
        stage = framework.stage(detail.stage)
        index = framework.stage_index(detail.stage)
        self.next_stage = framework.STAGES[index + 1].slug if index + 1 < len(framework.STAGES) else None
        self.heading.setText(f"Gate: leaving {stage.label}")
        met = sum(1 for i in items if i.met)
        if self.next_stage is None:
            self.summary.setText(
                "The last stage: there is no gate to pass. "
                "A move back (with its reason) is made on the board."
            )
        else:
            self.summary.setText(f"{met} of {len(items)} requirements met.")
        while self.items_layout.count():
            child = self.items_layout.takeAt(0).widget()
            if child is not None:
                child.deleteLater()
        dark = theme.is_dark(QGuiApplication.palette())
        for item in items:
            self.items_layout.addWidget(self._item_widget(item, dark))
        if self.next_stage is not None:
            label = framework.stage(self.next_stage).label
            self.move_button.setText(f"Move to {label}")
            self.move_button.setAccessibleName(f"Move to {label}")
            self.move_button.setToolTip("The gate is checked when you move; what is missing is listed here.")
        self.move_button.setVisible(self.next_stage is not None)
        self.refusal.hide()

    def _item_widget(self, item: ChecklistItem, dark: bool) -> QWidget:
        box = QWidget()
        box.setObjectName("gateItem")
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        mark = "✓" if item.met else "✗"
        colour = theme.health_colour("healthy" if item.met else "at_risk", dark).name()
        title = QLabel()
        title.setTextFormat(Qt.TextFormat.RichText)
        title.setWordWrap(True)
        # The title is the framework's own text, never client input; only it is rich text.
        title.setText(f'<span style="color:{colour}; font-weight:bold">{mark}</span>&nbsp; {item.title}')
        state = "done" if item.met else "missing"
        box.setAccessibleName(f"{item.title}: {state}")
        lay.addWidget(title)
        for sentence in item.missing:
            missing = plain_label(f"• {sentence}", name="gateMissing")
            missing.setContentsMargins(18, 0, 0, 0)
            lay.addWidget(missing)
        box.setAccessibleDescription(" ".join(item.missing))
        return box

    def show_refusal(self, requirements: Sequence[str]) -> None:
        self.refusal.setText("Not moved. Missing:\n" + "\n".join(f"• {r}" for r in requirements))
        self.refusal.show()
