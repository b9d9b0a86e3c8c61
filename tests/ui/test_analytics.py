"""The analytics window: opened from the View menu, a table beside every chart (model-tested),
values under the pointer, shared filters, light and dark, PNG and CSV export, what an empty
portfolio says; and start-up never importing pyqtgraph or numpy."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPointF, QSettings, Qt
from PySide6.QtGui import QMouseEvent, QPalette
from PySide6.QtWidgets import QApplication, QFileDialog

from mwms_desktop.analytics import charts
from mwms_desktop.analytics.report import compute
from mwms_desktop.analytics.source import Scope
from ui import theme
from ui.main_window import MainWindow
from ui.preferences import Preferences

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(qtbot, tmp_path):
    def make(services) -> MainWindow:
        prefs = Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))
        w = MainWindow(services, prefs, restore_state=False)
        qtbot.addWidget(w)
        w.resize(1400, 900)
        w.show()
        qtbot.waitUntil(lambda: w.today.today is not None)
        return w

    return make


def open_analytics(qtbot, w: MainWindow):
    """View → Portfolio analytics…, as a person picks it; waits for the numbers."""
    action = next(a for a in w.view_menu.actions() if a.text() == "Portfolio analytics…")
    action.trigger()
    from ui.analytics.view import AnalyticsWindow

    view = next(x for x in w.findChildren(AnalyticsWindow))
    qtbot.waitUntil(lambda: view.report is not None, timeout=10_000)
    return view


def show_tab(qtbot, view, index: int) -> None:
    """Click the tab, as a person does; its charts are made when it is first shown."""
    bar = view.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert view.tabs.currentIndex() == index


def test_every_chart_has_its_table_and_the_models_pass_the_model_tester(qtbot, qtmodeltester, demo_services,
                                                                        window):  # fmt: skip
    view = open_analytics(qtbot, window(demo_services))
    assert set(view.panels) == {"cfd", "throughput"}  # the first tab's; the rest when shown
    for n in range(1, view.tabs.count()):
        show_tab(qtbot, view, n)
    specs = charts.specs(view.report)
    assert [s.key for s in specs] == list(view.panels)
    for spec in specs:
        panel = view.panels[spec.key]
        qtmodeltester.check(panel.model)
        assert panel.model.rowCount() == len(spec.categories)
        assert panel.model.columnCount() == len(spec.headers)
        assert not panel.table.isHidden()
    reuse = view.panels["reuse"]  # learnings reused across engagements: computed, with its definition
    assert reuse.caption.text().startswith(view.report.execution.reuse.sentence)
    assert "other engagement built a hypothesis or an insight on it" in reuse.caption.text()
    cfd = view.panels["cfd"].model
    last = cfd.rowCount() - 1
    stage_total = sum(int(cfd.index(last, c).data()) for c in range(1, 7))
    assert stage_total == 12  # the demo's twelve engagements on the board at the end of today
    assert cfd.index(last, 7).data() == "1"  # and the disqualified one, off the board, shown


def test_hovering_a_bar_reads_out_its_values(qtbot, demo_services, window):
    view = open_analytics(qtbot, window(demo_services))
    show_tab(qtbot, view, 1)  # Time in stage
    panel = view.panels["stage_time"]
    qtbot.waitUntil(lambda: panel.chart.plot.isVisible())
    plot = panel.chart.plot
    at = QPointF(plot.mapFromScene(panel.chart.scene_point(1)))  # Onboarding
    # The pointer moving over the bar (QTest's mouseMove sends no move event offscreen).
    move = QMouseEvent(QEvent.Type.MouseMove, at, plot.viewport().mapToGlobal(at), Qt.MouseButton.NoButton,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    QApplication.sendEvent(plot.viewport(), move)
    qtbot.waitUntil(lambda: panel.chart.readout.text().startswith("Onboarding: Median (days)"))
    assert "Samples 8" in panel.chart.readout.text()


def test_the_owner_filter_is_shared_with_the_board(qtbot, demo_services, window):
    w = window(demo_services)
    view = open_analytics(qtbot, w)
    owner = w.filters.owner_box.itemData(1)
    box = view.owner_box
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Down)  # the first owner after "All owners"
    qtbot.waitUntil(lambda: view.report.scope.owner == owner, timeout=10_000)
    assert w.filters.current().owner == owner  # the board follows
    expected = compute(demo_services, Scope(view.report.scope.since, view.report.scope.until, owner=owner))
    assert view.report.engagements == expected.engagements < 13
    w.filters.clear()  # and the other way round
    qtbot.waitUntil(lambda: view.report.scope.owner == "", timeout=10_000)
    assert view.owner_box.currentIndex() == 0


def test_charts_follow_light_and_dark(qtbot, demo_services, window):
    view = open_analytics(qtbot, window(demo_services))
    chart = view.panels["cfd"].chart
    try:
        theme.apply("dark")
        QApplication.processEvents()
        qtbot.waitUntil(lambda: chart.plot.backgroundBrush().color().lightness() < 100)
        assert chart.plot.backgroundBrush().color() == chart.palette().color(QPalette.ColorRole.Base)
        theme.apply("light")
        qtbot.waitUntil(lambda: chart.plot.backgroundBrush().color().lightness() > 200)
    finally:
        theme.apply("light")


def test_png_and_csv_export_write_the_chart_and_its_numbers(
    qtbot, demo_services, window, tmp_path, monkeypatch
):
    view = open_analytics(qtbot, window(demo_services))
    show_tab(qtbot, view, 3)
    panel = view.panels["cycles"]
    target = {"png": tmp_path / "cycles.png", "csv": tmp_path / "cycles.csv"}

    def choose(_parent, _title, name, _filter):  # the file dialog: the user picks a path
        return str(target[name.rsplit(".")[-1]]), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    qtbot.mouseClick(panel.png_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.csv_button, Qt.MouseButton.LeftButton)
    assert target["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with target["csv"].open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["Month", "Win", "Loss", "Inconclusive", "Abandoned"]
    assert [tuple(r) for r in rows[1:]] == list(panel.spec.rows)
    assert sum(int(r[1]) for r in rows[1:]) == view.report.execution.win_rate.part


def test_an_empty_portfolio_says_what_is_missing_instead_of_drawing(qtbot, services, window):
    view = open_analytics(qtbot, window(services))
    for n in range(1, view.tabs.count()):
        show_tab(qtbot, view, n)
    for key in ("cfd", "stage_time", "outcomes", "cycles", "bands", "drift"):
        panel = view.panels[key]
        assert panel.chart._stack.currentWidget() is panel.chart.empty
        assert panel.chart.empty.text() == "No engagement matches these filters."
        assert not panel.png_button.isEnabled()
    assert "no engagement has reached an outcome" in view.report.outcomes.retention.sentence


def test_a_tiny_portfolio_draws_what_it_has_and_says_the_rest(qtbot, services, window):
    services.portfolio.add("Only One")
    view = open_analytics(qtbot, window(services))
    show_tab(qtbot, view, 1)
    assert view.panels["cfd"].chart._stack.currentWidget() is view.panels["cfd"].chart.plot
    assert view.panels["stage_time"].chart.empty.text().startswith("No stay in a stage ended")
    assert view.report.scope.until == date(2026, 11, 2)  # the fixture's clock: its today


def test_starting_the_main_window_imports_neither_pyqtgraph_nor_numpy(tmp_path):
    script = (
        "import sys\n"
        "from PySide6.QtCore import QSettings\n"
        "from mwms_desktop.services import open_services\n"
        "from ui.app import create_application\n"
        "from ui.main_window import MainWindow\n"
        "from ui.preferences import Preferences\n"
        "app = create_application()\n"
        f"s = open_services({str(tmp_path / 'db.sqlite')!r})\n"
        f"w = MainWindow(s, Preferences(QSettings({str(tmp_path / 'p.ini')!r}, QSettings.Format.IniFormat)),"
        " restore_state=False)\n"
        "w.show(); app.processEvents()\n"
        "print(sorted(m for m in ('pyqtgraph', 'numpy') if m in sys.modules))\n"
        "w.show_analytics(); app.processEvents()\n"
        "import time\n"  # the chart library is imported on a worker while the window reads
        "from ui.analytics.view import AnalyticsWindow\n"
        "v, t = w.findChild(AnalyticsWindow), time.monotonic()\n"
        "while not v._charts_ready and time.monotonic() - t < 60: app.processEvents(); time.sleep(0.01)\n"
        "print(sorted(m for m in ('pyqtgraph', 'numpy') if m in sys.modules))\n"
    )
    env = os.environ | {"PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
                        "MWMS_DESKTOP_DATA_DIR": str(tmp_path)}  # fmt: skip
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["[]", "['numpy', 'pyqtgraph']"]


def test_screenshot_renders_the_analytics_and_the_today_view(demo_services, db_path, tmp_path, capsys):
    from PySide6.QtGui import QImage

    from mwms_desktop.cli import main
    from mwms_desktop.commands.window import DEFAULT_SIZE

    demo_services.close()
    shots = {"health": tmp_path / "health.png", "today": tmp_path / "today.png"}
    assert main(["--db", str(db_path), "screenshot", str(shots["health"]), "--analytics", "health",
                 "--size", "1000x700", "--theme", "dark"]) == 0  # fmt: skip
    assert main(["--db", str(db_path), "screenshot", str(shots["today"]), "--today"]) == 0
    health = QImage(str(shots["health"]))
    assert (health.width(), health.height()) == (1000, 700)
    assert health.pixelColor(500, 690).lightness() < 100  # dark
    today = QImage(str(shots["today"]))
    assert (today.width(), today.height()) == DEFAULT_SIZE  # the window, on its Today tab
    with pytest.raises(SystemExit) as refused:  # a usage error: argparse exits with 2
        main(["--db", str(db_path), "screenshot", str(tmp_path / "x.png"), "--analytics", "nope"])
    assert refused.value.code == 2


def test_the_window_never_builds_the_boards_cards_on_its_own_thread(qtbot, demo_services, monkeypatch):
    """Given the board's store before the board has built every card (its counts not yet
    tallied), the analytics take the drift counts from the narrow read on the worker: no card
    is built on the window's thread. Once the board has them all, they are used as they are;
    the numbers are the same either way."""
    import threading

    from ui.analytics.view import AnalyticsWindow
    from ui.board_store import BoardStore

    store = BoardStore(demo_services)
    store.reload()
    assert not store.tallied
    built: list[str] = []
    card = BoardStore.card

    def spied(self, eid):
        built.append(threading.current_thread().name)
        return card(self, eid)

    monkeypatch.setattr(BoardStore, "card", spied)

    def opened() -> AnalyticsWindow:
        view = AnalyticsWindow(demo_services, store=store)
        qtbot.addWidget(view)
        view.show()
        qtbot.waitUntil(lambda: view.report is not None, timeout=10_000)
        return view

    narrow = opened().report.health
    assert built == []
    store.tally()
    built.clear()
    whole = opened().report.health
    assert built  # the board's own cards, now that they are all built
    assert narrow == whole
