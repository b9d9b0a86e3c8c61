"""The Today dock: its order and links (Enter opens the workspace at the right pane), the
owner filter, the once-a-day notification where there is a tray, and its setting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtWidgets import QSystemTrayIcon

import ui.today
from mwms_desktop.analytics.today import load_today
from mwms_desktop.settings import NOTIFIED_ON, NOTIFY
from ui.main_window import MainWindow
from ui.preferences import Preferences


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


@pytest.fixture
def tray(monkeypatch):
    """A desktop with a system tray (the offscreen platform has none); the notifications
    shown are collected."""
    shown: list[str] = []

    class Tray(QObject):
        MessageIcon = QSystemTrayIcon.MessageIcon

        @staticmethod
        def isSystemTrayAvailable() -> bool:
            return True

        def __init__(self, _icon, parent) -> None:
            super().__init__(parent)

        def setToolTip(self, _text: str) -> None: ...

        def show(self) -> None: ...

        def showMessage(self, _title: str, text: str, *_args) -> None:
            shown.append(text)

    monkeypatch.setattr(ui.today, "QSystemTrayIcon", Tray)
    return shown


def test_the_dock_lists_the_day_in_order_with_its_sections(qtbot, demo_services, window):
    w = window(demo_services)
    expected = load_today(demo_services).items
    assert [text for _, text in w.today.tree.lines()] == [f"{i.client}: {i.text}" for i in expected]
    headings = [h for h, _ in w.today.tree.lines()]
    assert headings[0].startswith("Due this week")
    assert headings.index(next(h for h in headings if h.startswith("Drift"))) < headings.index(
        next(h for h in headings if h.startswith("One step"))
    )


def test_enter_on_a_line_opens_the_workspace_at_the_pane_that_resolves_it(qtbot, demo_services, window):
    w = window(demo_services)
    tree = w.today.tree
    line = tree.row_of("Harbour Lane Coffee: 1 misaligned stakeholder")
    eid = line.data(Qt.ItemDataRole.UserRole)[0]
    tree.setFocus()
    tree.setCurrentItem(line)
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    workspace = w._workspaces[eid]
    assert workspace.isVisible()
    assert workspace.tabs.currentWidget() is workspace.pane("Stakeholders")
    qtbot.wait(500)  # opening a workspace may refresh the list: let it settle
    qtbot.waitUntil(lambda: not w.today._running)
    line = tree.row_of("Kestrel Analytics: one step from Continuous Optimization")
    tree.scrollToItem(line)
    qtbot.wait(20)
    rect = tree.visualItemRect(line)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # press, release,
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # then the double
    kestrel = w._workspaces[line.data(Qt.ItemDataRole.UserRole)[0]]
    assert kestrel.tabs.currentWidget() is kestrel.pane("Learnings")


def test_the_dock_follows_the_boards_owner_filter(qtbot, demo_services, window):
    w = window(demo_services)
    owner = w.filters.owner_box.itemData(1)
    w.filters.owner_box.setFocus()
    qtbot.keyClick(w.filters.owner_box, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: w.today.owner == owner and not w.today._running)
    cards = {c.client: c.owner for c in demo_services.portfolio.cards()}
    clients = {text.split(":")[0] for _, text in w.today.tree.lines()}
    assert clients
    assert all(cards[c] == owner for c in clients)
    assert w.today.scope_label.text() == f"{owner}'s engagements"


def test_a_desktop_notification_at_most_once_a_day(qtbot, services, window, tray, clock):
    eid = services.portfolio.add("Late Ltd").id
    services.portfolio.update(
        eid, next_action="Send the proposal", next_action_due=clock.today() - timedelta(1)
    )
    w = window(services)
    qtbot.waitUntil(lambda: len(tray) == 1)
    assert tray == ["1 next action newly overdue: Late Ltd."]
    assert services.portfolio.setting(NOTIFIED_ON.key) == clock.today().toordinal()
    w.today.refresh()
    qtbot.waitUntil(lambda: not w.today._running)
    qtbot.wait(50)
    assert len(tray) == 1  # not again the same day


def test_without_a_tray_nothing_is_shown_or_remembered(qtbot, services, window, monkeypatch, clock):
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: False))
    made = []
    monkeypatch.setattr(QSystemTrayIcon, "showMessage", lambda *a: made.append(a))
    eid = services.portfolio.add("Late Ltd").id
    services.portfolio.update(eid, next_action_due=clock.today() - timedelta(1))
    w = window(services)
    assert w.today.tree.lines()  # the list is there
    assert services.portfolio.setting(NOTIFIED_ON.key) == 0
    assert made == []


def test_the_setting_turns_the_notification_off(qtbot, services, window, tray, clock):
    eid = services.portfolio.add("Late Ltd").id
    w = window(services)
    qtbot.waitUntil(lambda: w.today.notify_box.isChecked())
    qtbot.mouseClick(w.today.notify_box, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: services.portfolio.setting(NOTIFY.key) == 0)
    services.portfolio.update(eid, next_action_due=clock.today() - timedelta(1))
    w.today.refresh()
    qtbot.waitUntil(lambda: not w.today._running and bool(w.today.tree.lines()))
    assert tray == []


def test_a_closed_dock_reads_nothing_and_catches_up_when_shown_again(qtbot, services, window, clock):
    w = window(services)
    toggle = next(a for a in w.view_menu.actions() if a.text() == "Today")
    toggle.trigger()  # View → Today: closed
    assert not w.today.isVisible()
    eid = services.portfolio.add("Late Ltd").id
    services.portfolio.update(eid, next_action="Call", next_action_due=clock.today() - timedelta(1))
    w.today.refresh()
    qtbot.wait(100)
    assert w.today.tree.lines() == []  # not read while closed
    toggle.trigger()  # shown again
    qtbot.waitUntil(lambda: w.today.tree.lines() == [("Overdue (1)", "Late Ltd: Call — overdue by 1 day")])
