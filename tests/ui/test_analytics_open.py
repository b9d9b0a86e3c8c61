"""Opening the analytics window: the first tab is painted from its own numbers before the
other sections are computed, and its charts are made once (the full report does not rebuild
them)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from mwms_desktop.analytics.report import compute
from ui.main_window import MainWindow
from ui.preferences import Preferences


def test_the_first_tab_shows_before_the_rest_and_is_not_rebuilt(qtbot, demo_services, tmp_path, monkeypatch):
    from ui.analytics.panel import ChartPanel
    from ui.analytics.view import AnalyticsWindow

    prefs = Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))
    w = MainWindow(demo_services, prefs, restore_state=False)
    qtbot.addWidget(w)
    w.show()
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
    prefs = Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))
    w = MainWindow(demo_services, prefs, restore_state=False)
    qtbot.addWidget(w)
    w.show()
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
