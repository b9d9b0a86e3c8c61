"""The qualification scorecard: five criteria scored 0–3 with notes, and the verdict.

Each change is one undoable command: a score as soon as it is picked, a note when the
field is left or typing pauses (forms.AutoSave), the verdict when chosen.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from mwms_desktop import framework
from mwms_desktop.errors import MwmsError, ValidationError
from mwms_desktop.views import EngagementDetail
from ui import undo_commands as uc
from ui.workspace.base import ErrorLabel, Pane, WorkspaceContext, plain_label
from ui.workspace.fields import UNSCORED, LongTextEditor, ValueCombo, term_items
from ui.workspace.forms import AutoSave

SCORE_ITEMS = [(UNSCORED, None)] + [
    (f"{n} — {framework.SCORE_LABELS[n]}", n) for n in range(framework.SCORE_MIN, framework.SCORE_MAX + 1)
]


class QualificationPane(Pane):
    title = "Qualification"

    def __init__(self, ctx: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.scores: dict[str, ValueCombo] = {}
        self.notes: dict[str, QLineEdit] = {}
        box = QGroupBox("Scorecard")
        grid = QGridLayout(box)
        for col, heading in enumerate(("Criterion", "Score (0–3)", "Note")):
            grid.addWidget(plain_label(heading, name="columnHeading"), 0, col)
        for row, term in enumerate(framework.QUALIFICATION_CRITERIA, start=1):
            combo = ValueCombo(SCORE_ITEMS)
            combo.setAccessibleName(f"{term.label} score")
            note = QLineEdit()
            note.setAccessibleName(f"{term.label} note")
            note.setPlaceholderText("Why this score")
            label = QLabel(term.label)
            label.setBuddy(combo)
            grid.addWidget(label, row, 0)
            grid.addWidget(combo, row, 1)
            grid.addWidget(note, row, 2)
            saver = AutoSave(lambda slug=term.slug: self._commit_score(slug),
                             lambda slug=term.slug: self._score_changed(slug), self)  # fmt: skip
            self.saves(saver).watch(combo, note)
            self.scores[term.slug], self.notes[term.slug] = combo, note
        grid.setColumnStretch(2, 1)
        self.total = plain_label(name="paneIntro")
        grid.addWidget(self.total, len(framework.QUALIFICATION_CRITERIA) + 1, 0, 1, 3)

        verdict_box = QGroupBox("Verdict")
        v = QGridLayout(verdict_box)
        self.verdict = ValueCombo(term_items(framework.VERDICTS))
        self.verdict.setAccessibleName("Verdict")
        self.verdict_note = LongTextEditor(lines=2)
        self.verdict_note.setAccessibleName("Verdict note")
        v.addWidget(QLabel("Verdict"), 0, 0)
        v.addWidget(self.verdict, 0, 1, Qt.AlignmentFlag.AlignLeft)  # a choice: its own width
        v.addWidget(QLabel("Note"), 1, 0)
        v.addWidget(self.verdict_note, 1, 1)
        v.addWidget(plain_label("“Only qualified clients should enter delivery.” "
                                "Not a fit takes the engagement off the board (undo brings it back).",
                                name="hint"), 2, 0, 1, 2)  # fmt: skip
        v.setColumnStretch(1, 1)
        verdict_saver = AutoSave(self._commit_verdict, self._verdict_changed, self)
        self.saves(verdict_saver).watch(self.verdict_note, self.verdict)

        self.error = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label("“Determine whether the client is a strong fit.”", name="quote"))
        layout.addWidget(box)
        layout.addWidget(verdict_box)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def set_detail(self, detail: EngagementDetail) -> None:
        super().set_detail(detail)
        total = scored = 0
        for term in framework.QUALIFICATION_CRITERIA:
            s = detail.score_of(term.slug)
            self.scores[term.slug].set_value(s.score if s else None)
            if not self.notes[term.slug].hasFocus():
                self.notes[term.slug].setText(s.note if s else "")
            if s:
                total, scored = total + s.score, scored + 1
        n = len(framework.QUALIFICATION_CRITERIA)
        self.total.setText(f"Total {total} of {n * framework.SCORE_MAX}; {scored} of {n} criteria scored.")
        self.verdict.set_value(detail.verdict)
        if not self.verdict_note.hasFocus():
            self.verdict_note.set_value(detail.verdict_note)

    # --- edits ---------------------------------------------------------------------------

    def _score_changed(self, slug: str) -> bool:
        s = self.detail.score_of(slug) if self.detail else None
        stored = (s.score, s.note.strip()) if s else (None, "")
        return (self.scores[slug].value(), self.notes[slug].text().strip()) != stored

    def _commit_score(self, slug: str) -> MwmsError | None:
        return self.set_score(slug, self.scores[slug].value(), self.notes[slug].text())

    def set_score(self, criterion: str, score: int | None, note: str = "") -> MwmsError | None:
        """Score one criterion (None clears it) with its note, as one undoable edit."""
        old_score = self.detail.score_of(criterion) if self.detail else None
        old = {"score": old_score.score, "note": old_score.note} if old_score else {"score": None, "note": ""}
        new = {"score": score, "note": note}
        label = framework.label(framework.QUALIFICATION_CRITERIA, criterion)
        if score is None and old["score"] is None:
            if not note.strip():
                return None
            # The note is stored with its score: say so rather than drop what was typed.
            error = ValidationError(f"{label}: choose a score to keep this note.", f"{label} score")
            self.error.show_error(error)
            return error
        if new == old:
            return None
        lc, eid = self.ctx.services.lifecycle, self.ctx.eid

        def apply(v: dict[str, Any]) -> None:
            lc.score_criterion(eid, criterion, v["score"], v["note"])

        command = uc.setter_command(f"Score {label.lower()}", eid, apply, new, old, **self.ctx.hooks())
        return self._show(self.ctx.run(command))

    def _verdict_changed(self) -> bool:
        d = self.detail
        shown = (self.verdict.value() or "pending", self.verdict_note.value().strip())
        return d is not None and shown != (d.verdict, d.verdict_note.strip())

    def _commit_verdict(self) -> MwmsError | None:
        return self.set_verdict(self.verdict.value() or "pending", self.verdict_note.value())

    def set_verdict(self, verdict: str, note: str = "") -> MwmsError | None:
        """Record the verdict; undoing "Not a fit" puts the card back where it stood."""
        d = self.detail
        if d is None or (verdict, note.strip()) == (d.verdict, d.verdict_note):
            return None
        services, eid = self.ctx.services, self.ctx.eid
        old = {"verdict": d.verdict, "note": d.verdict_note, "below": None}
        if d.card.status == "active":
            old["below"] = services.portfolio.card_below(eid)

        def apply(v: dict[str, Any]) -> None:  # one service call, one transaction
            services.lifecycle.set_verdict(eid, v["verdict"], v["note"], before_id=v["below"])

        label = framework.label(framework.VERDICTS, verdict)
        new = {"verdict": verdict, "note": note, "below": None}
        command = uc.setter_command(f"Verdict: {label}", eid, apply, new, old, **self.ctx.hooks())
        return self._show(self.ctx.run(command))

    def _show(self, error: MwmsError | None) -> MwmsError | None:
        self.error.show_error(error)
        if error is not None and self.detail is not None:
            self.set_detail(self.detail)  # the controls go back to what is stored
        return error
