"""Small UI behaviours found in review: one double-click opens one dialog; a vanished owner
stops filtering the board; the cards ask the clock for today at every paint."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import SIGNAL, QSettings

from tests.factories import engagement_at
from ui.main_window import MainWindow
from ui.preferences import FILTER_OWNER, Preferences


def test_a_double_click_is_wired_to_one_edit_only(qtbot, services, tmp_path: Path):
    """Qt emits both doubleClicked and activated for one double-click: the table listens to
    activated alone (which Enter emits too), so one double-click opens one dialog."""
    eid = engagement_at(services, "onboarding")
    prefs = Preferences(QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat))
    main = MainWindow(services, prefs, restore_state=False)
    qtbot.addWidget(main)
    main.open_engagement(eid)
    view = main.active_workspace().pane("Stakeholders").table.view
    assert view.receivers(SIGNAL("doubleClicked(QModelIndex)")) == 0
    assert view.receivers(SIGNAL("activated(QModelIndex)")) == 1


def test_a_vanished_owner_stops_filtering_the_board(qtbot, services, tmp_path: Path):
    """Filtering by an owner whose engagements are gone (after an import or restore): the
    box falls back to All owners and the board shows every card again."""
    a = services.portfolio.add("Alpha", owner="Ana").id
    services.portfolio.add("Beta", owner="Ben")
    prefs = Preferences(QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat))
    w = MainWindow(services, prefs, restore_state=False)
    qtbot.addWidget(w)
    w.filters._select(w.filters.owner_box, "Ana")
    assert w.store.visible_count() == 1
    services.portfolio.update(a, owner="")
    w._data_replaced()
    assert w.filters.owner_box.currentData() == ""
    assert w.store.visible_count() == 2


def test_cards_ask_for_today_at_each_paint(qtbot, services, clock, tmp_path: Path):
    """A window left open past midnight marks a next action overdue without a restart."""
    prefs = Preferences(QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat))
    w = MainWindow(services, prefs, restore_state=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    delegate = w.board.columns["qualification"].view.itemDelegate()
    services.portfolio.add("Alpha")
    w.store.reload()
    w.repaint()
    assert delegate.today == clock.today()
    clock.at += timedelta(days=1)
    w.board.columns["qualification"].view.viewport().update()
    qtbot.waitUntil(lambda: delegate.today == date(2026, 11, 3), timeout=2000)


def test_a_saved_owner_applies_once_and_never_comes_back(qtbot, services, tmp_path: Path):
    """The owner remembered from last time is chosen at start-up; once the user picks All
    owners, later owner-list updates (an add, an import) do not bring it back."""
    services.portfolio.add("Alpha", owner="Ann")
    services.portfolio.add("Beta", owner="Ben")
    prefs = Preferences(QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat))
    prefs.set(FILTER_OWNER, "Ann")
    w = MainWindow(services, prefs, restore_state=False)
    qtbot.addWidget(w)
    assert w.filters.owner_box.currentData() == "Ann"
    w.filters.owner_box.setCurrentIndex(0)
    w.filters.set_owners(w.store.owners())
    assert w.filters.owner_box.currentData() == ""
    assert w.store.visible_count() == 2
