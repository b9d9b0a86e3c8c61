"""The outcome of the relationship — expansion or completion — in its own pane: chosen from
Continuous Optimization on (explained before that), saved as it is typed, next to the
dossier a completion needs."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from mwms_desktop import framework
from mwms_desktop.errors import MwmsError
from mwms_desktop.views import EngagementDetail
from ui import undo_commands as uc
from ui.workspace.base import Pane, WorkspaceContext, plain_label
from ui.workspace.forms import FieldSpec, FormWidget

OUTCOME_FIELDS = (
    FieldSpec("outcome", "Outcome", "optional_choice", framework.OUTCOMES),
    FieldSpec("decided_on", "Decided on", "date"),
    FieldSpec("summary", "Outcome summary", "long"),
)
OUTCOME_FROM = framework.stage_index("optimization")


class OutcomePane(Pane):
    title = "Outcome"
    export_requested = Signal()

    def __init__(self, ctx: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.intro = plain_label(name="paneIntro")
        self.box = QGroupBox("Expansion or completion")
        self.form = FormWidget(OUTCOME_FIELDS, ctx.services.clock.today())
        self.saves(self.form.autosave(self.set_outcome))
        box_layout = QVBoxLayout(self.box)
        box_layout.addWidget(self.form)
        box_layout.addWidget(plain_label("Saved as you type.", name="hint"))
        self.dossier = plain_label(name="paneIntro")
        self.export_button = QPushButton("Export dossier…")
        self.export_button.setAccessibleName("Export the learning-preservation dossier")
        self.export_button.clicked.connect(self.export_requested)
        dossier_row = QHBoxLayout()
        dossier_row.addWidget(self.dossier, 1)
        dossier_row.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain_label(
                "“Completion should preserve learning documentation.” "
                "“Documentation preserves value beyond engagement duration.”",
                name="quote",
            )
        )
        layout.addWidget(self.intro)
        layout.addWidget(self.box)
        layout.addLayout(dossier_row)
        layout.addStretch(1)

    def set_detail(self, detail: EngagementDetail) -> None:
        super().set_detail(detail)
        out = detail.outcome
        self.form.load({"outcome": out.outcome, "decided_on": out.decided_on, "summary": out.summary})
        reached = framework.stage_index(detail.stage) >= OUTCOME_FROM
        self.box.setEnabled(reached or out.outcome is not None)
        if reached:
            self.intro.setText(
                "Choose how the relationship goes on: expanded scope, an extended retainer, new "
                "experimentation areas, a strategic advisory extension — or a structured "
                "completion, which needs the dossier exported after the last learning."
            )
        else:
            here = framework.stage(detail.stage)
            self.intro.setText(
                f"The outcome is chosen from stage {OUTCOME_FROM + 1}, "
                f"{framework.STAGES[OUTCOME_FROM].label}, on; this engagement is in stage "
                f"{here.number}, {here.label}. Until then the learning loop goes on."
            )
        exports = detail.dossier_exports
        if exports:
            last = max(x.exported_at for x in exports)
            self.dossier.setText(f"Dossier last exported {last.astimezone():%Y-%m-%d %H:%M}.")
        else:
            self.dossier.setText("No learning-preservation dossier exported yet.")

    def set_outcome(self, changes: dict[str, Any]) -> MwmsError | None:
        """Choose (or clear) the outcome, its date and summary, as one undoable edit."""
        if self.detail is None:
            return None
        out = self.detail.outcome
        old = {"outcome": out.outcome, "decided_on": out.decided_on, "summary": out.summary}
        new = {k: changes.get(k, old[k]) for k in old}
        if new == old:
            return None
        lc, eid = self.ctx.services.lifecycle, self.ctx.eid

        def apply(v: dict[str, Any]) -> None:
            lc.set_outcome(eid, v["outcome"], decided_on=v["decided_on"], summary=v["summary"])

        command = uc.setter_command("Edit outcome", eid, apply, new, old, **self.ctx.hooks())
        error = self.ctx.run(command)
        self.form.show_error(error)
        return error
