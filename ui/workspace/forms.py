"""Forms built from a list of field specs: the record dialogs and the panes' inline forms,
and ``AutoSave``, the one way a pane's fields are saved.

A form holds what was last loaded from the database, so a refresh after some other edit
replaces only the fields whose stored value changed and keeps what the user is typing.
Errors are the core's: the form shows the message and puts the cursor in the field it names.

A pane has no Save button: what the user types is saved as an undoable edit when they leave
the field, after a short pause in typing, and before the window closes (``AutoSave.flush``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from mwms_desktop.errors import MwmsError, ValidationError
from mwms_desktop.framework import Term
from ui.focus_ring import FocusRing
from ui.workspace import fields as f
from ui.workspace.base import ErrorLabel


@dataclass(frozen=True)
class FieldSpec:
    """``key`` is the service's field name; ``label`` is the name the core's messages use."""

    key: str
    label: str
    # text, long, choice, optional_choice, links, link, ratings, number (a score or none),
    # date (a day or none), day (a day the core sets to today when none is given), check (yes
    # or no: a check box reading "label: hint")
    kind: str
    terms: tuple[Term, ...] = ()
    low: int = 0
    high: int = 0
    hint: str = ""


def _editor(spec: FieldSpec, today: date) -> QWidget:
    kind = spec.kind
    if kind == "text":
        return f.TextEditor()
    if kind == "long":
        return f.LongTextEditor()
    if kind in ("choice", "optional_choice"):
        return f.ValueCombo(f.term_items(spec.terms, optional=kind == "optional_choice"))
    if kind == "link":
        return f.ValueCombo([(f.UNSET, None)])
    if kind in ("date", "day"):
        return f.DateEditor(spec.label, today, optional=kind == "date")
    if kind == "number":
        return f.OptionalNumber(spec.low, spec.high, unset=f.UNSCORED)
    if kind == "links":
        return f.LinksEditor(spec.label)
    if kind == "ratings":
        return f.RatingsEditor()
    if kind == "check":
        return f.CheckEditor(f"{spec.label}: {spec.hint}" if spec.hint else spec.label)
    raise ValueError(f"unknown field kind {kind!r}")


def _get(editor: QWidget) -> Any:
    if isinstance(editor, f.OptionalNumber):
        return editor.value_or_none()
    if isinstance(editor, f.LinksEditor):
        return editor.ids()
    return editor.value()  # type: ignore[attr-defined]


def _set(editor: QWidget, value: Any) -> None:
    if isinstance(editor, f.LinksEditor):
        editor.set_ids(value)
    else:
        editor.set_value(value)  # type: ignore[attr-defined]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return tuple(sorted(a or ())) == tuple(sorted(b or ()))
    if isinstance(a, str) and isinstance(b, str):
        return a.strip() == b.strip()  # the core trims text: spaces at the ends are no change
    return a == b


def _shows(editor: QWidget, value: Any) -> bool:
    """The editor already shows ``value`` (up to the spaces at the ends the core trims: a save
    during a pause in typing must not move the cursor)."""
    return _same(_get(editor), value)


PAUSE_MS = 1200  # typing that stops this long is saved, as if the field were left

Save = Callable[[], MwmsError | None]


class AutoSave(QObject):
    """Saves a group of fields as the user goes. ``dirty`` says whether what is shown differs
    from what is stored; ``save`` writes it (one undoable command) and returns the core's
    refusal, if any. Leaving a field, a choice, a tick and a pause in typing all save;
    ``flush`` saves now (the window calls it before closing) and returns the refusal."""

    def __init__(self, save: Save, dirty: Callable[[], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._save, self._dirty = save, dirty
        self._saving = False
        self.error: MwmsError | None = None
        self.focus: QWidget | None = None  # the field to put the cursor in when a save is refused
        self.timer = QTimer(self, singleShot=True, interval=PAUSE_MS, timeout=self.flush)

    def watch(self, *editors: QWidget) -> AutoSave:
        """Save these editors' changes; any editor of fields.py or a plain Qt input."""
        for editor in editors:
            self.focus = self.focus or editor
            self._watch(editor)
        return self

    def _watch(self, editor: QWidget) -> None:
        typing = self.timer.start  # wait for the pause
        if isinstance(editor, f.DateEditor):
            editor.check.clicked.connect(self.flush)
            # A pause inside a half-typed date ("2026-1") is no moment to save: it would only
            # earn a refusal. Leaving the field still saves (and says what is wrong with it).
            editor.edit.textEdited.connect(lambda *_: typing() if editor.is_complete() else self.timer.stop())
            editor.edit.editingFinished.connect(self.flush)
        elif isinstance(editor, QDateEdit):
            editor.dateChanged.connect(lambda *_: editor.hasFocus() and typing())
            editor.editingFinished.connect(self.flush)
        elif isinstance(editor, QLineEdit):
            editor.textEdited.connect(typing)
            editor.editingFinished.connect(self.flush)
        elif isinstance(editor, QPlainTextEdit):
            editor.textChanged.connect(lambda: editor.hasFocus() and typing())
            editor.installEventFilter(self)  # leaving it saves (it has no editingFinished)
        elif isinstance(editor, QComboBox):
            editor.activated.connect(self.flush)
        elif isinstance(editor, QAbstractSpinBox):
            editor.editingFinished.connect(self.flush)
            if hasattr(editor, "valueChanged"):
                editor.valueChanged.connect(lambda *_: editor.hasFocus() and typing())
        elif isinstance(editor, QAbstractButton):
            editor.clicked.connect(self.flush)
        elif isinstance(editor, QListWidget):
            editor.itemChanged.connect(lambda *_: typing())
        elif isinstance(editor, f.RatingsEditor):
            editor.changed.connect(self.flush)  # a click or a digit is a finished rating
        else:
            raise TypeError(f"AutoSave cannot watch {type(editor).__name__}")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self.flush()
        return super().eventFilter(watched, event)

    def pending(self) -> bool:
        return self._dirty()

    def flush(self) -> MwmsError | None:
        """Save what is unsaved now; the core's refusal (then nothing was written)."""
        self.timer.stop()
        if self._saving or not self._dirty():
            return None
        self._saving = True  # a save refreshes the pane, which must not save again
        self.error = None  # while it refreshes, the last refusal is no longer current
        try:
            self.error = self._save()
        finally:
            self._saving = False
        return self.error


