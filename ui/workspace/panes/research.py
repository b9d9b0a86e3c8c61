"""Initial insight development: insights from research, and the hypotheses drawn from them,
prioritised with ICE (impact, confidence, ease)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QVBoxLayout, QWidget

from mwms_desktop import framework
from mwms_desktop.errors import MwmsError
from mwms_desktop.views import EngagementDetail, HypothesisView
from ui import undo_commands as uc
from ui.library.built_on import BuiltOnList
from ui.library.related_panel import RelatedPanel
from ui.workspace.base import Pane, WorkspaceContext, plain_label
from ui.workspace.forms import FieldSpec, FormWidget, RecordDialog
from ui.workspace.record_pane import RecordTable
from ui.workspace.table_model import Column

INSIGHT_FIELDS = (
    FieldSpec("activity", "Activity", "choice", framework.INSIGHT_ACTIVITIES),
    FieldSpec("statement", "Statement", "long"),
    FieldSpec("detail", "Detail", "long"),
    FieldSpec("recorded_on", "Recorded on", "day"),
)
HYPOTHESIS_FIELDS = (
    FieldSpec("statement", "Statement", "long"),
    FieldSpec("rationale", "Rationale", "long"),
    *(FieldSpec(t.slug, t.label, "number", low=framework.ICE_MIN, high=framework.ICE_MAX)
      for t in framework.ICE_FACTORS),
    FieldSpec("insight_ids", "Linked insights", "links"),
)  # fmt: skip

INSIGHT_COLUMNS = (
    Column("Activity", lambda i: framework.label(framework.INSIGHT_ACTIVITIES, i.activity)),
    Column("Statement", lambda i: i.statement, main=True),
    Column("Recorded", lambda i: i.recorded_on.isoformat()),
    Column("Detail", lambda i: i.detail),
)


def _factor(value: int | None) -> str:
    return "" if value is None else str(value)


def _priority_text(h: HypothesisView) -> str:
    return "" if h.priority is None else f"{h.priority:.1f}"


PRIORITY_COLUMN = 1


def hypothesis_columns(detail_of) -> tuple[Column, ...]:
    def linked(h: HypothesisView) -> str:
        detail = detail_of()
        by_id = {i.id: i.statement for i in detail.insights} if detail else {}
        return "; ".join(by_id.get(i, f"#{i}") for i in h.insight_ids)

    return (
        Column("Statement", lambda h: h.statement, main=True),
        Column(f"Priority ({framework.PRIORITY_MODEL})", _priority_text,
               sort=lambda h: -1.0 if h.priority is None else h.priority, numeric=True),
        Column("Impact", lambda h: _factor(h.impact), sort=lambda h: h.impact or 0, numeric=True),
        Column("Confidence", lambda h: _factor(h.confidence), sort=lambda h: h.confidence or 0, numeric=True),
        Column("Ease", lambda h: _factor(h.ease), sort=lambda h: h.ease or 0, numeric=True),
        Column("Linked insights", linked),
    )  # fmt: skip


def hypothesis_options(detail: EngagementDetail) -> dict[str, list[tuple[int, str]]]:
    """The insights a hypothesis may cite, the most recent first (a new hypothesis is most
    often drawn from the latest research)."""

    def text(i) -> str:
        return f"{framework.label(framework.INSIGHT_ACTIVITIES, i.activity)}: {i.statement}"

    recent = sorted(detail.insights, key=lambda i: (i.recorded_on, i.id), reverse=True)
    return {"insight_ids": [(i.id, text(i)) for i in recent]}


class CitingTable(RecordTable):
    """Insights and hypotheses: their dialog shows the related past learnings beside the
    form, following the statement as it is typed; citing one records "built on" (at once
    when editing, once the record exists when adding)."""

    def _dialog(self, title: str, submit) -> RecordDialog:
        dialog = super()._dialog(title, submit)
        panel = RelatedPanel(self.ctx.eid, dialog)
        editor = dialog.form.editors["statement"]
        editor.textChanged.connect(lambda: panel.set_text(editor.value()))
        layout = dialog.layout()
        layout.removeWidget(dialog.form)
        row = QHBoxLayout()
        row.addWidget(dialog.form, 3)
        row.addWidget(panel, 2)
        layout.insertLayout(0, row)
        dialog.setMinimumWidth(960)
        dialog.finished.connect(lambda _r: panel.wait())
        dialog.related = panel  # type: ignore[attr-defined]
        return dialog

    def add_dialog(self) -> RecordDialog:
        dialog = super().add_dialog()
        panel: RelatedPanel = dialog.related  # type: ignore[attr-defined]
        pending: list[int] = []

        def choose(lid: int) -> None:
            if lid not in pending:
                pending.append(lid)
                panel.mark_cited(lid)
                panel.status.setText("Cited: recorded when this is saved.")

        panel.cite_requested.connect(choose)
        dialog.submit = lambda form: self._add_then_cite(form, pending)
        return dialog

    def edit_dialog(self, rid: int) -> RecordDialog:
        dialog = super().edit_dialog(rid)
        panel: RelatedPanel = dialog.related  # type: ignore[attr-defined]
        built_on = BuiltOnList(dialog)
        panel.layout().addWidget(built_on)
        dialog.built_on = built_on  # type: ignore[attr-defined]
        self._show_built_on(panel, built_on, rid)
        panel.cite_requested.connect(lambda lid: self._cite(panel, built_on, rid, lid))
        built_on.remove_requested.connect(lambda cid: self._uncite(panel, built_on, rid, cid))
        panel.set_text(dialog.form.value("statement"))
        return dialog

    def _show_built_on(self, panel: RelatedPanel, built_on: BuiltOnList, rid: int) -> None:
        cites = self.ctx.services.citations.built_on(self.kind, rid)
        built_on.set_citations(cites)
        panel.cited = {c.learning_id for c in cites if c.learning_id is not None}
        panel.mark_cited(None)

    def _cite(self, panel: RelatedPanel, built_on: BuiltOnList, rid: int, lid: int) -> MwmsError | None:
        """Cite at once, as an undoable edit of the workspace."""
        try:
            command = uc.cite_command(self.ctx.services, self.kind, rid, lid, **self.ctx.hooks())
            error = self.ctx.run(command)
        except MwmsError as exc:
            error = exc
        if error is not None:
            panel.status.setText(str(error))
            return error
        made = command.result
        self._show_built_on(panel, built_on, rid)
        panel.status.setText(f"Built on a learning of {made.learning_client}: recorded (Undo takes it back).")
        self.status.setText(f"{self.label} built on a learning of {made.learning_client}.")
        return None

    def _uncite(self, panel: RelatedPanel, built_on: BuiltOnList, rid: int, cid: int) -> MwmsError | None:
        try:
            error = self.ctx.run(uc.uncite_command(self.ctx.services, cid, **self.ctx.hooks()))
        except MwmsError as exc:
            error = exc
        self._show_built_on(panel, built_on, rid)
        panel.status.setText(str(error) if error else "Citation removed (Undo brings it back).")
        if error is None:
            self.status.setText(f"{self.label} no longer built on that learning.")
        return error

    def _add_then_cite(self, form: FormWidget, pending: list[int]) -> MwmsError | None:
        """Add the record and cite what was chosen as one undo step."""
        if not pending:
            return self.add_record(form.values())
        services, hooks = self.ctx.services, self.ctx.hooks()
        n = len(pending)
        macro = uc.MacroCommand(
            f"Add {self.label.lower()} built on {n} learning{'s' if n > 1 else ''}", self.ctx.eid, **hooks
        )
        self.ctx.controller.look_first()
        error = macro.run_step(uc.record_add_command(services, self.kind, self.ctx.eid, form.values()))
        if error is not None:
            return error
        rid = macro.result.id
        refused = []
        for lid in pending:
            try:
                refused.append(macro.run_step(uc.cite_command(services, self.kind, rid, lid)))
            except MwmsError as exc:
                refused.append(exc)
        self.ctx.run(macro)
        self.select_id(rid)
        problems = [str(e) for e in refused if e is not None]
        self.status.setText(
            f"{self.label} added, but not cited: {problems[0]}" if problems
            else f"{self.label} added, built on {n} learning{'s' if n > 1 else ''}."
        )  # fmt: skip
        return None


class HypothesisTable(CitingTable):
    """Hypotheses: a new one cites the engagement's insight already when there is only one."""

    def add_dialog(self) -> RecordDialog:
        dialog = super().add_dialog()
        if self.detail is not None and len(self.detail.insights) == 1:
            dialog.form.editors["insight_ids"].set_ids([self.detail.insights[0].id])
        return dialog


