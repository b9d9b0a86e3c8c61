"""Initial insight development: insights from research, and the hypotheses drawn from them,
prioritised with ICE (impact, confidence, ease)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from mwms_desktop import framework
from mwms_desktop.views import EngagementDetail, HypothesisView
from ui.workspace.base import Pane, WorkspaceContext, plain_label
from ui.workspace.forms import FieldSpec, RecordDialog
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


class HypothesisTable(RecordTable):
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
        self.insights = RecordTable(ctx, "insight", INSIGHT_COLUMNS, INSIGHT_FIELDS, lambda d: d.insights)
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
