"""Opening the analytics window: the first tab is painted from its own numbers before the
other sections are computed, and its charts are made once (the full report does not rebuild
them)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from mwms_desktop.analytics.report import compute
from tests.ui.windows import main_window


def test_the_first_tab_shows_before_the_rest_and_is_not_rebuilt(qtbot, demo_services, tmp_path, monkeypatch):
    from ui.analytics.panel import ChartPanel
    from ui.analytics.view import AnalyticsWindow

    w = main_window(qtbot, demo_services, tmp_path, size=None, active=False)
    rebuilt: list[str] = []
    original = ChartPanel.set_spec
    monkeypatch.setattr(
        ChartPanel, "set_spec", lambda self, spec: (rebuilt.append(spec.key), original(self, spec))
    )
    action = next(a for a in w.view_menu.actions() if a.text() == "Portfolio analytics…")
    action.trigger()  # View → Portfolio analytics…; its numbers arrive through the event loop
    view = w.findChild(AnalyticsWindow)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        pass
    first = dict(view.panels)
    assert set(first) == {"cfd", "throughput"}
    assert view.report is None  # shown from the first tab's numbers; the rest still coming
    qtbot.waitUntil(lambda: view.report is not None, timeout=10_000)
    assert view.panels == first  # the same panels, not made again
    assert rebuilt == []  # nor given new numbers: the full report's flow is the same
    full = compute(demo_services, view.report.scope, demo_services.portfolio.cards())
    assert view.report == full
    assert first["cfd"].spec == next(s for s in _specs(full) if s.key == "cfd")


def _specs(report):
    from mwms_desktop.analytics import charts

    return charts.specs(report)


def test_the_first_tabs_tables_show_while_the_chart_library_is_imported(qtbot, demo_services, tmp_path,
                                                                        monkeypatch):  # fmt: skip
    """pyqtgraph and numpy are imported on a worker while the portfolio is read: the first
    tab's tables and captions are laid out with their numbers before the charts can be made,
    the charts come when the import is done, and only then are the other tabs computed."""
    import threading

    from ui.analytics import library
    from ui.analytics.view import AnalyticsWindow

    release = threading.Event()
    real = library._import
    monkeypatch.setattr(library, "ready", lambda: False)  # as in a fresh process
    monkeypatch.setattr(library, "_import", lambda progress: (release.wait(20), real(progress)))
    w = main_window(qtbot, demo_services, tmp_path, size=None, active=False)
    next(a for a in w.view_menu.actions() if a.text() == "Portfolio analytics…").trigger()
    view = w.findChild(AnalyticsWindow)
    announced: list[bool] = []
    view.loaded.connect(lambda: announced.append(True))
    qtbot.waitUntil(lambda: "throughput" in view.panels, timeout=10_000)
    cfd = view.panels["cfd"]
    qtbot.waitUntil(cfd.table.isVisible)  # laid out and shown, with its numbers
    assert cfd.chart is None
    assert cfd.model.rowCount() == len(cfd.spec.categories) > 0
    assert not cfd.png_button.isEnabled()  # a picture of a chart not yet made: not offered
    assert announced == []
    assert view.report is None
    release.set()
    qtbot.waitUntil(lambda: bool(announced), timeout=20_000)
    assert all(p.chart is not None for p in view.panels.values())
    assert cfd.png_button.isEnabled()
    qtbot.waitUntil(lambda: view.report is not None, timeout=10_000)  # the other tabs, after


def test_without_the_chart_library_the_tables_are_computed_and_the_filters_keep_working(
    qtbot, demo_services, tmp_path, monkeypatch
):
    """pyqtgraph or numpy missing (a broken install): the import fails on its worker; the
    window says the charts cannot be drawn, computes every tab's numbers into its tables,
    and a filter change still recomputes them (the window is not stuck waiting for charts)."""
    from ui.analytics import library
    from ui.analytics.view import AnalyticsWindow

    def broken(_progress):
        raise ImportError("No module named 'pyqtgraph'")

    monkeypatch.setattr(library, "ready", lambda: False)  # as in a fresh process
    monkeypatch.setattr(library, "_import", broken)
    w = main_window(qtbot, demo_services, tmp_path, size=None, active=False)
    next(a for a in w.view_menu.actions() if a.text() == "Portfolio analytics…").trigger()
    view = w.findChild(AnalyticsWindow)
    qtbot.waitUntil(lambda: view.report is not None, timeout=10_000)  # every tab's numbers
    assert "The charts cannot be drawn" in view.status.text()
    assert "pyqtgraph" in view.status.text()
    bar = view.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(3).center())  # Execution
    cycles = view.panels["cycles"]
    qtbot.waitUntil(cycles.table.isVisible)
    assert cycles.chart is None
    assert not cycles.png_button.isEnabled()
    assert cycles.model.rowCount() == len(cycles.spec.categories) > 0
    owner = w.filters.owner_box.itemData(1)
    view.owner_box.setFocus()
    qtbot.keyClick(view.owner_box, Qt.Key.Key_Down)  # the first owner after "All owners"
    qtbot.waitUntil(lambda: view.report.scope.owner == owner, timeout=10_000)
    assert not view._running
    assert "The charts cannot be drawn" in view.status.text()


def test_pyqtgraph_is_imported_on_the_gui_thread_and_numpy_off_it(qtbot, monkeypatch):
    """pyqtgraph's import makes PySide6 classes, which PySide6 does not make safely on two
    threads at once (a worker's import crashed about once in a hundred tries while the GUI
    thread made classes): only numpy, which has no Qt, is imported on the worker. The library
    is ready once the chart module's import has ended."""
    import threading

    from PySide6.QtWidgets import QWidget

    from ui.analytics import library, shim

    on_gui: dict[str, bool] = {}

    def noted(name, real):
        def run(*args):
            on_gui[name] = threading.current_thread() is threading.main_thread()
            return real(*args)

        return run

    monkeypatch.setattr(library, "_imported", False)
    monkeypatch.setattr(library, "_import", noted("numpy", library._import))
    monkeypatch.setattr(shim, "import_pyqtgraph", noted("pyqtgraph", shim.import_pyqtgraph))
    parent = QWidget()
    qtbot.addWidget(parent)
    done: list[str] = []
    library.load(parent, lambda: done.append("ready"), done.append)
    assert not library.ready()
    qtbot.waitUntil(lambda: bool(done), timeout=20_000)
    assert done == ["ready"]
    assert library.ready()
    assert on_gui == {"numpy": False, "pyqtgraph": True}


def test_a_window_closed_as_its_first_tab_is_shown_computes_nothing_more(qtbot, demo_services, tmp_path,
                                                                         monkeypatch):  # fmt: skip
    """The other tabs' numbers are asked for after the first tab's paint: a window closed
    (and deleted) by then never asks."""
    from ui.analytics.view import AnalyticsWindow

    asked: list[bool] = []
    monkeypatch.setattr(AnalyticsWindow, "_compute_rest", lambda self, scope, read: asked.append(True))
    w = main_window(qtbot, demo_services, tmp_path, size=None, active=False)
    next(a for a in w.view_menu.actions() if a.text() == "Portfolio analytics…").trigger()
    view = w.findChild(AnalyticsWindow)
    gone: list[bool] = []
    view.destroyed.connect(lambda: gone.append(True))
    view.loaded.connect(view.close)  # closed the moment its first tab is in (deleted on close)
    qtbot.waitUntil(lambda: bool(gone), timeout=10_000)
    qtbot.wait(50)
    assert asked == []
