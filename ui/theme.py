"""Colours and the light/dark scheme: Fusion, following the system unless the user chose.

Health colours differ in lightness as well as hue, so they stay apart in greyscale and for
colour-blind users; a word always goes with them.

Fusion draws the edges of check boxes, radio buttons, line edits, combo and spin boxes and
text frames in ``Window.darker(140)``, whatever the other roles say. On a dark window that is
a near-black line on a near-black ground (about 1.1:1), so in the dark scheme ``Style`` has
those edges drawn in the palette's Mid instead, chosen to stand 3:1 against the window and the
fields (WCAG 1.4.11). The light scheme keeps Fusion's own edges.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleFactory, QStyleOption, QTabBar, QWidget

SCHEMES = ("system", "light", "dark")

_HEALTH = {
    # band: (light scheme, dark scheme)
    "healthy": ("#2e7d32", "#66bb6a"),
    "watch": ("#c77700", "#ffb74d"),
    "at_risk": ("#b71c1c", "#ef5350"),
    "unknown": ("#9e9e9e", "#757575"),
}

# The dark scheme. Contrast ratios (WCAG) are checked in tests/ui/test_theme.py.
DARK = {
    "window": "#1f2125",
    "column": "#26292e",  # AlternateBase: a column, a shade above the window
    "base": "#30343a",  # Base: cards (raised above their column) and input fields
    "text": "#e6e6e6",  # 9.9:1 on base
    "muted": "#979ca4",  # PlaceholderText and secondary card text: 4.5:1 on base, well below text
    "edge": "#80858e",  # Mid: control edges, 4.3:1 on the window, 3.3:1 on base
    "card_edge": "#42464d",  # a card's outline: quiet, the fill already lifts the card
    "column_edge": "#34383e",  # a column's outline
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


def card_edge_colour(palette: QPalette) -> QColor:
    """A card's outline when it is not selected: the light scheme's Mid; in the dark scheme a
    quieter line, since Mid there is a control edge and would make the board heavy."""
    return QColor(DARK["card_edge"]) if is_dark(palette) else palette.color(QPalette.ColorRole.Mid)


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two opaque colours (1.0 to 21.0)."""

    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# Style-sheet rules that differ in the dark scheme (the palette cannot carry a red).
_DARK_RULES = f"""
#formError {{ color: #ff8a80; }}
#stageColumn {{ border-color: {DARK["column_edge"]}; }}
#gateBanner {{ background: #1d3a20; border-color: #66bb6a; }}
#gateBanner[refused="true"] {{ background: #45201f; border-color: #ef5350; }}
"""


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
        QPalette.ColorRole.Window: c(DARK["window"]),
        QPalette.ColorRole.WindowText: c(DARK["text"]),
        QPalette.ColorRole.Base: c(DARK["base"]),
        QPalette.ColorRole.AlternateBase: c(DARK["column"]),
        QPalette.ColorRole.Text: c(DARK["text"]),
        QPalette.ColorRole.PlaceholderText: c(DARK["muted"]),
        QPalette.ColorRole.Button: c("#2f3339"),
        QPalette.ColorRole.ButtonText: c(DARK["text"]),
        QPalette.ColorRole.Highlight: c("#4f8fe6"),
        QPalette.ColorRole.HighlightedText: c("#ffffff"),
        QPalette.ColorRole.ToolTipBase: c("#30343a"),
        QPalette.ColorRole.ToolTipText: c(DARK["text"]),
        QPalette.ColorRole.Light: c("#474c54"),  # bevels and sunken separators' light side
        QPalette.ColorRole.Midlight: c("#3a3e45"),
        QPalette.ColorRole.Mid: c(DARK["edge"]),
        QPalette.ColorRole.Dark: c("#14161a"),  # separators' dark side
        QPalette.ColorRole.Shadow: c("#0b0c0e"),
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


