"""One editor widget per kind of field, each with ``value()`` and ``set_value()`` in the form
the services take (slugs, ``date`` or None, ids). They check nothing: the core does."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from mwms_desktop import framework
from mwms_desktop.framework import Term

# One wording for "no value" across the workspace: a table cell shows a dash; an editor
# says "Not set", or "Not scored" for a score.
NONE_SHOWN = "—"
UNSET = "Not set"
UNSCORED = "Not scored"
_NO_DAY = QDate(1900, 1, 1)  # the date editor's minimum, which it shows as UNSET


def shown(text: str) -> str:
    """A table cell's text: the value, or the dash when there is none."""
    return text if text.strip() else NONE_SHOWN


class TextEditor(QLineEdit):
    def value(self) -> str:
        return self.text()

    def set_value(self, value: Any) -> None:
        self.setText(value or "")
        self.setCursorPosition(0)  # a long value shows its beginning, not its end


class LongTextEditor(QPlainTextEdit):
    """Several lines; Tab moves on to the next field, as in every other control."""

    def __init__(self, parent: QWidget | None = None, lines: int = 3) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 14)

    def value(self) -> str:
        return self.toPlainText()

    def set_value(self, value: Any) -> None:
        self.setPlainText(value or "")


class ValueCombo(QComboBox):
    """A choice among labelled values (slugs, scores, record ids); ``None`` may be one."""

    def __init__(self, items: Sequence[tuple[str, Any]] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.set_items(items)

    def set_items(self, items: Sequence[tuple[str, Any]]) -> None:
        current = self.value() if self.count() else None
        self.blockSignals(True)
        self.clear()
        for text, value in items:
            self.addItem(text, value)
        self.blockSignals(False)
        self.set_value(current)

    def value(self) -> Any:
        return self.currentData()

    def set_value(self, value: Any) -> None:
        index = self.findData(value)
        if index < 0 and value is None:
            index = 0
        self.setCurrentIndex(index)


def term_items(terms: Sequence[Term], optional: bool = False) -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = [(UNSET, None)] if optional else []
    return items + [(t.label, t.slug) for t in terms]


class DateEditor(QWidget):
    """A day. An optional one has a box saying whether a date is set; while it is not, the
    date reads "Not set" (never a greyed day that looks like a value). A required one (the
    core puts today when none is given) has no box and starts at today."""

    def __init__(
        self, label: str, today: date, parent: QWidget | None = None, *, optional: bool = True
    ) -> None:
        super().__init__(parent)
        self.today = today
        self.optional = optional
        self._remembered: date | None = None  # the day a tick brings back
        self.check = QCheckBox("Set")
        self.check.setAccessibleName(f"{label}: set a date")
        self.check.setVisible(optional)
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setAccessibleName(label)
        self.edit.setMinimumDate(_NO_DAY)
        self.edit.setSpecialValueText(UNSET)  # shown at the minimum, i.e. while not set
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.edit)
        # Its natural width wherever it is put (a form, a grid): a date never needs more.
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.setFocusProxy(self.check if optional else self.edit)
        self.check.toggled.connect(self._toggled)
        # Only the user's own tick moves the cursor to the date (a load never takes focus).
        self.check.clicked.connect(lambda on: on and self.edit.setFocus())
        self.set_value(None)

    def _toggled(self, on: bool) -> None:
        if not on and self.edit.date() != _NO_DAY:
            self._remembered = self.edit.date().toPython()
        self._show(on)

    def _show(self, on: bool) -> None:
        self.edit.setEnabled(on)
        self.edit.setDate(QDate(self._remembered or self.today) if on else _NO_DAY)

    def is_set(self) -> bool:
        return not self.optional or self.check.isChecked()

    def value(self) -> date | None:
        return self.edit.date().toPython() if self.is_set() else None

    def set_value(self, value: Any) -> None:
        if value is None and not self.optional:
            value = self.today
        self._remembered = value
        blocker = QSignalBlocker(self.check)
        self.check.setChecked(value is not None)
        blocker.unblock()
        self._show(value is not None)


class OptionalNumber(QSpinBox):
    """A whole number in a range, or none (one below the range, shown as ``unset``)."""

    def __init__(self, low: int, high: int, parent: QWidget | None = None, unset: str = UNSET) -> None:
        super().__init__(parent)
        self.low = low
        self.setRange(low - 1, high)
        self.setSpecialValueText(unset)

    def value_or_none(self) -> int | None:
        v = self.value()
        return None if v < self.low else v

    def set_value(self, value: Any) -> None:
        self.setValue(self.low - 1 if value is None else int(value))


class LinksEditor(QListWidget):
    """Several records of this engagement, ticked (hypothesis → insights, learning → cycles)."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(label)
        self.setObjectName("linksEditor")
        self.setMaximumHeight(140)
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # The board's list views are transparent; in a form this one is a field.
        self.setStyleSheet("#linksEditor { background: palette(base); border: 1px solid palette(mid); }")

    def set_options(self, options: Sequence[tuple[int, str]]) -> None:
        ticked = set(self.ids())
        self.clear()
        for rid, text in options:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, rid)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if rid in ticked else Qt.CheckState.Unchecked)
            self.addItem(item)
        if not options:
            item = QListWidgetItem("(none recorded yet)")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addItem(item)

    def ids(self) -> tuple[int, ...]:
        found = []
        for row in range(self.count()):
            item = self.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                found.append(item.data(Qt.ItemDataRole.UserRole))
        return tuple(sorted(found))

    def set_ids(self, ids: Any) -> None:
        wanted = set(ids or ())
        for row in range(self.count()):
            item = self.item(row)
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                rid = item.data(Qt.ItemDataRole.UserRole)
                item.setCheckState(Qt.CheckState.Checked if rid in wanted else Qt.CheckState.Unchecked)


class RatingsEditor(QWidget):
    """Every health indicator and signal rated 0–3 ("Not scored" leaves it out; the core says
    whether that is allowed)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.spins: dict[str, QSpinBox] = {}
        groups = (
            ("Healthy indicators", framework.HEALTHY_INDICATORS),
            ("Unhealthy signals", framework.UNHEALTHY_SIGNALS),
        )
        for col, (heading, terms) in enumerate(groups):
            title = QLabel(heading)
            title.setObjectName("sectionTitle")
            grid.addWidget(title, 0, col * 2, 1, 2)
            for row, term in enumerate(terms, start=1):
                spin = QSpinBox()
                spin.setRange(framework.RATING_MIN - 1, framework.RATING_MAX)
                spin.setSpecialValueText(UNSCORED)
                spin.setAccessibleName(term.label)
                label = QLabel(term.label)
                label.setBuddy(spin)
                grid.addWidget(label, row, col * 2)
                grid.addWidget(spin, row, col * 2 + 1)
                spin.valueChanged.connect(self.changed)
                self.spins[term.slug] = spin
        scale = QLabel("Each rated 0 (absent) to 3 (strongly present).")
        scale.setObjectName("hint")
        grid.addWidget(scale, len(framework.HEALTHY_INDICATORS) + 1, 0, 1, 4)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(2, 1)
        grid.setHorizontalSpacing(12)

    def value(self) -> dict[str, int]:
        return {k: s.value() for k, s in self.spins.items() if s.value() >= framework.RATING_MIN}

    def set_value(self, value: Mapping[str, int] | None) -> None:
        value = value or {}
        for k, spin in self.spins.items():
            spin.setValue(value.get(k, framework.RATING_MIN - 1))
