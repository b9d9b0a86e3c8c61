"""Experiment cycles: what was tested, from which hypothesis, and how it was evaluated."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QVBoxLayout, QWidget

from mwms_desktop import framework
from mwms_desktop.views import CycleView, EngagementDetail
from ui.workspace.base import Pane, WorkspaceContext, plain_label, plural
from ui.workspace.fields import ValueCombo
from ui.workspace.forms import FieldSpec, RecordDialog, Submit
from ui.workspace.record_pane import RecordTable
from ui.workspace.table_model import Column

EVALUATED = "evaluated"
FIELDS = (
    FieldSpec("title", "Title", "text"),
    FieldSpec("hypothesis_id", "Hypothesis", "link"),
    FieldSpec("status", "Status", "choice", framework.CYCLE_STATUSES),
    FieldSpec("result", "Result", "optional_choice", framework.CYCLE_RESULTS),
    FieldSpec("started_on", "Started on", "date"),
    FieldSpec("ended_on", "Ended on", "date"),
    FieldSpec("evaluation", "Evaluation", "long"),
)


def _day(value) -> str:
    return value.isoformat() if value else ""


def columns(detail_of) -> tuple[Column, ...]:
    """Columns; the hypothesis column reads the statement from the current detail."""

    def hypothesis(c: CycleView) -> str:
        detail = detail_of()
        h = next((h for h in detail.hypotheses if h.id == c.hypothesis_id), None) if detail else None
        return h.statement if h else ""

    return (
        Column("Title", lambda c: c.title, main=True),
        Column("Status", lambda c: framework.label(framework.CYCLE_STATUSES, c.status),
               sort=lambda c: framework.slugs(framework.CYCLE_STATUSES).index(c.status)),
        Column("Result", lambda c: framework.label(framework.CYCLE_RESULTS, c.result) if c.result else ""),
        Column("Started", lambda c: _day(c.started_on)),
        Column("Ended", lambda c: _day(c.ended_on)),
        Column("Hypothesis", hypothesis),
        Column("Evaluation", lambda c: c.evaluation),
    )  # fmt: skip


def options(detail: EngagementDetail) -> dict[str, list[tuple[int, str]]]:
    return {"hypothesis_id": [(h.id, h.statement) for h in detail.hypotheses]}


class CycleTable(RecordTable):
    """Cycles: a new one is already on the hypothesis when the engagement has just one, and a
    result chosen on a cycle that is not evaluated offers to mark it evaluated (the core holds
    that only an evaluated cycle has a result) instead of a refusal at OK."""

    def add_dialog(self) -> RecordDialog:
        dialog = super().add_dialog()
        if self.detail is not None and len(self.detail.hypotheses) == 1:
            dialog.form.editors["hypothesis_id"].set_value(self.detail.hypotheses[0].id)
        return dialog

    def _dialog(self, title: str, submit: Submit) -> RecordDialog:
        dialog = super()._dialog(title, submit)
        result, status = dialog.form.editors["result"], dialog.form.editors["status"]
        # ``activated``: the user's own choice, never a load.
        result.activated.connect(lambda _i: self._offer_evaluated(dialog, result, status))
        return dialog

    def _offer_evaluated(self, dialog: RecordDialog, result: ValueCombo, status: ValueCombo) -> None:
        if result.value() is None or status.value() == EVALUATED:
            return
        ask = QMessageBox(
            QMessageBox.Icon.Question,
            "Mark the cycle evaluated?",
            "Only an evaluated cycle has a result. Mark this cycle evaluated, with the result "
            f"“{result.currentText()}”?",
            parent=dialog,
        )
        mark = ask.addButton("Mark evaluated", QMessageBox.ButtonRole.AcceptRole)
        ask.addButton("Keep it " + status.currentText().lower(), QMessageBox.ButtonRole.RejectRole)
        ask.setDefaultButton(mark)
        self.offer = ask  # the open question (tests answer it as a user would)
        ask.exec()
        if ask.clickedButton() is mark:
            status.set_value(EVALUATED)
        else:
            result.set_value(None)
        result.setFocus()


class CyclesPane(Pane):
    title = "Cycles"

    def __init__(self, ctx: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.table = CycleTable(
            ctx, "cycle", columns(lambda: self.detail), FIELDS, lambda d: d.cycles, options
        )
        self.summary = plain_label(name="paneIntro")
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label("“Implement structured work cycles.”", name="quote"))
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def set_detail(self, detail: EngagementDetail) -> None:
        super().set_detail(detail)
        self.table.set_detail(detail)
        evaluated = [c for c in detail.cycles if c.status == "evaluated"]
        undocumented = len(detail.undocumented_cycles())
        text = f"{plural(len(detail.cycles), 'cycle')}, {len(evaluated)} evaluated"
        if undocumented:
            text += f", {undocumented} without a learning"
        self.summary.setText(text + ".")
