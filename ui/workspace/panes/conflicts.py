"""The workspace's "Conflicts (N)" pane: records of this engagement changed on two laptops
that a merge met (issue 12). Each shows both versions side by side, the fields that differ
marked, with "Keep this one" under each: an undoable change, like every edit here."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mwms_desktop.merge.conflicts import ConflictView
from mwms_desktop.views import EngagementDetail
from ui.undo_commands import ServiceCommand
from ui.workspace.base import ErrorLabel, Pane, WorkspaceContext, plain_label


def _when(view: ConflictView, side: str) -> str:
    at = view.mine_at if side == "mine" else view.theirs_at
    device = view.mine_device if side == "mine" else view.theirs_device
    where = "this laptop" if side == "mine" else f"device {device[:8]}" if device else "another laptop"
    return f"{at:%Y-%m-%d %H:%M} UTC, {where}" if at is not None else where


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def resolve_command(ctx: WorkspaceContext, view: ConflictView, keep: str) -> ServiceCommand:
    """Keep one version of a conflict; undo puts the record back as it was and reopens it."""
    services = ctx.services
    holder: dict[str, Any] = {}

    def do() -> Any:
        holder["resolution"] = services.conflicts.resolve(view.id, keep)

    def undo() -> Any:
        services.conflicts.reopen(holder["resolution"])

    text = f"Keep {'this laptop' if keep == 'mine' else 'the other laptop'}'s {view.kind_label.lower()}"
    return ServiceCommand(text, ctx.eid, do, undo, **ctx.hooks())


class ConflictBox(QGroupBox):
    """One conflict: the two versions in columns, a row per field (differing ones in bold)."""

    def __init__(self, ctx: WorkspaceContext, view: ConflictView, parent: QWidget | None = None) -> None:
        super().__init__(f"{view.kind_label}: {view.detail}", parent)
        self.ctx, self.view = ctx, view
        layout = QVBoxLayout(self)
        self.buttons: dict[str, QPushButton] = {}
        if not view.resolvable:
            layout.addWidget(plain_label(
                "Nothing to choose: the history keeps every move." if view.kind == "stage_history"
                else "Record what is missing (or move the engagement back), then mark it seen."
            ))  # fmt: skip
            seen = QPushButton("Seen")
            seen.setAccessibleName(f"Mark conflict {view.id} seen")
            seen.clicked.connect(lambda: self._keep("mine"))
            self.buttons["mine"] = seen
            layout.addWidget(seen, 0, Qt.AlignmentFlag.AlignLeft)
            return
        names = sorted(set(view.mine or {}) | set(view.theirs or {}), key=lambda n: (n not in view.fields, n))
        self.table = QTableWidget(len(names), 2)
        here, there = f"Here ({_when(view, 'mine')})", f"There ({_when(view, 'theirs')})"
        self.table.setHorizontalHeaderLabels([here, there])
        self.table.setVerticalHeaderLabels(names)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        bold = QFont(self.font())
        bold.setBold(True)
        for row, name in enumerate(names):
            for col, side in enumerate((view.mine, view.theirs)):
                item = QTableWidgetItem("(deleted)" if side is None else _shown(side.get(name)))
                if name in view.fields:
                    item.setFont(bold)
                    item.setToolTip("Differs between the two versions")
                self.table.setItem(row, col, item)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.resizeColumnsToContents()
        layout.addWidget(self.table)
        row_layout = QHBoxLayout()
        for side, label in (("mine", "Keep this one (here)"), ("theirs", "Keep this one (there)")):
            button = QPushButton(label)
            button.setAccessibleName(f"Keep {side} of conflict {view.id}")
            button.clicked.connect(lambda _=False, side=side: self._keep(side))
            self.buttons[side] = button
            row_layout.addWidget(button)
        layout.addLayout(row_layout)
        current = "merged" if view.winner == "merged" else "here" if view.winner == "mine" else "there"
        layout.addWidget(plain_label(f"Shown on the board now: the version from {current}.", name="hint"))
        self.error = ErrorLabel()
        layout.addWidget(self.error)

    def _keep(self, side: str) -> None:
        error = self.ctx.run(resolve_command(self.ctx, self.view, side))
        if error is not None and hasattr(self, "error"):
            self.error.show_error(error)


class ConflictsPane(Pane):
    title = "Conflicts"

    def __init__(self, ctx: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.intro = plain_label(
            "Records changed on two laptops since they last agreed. The newer version is the one "
            "in use; the other is kept here until you choose. Keeping one is a change like any "
            "other (Ctrl+Z takes it back) and wins the next merge everywhere.",
            name="paneIntro",
        )
        self.body = QWidget()
        self.rows = QVBoxLayout(self.body)
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.rows.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(scroll, 1)
        self.boxes: list[ConflictBox] = []

    def set_detail(self, detail: EngagementDetail) -> None:
        super().set_detail(detail)
        views = self.ctx.services.conflicts.list(self.ctx.eid) if detail.unresolved_conflicts else []
        if [b.view for b in self.boxes] == views:
            return  # nothing new: keep what the user is looking at
        for box in self.boxes:
            box.setParent(None)
            box.deleteLater()
        self.boxes = [ConflictBox(self.ctx, v) for v in views]
        for box in self.boxes:
            self.rows.insertWidget(self.rows.count() - 1, box)  # above the stretch
