"""Onboarding: the seven elements to confirm, and the expectations agreed with the client;
a tick, a note and the expectations are saved as they are made (no Save button)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from mwms_desktop import framework
from mwms_desktop.errors import MwmsError
from mwms_desktop.views import EngagementDetail
from ui import undo_commands as uc
from ui.workspace.base import ErrorLabel, Pane, WorkspaceContext, plain_label
from ui.workspace.forms import AutoSave, FieldSpec, FormWidget

EXPECTATION_FIELDS = (
    FieldSpec("scope", "Scope", "long"),
    FieldSpec("cadence", "Cadence", "text"),
    FieldSpec("success_measures", "Success measures", "long"),
    FieldSpec("agreed_on", "Agreed on", "date"),
)


class DoneDay(QLabel):
    """ "done 2026-11-30" beside a confirmed element. It asks for that room while empty, so the
    first tick pushes no note field aside; in a narrow window an empty one still gives it up
    (its minimum is its text), so the workspace stays as narrow as before."""

    def __init__(self) -> None:
        super().__init__()
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setObjectName("hint")

    def sizeHint(self) -> QSize:
        room = self.fontMetrics().horizontalAdvance("done 0000-00-00 ")
        return super().sizeHint().expandedTo(QSize(room, 0))


class _Walk(QObject):
    """↑ and ↓ in the checklist move to the element above or below, in the same column (tick
    to tick, note to note): Space ticks, so the seven elements are confirmed with ↓ and Space
    instead of a Tab through every note between them. Tab still goes tick, note, tick…"""

    def __init__(self, columns: list[list[QWidget]], parent: QObject) -> None:
        super().__init__(parent)
        self.columns = columns
        for column in columns:
            for widget in column:
                widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        key = event.key()
        plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier  # macOS marks arrows as keypad
        if key not in (Qt.Key.Key_Up, Qt.Key.Key_Down) or plain != Qt.KeyboardModifier.NoModifier:
            return False
        for column in self.columns:
            if watched in column:
                row = column.index(watched) + (1 if key == Qt.Key.Key_Down else -1)
                if 0 <= row < len(column):
                    column[row].setFocus(Qt.FocusReason.TabFocusReason)
                return True  # at either end: stay (a note would otherwise beep or do nothing)
        return False


class OnboardingPane(Pane):
    title = "Onboarding"

    def __init__(self, ctx: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.checks: dict[str, QCheckBox] = {}
        self.dates: dict[str, QWidget] = {}
        self.notes: dict[str, QLineEdit] = {}
        box = QGroupBox("Key onboarding elements")
        grid = QGridLayout(box)
        for row, term in enumerate(framework.ONBOARDING_ELEMENTS):
            check = QCheckBox(term.label)
            check.setAccessibleName(f"{term.label} confirmed")
            when = DoneDay()
            note = QLineEdit()
            note.setPlaceholderText("Note")
            note.setAccessibleName(f"{term.label} note")
            grid.addWidget(check, row, 0)
            grid.addWidget(when, row, 1)
            grid.addWidget(note, row, 2)
            saver = AutoSave(lambda slug=term.slug: self._commit(slug),
                             lambda slug=term.slug: self._element_changed(slug), self)  # fmt: skip
            self.saves(saver).watch(note, check)
            self.checks[term.slug], self.dates[term.slug], self.notes[term.slug] = check, when, note
        grid.setColumnStretch(2, 1)
        self._walk = _Walk([list(self.checks.values()), list(self.notes.values())], self)
        self.progress = plain_label(name="paneIntro")
        grid.addWidget(self.progress, len(framework.ONBOARDING_ELEMENTS), 0, 1, 3)

        exp_box = QGroupBox("Expectations")
        self.expectations = FormWidget(EXPECTATION_FIELDS, ctx.services.clock.today())
        self.saves(self.expectations.autosave(self.set_expectations))
        exp_layout = QVBoxLayout(exp_box)
        exp_layout.addWidget(plain_label("“Onboarding aligns expectations.”", name="quote"))
        exp_layout.addWidget(self.expectations)
        exp_layout.addWidget(plain_label("Saved as you type.", name="hint"))

        self.error = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label("“Establish operational foundation.”", name="quote"))
        layout.addWidget(box)
        layout.addWidget(self.error)
        layout.addWidget(exp_box)
        layout.addStretch(1)

    def set_detail(self, detail: EngagementDetail) -> None:
        super().set_detail(detail)
        for item in detail.onboarding:
            self.checks[item.element].setChecked(item.done)
            self.dates[item.element].setText(f"done {item.done_on.isoformat()}" if item.done_on else "")
            if not self.notes[item.element].hasFocus():
                self.notes[item.element].setText(item.note)
        done = sum(1 for item in detail.onboarding if item.done)
        self.progress.setText(f"{done} of {len(framework.ONBOARDING_ELEMENTS)} confirmed.")
        exp = detail.expectations
        self.expectations.load(
            {"scope": exp.scope, "cadence": exp.cadence, "success_measures": exp.success_measures,
             "agreed_on": exp.agreed_on}
        )  # fmt: skip

    # --- edits ---------------------------------------------------------------------------

    def _element_changed(self, slug: str) -> bool:
        item = self.detail.element(slug) if self.detail else None
        done, note = (item.done, item.note) if item else (False, "")
        return (self.checks[slug].isChecked(), self.notes[slug].text().strip()) != (done, note.strip())

    def _commit(self, slug: str) -> MwmsError | None:
        return self.set_element(slug, self.checks[slug].isChecked(), self.notes[slug].text())

    def set_element(self, element: str, done: bool, note: str = "") -> MwmsError | None:
        """Tick or untick one element (with its note) as one undoable edit."""
        item = self.detail.element(element) if self.detail else None
        old = {"done": item.done, "note": item.note, "done_on": item.done_on} if item else {}
        if old and (done, note.strip()) == (old["done"], old["note"]):
            return None
        new = {"done": done, "note": note, "done_on": item.done_on if item and done else None}
        lc, eid = self.ctx.services.lifecycle, self.ctx.eid

        def apply(v: dict[str, Any]) -> None:
            lc.set_onboarding(eid, element, v["done"], v["note"], v["done_on"])

        label = framework.label(framework.ONBOARDING_ELEMENTS, element)
        text = f"{'Confirm' if done else 'Unconfirm'} {label.lower()}"
        error = self.ctx.run(uc.setter_command(text, eid, apply, new, old, **self.ctx.hooks()))
        self.error.show_error(error)
        if error is not None and self.detail is not None:
            self.set_detail(self.detail)
        return error

    def set_expectations(self, values: dict[str, Any]) -> MwmsError | None:
        """Write the expectations record (scope, cadence, success measures, agreed on)."""
        if self.detail is None:
            return None
        exp = self.detail.expectations
        old = {"scope": exp.scope, "cadence": exp.cadence, "success_measures": exp.success_measures,
               "agreed_on": exp.agreed_on}  # fmt: skip
        new = {k: values.get(k, old[k]) for k in old}
        if new == old:
            return None
        lc, eid = self.ctx.services.lifecycle, self.ctx.eid
        command = uc.setter_command(
            "Edit expectations", eid, lambda v: lc.set_expectations(eid, **v), new, old, **self.ctx.hooks()
        )
        error = self.ctx.run(command)
        self.expectations.show_error(error)
        return error
