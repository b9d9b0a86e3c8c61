"""The dark scheme's contrast (WCAG 1.4.11 for control edges, 1.4.3 for muted text), measured
on the palette and on pixels Fusion really paints; the selected tab is marked in both schemes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyleFactory,
    QStyleOptionButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui import theme

R = QPalette.ColorRole


@pytest.fixture
def scheme(qapp: QApplication) -> Iterator[object]:
    """Apply a scheme for one test, then put the application back as the other tests have it."""
    palette, sheet = QPalette(qapp.palette()), qapp.styleSheet()
    yield lambda name: theme.apply(name)
    qapp.setStyle(QStyleFactory.create("Fusion"))
    qapp.setPalette(palette)
    qapp.setStyleSheet(sheet)


def _grab(qtbot, widget: QWidget) -> QImage:
    qtbot.addWidget(widget)
    widget.resize(420, 260)
    widget.show()
    QApplication.processEvents()
    return widget.grab().toImage()


def test_dark_palette_contrast_of_edges_text_and_raised_cards(qapp):
    """Control edges (Mid) stand 3:1 on the window, the fields and the columns; muted text is
    4.5:1 on a card and on a column yet well apart from real text; a card is lighter than its
    column (raised, not sunken)."""
    p = theme.dark_palette()
    edge, window, base, column = (p.color(r) for r in (R.Mid, R.Window, R.Base, R.AlternateBase))
    for ground in (window, base, column):
        assert theme.contrast_ratio(edge, ground) >= 3.0, ground.name()
    muted, text = p.color(R.PlaceholderText), p.color(R.Text)
    assert theme.contrast_ratio(muted, base) >= 4.5
    assert theme.contrast_ratio(muted, column) >= 4.5
    assert theme.contrast_ratio(text, muted) >= 2.1  # was 2.0 with #a0a4aa on the old base
    assert base.lightness() > column.lightness() > window.lightness()


def test_contrast_ratio_matches_the_wcag_formula():
    """Black on white is 21:1, a colour on itself 1:1, and #767676 on white the known 4.54:1."""
    assert theme.contrast_ratio(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert theme.contrast_ratio(QColor("#30343a"), QColor("#30343a")) == pytest.approx(1.0)
    assert theme.contrast_ratio(QColor("#767676"), QColor("#ffffff")) == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("name", ["light", "dark"])
def test_scheme_paints_visible_check_box_and_field_edges(qtbot, scheme, name):
    """In either scheme the edge painted round an unchecked box, a line edit, a combo box and
    a ticked-list item stands at least 3:1 against the window or field behind it (Fusion's
    own Window.darker(140) gives about 1.1:1 in dark and 2:1 in light)."""
    scheme(name)
    pal = QApplication.palette()
    host = QWidget()
    layout = QVBoxLayout(host)
    box, line, combo, links = QCheckBox("Drift only"), QLineEdit(), QComboBox(), QListWidget()
    combo.addItem("All types")
    item = QListWidgetItem("Delivery promise above the fold")
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Unchecked)
    links.addItem(item)
    for w in (box, line, combo, links):
        layout.addWidget(w)
    image = _grab(qtbot, host)

    opt = QStyleOptionButton()
    opt.initFrom(box)
    indicator = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, opt, box)
    indicator.translate(box.pos())
    window, base = pal.color(R.Window), pal.color(R.Base)
    box_edge = image.pixelColor(indicator.center().x(), indicator.top())
    assert theme.contrast_ratio(box_edge, window) >= 3.0, box_edge.name()
    for field in (line, combo):
        edge = image.pixelColor(field.x() + field.width() // 2, field.y())
        assert theme.contrast_ratio(edge, window) >= 3.0, (type(field).__name__, edge.name())
    # The item's check box: the darkest-to-lightest step along its row, inside the list.
    rect = links.visualItemRect(item).translated(
        links.viewport().mapTo(host, links.viewport().rect().topLeft())
    )
    y = rect.center().y()
    row = [image.pixelColor(x, y) for x in range(rect.left(), rect.left() + 24)]
    assert max(theme.contrast_ratio(c, base) for c in row) >= 3.0


@pytest.mark.parametrize("name", ["light", "dark"])
def test_selected_tab_carries_an_accent_bar(qtbot, scheme, name):
    """The selected tab has a bar in the Highlight colour along its top edge; the others do not."""
    scheme(name)
    tabs = QTabWidget()
    for label in ("Overview", "Onboarding", "History"):
        tabs.addTab(QWidget(), label)
    tabs.setCurrentIndex(1)
    image = _grab(qtbot, tabs)
    bar = tabs.tabBar()
    highlight = QApplication.palette().color(R.Highlight)

    def top_colours(index: int) -> set[str]:
        r = bar.tabRect(index).translated(bar.pos())
        return {image.pixelColor(r.center().x(), y).name() for y in range(r.top(), r.top() + 4)}

    assert highlight.name() in top_colours(1)
    assert highlight.name() not in top_colours(0)
    assert highlight.name() not in top_colours(2)
