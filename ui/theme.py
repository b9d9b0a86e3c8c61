"""Colours and the light/dark scheme: Fusion, following the system unless the user chose.

Health colours differ in lightness as well as hue, so they stay apart in greyscale and for
colour-blind users; a word always goes with them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

SCHEMES = ("system", "light", "dark")

_HEALTH = {
    # band: (light scheme, dark scheme)
    "healthy": ("#2e7d32", "#66bb6a"),
    "watch": ("#c77700", "#ffb74d"),
    "at_risk": ("#b71c1c", "#ef5350"),
    "unknown": ("#9e9e9e", "#757575"),
}


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def health_colour(band: str, dark: bool) -> QColor:
    light_c, dark_c = _HEALTH.get(band, _HEALTH["unknown"])
    return QColor(dark_c if dark else light_c)


def warning_colour(dark: bool) -> QColor:
    """Amber for fills (the drift badge) and marks."""
    return QColor("#ffb74d" if dark else "#e09b00")


def warning_text_colour(dark: bool) -> QColor:
    """Amber dark enough to read as text on the card (4.5:1 on white)."""
    return QColor("#ffb74d" if dark else "#9a5b00")


# Style-sheet rules that differ in the dark scheme (the palette cannot carry a red).
_DARK_RULES = "\n#formError { color: #ff8a80; }\n"


def style_sheet(dark: bool) -> str:
    """The application's style sheet (resources/style/app.qss), with the dark rules."""
    from mwms_desktop.paths import resources_dir

    qss = resources_dir() / "style" / "app.qss"
    base = qss.read_text(encoding="utf-8") if qss.exists() else ""
    return base + (_DARK_RULES if dark else "")


def dark_palette() -> QPalette:
    p = QPalette()
    c = QColor
    roles = {
        QPalette.ColorRole.Window: c("#1f2125"),
        QPalette.ColorRole.WindowText: c("#e6e6e6"),
        QPalette.ColorRole.Base: c("#2a2d32"),
        QPalette.ColorRole.AlternateBase: c("#30343a"),
        QPalette.ColorRole.Text: c("#e6e6e6"),
        QPalette.ColorRole.PlaceholderText: c("#a0a4aa"),
        QPalette.ColorRole.Button: c("#2c2f34"),
        QPalette.ColorRole.ButtonText: c("#e6e6e6"),
        QPalette.ColorRole.Highlight: c("#4f8fe6"),
        QPalette.ColorRole.HighlightedText: c("#ffffff"),
        QPalette.ColorRole.ToolTipBase: c("#30343a"),
        QPalette.ColorRole.ToolTipText: c("#e6e6e6"),
        QPalette.ColorRole.Mid: c("#4a4e55"),
        QPalette.ColorRole.Dark: c("#15171a"),
        QPalette.ColorRole.Light: c("#3a3e45"),
        QPalette.ColorRole.Link: c("#8ab4f8"),
    }
    for role, colour in roles.items():
        p.setColor(role, colour)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, c("#7a7e85"))
    return p


def light_palette() -> QPalette:
    p = QApplication.style().standardPalette()
    p.setColor(QPalette.ColorRole.Window, QColor("#eef0f3"))
    p.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    p.setColor(QPalette.ColorRole.AlternateBase, QColor("#f5f6f8"))
    p.setColor(QPalette.ColorRole.Mid, QColor("#c5c9d0"))
    p.setColor(QPalette.ColorRole.PlaceholderText, QColor("#5f6670"))
    p.setColor(QPalette.ColorRole.Highlight, QColor("#2f6fd0"))
    return p


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def apply(scheme: str) -> str:
    """Apply ``scheme`` (system, light or dark); returns the one in effect (light or dark)."""
    app = QApplication.instance()
    effective = scheme if scheme in ("light", "dark") else ("dark" if system_is_dark() else "light")
    app.setPalette(dark_palette() if effective == "dark" else light_palette())
    app.setStyleSheet(style_sheet(effective == "dark"))
    return effective
