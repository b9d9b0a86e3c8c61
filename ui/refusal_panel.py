"""The panel that says why a move was refused, with a way to the checklist that fixes it.

It follows the data: whenever the engagement changes (an edit in its workspace, an undo) the
core is asked again, the list shows what is still missing, and the panel closes once the
refusal no longer applies (nothing missing, or the card moved, archived or gone)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from mwms_desktop import framework
from mwms_desktop.errors import MwmsError
from mwms_desktop.services import Services
from ui.board_controller import BoardController


class RefusalPanel(QFrame):
    open_checklist = Signal(int, str)  # engagement id, the kind of record that fixes the first item

    def __init__(
        self,
        services: Services | None = None,
        controller: BoardController | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("refusalPanel")
        self.services = services
        self.eid: int | None = None
        self.to_stage = ""
        self.from_stage = ""
        self.client = ""
        self.fixed_in = ""
        self.title = QLabel()
        self.title.setObjectName("refusalTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # a client's name is never markup
        self.items = QLabel()
        self.items.setWordWrap(True)
        self.items.setTextFormat(Qt.TextFormat.PlainText)
        self.open_button = QPushButton("Open checklist")
        self.open_button.setToolTip("Open the engagement on the pane that fixes the first missing item")
        self.open_button.clicked.connect(
            lambda: self.eid is not None and self.open_checklist.emit(self.eid, self.fixed_in)
        )
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
        if controller is not None:
            controller.changed.connect(self._engagement_changed)
        self.hide()

    def show_refusal(self, eid: int, client: str, to_stage: str, requirements: list[str]) -> None:
        self.eid, self.client, self.to_stage = eid, client, to_stage
        self.from_stage = self._stage_now() or ""
        self._show(requirements)
        self.show()

    def _show(self, requirements: list[str]) -> None:
        target = framework.stage(self.to_stage).label
        self.title.setText(f"{self.client} cannot move to {target} yet. Missing:")
        self.items.setText("\n".join(f"• {r}" for r in requirements))
        self.setAccessibleDescription(self.title.text() + " " + " ".join(requirements))
        self.fixed_in = self._first_fix()

    def _stage_now(self) -> str | None:
        if self.services is None or self.eid is None:
            return None
        try:
            card = self.services.portfolio.card(self.eid)
        except MwmsError:
            return None
        return card.stage if card.status == "active" else None

    def _first_fix(self) -> str:
        """The kind of record that fixes the first open item of the engagement's gate."""
        if self.services is None or self.eid is None:
            return ""
        try:
            items = self.services.lifecycle.gate_checklist(self.eid)
        except MwmsError:
            return ""
        return next((i.fixed_in for i in items if not i.met), "")

    def _engagement_changed(self, eid: int) -> None:
        if eid != self.eid or self.isHidden() or self.services is None:
            return
        if self._stage_now() != self.from_stage:  # moved, archived or gone: no longer applies
            self.hide()
            return
        try:
            missing = self.services.lifecycle.check_move(eid, self.to_stage, "")
        except MwmsError:
            self.hide()
            return
        if missing:
            self._show(missing)
        else:
            self.hide()
