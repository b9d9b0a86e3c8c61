"""Stakeholders and their alignment: who they are, how much they weigh, and for the
misaligned, how that is being handled."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import QVBoxLayout, QWidget

from mwms_desktop import framework
from mwms_desktop.views import EngagementDetail, StakeholderView
from ui import theme
from ui.workspace.base import Pane, WorkspaceContext, plain_label
from ui.workspace.forms import FieldSpec
from ui.workspace.record_pane import RecordTable
from ui.workspace.table_model import Column

FIELDS = (
    FieldSpec("name", "Name", "text"),
    FieldSpec("role", "Role", "text"),
    FieldSpec("influence", "Influence", "choice", framework.STAKEHOLDER_INFLUENCE),
    FieldSpec("alignment", "Alignment", "choice", framework.ALIGNMENTS),
    FieldSpec("mitigation", "Mitigation", "long"),
    FieldSpec("last_contact", "Last contact", "date"),
    FieldSpec("note", "Note", "long"),
)

_ALIGNMENT_BAND = {"aligned": "healthy", "neutral": "watch", "misaligned": "at_risk"}


def alignment_colour(s: StakeholderView) -> QColor:
    """Alignment as a marker beside its word (never colour alone)."""
    return theme.health_colour(
        _ALIGNMENT_BAND.get(s.alignment, "unknown"), theme.is_dark(QGuiApplication.palette())
    )


COLUMNS = (
    Column("Name", lambda s: s.name),
    Column("Role", lambda s: s.role),
    Column("Influence", lambda s: framework.label(framework.STAKEHOLDER_INFLUENCE, s.influence),
           sort=lambda s: framework.slugs(framework.STAKEHOLDER_INFLUENCE).index(s.influence)),
    Column("Alignment", lambda s: framework.label(framework.ALIGNMENTS, s.alignment),
           colour=alignment_colour),
    Column("Last contact", lambda s: s.last_contact.isoformat() if s.last_contact else ""),
    Column("Mitigation", lambda s: s.mitigation, main=True),
    Column("Note", lambda s: s.note),
)  # fmt: skip


class StakeholdersPane(Pane):
    title = "Stakeholders"

    def __init__(self, ctx: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.table = RecordTable(ctx, "stakeholder", COLUMNS, FIELDS, lambda d: d.stakeholders)
        self.summary = plain_label(name="paneIntro")
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain_label(
                "“Stakeholder alignment is critical early in the relationship lifecycle.”", name="quote"
            )
        )
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def set_detail(self, detail: EngagementDetail) -> None:
        super().set_detail(detail)
        self.table.set_detail(detail)
        counts = {a.slug: 0 for a in framework.ALIGNMENTS}
        for s in detail.stakeholders:
            counts[s.alignment] = counts.get(s.alignment, 0) + 1
        self.summary.setText(
            " · ".join(f"{counts[a.slug]} {a.label.lower()}" for a in framework.ALIGNMENTS)
            if detail.stakeholders
            else "No stakeholder recorded yet."
        )
