"""pyqtgraph imported through ``ui.analytics.shim``: its Qt mirrors give PySide6's own classes,
made on first use instead of all at import (what made a third of the library's import), on
the pinned version only; anywhere else the plain import. Each case runs in a fresh process:
what matters is what an import makes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
from PySide6 import QtCore, QtGui, QtWidgets
from ui.analytics import shim
{setup}
held = lambda: sum(len(m.__dict__) for m in (QtCore, QtGui, QtWidgets))
before = held()
pg = shim.import_pyqtgraph()
print("made", held() - before)
mirror = pg.Qt.QtWidgets
print("same", mirror.QGraphicsObject is QtWidgets.QGraphicsObject, pg.Qt.QtCore.QPointF is QtCore.QPointF,
      pg.QtGui.QPainterPath is QtGui.QPainterPath)
print("kept", "QLCDNumber" in mirror.__dict__, mirror.QLCDNumber is QtWidgets.QLCDNumber,
      "QLCDNumber" in mirror.__dict__)
print("dir", "__dir__" in QtCore.__dict__ and len(dir(QtWidgets)) > len(QtWidgets.__dict__) - 50,
      len(dir(QtWidgets)) >= before)
print("missing", hasattr(mirror, "NoSuchClass"))
from PySide6.QtWidgets import QApplication
app = QApplication([])
plot = pg.PlotWidget()
plot.plot([1, 3, 2])
plot.resize(200, 120)
image = plot.grab().toImage()
print("drawn", image.width(), len({{image.pixel(x, 60) for x in range(0, 200, 5)}}) > 1)
"""


def _run(setup: str = "") -> dict[str, str]:
    env = os.environ | {"PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", PROBE.format(setup=setup)], capture_output=True,
                         text=True, env=env, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    return dict(line.split(" ", 1) for line in out.stdout.splitlines())


def test_the_pinned_pyqtgraph_is_the_one_the_shim_was_written_for():
    """``pyproject.toml`` pins the version ``shim.SUPPORTED`` names, and the installed one is it
    (else the shim steps aside and the import is slow again: this says so)."""
    from ui.analytics import shim

    pinned = re.search(r'"pyqtgraph==([^"]+)"', (ROOT / "pyproject.toml").read_text())
    assert pinned is not None
    assert pinned.group(1) in shim.SUPPORTED
    assert shim._why_not() == ""


def test_the_mirrors_give_pyside6_s_classes_made_on_first_use():
    got = _run()
    made = int(got["made"])
    assert got["same"] == "True True True"
    assert got["kept"] == "False True True"  # not there until asked for, then kept
    assert got["dir"] == "True True"  # PySide6's dir() is its own again
    assert got["missing"] == "False"
    assert got["drawn"] == "200 True"
    plain = int(_run("shim.SUPPORTED = ()")["made"])
    assert made < plain / 2, (made, plain)  # the plain import makes every class of the three


def test_an_unknown_pyqtgraph_is_imported_as_it_comes():
    got = _run("shim.SUPPORTED = ()")
    assert got["same"] == "True True True"
    assert got["kept"].startswith("True")  # every name copied at import, as pyqtgraph does
    assert got["drawn"] == "200 True"


def test_a_chart_has_no_context_menu_and_builds_none(qtbot, monkeypatch):
    """Right-clicking a chart opens no pyqtgraph menu (the panel's buttons export); the menu,
    a tree of widgets per chart, is not even made (``enableMenu=False``)."""
    from datetime import date

    from mwms_desktop.analytics import charts
    from mwms_desktop.analytics.report import Report, first_tab
    from ui.analytics.chart import Chart, pg

    menus = []
    module = sys.modules[pg.ViewBox.__module__]  # the module that makes the menu
    made = module.ViewBoxMenu
    monkeypatch.setattr(module, "ViewBoxMenu", lambda view: menus.append(view) or made(view))
    empty = first_tab(_empty_read(date(2026, 11, 2)), _scope())
    assert isinstance(empty, Report)
    chart = Chart(charts.specs(empty)[0])
    assert menus == []
    qtbot.addWidget(chart)
    item = chart.plot.getPlotItem()
    assert not item.menuEnabled()
    assert item.vb.menu is None


def _empty_read(today):
    from mwms_desktop.analytics import fast

    return fast.nothing(today)


def _scope():
    from datetime import date

    from mwms_desktop.analytics.source import Scope

    return Scope(date(2026, 10, 1), date(2026, 11, 2))


def test_the_shim_says_why_it_steps_aside(monkeypatch):
    from ui.analytics import shim

    monkeypatch.setattr(shim, "SUPPORTED", ("0.13.7",))
    assert shim._why_not() == "a pyqtgraph other than 0.13.7"
    monkeypatch.setattr(shim, "SUPPORTED", ("0.14.0",))
    monkeypatch.setattr(shim, "MIRRORS", ("QtCore", "internals"))  # a module of pyqtgraph.Qt with code
    assert shim._why_not() == "pyqtgraph.Qt.internals is not the empty package it was"
    monkeypatch.setattr(shim, "MIRRORS", ("QtNothing",))
    assert shim._why_not() == "pyqtgraph.Qt.QtNothing is not the empty package it was"
