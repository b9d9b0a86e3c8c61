"""One editor widget per kind of field, each with ``value()`` and ``set_value()`` in the form
the services take (slugs, ``date`` or None, ids). They check nothing: the core does."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QEvent, QLocale, QObject, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from mwms_desktop import framework
from mwms_desktop.framework import Term

# One wording for "no value" across the workspace: a table cell shows a dash; an editor
# says "Not set", or "Not scored" for a score.
NONE_SHOWN = "—"
UNSET = "Not set"
UNSCORED = "Not scored"
_BASE_YEAR = 2000  # a two-digit year typed in the short format is 20yy


def shown(text: str) -> str:
    """A table cell's text: the value, or the dash when there is none."""
    return text if text.strip() else NONE_SHOWN


class CheckEditor(QCheckBox):
    """Yes or no, its text saying what a tick means."""

    def value(self) -> bool:
        return self.isChecked()

    def set_value(self, value: Any) -> None:
        self.setChecked(bool(value))


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


def parse_day(text: str, locale: QLocale | None = None) -> date | None:
    """The day ``text`` names, read exactly as typed: ISO (2026-11-02) or the locale's short
    format (11/2/26, 02.11.26; a two-digit year is this century). None when it names none."""
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    locale = locale or QLocale()
    for fmt in (locale.dateFormat(QLocale.FormatType.ShortFormat), _four_digit_year(locale)):
        day = QDate.fromString(text, fmt, _BASE_YEAR)
        if day.isValid():
            return day.toPython()
    return None


def _four_digit_year(locale: QLocale) -> str:
    fmt = locale.dateFormat(QLocale.FormatType.ShortFormat)
    return fmt if "yyyy" in fmt else fmt.replace("yy", "yyyy")


class DateEditor(QWidget):
    """A day, typed as text (ISO or the locale's short format) and taken exactly as typed, or
    picked from a calendar (the button, or Alt+Down / F4). One Tab stop: Tab leaves the field.

    An optional one has a box saying whether a date is set; while it is not, the date reads
    "Not set" (never a greyed day that looks like a value). A required one (the core puts
    today when none is given) has no box and starts at today. Text that names no day is handed
    on as typed, so the core refuses it with a message and the text stays to be corrected."""

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
        self.edit = QLineEdit()
        self.edit.setAccessibleName(label)
        example = QLocale().toString(QDate(today), QLocale.FormatType.ShortFormat)
        self.edit.setToolTip(f"Type a date as {today.isoformat()} or {example}; Alt+Down opens a calendar")
        self.edit.setPlaceholderText("YYYY-MM-DD")
        width = self.edit.fontMetrics().horizontalAdvance("0000-00-00 " + UNSET)
        self.edit.setFixedWidth(width)
        self.edit.installEventFilter(self)
        self.pick = QToolButton()
        self.pick.setText("▾")
        self.pick.setAccessibleName(f"{label}: pick from a calendar")
        self.pick.setToolTip("Pick from a calendar")
        self.pick.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing is the keyboard's way; one stop
        self.pick.clicked.connect(self.open_calendar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.check)
        layout.addWidget(self.edit)
        layout.addWidget(self.pick)
        # Its natural width wherever it is put (a form, a grid): a date never needs more.
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.check.toggled.connect(self._toggled)
        # Only the user's own tick moves the cursor to the date (a load never takes focus).
        self.check.clicked.connect(lambda on: on and self._focus_text())
        self.edit.editingFinished.connect(self._tidy)
        self.set_value(None)

    def _focus_text(self) -> None:
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.edit.selectAll()  # typing replaces the day shown

    def _toggled(self, on: bool) -> None:
        if not on:
            day = parse_day(self.edit.text())
            self._remembered = day or self._remembered
        self._show(on)

    def _show(self, on: bool) -> None:
        # The field's focus (a refusal puts the cursor back "in the field") is the text while a
        # date is set, so typing goes on where it was; the box while none is.
        self.setFocusProxy(self.edit if on else self.check)
        self.edit.setEnabled(on)
        self.pick.setEnabled(on)
        self.edit.setText((self._remembered or self.today).isoformat() if on else UNSET)

    def _tidy(self) -> None:
        """A day typed in another format is shown back in ISO once the user leaves it (the same
        day); text that names no day is left exactly as typed."""
        day = parse_day(self.edit.text())
        if day is not None and self.edit.text() != day.isoformat():
            self.edit.setText(day.isoformat())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            alt_down = event.key() == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier
            if alt_down or event.key() == Qt.Key.Key_F4:
                self.open_calendar()
                return True
        return super().eventFilter(watched, event)

    def open_calendar(self) -> None:
        if not self.edit.isEnabled():
            return
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        calendar = QCalendarWidget(menu)
        calendar.setSelectedDate(QDate(parse_day(self.edit.text()) or self.today))
        action = QWidgetAction(menu)
        action.setDefaultWidget(calendar)
        menu.addAction(action)

        def chosen(day: QDate) -> None:
            text = day.toPython().isoformat()
            self.edit.setText(text)
            menu.close()
            self.edit.setFocus(Qt.FocusReason.PopupFocusReason)
            # A pick is the user's edit, as if typed: whoever saves as the user goes hears it.
            self.edit.textEdited.emit(text)
            self.edit.editingFinished.emit()

        calendar.activated.connect(chosen)
        calendar.clicked.connect(chosen)
        self.calendar = calendar  # the open one, for tests and accessibility
        menu.popup(self.edit.mapToGlobal(self.edit.rect().bottomLeft()))
        calendar.setFocus()

    def is_set(self) -> bool:
        return not self.optional or self.check.isChecked()

    def is_complete(self) -> bool:
        """Whether what is shown names a day, or no day (not set, or empty): False while a
        date is half typed ("2026-1"), when saving on a pause would only earn a refusal."""
        text = self.edit.text().strip()
        return not self.is_set() or not text or parse_day(text) is not None

    def value(self) -> date | str | None:
        """The day; None when not set (or left empty); the text itself when it names no day."""
        if not self.is_set():
            return None
        text = self.edit.text().strip()
        return parse_day(text) or (text or None)

    def set_value(self, value: Any) -> None:
        if value is None and not self.optional:
            value = self.today
        self._remembered = value
        blocker = QSignalBlocker(self.check)
        self.check.setChecked(value is not None)
        blocker.unblock()
        self._show(value is not None)


