"""Learnings: what the cycles taught, with the cycles that are their evidence."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from mwms_desktop import framework
from mwms_desktop.views import EngagementDetail, LearningView
from ui.workspace.base import Pane, WorkspaceContext, plain_label
from ui.workspace.forms import FieldSpec, RecordDialog
from ui.workspace.record_pane import RecordTable
from ui.workspace.table_model import Column

FIELDS = (
    FieldSpec("statement", "Statement", "long"),
    FieldSpec("confidence", "Confidence", "choice", framework.CONFIDENCE_LEVELS),
    FieldSpec("tags", "Tags", "text"),
    FieldSpec("refinements", "Refines", "links"),
    FieldSpec("cycle_ids", "Evidence", "links"),
    FieldSpec("private", "Private", "check", hint="not in the team library"),
)


def columns(detail_of, reuse_of=lambda: {}) -> tuple[Column, ...]:
    """``reuse_of()``: learning id -> the clients that built on it (read with the detail)."""

    def evidence(lr: LearningView) -> str:
        detail = detail_of()
        titles = {c.id: c.title for c in detail.cycles} if detail else {}
        return "; ".join(titles.get(cid, f"#{cid}") for cid in lr.cycle_ids)

    return (
        Column("Statement", lambda lr: lr.statement, main=True),
        Column("Confidence", lambda lr: framework.label(framework.CONFIDENCE_LEVELS, lr.confidence),
               sort=lambda lr: framework.slugs(framework.CONFIDENCE_LEVELS).index(lr.confidence)),
        Column("Tags", lambda lr: ", ".join(lr.tags)),
        Column("Recorded", lambda lr: lr.recorded_at.astimezone().strftime("%Y-%m-%d")),
        Column("Evidence (cycles)", evidence),
        Column("Refines", _refines),
        Column("Private", lambda lr: "Private" if lr.private else ""),
        Column("Reused in", lambda lr: _reused(reuse_of().get(lr.id, ())),
               sort=lambda lr: len(reuse_of().get(lr.id, ())), numeric=True),
    )  # fmt: skip


def _refines(lr: LearningView) -> str:
    return ", ".join(framework.label(framework.REFINEMENTS, r) for r in lr.refinements)


def _reused(clients: tuple[str, ...]) -> str:
    if not clients:
        return ""
    n = len(clients)
    return f"{n} engagement{'s' if n > 1 else ''}: {', '.join(clients)}"


def options(detail: EngagementDetail) -> dict[str, list[tuple[int, str]]]:
    status = {t.slug: t.label for t in framework.CYCLE_STATUSES}
    return {
        "cycle_ids": [(c.id, f"{c.title} ({status[c.status].lower()})") for c in detail.cycles],
        "refinements": [(t.slug, t.label) for t in framework.REFINEMENTS],
    }


class LearningTable(RecordTable):
    """Learnings: a new one already cites the evaluated cycle no learning cites yet, when there
    is exactly one (the gate asks for a learning citing every evaluated cycle)."""

    def add_dialog(self) -> RecordDialog:
        dialog = super().add_dialog()
        waiting = self.detail.undocumented_cycles() if self.detail is not None else ()
        if len(waiting) == 1:
            dialog.form.editors["cycle_ids"].set_ids([waiting[0].id])
        return dialog


class LearningsPane(Pane):
    title = "Learnings"

    def __init__(self, ctx: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.reuse: dict[int, tuple[str, ...]] = {}
        self.table = LearningTable(
            ctx,
            "learning",
            columns(lambda: self.detail, lambda: self.reuse),
            FIELDS,
            lambda d: d.learnings,
            options,
        )
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain_label(
                "The framework emphasizes documenting experiment learnings to build institutional knowledge.",
                name="quote",
            )
        )
        layout.addWidget(self.table, 1)

    def set_detail(self, detail: EngagementDetail) -> None:
        super().set_detail(detail)
        # Read with the detail (after each edit), never while painting: who reused what.
        reuse: dict[int, dict[str, None]] = {}
        for c in self.ctx.services.citations.reused_from_engagement(detail.id):
            if c.learning_id is not None:
                reuse.setdefault(c.learning_id, {})[c.client] = None
        self.reuse = {lid: tuple(clients) for lid, clients in reuse.items()}
        self.table.set_detail(detail)
