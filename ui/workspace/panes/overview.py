"""Overview: the card's own fields (client, type, owner, tags, notes, next action), saved as
they are typed, and a summary of its records."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QGroupBox, QVBoxLayout, QWidget

from mwms_desktop import framework
from mwms_desktop.errors import MwmsError
from mwms_desktop.views import EngagementDetail
from ui import undo_commands as uc
from ui.workspace.base import Pane, WorkspaceContext, plain_label, plural
from ui.workspace.forms import FieldSpec, FormWidget

CARD_FIELDS = (
    FieldSpec("client", "Client", "text"),
    FieldSpec("engagement_type", "Engagement type", "choice", framework.ENGAGEMENT_TYPES),
    FieldSpec("owner", "Owner", "text"),
    FieldSpec("tags", "Tags", "text"),
    FieldSpec("next_action", "Next action", "text"),
    FieldSpec("next_action_due", "Next action due", "date"),
    FieldSpec("notes", "Notes", "long"),
)


class OverviewPane(Pane):
    title = "Overview"

    def __init__(self, ctx: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        today = ctx.services.clock.today()
        self.purpose = plain_label(name="quote")
        self.counts = plain_label(name="paneIntro")
        card_box = QGroupBox("Engagement")
        self.card_form = FormWidget(CARD_FIELDS, today)
        card_layout = QVBoxLayout(card_box)
        card_layout.addWidget(self.card_form)
        card_layout.addWidget(plain_label("Saved as you type.", name="hint"))
        self.saves(self.card_form.autosave(self.update_card))
        layout = QVBoxLayout(self)
        layout.addWidget(self.purpose)
        layout.addWidget(self.counts)
        layout.addWidget(card_box)
        layout.addStretch(1)

    def set_detail(self, detail: EngagementDetail) -> None:
        super().set_detail(detail)
        card = detail.card
        stage = framework.stage(card.stage)
        self.purpose.setText(
            f"Stage {stage.number} of {len(framework.STAGES)}, {stage.label}: {stage.purpose}"
        )
        parts = [
            (len(detail.stakeholders), "stakeholder"), (len(detail.insights), "insight"),
            (len(detail.hypotheses), "hypothesis"), (len(detail.cycles), "cycle"),
            (len(detail.learnings), "learning"), (len(detail.checkins), "check-in"),
        ]  # fmt: skip
        many = {"hypothesis": "hypotheses"}
        self.counts.setText(
            ", ".join(plural(n, w, many.get(w)) for n, w in parts)
            + f". Created {detail.created_at:%Y-%m-%d}."
        )
        self.card_form.load(
            {"client": card.client, "engagement_type": card.engagement_type, "owner": card.owner,
             "tags": ", ".join(card.tags), "notes": card.notes, "next_action": card.next_action,
             "next_action_due": card.next_action_due}
        )  # fmt: skip

    # --- edits ---------------------------------------------------------------------------

    def update_card(self, changes: dict[str, Any]) -> MwmsError | None:
        """Change the card's own fields as one undoable edit."""
        if not changes:
            return None
        command = uc.update_command(self.ctx.services, self.ctx.eid, changes, **self.ctx.hooks())
        error = self.ctx.run(command)
        self.card_form.show_error(error)
        return error
