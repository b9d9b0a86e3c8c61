"""Forms built from a list of field specs: the record dialogs and the panes' inline forms.

A form holds what was last loaded from the database, so a refresh after some other edit
replaces only the fields whose stored value changed and keeps what the user is typing.
Errors are the core's: the form shows the message and puts the cursor in the field it names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QVBoxLayout, QWidget

from mwms_desktop.errors import MwmsError, ValidationError
from mwms_desktop.framework import Term
from ui.workspace import fields as f
from ui.workspace.base import ErrorLabel


@dataclass(frozen=True)
class FieldSpec:
    """``key`` is the service's field name; ``label`` is the name the core's messages use."""

    key: str
    label: str
    # text, long, choice, optional_choice, links, link, ratings, number (a score or none),
    # date (a day or none), day (a day the core sets to today when none is given)
    kind: str
    terms: tuple[Term, ...] = ()
    low: int = 0
    high: int = 0


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
    return a == b


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
        for spec in specs:
            editor = _editor(spec, today)
            editor.setAccessibleName(spec.label)
            self.editors[spec.key] = editor
            self.form.addRow(spec.label, editor)
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
            if key not in self.loaded or not _same(values[key], self.loaded[key]):
                _set(editor, values[key])
        self.loaded.update({k: values[k] for k in self.editors if k in values})

    def changes(self) -> dict[str, Any]:
        """The fields whose shown value differs from the stored one."""
        return {k: v for k, v in self.values().items() if not _same(v, self.loaded.get(k))}

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
    if the core refuses, the dialog stays open with the message and nothing was changed."""

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
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(buttons)
        self.setMinimumWidth(600)

    def showEvent(self, event: QShowEvent) -> None:
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
