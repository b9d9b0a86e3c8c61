"""A focus ring that every Tab stop of a window shows: a two-pixel line in the accent colour
drawn over the edge of the widget that has the keyboard focus.

Fusion marks focus faintly or not at all (a check box, a list); one overlay that follows the
focus gives every control the same clear ring (WCAG 2.4.7) without restyling each. The ring is
a child of the focused widget, on top of it, transparent for the mouse, and only paints a
line. A widget that shows its focus itself (a board column's current card) is skipped."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import Shiboken

RING = 2  # px


class Ring(QWidget):
    """The line itself, laid over its parent."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("focusRing")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), RING))
        p.setBrush(Qt.BrushStyle.NoBrush)
        half = RING / 2
        p.drawRoundedRect(QRectF(self.rect()).adjusted(half, half, -half, -half), 3, 3)


class FocusRing(QObject):
    """Rings the focus widget while it is in ``host``'s window; ``skip(widget)`` says that a
    widget shows its focus itself."""

    def __init__(self, host: QWidget, skip: Callable[[QWidget], bool] | None = None) -> None:
        super().__init__(host)
        self.host = host
        self.skip = skip or (lambda _w: False)
        self.ring: Ring | None = None
        self.target: QWidget | None = None
        QApplication.instance().focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        self.follow(new)

    def refresh(self) -> None:
        """Look again at the focus widget (its own focus display may have changed)."""
        self.follow(QApplication.focusWidget())

    def follow(self, widget: QWidget | None) -> None:
        if not Shiboken.isValid(self.host):
            return
        if self.target is not None and Shiboken.isValid(self.target):
            self.target.removeEventFilter(self)
        ours = widget is not None and widget.window() is self.host.window()
        self.target = widget if ours and not self.skip(widget) else None
        if self.ring is None or not Shiboken.isValid(self.ring):  # it went with its last widget
            self.ring = Ring(self.host)
        if self.target is None:
            self.ring.hide()
            return
        self.ring.setParent(self.target)
        self.ring.setGeometry(self.target.rect())
        self.target.installEventFilter(self)
        self.ring.show()
        self.ring.raise_()

    def shown_on(self) -> QWidget | None:
        """The widget the ring is drawn on now, if any."""
        ring = self.ring
        return self.target if ring is not None and Shiboken.isValid(ring) and ring.isVisible() else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.target and self.ring is not None and Shiboken.isValid(self.ring):
            if event.type() == QEvent.Type.Resize:
                self.ring.setGeometry(self.target.rect())
            elif event.type() == QEvent.Type.ChildAdded:
                self.ring.raise_()
        return super().eventFilter(watched, event)
