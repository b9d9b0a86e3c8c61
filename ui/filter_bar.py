"""Search box and filters of the board; remembered between sessions."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QToolButton, QWidget

from mwms_desktop import framework
from ui import preferences as pk
from ui.board_store import UNASSIGNED, BoardFilter
from ui.preferences import Preferences


class FilterBar(QWidget):
    changed = Signal(object)  # BoardFilter
    to_cards = Signal()  # ↓ in the search: on to the first card shown

    def __init__(self, prefs: Preferences, parent=None) -> None:
        super().__init__(parent)
        self.prefs = prefs
        self.search = QLineEdit(
            placeholderText="Search client, tag, note…  (Ctrl+F)", clearButtonEnabled=True
        )
        # The whole toolbar (Add, search, filters, Clear filters' place, Undo, Redo) fits a
        # window 1024 pixels wide: the search and the two name drop-downs give way first.
        self.search.setMinimumWidth(140)
        self.search.setAccessibleName("Search engagements")
        self.search.setToolTip("Esc clears the search; ↓ goes to the first card shown")
        self.search.installEventFilter(self)
        self.type_box = QComboBox(accessibleName="Engagement type filter")
        self.type_box.addItem("All types", "")
        for term in framework.ENGAGEMENT_TYPES:
            self.type_box.addItem(term.label, term.slug)
        self.owner_box = QComboBox(accessibleName="Owner filter")
        self.owner_box.addItem("All owners", "")
        self.owner_box.addItem("Unassigned", UNASSIGNED)
        self.health_box = QComboBox(accessibleName="Health filter")
        self.health_box.addItem("Any health", "")
        for term in framework.HEALTH_BANDS:
            self.health_box.addItem(term.label, term.slug)
        self.drift_box = QCheckBox("Drift only")
        for box in (self.type_box, self.owner_box):  # a long name never pushes the toolbar
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(10)
        self.clear_button = QToolButton(text="Clear filters", autoRaise=True)
        self.clear_button.setToolTip("Show every engagement again")
        self.clear_button.clicked.connect(self.clear)
        # Hidden, it keeps its place: the drop-downs never move under the pointer.
        keep = self.clear_button.sizePolicy()
        keep.setRetainSizeWhenHidden(True)
        self.clear_button.setSizePolicy(keep)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        for w in (
            self.search,
            self.type_box,
            self.owner_box,
            self.health_box,
            self.drift_box,
            self.clear_button,
        ):
            layout.addWidget(w)

        self._select(self.type_box, prefs.text(pk.FILTER_TYPE))
        self._select(self.health_box, prefs.text(pk.FILTER_HEALTH))
        self._wanted_owner = prefs.text(pk.FILTER_OWNER)
        self.drift_box.setChecked(prefs.flag(pk.FILTER_DRIFT))

        # Typing is debounced a little; the filter itself is in memory and fast.
        self._debounce = QTimer(self, singleShot=True, interval=120, timeout=self._emit)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        for box in (self.type_box, self.owner_box, self.health_box):
            box.currentIndexChanged.connect(self._emit)
        self.drift_box.toggled.connect(self._emit)
        self.clear_button.setVisible(self.current().active)

    @staticmethod
    def _select(box: QComboBox, data: str) -> None:
        idx = box.findData(data)
        box.setCurrentIndex(max(0, idx))

    def set_owners(self, owners: list[str]) -> None:
        current = self.owner_box.currentData() or self._wanted_owner
        self.owner_box.blockSignals(True)
        self.owner_box.clear()
        self.owner_box.addItem("All owners", "")
        self.owner_box.addItem("Unassigned", UNASSIGNED)
        for owner in owners:
            self.owner_box.addItem(owner, owner)
        self._select(self.owner_box, current)
        self.owner_box.blockSignals(False)
        self._wanted_owner = ""  # the saved choice applies once, at start-up
        if current and self.owner_box.currentData() != current:
            self._emit()  # that owner is gone: the board must stop filtering on them too

    def current(self) -> BoardFilter:
        return BoardFilter(
            text=self.search.text().strip(),
            engagement_type=self.type_box.currentData() or "",
            owner=self.owner_box.currentData() or "",
            health_band=self.health_box.currentData() or "",
            drift_only=self.drift_box.isChecked(),
        )

    def _emit(self) -> None:
        current = self.current()
        self.clear_button.setVisible(current.active)
        self.changed.emit(current)

    def clear(self) -> None:
        """Every filter off and the search empty: one change, one refilter."""
        widgets = (self.search, self.type_box, self.owner_box, self.health_box, self.drift_box)
        for w in widgets:
            w.blockSignals(True)
        self.search.clear()
        for box in (self.type_box, self.owner_box, self.health_box):
            box.setCurrentIndex(0)
        self.drift_box.setChecked(False)
        for w in widgets:
            w.blockSignals(False)
        self._debounce.stop()
        self._emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if event.key() == Qt.Key.Key_Escape and plain and self.search.text():
                self.search.clear()
                self._debounce.stop()
                self._emit()  # at once: the next key acts on the whole board
                return True
            if event.key() == Qt.Key.Key_Down and plain:
                self._debounce.stop()
                self._emit()  # what was typed last applies before the cursor leaves
                self.to_cards.emit()
                return True
        return super().eventFilter(watched, event)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def save(self) -> None:
        f = self.current()
        self.prefs.set(pk.FILTER_TYPE, f.engagement_type)
        self.prefs.set(pk.FILTER_OWNER, f.owner)
        self.prefs.set(pk.FILTER_HEALTH, f.health_band)
        self.prefs.set(pk.FILTER_DRIFT, f.drift_only)
