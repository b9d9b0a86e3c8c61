"""The window in team mode against the real team server, driven as a person does: joining from
the Team menu (the weak-TLS warning once), the status-bar indicator in each state (synced,
changes waiting, conflicts, offline: one quiet line, no dialog), and F5 bringing a colleague's
engagement onto the board through the board's ordinary following of outside changes.

The colleague's laptop is another process (as it is in life: the models bind one file per
process), with its own database and an in-memory keyring."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from mwms_desktop import framework
from mwms_desktop.services import Services
from mwms_desktop.team import address, membership
from tests.team.helpers import add, free_port_nobody_uses
from tests.team.pg_server import TestServer
from tests.ui.windows import main_window
from ui.main_window import MainWindow
from ui.team.join_dialog import JoinDialog

ROOT = Path(__file__).resolve().parents[3]
LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier

COLLEAGUE = r"""
import sys
from pathlib import Path
import keyring
from tests.team.conftest import MemoryKeyring
keyring.set_keyring(MemoryKeyring())  # never the machine's keyring
from mwms_desktop import sync
from mwms_desktop.services import open_services
from mwms_desktop.team import address, membership
db, url, action, arg = sys.argv[1:5]
services = open_services(Path(db))
found, secret = address.parse(url)
membership.remember(found, secret)
ask = lambda _prompt: secret
if action == "add-and-share":
    client, colleague = arg.split("|")
    eid = services.portfolio.add(client, "ecommerce_growth").id
    sync.run(ask=ask)
    membership.share(eid, colleague, ask=ask)
elif action == "set-notes":
    sync.run(ask=ask)
    (card,) = [c for c in services.portfolio.cards(None)]
    services.portfolio.update(card.id, notes=arg)
    sync.run(ask=ask)
services.close()
"""


def colleague(db: Path, url: str, action: str, arg: str) -> None:
    """Another laptop, in another process, doing ``action`` and syncing."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env["MWMS_DESKTOP_DATA_DIR"] = str(db.parent / "colleague-data")
    done = subprocess.run(
        [sys.executable, "-c", COLLEAGUE, str(db), url, action, arg],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def activate(qtbot, w: MainWindow) -> None:
    """After a dialog: the window manager's part (offscreen gives the focus back to no one)."""
    with qtbot.waitActive(w):
        w.activateWindow()


def open_window(qtbot, services: Services, tmp_path: Path) -> MainWindow:
    return main_window(qtbot, services, tmp_path)


def joined_by_hand(server: TestServer, database: str, name: str, password: str) -> None:
    """Set-up: this database joined (the core's own calls, as ``team join`` makes them)."""
    membership.remember(*membership.verify(server.url(database, user=name, password=password), ask=None))


def wait_synced(qtbot, w: MainWindow, syncs: int) -> None:
    qtbot.waitUntil(lambda: w.team.runner.syncs >= syncs and not w.team.runner.running, timeout=30_000)


def clients_on_board(w: MainWindow) -> set[str]:
    return {card.client for stage in framework.STAGE_SLUGS for card in w.store.cards(stage)}


def test_join_from_the_window_then_f5_brings_in_a_colleagues_engagement(
    qtbot, pg_server: TestServer, team_db: str, services: Services, memory_keyring, tmp_path: Path
) -> None:
    me, my_password = add(pg_server, team_db, "win_me")
    other, other_password = add(pg_server, team_db, "win_other")
    services.portfolio.add("Own Client", "consulting")
    w = open_window(qtbot, services, tmp_path)
    qtbot.waitUntil(lambda: w.team.runner.looks == 1, timeout=5000)
    assert not w.team.indicator.isVisible()  # not in a team: nothing shows

    seen: dict[str, str] = {}

    def fill_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, JoinDialog):
            QTimer.singleShot(20, fill_dialog)
            return
        qtbot.keyClicks(dialog.address, pg_server.url(team_db, user=me))
        qtbot.keyClicks(dialog.secret, my_password)
        QTimer.singleShot(0, read_warning)
        qtbot.mouseClick(dialog.join_button, LEFT)

    def read_warning() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, read_warning)
            return
        seen["warning"] = box.text()
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Ok), LEFT)

    QTimer.singleShot(0, fill_dialog)
    w.team.join_action.trigger()  # Team → Join a team…
    assert f"Joined the team on 127.0.0.1:{pg_server.port}/{team_db} as {me}." in seen["warning"]
    assert "Warning: the connection to 127.0.0.1 is not verified (sslmode=prefer)" in seen["warning"]
    assert list(memory_keyring.passwords.values()) == [my_password]

    indicator = w.team.indicator
    wait_synced(qtbot, w, 1)  # joining syncs at once: the own engagement goes to the server
    assert indicator.isVisible()
    assert indicator.state.text() == "Synced just now", indicator.state.toolTip()
    assert w.team.leave_action.isEnabled()

    colleague(tmp_path / "other.sqlite", pg_server.url(team_db, user=other, password=other_password),
              "add-and-share", f"Colleague Client|{me}")  # fmt: skip
    assert "Colleague Client" not in clients_on_board(w)
    activate(qtbot, w)
    qtbot.keyClick(w, Qt.Key.Key_F5)  # Sync now
    wait_synced(qtbot, w, 2)
    # The sync wrote through its own connection; the board follows it as any outside change.
    qtbot.waitUntil(lambda: "Colleague Client" in clients_on_board(w), timeout=10_000)
    assert clients_on_board(w) == {"Own Client", "Colleague Client"}
    assert indicator.state.text() == "Synced just now"


