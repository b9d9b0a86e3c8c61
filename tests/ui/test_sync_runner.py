"""The window's background sync as a scheduler: never on the UI thread, never two at once,
cancelled cleanly when the window closes, every SYNC_MINUTES, and nothing at all for a
database that never joined a team. The sync itself is a stand-in here (these tests are about
when and where it runs); tests/team/ui runs the real one against a real team server."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from mwms_desktop import settings
from mwms_desktop.services import Services
from tests.ui.windows import main_window
from ui.main_window import MainWindow
from ui.team import sync_work


class StandInSync:
    """``mwms_desktop.sync``'s run/status, holding each run until ``release``."""

    def __init__(self, joined: bool = True) -> None:
        self.joined = joined
        self.lock = threading.Lock()
        self.runs = self.active = self.most_at_once = 0
        self.threads: set[int] = set()
        self.release = threading.Event()
        self.release.set()
        self.started = threading.Event()
        self.saw_cancel = False
        self.last: datetime | None = None
        self.reset: tuple[str, ...] = ()  # engagements a run made the server's again

    def status(self) -> SimpleNamespace:
        return SimpleNamespace(joined=self.joined, last_sync_at=self.last, waiting=0, conflicts=0)

    def head_office_thresholds(self) -> dict[str, int]:
        return {}

    def run(self, *, progress=None, cancelled=None, ask=None) -> SimpleNamespace:
        with self.lock:
            self.runs += 1
            self.active += 1
            self.most_at_once = max(self.most_at_once, self.active)
            self.threads.add(threading.get_ident())
        self.started.set()
        try:
            while not self.release.wait(0.01):
                if cancelled():
                    self.saw_cancel = True
                    break
            self.last = datetime.now(UTC)
            return SimpleNamespace(
                pulled=0, pushed=0, conflicts=0, refused=(), waiting=0, finished_at=self.last,
                reset=self.reset,
            )  # fmt: skip
        finally:
            with self.lock:
                self.active -= 1


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch) -> StandInSync:
    sync = StandInSync()
    monkeypatch.setattr(sync_work, "engine", lambda: sync)
    return sync


def open_window(qtbot, services: Services, tmp_path: Path) -> MainWindow:
    return main_window(qtbot, services, tmp_path)


def test_a_database_never_in_a_team_shows_no_indicator_and_never_syncs(
    qtbot, services: Services, tmp_path: Path, stand_in: StandInSync
) -> None:
    stand_in.joined = False
    w = open_window(qtbot, services, tmp_path)
    qtbot.waitUntil(lambda: w.team.runner.looks == 1, timeout=5000)  # it looked, once, after a second
    qtbot.keyClick(w, Qt.Key.Key_F5)
    qtbot.wait(200)
    assert stand_in.runs == 0
    assert not w.team.indicator.isVisible()
    assert not w.team.sync_action.isEnabled()
    assert w.team.join_action.isEnabled()


def test_syncs_on_opening_then_on_f5_on_a_worker_never_two_at_once(
    qtbot, services: Services, tmp_path: Path, stand_in: StandInSync
) -> None:
    w = open_window(qtbot, services, tmp_path)
    qtbot.waitUntil(lambda: stand_in.runs == 1 and not w.team.runner.running, timeout=10_000)
    indicator = w.team.indicator
    assert indicator.isVisible()
    assert indicator.state.text() == "Synced just now"
    assert threading.main_thread().ident not in stand_in.threads

    stand_in.release.clear()  # the next sync takes its time
    qtbot.keyClick(w, Qt.Key.Key_F5)
    assert stand_in.started.wait(5)
    qtbot.waitUntil(lambda: indicator.state.text() == "Syncing…", timeout=5000)
    for _ in range(3):  # pressed again while it runs: nothing more starts
        qtbot.keyClick(w, Qt.Key.Key_F5)
        qtbot.mouseClick(indicator.state, Qt.MouseButton.LeftButton)
    w.team.runner.timer.timeout.emit()  # the timer's turn comes meanwhile: skipped too
    stand_in.release.set()
    qtbot.waitUntil(lambda: not w.team.runner.running, timeout=5000)
    assert (stand_in.runs, stand_in.most_at_once) == (2, 1)
    assert indicator.state.text() == "Synced just now"


def test_closing_the_window_cancels_a_running_sync_and_waits_for_it(
    qtbot, services: Services, tmp_path: Path, stand_in: StandInSync
) -> None:
    w = open_window(qtbot, services, tmp_path)
    qtbot.waitUntil(lambda: stand_in.runs == 1 and not w.team.runner.running, timeout=10_000)
    stand_in.release.clear()
    stand_in.started.clear()
    qtbot.keyClick(w, Qt.Key.Key_F5)
    assert stand_in.started.wait(5)
    assert w.close()
    # close() returned only after the sync stopped at its cancellation check
    assert stand_in.saw_cancel
    assert stand_in.active == 0
    QApplication.processEvents()  # its late answer lands on a closed runner: nothing happens
    assert stand_in.runs == 2


