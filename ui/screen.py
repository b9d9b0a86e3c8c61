"""Window sizes that fit the screen: a default size is a wish, the screen has the last word."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

SCREEN_SHARE = 0.94  # of the available height and width: the frame and a margin stay visible


def fitted(widget: QWidget, width: int, height: int) -> QSize:
    """``width`` × ``height``, shrunk to fit the available area of the screen ``widget`` is on
    (a 1366 × 768 laptop cannot show a 1280 × 820 window whole)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(width, height)
    area = screen.availableGeometry()
    return QSize(min(width, int(area.width() * SCREEN_SHARE)), min(height, int(area.height() * SCREEN_SHARE)))