def test_local_changes_show_as_waiting_until_the_next_sync(
    qtbot, pg_server: TestServer, team_db: str, services: Services, memory_keyring, tmp_path: Path
) -> None:
    me, password = add(pg_server, team_db, "win_waiting")
    joined_by_hand(pg_server, team_db, me, password)
    w = open_window(qtbot, services, tmp_path)
    wait_synced(qtbot, w, 1)
    indicator = w.team.indicator
    assert indicator.state.text() == "Synced just now"

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        qtbot.keyClicks(dialog.client, "Nordwind Kaffee")
        qtbot.keyClick(dialog.client, Qt.Key.Key_Return)

    QTimer.singleShot(0, fill)
    qtbot.keyClick(w, Qt.Key.Key_N, CTRL)  # add an engagement, as a person does
    qtbot.waitUntil(lambda: indicator.state.text() == "Synced just now · 1 waiting", timeout=5000)
    assert "1 change waiting to be sent." in indicator.state.toolTip()
    qtbot.mouseClick(indicator.state, LEFT)  # clicking the indicator syncs now
    wait_synced(qtbot, w, 2)
    assert indicator.state.text() == "Synced just now"


def test_an_unreachable_server_is_one_quiet_offline_indicator(
    qtbot, pg_server: TestServer, team_db: str, services: Services, memory_keyring, tmp_path: Path
) -> None:
    me, password = add(pg_server, team_db, "win_offline")
    port = free_port_nobody_uses()  # the team moved, or the laptop is off the network
    found, _ = address.parse(f"postgresql://{me}@127.0.0.1:{port}/{team_db}")
    membership.remember(found, password)
    services.portfolio.add("Kept Client", "consulting")
    w = open_window(qtbot, services, tmp_path)
    wait_synced(qtbot, w, 1)
    indicator = w.team.indicator
    line = f"No team server answers at 127.0.0.1:{port}: is it running, and is the address right?"
    assert indicator.state.text().startswith("Offline"), indicator.state.text()
    assert indicator.state.toolTip().splitlines()[0] == line
    assert QApplication.activeModalWidget() is None  # no dialog
    qtbot.keyClick(w, Qt.Key.Key_F5)  # asked again: still one quiet line, still no dialog
    wait_synced(qtbot, w, 2)
    assert indicator.state.text().startswith("Offline")
    assert QApplication.activeModalWidget() is None
    assert clients_on_board(w) == {"Kept Client"}  # nothing else changes
    assert w.team.sync_action.isEnabled()