class FormWidget(QWidget):
    def __init__(self, specs: Sequence[FieldSpec], today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.specs = {s.key: s for s in specs}
        self.editors: dict[str, QWidget] = {}
        self.loaded: dict[str, Any] = {}
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        # Text grows with the window; a date, a number or a choice keeps its natural width.
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        # Where label and field do not fit side by side (a narrow workspace on a small screen),
        # the label goes above its field instead of pushing the window wider than the screen.
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for spec in specs:
            editor = _editor(spec, today)
            editor.setAccessibleName(spec.label)
            self.editors[spec.key] = editor
            self.form.addRow("" if spec.kind == "check" else spec.label, editor)  # a box says it
        self.error = ErrorLabel()
        self.form.addRow(self.error)

    def value(self, key: str) -> Any:
        return _get(self.editors[key])

    def values(self) -> dict[str, Any]:
        return {key: _get(editor) for key, editor in self.editors.items()}

    def set_options(self, key: str, options: Sequence[tuple[Any, str]]) -> None:
        """The records a link field may point at (id, text), kept ticked where they were."""
        editor = self.editors[key]
        if isinstance(editor, f.LinksEditor):
            editor.set_options(options)
            editor.set_ids(self.loaded.get(key, ()))
        elif isinstance(editor, f.ValueCombo):
            editor.set_items([(f.UNSET, None), *((text, rid) for rid, text in options)])

    def load(self, values: dict[str, Any]) -> None:
        """Show stored values; a field the user changed keeps the change unless the stored
        value changed too (the database wins)."""
        for key, editor in self.editors.items():
            if key not in values:
                continue
            stored_changed = key not in self.loaded or not _same(values[key], self.loaded[key])
            # An editor already showing the stored value is left alone: its cursor stays
            # where the user is typing (a pause saves while they go on).
            if stored_changed and not _shows(editor, values[key]):
                _set(editor, values[key])
        self.loaded.update({k: values[k] for k in self.editors if k in values})

    def changes(self) -> dict[str, Any]:
        """The fields whose shown value differs from the stored one."""
        return {k: v for k, v in self.values().items() if not _same(v, self.loaded.get(k))}

    def autosave(self, save: Callable[[dict[str, Any]], MwmsError | None]) -> AutoSave:
        """Save the changed fields as the user goes (``save`` gets them; see AutoSave)."""

        def run() -> MwmsError | None:
            error = save(self.changes())
            self.show_error(error)
            return error

        saver = AutoSave(run, lambda: bool(self.changes()), self)
        saver.watch(*self.editors.values())
        return saver

    def show_error(self, error: MwmsError | None) -> None:
        self.error.show_error(error)
        if isinstance(error, ValidationError) and error.field:
            wanted = error.field.lower()
            for key, spec in self.specs.items():
                if wanted in (key.lower(), spec.label.lower()):
                    self.editors[key].setFocus()
                    break


Submit = Callable[["FormWidget"], MwmsError | None]


class RecordDialog(QDialog):
    """Add or edit one record. OK hands the form to ``submit`` (which pushes the command);
    if the core refuses, the dialog stays open with the message and nothing was changed.
    Cancel, Esc or the title bar never drop what was typed silently: they ask first."""

    def __init__(
        self,
        title: str,
        specs: Sequence[FieldSpec],
        today: date,
        submit: Submit,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.submit = submit
        self.form = FormWidget(specs, today)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setToolTip("Save (Ctrl+Enter, or Enter outside a text box)")
        # Enter in a text box starts a new line: Ctrl+Enter saves from anywhere in the dialog.
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(key), self, self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(buttons)
        self.setMinimumWidth(600)
        self.shown_first: dict[str, Any] | None = None  # the values as the dialog opened
        self.focus_ring = FocusRing(self)  # the accent ring on every field, as in the windows

    def typed(self) -> bool:
        """The user changed something since the dialog opened."""
        first = self.shown_first or {}
        return any(not _same(v, first.get(k)) for k, v in self.form.values().items())

    def reject(self) -> None:
        if self.shown_first is not None and self.typed():
            buttons = QMessageBox.StandardButton
            answer = QMessageBox.question(
                self,
                self.windowTitle(),
                "Keep what you typed?",
                buttons.Save | buttons.Discard | buttons.Cancel,
                buttons.Save,
            )
            if answer == buttons.Save:
                self.accept()
                return
            if answer != buttons.Discard:
                return  # back to editing
        super().reject()

    def showEvent(self, event: QShowEvent) -> None:
        if self.shown_first is None:
            self.shown_first = self.form.values()
        # Options and values arrive after construction: grow to fit them when first shown.
        hint = self.sizeHint()
        self.resize(max(self.width(), hint.width()), max(self.height(), hint.height()))
        super().showEvent(event)

    def accept(self) -> None:
        error = self.submit(self.form)
        if error is not None:
            self.form.show_error(error)
            return
        super().accept()