_PE = QStyle.PrimitiveElement
_CC = QStyle.ComplexControl
# Elements whose only use of the Window colour is their edge (Fusion's ``outline``).
_EDGED_PRIMITIVES = frozenset(
    {
        _PE.PE_IndicatorCheckBox,
        _PE.PE_IndicatorRadioButton,
        _PE.PE_IndicatorItemViewItemCheck,
        _PE.PE_PanelLineEdit,
        _PE.PE_FrameLineEdit,
        _PE.PE_Frame,
    }
)
_EDGED_CONTROLS = frozenset({_CC.CC_ComboBox, _CC.CC_SpinBox})
_NORTH = (QTabBar.Shape.RoundedNorth, QTabBar.Shape.TriangularNorth)
_SOUTH = (QTabBar.Shape.RoundedSouth, QTabBar.Shape.TriangularSouth)
_WEST = (QTabBar.Shape.RoundedWest, QTabBar.Shape.TriangularWest)


LIGHT_EDGE = "#767b84"  # control edges in the light scheme: 4.3:1 on white, 3.7:1 on the window


def _edge(palette: QPalette) -> QColor:
    return palette.color(QPalette.ColorRole.Mid) if is_dark(palette) else QColor(LIGHT_EDGE)


def _with_edges(option: QStyleOption) -> QStyleOption:
    """A copy of ``option`` whose Window makes Fusion's outline (Window.darker(140)) the Mid.

    Only an option that Python sees as its own class is copied (a copy of a base class would
    lose the fields Fusion reads); any other is drawn as it came."""
    if option.type != type(option).StyleOptionType.Type.value:
        return option
    copy = type(option)(option)
    pal = QPalette(copy.palette)
    h, s, v, a = _edge(pal).getHsvF()
    pal.setColor(QPalette.ColorRole.Window, QColor.fromHsvF(h, s, min(1.0, v * 1.4), a))
    copy.palette = pal
    return copy


class Style(QProxyStyle):
    """Fusion with control edges that show (3:1, WCAG 1.4.11) in both schemes and a marked
    selected tab."""

    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if (
            element in _EDGED_PRIMITIVES
            # A combo box's pop-up frame is painted in the window colour itself.
            and not (widget is not None and widget.inherits("QComboBoxPrivateContainer"))
        ):
            option = _with_edges(option)
        super().drawPrimitive(element, option, painter, widget)

    def drawComplexControl(
        self,
        control: QStyle.ComplexControl,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if control in _EDGED_CONTROLS:
            option = _with_edges(option)
        super().drawComplexControl(control, option, painter, widget)

    def drawControl(
        self,
        element: QStyle.ControlElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawControl(element, option, painter, widget)
        if (
            element == QStyle.ControlElement.CE_TabBarTabShape
            and option.state & QStyle.StateFlag.State_Selected
        ):
            # The selected tab carries an accent bar on its outer edge: a fill one shade lighter
            # is not enough to tell it apart, least of all in the dark scheme.
            r: QRect = option.rect
            shape = option.shape
            if shape in _NORTH:
                bar = QRect(r.left() + 2, r.top() + 1, r.width() - 4, 2)
            elif shape in _SOUTH:
                bar = QRect(r.left() + 2, r.bottom() - 2, r.width() - 4, 2)
            elif shape in _WEST:
                bar = QRect(r.left() + 1, r.top() + 2, 2, r.height() - 4)
            else:
                bar = QRect(r.right() - 2, r.top() + 2, 2, r.height() - 4)
            painter.fillRect(bar, option.palette.color(QPalette.ColorRole.Highlight))


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def apply(scheme: str) -> str:
    """Apply ``scheme`` (system, light or dark); returns the one in effect (light or dark)."""
    app = QApplication.instance()
    effective = scheme if scheme in ("light", "dark") else ("dark" if system_is_dark() else "light")
    app.setStyle(Style())
    app.setPalette(dark_palette() if effective == "dark" else light_palette())
    app.setStyleSheet(style_sheet(effective == "dark"))
    return effective