def test_the_interval_is_the_sync_minutes_setting(
    qtbot, services: Services, tmp_path: Path, stand_in: StandInSync
) -> None:
    services.portfolio.set_setting(settings.SYNC_MINUTES.key, 2)
    w = open_window(qtbot, services, tmp_path)
    qtbot.waitUntil(lambda: stand_in.runs == 1 and not w.team.runner.running, timeout=10_000)
    assert w.team.runner.timer.isActive()
    assert w.team.runner.timer.interval() == 2 * 60_000


def test_clicking_the_conflicts_opens_the_engagement_on_its_conflicts_pane(
    qtbot, tmp_path: Path, stand_in: StandInSync
) -> None:
    from mwms_desktop.clock import FixedClock
    from mwms_desktop.services import open_services
    from tests.ui.test_conflicts_pane import HOUR, T0, _conflicted

    path, eid = _conflicted(tmp_path)
    services = open_services(path, clock=FixedClock(T0 + 5 * HOUR))
    try:
        stand_in.status = lambda: SimpleNamespace(  # the local count, as the real status gives it
            joined=True, last_sync_at=None, waiting=0, conflicts=services.conflicts.count()
        )
        w = open_window(qtbot, services, tmp_path)
        button = w.team.indicator.conflicts
        qtbot.waitUntil(button.isVisible, timeout=10_000)
        assert button.text() == "⚠ 1 conflict"
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: w.active_workspace() is not None, timeout=5000)
        workspace = w.active_workspace()
        assert workspace.eid == eid
        assert workspace.tabs.currentWidget() is workspace.panes["Conflicts"]
        workspace.close()
        w.close()
    finally:
        services.close()


@pytest.mark.qt_log_ignore("does not support grabbing the keyboard")  # a popup, offscreen
def test_conflicts_in_several_engagements_offer_a_menu_of_them(
    qtbot, tmp_path: Path, stand_in: StandInSync
) -> None:
    from PySide6.QtWidgets import QMenu

    from mwms_desktop.clock import FixedClock
    from mwms_desktop.services import open_services
    from tests.core.merge_laptops import Laptop
    from tests.ui.test_conflicts_pane import HOUR, T0

    a, b = Laptop(tmp_path, "a", T0), Laptop(tmp_path, "b", T0)
    with a.open() as s:
        ids = {s.portfolio.add(name).id: name for name in ("Beta Co", "Alpha Co")}
    b.at(T0 + HOUR).receive(a.export())
    for laptop, when in ((a, T0 + 2 * HOUR), (b, T0 + 3 * HOUR)):
        laptop.at(when)
        with laptop.open() as s:
            for card in s.portfolio.cards():
                s.portfolio.update(card.id, notes=f"notes of {laptop.name}")
    a.at(T0 + 4 * HOUR).receive(b.export())
    services = open_services(a.path, clock=FixedClock(T0 + 5 * HOUR))
    try:
        stand_in.status = lambda: SimpleNamespace(
            joined=True, last_sync_at=None, waiting=0, conflicts=services.conflicts.count()
        )
        w = open_window(qtbot, services, tmp_path)
        button = w.team.indicator.conflicts
        qtbot.waitUntil(button.isVisible, timeout=10_000)
        assert button.text() == "⚠ 2 conflicts"
        chosen: list[str] = []

        def pick() -> None:
            menu = QApplication.activePopupWidget()
            if not isinstance(menu, QMenu):
                QTimer.singleShot(20, pick)
                return
            chosen.extend(a.text() for a in menu.actions())
            qtbot.keyClick(menu, Qt.Key.Key_Down)
            qtbot.keyClick(menu, Qt.Key.Key_Return)

        QTimer.singleShot(0, pick)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: w.active_workspace() is not None, timeout=5000)
        assert chosen == ["Alpha Co (1)", "Beta Co (1)"]
        workspace = w.active_workspace()
        assert ids[workspace.eid] in ("Alpha Co", "Beta Co")
        assert workspace.tabs.currentWidget() is workspace.panes["Conflicts"]
        workspace.close()
        w.close()
    finally:
        services.close()


def test_a_sync_that_made_an_engagement_the_servers_again_clears_the_undo_stack(
    qtbot, services: Services, tmp_path: Path, stand_in: StandInSync
) -> None:
    """Head office's refused changes were kept in a file and the engagement re-made: its
    records have new ids, so undo starts afresh, as after an import; any other sync keeps it."""
    eid = services.portfolio.add("Acme Retail", "ecommerce_growth").id
    w = open_window(qtbot, services, tmp_path)
    qtbot.waitUntil(lambda: stand_in.runs == 1 and not w.team.runner.running, timeout=10_000)
    assert w.controller.archive(eid)
    assert w.undo_stack.count() == 1
    qtbot.keyClick(w, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: stand_in.runs == 2 and not w.team.runner.running, timeout=5000)
    assert w.undo_stack.count() == 1  # nothing was re-made: undo stays
    stand_in.reset = ("b0fd58bf-1256-4f2a-a18e-1e6699973fbe",)
    qtbot.keyClick(w, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: stand_in.runs == 3 and not w.team.runner.running, timeout=5000)
    assert w.undo_stack.count() == 0
