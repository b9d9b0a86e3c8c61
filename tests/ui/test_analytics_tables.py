"""Every number of every analytics table is in view at the window's default size, light and
dark: a column is as wide as its numbers (its header wraps), and the table beside each chart
is as wide as its columns. A long last header used to push its right-aligned numbers past
the table's edge."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.test_analytics import open_analytics, show_tab, window  # noqa: F401  (fixture)
from ui import theme

H = Qt.Orientation.Horizontal
DEFAULT = (1280, 860)  # AnalyticsWindow's size where the screen allows it


def _hidden_numbers(panel) -> list[str]:
    table, model = panel.table, panel.model
    view = table.viewport().rect()
    metrics = table.fontMetrics()
    hidden = []
    for column in range(model.columnCount()):
        for row in range(min(model.rowCount(), 5)):
            index = model.index(row, column)
            rect = table.visualRect(index)
            text = str(index.data())
            whole = view.left() <= rect.left() and rect.right() <= view.right()
            if not whole or metrics.horizontalAdvance(text) > rect.width() - 4:
                hidden.append(f"{panel.spec.key}: {model.headerData(column, H)} = {text}")
    return hidden


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_number_of_every_table_is_in_view_at_the_default_size(
    qtbot,
    demo_services,
    window,  # noqa: F811  (the fixture imported above)
    scheme,
):
    try:
        theme.apply(scheme)
        view = open_analytics(qtbot, window(demo_services))
        view.resize(*DEFAULT)
        hidden = []
        for n in range(view.tabs.count()):
            show_tab(qtbot, view, n)
            QApplication.processEvents()
            section = view.tabs.widget(n)
            for panel in view.panels.values():
                if panel.spec.missing or not section.isAncestorOf(panel):
                    continue
                assert panel.table.isVisible()
                hidden += _hidden_numbers(panel)
        assert hidden == []
        cfd = view.panels["cfd"]  # short headers, the full names as tooltips and for screen readers
        assert cfd.model.headerData(1, H) == "Qualif."
        assert cfd.model.headerData(1, H, Qt.ItemDataRole.ToolTipRole) == "Qualification"
        assert cfd.model.index(0, 1).data(Qt.ItemDataRole.AccessibleTextRole) == "Qualification: 0"
    finally:
        theme.apply("light")
