"""The status bar's team sync indicator: "Synced 2 min ago · 3 waiting", "Syncing…",
"Offline" (its tooltip says why), and "2 conflicts" beside it when a merge left any.

One quiet widget: it never opens a dialog by itself. Clicking the text syncs now; clicking
the conflicts shows them. Hidden while the database is not in a team."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QToolButton, QWidget

from ui import theme
from ui.team.sync_view import SyncView, conflict_words, words

TICK_MS = 30_000  # "Synced 2 min ago" keeps counting


def _now() -> datetime:
    return datetime.now(UTC)


class SyncIndicator(QWidget):
    sync_requested = Signal()
    conflicts_requested = Signal()

    def __init__(self, parent: QWidget | None = None, now: Callable[[], datetime] = _now) -> None:
        super().__init__(parent)
        self.setObjectName("syncIndicator")
        self.now = now
        self.view = SyncView()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.state = QToolButton()
        self.state.setObjectName("syncState")
        self.state.setAutoRaise(True)
        self.state.clicked.connect(self.sync_requested)
        self.conflicts = QToolButton()
        self.conflicts.setObjectName("syncConflicts")
        self.conflicts.setAutoRaise(True)
        self.conflicts.clicked.connect(self.conflicts_requested)
        rule = QFrame()  # set apart from the engagement counts beside it
        rule.setFrameShape(QFrame.Shape.VLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(rule)
        layout.addWidget(self.state)
        layout.addWidget(self.conflicts)
        self._tick = QTimer(self, interval=TICK_MS, timeout=self._paint)
        self.hide()

    def show_view(self, view: SyncView) -> None:
        self.view = view
        self._paint()
        self.setVisible(view.joined)
        if view.joined:
            self._tick.start()
        else:
            self._tick.stop()

    def _paint(self) -> None:
        text, tip = words(self.view, self.now())
        self.state.setText(text)
        self.state.setToolTip(tip)
        self.state.setAccessibleName(f"Team sync: {text}")
        self.state.setAccessibleDescription(tip)
        dark = theme.is_dark(self.palette())
        normal = self.palette().color(QPalette.ColorRole.WindowText)
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText)
        warn = theme.warning_text_colour(dark)
        problem = bool(self.view.problem) and not self.view.offline
        _colour(
            self.state,
            warn if problem or self.view.needs_password else muted if self.view.offline else normal,
        )
        _colour(self.conflicts, warn)
        count = self.view.conflicts
        self.conflicts.setVisible(count > 0)
        if count:
            label, ctip = conflict_words(count)
            self.conflicts.setText(f"⚠ {label}")
            self.conflicts.setToolTip(ctip)
            self.conflicts.setAccessibleName(f"Team sync: {label}")

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._paint()  # the scheme switched: its colours


def _colour(button: QToolButton, colour: QColor) -> None:
    palette = button.palette()
    palette.setColor(QPalette.ColorRole.ButtonText, colour)
    button.setPalette(palette)