def test_a_conflict_from_a_sync_shows_and_a_click_opens_it(
    qtbot, pg_server: TestServer, team_db: str, services: Services, memory_keyring, tmp_path: Path
) -> None:
    me, password = add(pg_server, team_db, "win_conflict")
    joined_by_hand(pg_server, team_db, me, password)
    eid = services.portfolio.add("Shared Client", "consulting").id
    w = open_window(qtbot, services, tmp_path)
    wait_synced(qtbot, w, 1)
    # My other laptop changes the notes and syncs; this one changes them too, not yet synced.
    colleague(tmp_path / "second.sqlite", pg_server.url(team_db, user=me, password=password),
              "set-notes", "from the other laptop")  # fmt: skip
    services.portfolio.update(eid, notes="from this laptop")
    qtbot.keyClick(w, Qt.Key.Key_F5)
    wait_synced(qtbot, w, 2)
    button = w.team.indicator.conflicts
    qtbot.waitUntil(button.isVisible, timeout=5000)
    assert button.text() == "⚠ 1 conflict"
    qtbot.mouseClick(button, LEFT)
    qtbot.waitUntil(lambda: w.active_workspace() is not None, timeout=5000)
    workspace = w.active_workspace()
    assert workspace.eid == eid
    assert workspace.tabs.currentWidget() is workspace.panes["Conflicts"]
    workspace.close()


def test_without_a_keyring_the_window_asks_once_per_session_and_never_by_itself(
    qtbot, pg_server: TestServer, team_db: str, services: Services, no_keyring, tmp_path: Path
) -> None:
    me, password = add(pg_server, team_db, "win_ask")
    joined_by_hand(pg_server, team_db, me, password)  # no keyring: the password was not kept
    w = open_window(qtbot, services, tmp_path)
    wait_synced(qtbot, w, 1)
    indicator = w.team.indicator
    assert indicator.state.text() == "Sync paused: password needed"
    assert QApplication.activeModalWidget() is None  # the automatic sync never asks
    w.team.runner.timer.timeout.emit()  # nor does the next automatic one
    assert w.team.runner.syncs == 1

    asked: list[str] = []

    def type_password() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, type_password)
            return
        asked.append(dialog.windowTitle())
        field = dialog.findChild(QLineEdit)
        assert field.echoMode() == QLineEdit.EchoMode.Password
        qtbot.keyClicks(field, password)
        qtbot.keyClick(field, Qt.Key.Key_Return)

    QTimer.singleShot(0, type_password)
    qtbot.keyClick(w, Qt.Key.Key_F5)
    wait_synced(qtbot, w, 2)
    assert asked == ["Team password"]
    assert indicator.state.text() == "Synced just now", indicator.state.toolTip()
    activate(qtbot, w)
    qtbot.keyClick(w, Qt.Key.Key_F5)  # kept for the session: not asked again
    wait_synced(qtbot, w, 3)
    assert asked == ["Team password"]
    assert indicator.state.text() == "Synced just now"
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert password.encode() not in path.read_bytes(), path


def test_leaving_asks_says_the_data_stays_and_hides_the_indicator(
    qtbot, pg_server: TestServer, team_db: str, services: Services, memory_keyring, tmp_path: Path
) -> None:
    me, password = add(pg_server, team_db, "win_leave")
    joined_by_hand(pg_server, team_db, me, password)
    services.portfolio.add("Stays Here", "consulting")
    w = open_window(qtbot, services, tmp_path)
    wait_synced(qtbot, w, 1)
    assert w.team.indicator.isVisible()
    asked: list[str] = []

    def answer(button: QMessageBox.StandardButton) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, lambda: answer(button))
            return
        asked.append(box.text())
        qtbot.mouseClick(box.button(button), LEFT)

    QTimer.singleShot(0, lambda: answer(QMessageBox.StandardButton.Cancel))
    w.team.leave_action.trigger()  # Team → Leave team…, then Cancel: nothing changes
    assert membership.current_address() is not None
    assert w.team.indicator.isVisible()

    QTimer.singleShot(0, lambda: answer(QMessageBox.StandardButton.Yes))
    w.team.leave_action.trigger()
    qtbot.waitUntil(lambda: not w.team.indicator.isVisible(), timeout=10_000)
    assert "The engagements on this laptop are kept as they are" in asked[0]
    assert membership.current_address() is None
    assert memory_keyring.passwords == {}
    assert clients_on_board(w) == {"Stays Here"}
    assert not w.team.sync_action.isEnabled()
    assert not w.team.leave_action.isEnabled()
    activate(qtbot, w)
    qtbot.keyClick(w, Qt.Key.Key_F5)  # nothing to sync with any more
    qtbot.wait(300)
    assert w.team.runner.syncs == 1