class UnsetSpinBox(QSpinBox):
    """A spin box whose lowest value is "none", shown as words ("Not scored"). A digit typed
    while the words show replaces them: clicked into, the cursor sits among the letters, where
    the spin box would refuse the digit and nothing would happen."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.value() == self.minimum() and self.specialValueText() and event.text().isdigit():
            self.selectAll()
        super().keyPressEvent(event)


class OptionalNumber(UnsetSpinBox):
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


class RatingPicker(QWidget):
    """One indicator rated with one click: 0 1 2 3 side by side, the chosen one pressed;
    clicking it again (or Delete, Backspace) leaves the indicator "Not scored". From the
    keyboard it is one Tab stop: a digit picks, ← and → step, so eleven ratings are eleven
    digits and Tabs."""

    valueChanged = Signal(int)  # the rating, or RATING_MIN - 1 for "Not scored"

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.unset = framework.RATING_MIN - 1
        self._value = self.unset
        self.label = label
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(label)
        row = QHBoxLayout(self)
        row.setContentsMargins(2, 2, 2, 2)
        row.setSpacing(2)
        self.buttons: list[QToolButton] = []
        for rating in range(framework.RATING_MIN, framework.RATING_MAX + 1):
            button = QToolButton(self)
            button.setObjectName("rating")
            button.setText(str(rating))
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the picker is the one Tab stop
            button.setAccessibleName(f"{label}: {rating}")
            button.clicked.connect(lambda _checked, r=rating: self._pick(r))
            row.addWidget(button)
            self.buttons.append(button)
        self._show()

    def value(self) -> int:
        return self._value

    def text(self) -> str:
        """What the picker says: the rating, or "Not scored"."""
        return UNSCORED if self._value == self.unset else str(self._value)

    def setValue(self, value: int) -> None:
        value = value if framework.RATING_MIN <= value <= framework.RATING_MAX else self.unset
        if value != self._value:
            self._value = value
            self._show()
            self.valueChanged.emit(value)

    def _pick(self, rating: int) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.setValue(self.unset if rating == self._value else rating)  # a second click clears

    def _show(self) -> None:
        for rating, button in enumerate(self.buttons, start=framework.RATING_MIN):
            button.setChecked(rating == self._value)
        self.setToolTip(f"{self.label}: {self.text()}")
        self.setAccessibleDescription(self.text())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, text = event.key(), event.text()
        if text.isdigit() and framework.RATING_MIN <= int(text) <= framework.RATING_MAX:
            self.setValue(int(text))
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.setValue(self.unset)
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Left, Qt.Key.Key_Down):
            step = 1 if key in (Qt.Key.Key_Right, Qt.Key.Key_Up) else -1
            start = framework.RATING_MIN - 1 if self._value == self.unset and step > 0 else self._value
            self.setValue(max(framework.RATING_MIN, min(framework.RATING_MAX, start + step)))
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def focusInEvent(self, event: Any) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: Any) -> None:
        super().focusOutEvent(event)
        self.update()

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        if self.hasFocus():  # where the keyboard is: a ring round the row
            p = QPainter(self)
            p.setPen(QPen(self.palette().highlight().color(), 2))
            p.drawRoundedRect(self.rect().adjusted(1, 1, -1, -1), 4, 4)


class RatingsEditor(QWidget):
    """Every health indicator and signal rated 0–3 with one click each ("Not scored" leaves
    it out; the core says whether that is allowed)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.pickers: dict[str, RatingPicker] = {}
        groups = (
            ("Healthy indicators", framework.HEALTHY_INDICATORS),
            ("Unhealthy signals", framework.UNHEALTHY_SIGNALS),
        )
        for col, (heading, terms) in enumerate(groups):
            title = QLabel(heading)
            title.setObjectName("sectionTitle")
            grid.addWidget(title, 0, col * 2, 1, 2)
            for row, term in enumerate(terms, start=1):
                picker = RatingPicker(term.label)
                label = QLabel(term.label)
                label.setBuddy(picker)
                grid.addWidget(label, row, col * 2)
                grid.addWidget(picker, row, col * 2 + 1)
                picker.valueChanged.connect(self.changed)
                self.pickers[term.slug] = picker
        scale = QLabel("Each rated 0 (absent) to 3 (strongly present): click, or type the digit.")
        scale.setObjectName("hint")
        grid.addWidget(scale, len(framework.HEALTHY_INDICATORS) + 1, 0, 1, 4)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(2, 1)
        grid.setHorizontalSpacing(12)

    def first(self) -> RatingPicker:
        """The first rating (where a new check-in starts)."""
        return next(iter(self.pickers.values()))

    def value(self) -> dict[str, int]:
        return {k: p.value() for k, p in self.pickers.items() if p.value() >= framework.RATING_MIN}

    def set_value(self, value: Mapping[str, int] | None) -> None:
        value = value or {}
        for k, picker in self.pickers.items():
            picker.setValue(value.get(k, framework.RATING_MIN - 1))