class ResearchPane(Pane):
    title = "Insights & hypotheses"

    def __init__(self, ctx: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.insights = CitingTable(ctx, "insight", INSIGHT_COLUMNS, INSIGHT_FIELDS, lambda d: d.insights)
        self.hypotheses = HypothesisTable(
            ctx,
            "hypothesis",
            hypothesis_columns(lambda: self.detail),
            HYPOTHESIS_FIELDS,
            lambda d: d.hypotheses,
            hypothesis_options,
            sort=(PRIORITY_COLUMN, Qt.SortOrder.DescendingOrder),  # highest priority first
        )
        top, bottom = QWidget(), QWidget()
        for box, heading, table in (
            (top, "Insights", self.insights),
            (bottom, f"Hypotheses — priority is the mean of impact, confidence and ease "
                     f"({framework.ICE_MIN}–{framework.ICE_MAX})", self.hypotheses),
        ):  # fmt: skip
            inner = QVBoxLayout(box)
            inner.setContentsMargins(0, 0, 0, 0)
            inner.addWidget(plain_label(heading, name="sectionTitle"))
            inner.addWidget(table, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain_label(
                "The framework emphasizes research-driven experimentation rather than "
                "assumption-driven activity.",
                name="quote",
            )
        )
        layout.addWidget(self.splitter, 1)

    def set_detail(self, detail: EngagementDetail) -> None:
        super().set_detail(detail)
        self.insights.set_detail(detail)
        self.hypotheses.set_detail(detail)