def test_a_join_and_leave_typed_in_a_terminal_meanwhile_show_in_the_window(
    qtbot, pg_server: TestServer, team_db: str, services: Services, memory_keyring, tmp_path: Path
) -> None:
    me, password = add(pg_server, team_db, "win_cli")
    w = open_window(qtbot, services, tmp_path)
    qtbot.waitUntil(lambda: w.team.runner.looks == 1, timeout=5000)
    assert not w.team.indicator.isVisible()

    def cli(*args: str) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
        done = subprocess.run([sys.executable, "-m", "mwms_desktop", "--db", str(services.path), *args],
                              capture_output=True, text=True, env=env, timeout=120, check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr

    cli("team", "join", pg_server.url(team_db, user=me, password=password))
    indicator = w.team.indicator
    qtbot.waitUntil(indicator.isVisible, timeout=10_000)  # followed like any outside change
    wait_synced(qtbot, w, 1)  # and synced at once; no keyring there, none here: it waits quietly
    assert indicator.state.text() == "Sync paused: password needed"
    assert QApplication.activeModalWidget() is None
    cli("team", "leave")
    qtbot.waitUntil(lambda: not indicator.isVisible(), timeout=10_000)
    assert not w.team.sync_action.isEnabled()


def test_thresholds_head_office_sets_show_as_set_by_head_office_after_a_sync(
    qtbot,
    pg_server: TestServer,
    team_db: str,
    services: Services,
    memory_keyring,
    tmp_path: Path,
    monkeypatch,
) -> None:
    """Head office sets a stall threshold and a WIP limit on the server; F5: the laptop takes
    them, the Insight column shows the limit as set by head office (right-click explains
    instead of offering to change it), and the indicator's tooltip lists them."""
    from tests.team.helpers import login

    me, password = add(pg_server, team_db, "win_rules")
    boss, boss_password = add(pg_server, team_db, "win_boss", head_office=True)
    joined_by_hand(pg_server, team_db, me, password)
    w = open_window(qtbot, services, tmp_path)
    wait_synced(qtbot, w, 1)
    header = w.board.columns["insight"].header
    assert "Right-click to set a WIP limit." in header.count.toolTip()
    with login(pg_server, team_db, boss, boss_password) as conn:
        conn.execute("INSERT INTO team_threshold (key, value) VALUES ('wip_insight', 3), ('stall_days', 14)")
    qtbot.keyClick(w, Qt.Key.Key_F5)
    wait_synced(qtbot, w, 2)
    assert services.portfolio.setting("stall_days") == 14
    qtbot.waitUntil(lambda: "/ WIP 3" in header.count.text(), timeout=5000)
    assert "set by head office" in header.count.toolTip()
    tip = w.team.indicator.state.toolTip()
    assert "Set by head office: Stalled after (days): 14; WIP limit of Initial Insight Development: 3." in tip
    told: list[str] = []
    monkeypatch.setattr("ui.main_window.QMessageBox.information", lambda _p, _t, text, *a: told.append(text))
    monkeypatch.setattr("ui.main_window.QInputDialog.getInt", lambda *a, **k: (99, True))
    from PySide6.QtGui import QContextMenuEvent

    pos = header.count.rect().center()  # the event a right-click makes (offscreen makes none)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, header.count.mapToGlobal(pos))
    QApplication.sendEvent(header.count, event)
    assert "set by head office" in told[0]
    assert w.board.columns["insight"].wip_limit == 3
