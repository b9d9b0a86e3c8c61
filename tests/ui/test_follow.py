"""The window follows what else writes to its database (issue 12): the real CLI run in a
subprocess adds, moves and imports while the window is open, and the board shows it within
about a second, keeping the selected card selected and the column's scroll; an open workspace
whose engagement changed says so and refreshes without losing what is typed; one archived
elsewhere says so and closes on the user's click; nothing is read while nothing changes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from db.models import database
from mwms_desktop.services import Services
from tests.factories import satisfy
from ui.main_window import MainWindow
from ui.preferences import Preferences

ROOT = Path(__file__).resolve().parents[2]


def outside(*args: str) -> str:
    """Run ``python -m mwms_desktop ARGS`` in another process, as from a terminal."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mwms_desktop", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def outside_python(code: str, *args: str) -> None:
    """Another process writing through the services (what the CLI cannot do yet: archive)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture
def crowded(services: Services) -> Services:
    """Forty engagements in Qualification: the column scrolls in a short window."""
    for n in range(40):
        services.portfolio.add(f"Client {n:02d}", "consulting")
    return services


@pytest.fixture
def window(qtbot, crowded: Services, tmp_path: Path) -> MainWindow:
    prefs = Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))
    w = MainWindow(crowded, prefs, restore_state=False)
    qtbot.addWidget(w)
    w.resize(1024, 480)
    w.show()
    qtbot.waitExposed(w)
    return w


def pick(qtbot, window: MainWindow, stage: str, downs: int) -> tuple[int, int]:
    """Click the first card of ``stage`` and press ↓ ``downs`` times, as a person does: the
    selected card's id and the column's scroll position."""
    view = window.board.columns[stage].view
    first = view.visualRect(view.model().index(0, 0)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=first)
    for _ in range(downs):
        qtbot.keyClick(view, Qt.Key.Key_Down)
    selected = view.selectionModel().selectedIndexes()
    assert len(selected) == 1
    return view.current_id(), view.verticalScrollBar().value()


def selected_ids(window: MainWindow) -> list[int]:
    return [
        column.view.current_id()
        for column in window.board.columns.values()
        if column.view.selectionModel().hasSelection()
    ]


def test_an_outside_add_appears_keeping_selection_and_scroll(qtbot, window, crowded):
    view = window.board.columns["qualification"].view
    eid, scroll = pick(qtbot, window, "qualification", 25)
    assert scroll > 0  # the column did scroll: the test would see a reset to the top
    before = window.store.total("qualification")
    outside("--db", str(crowded.path), "add", "Added From A Terminal")
    qtbot.waitUntil(lambda: window.store.total("qualification") == before + 1, timeout=5000)
    clients = [window.store.card(i).client for i in window.store.ids("qualification")]
    assert clients[-1] == "Added From A Terminal"  # at the bottom, as the CLI puts it
    assert selected_ids(window) == [eid]
    assert view.verticalScrollBar().value() == scroll
    assert view.hasFocus()
    assert view.accessibleDescription() == "41 engagements shown"  # what a screen reader says


def test_an_outside_move_follows_the_selected_card_to_its_new_column(qtbot, window, crowded):
    eid, _ = pick(qtbot, window, "qualification", 3)
    satisfy(crowded, eid, "qualification")  # in this process: the board follows it too
    outside("--db", str(crowded.path), "move", str(eid), "onboarding")
    qtbot.waitUntil(lambda: eid in window.store.ids("onboarding"), timeout=5000)
    qtbot.waitUntil(lambda: eid not in window.store.ids("qualification"), timeout=5000)  # the board too
    assert window.store.card(eid).stage == "onboarding"
    assert selected_ids(window) == [eid]  # still selected, in its new column
    assert window.board.columns["onboarding"].view.current_id() == eid


def test_an_outside_import_appears(qtbot, window, crowded, tmp_path):
    other = tmp_path / "other.sqlite"
    outside("--db", str(other), "add", "Handed Over Ltd")
    outside("--db", str(other), "export", str(tmp_path / "bundle.json"))
    eid, scroll = pick(qtbot, window, "qualification", 10)
    outside("--db", str(crowded.path), "import", str(tmp_path / "bundle.json"))
    qtbot.waitUntil(
        lambda: "Handed Over Ltd" in [window.store.card(i).client for i in window.store.ids("qualification")],
        timeout=5000,
    )
    assert selected_ids(window) == [eid]
    assert window.board.columns["qualification"].view.verticalScrollBar().value() == scroll
    assert window.status_counts.text().startswith("41 active engagements")  # the counts follow too


def test_nothing_is_read_while_nothing_changes(qtbot, window, crowded, monkeypatch):
    """The idle check is one pragma on the window's connection, and no bulk read starts."""
    reads: list[int] = []
    real = crowded.portfolio.card_source
    monkeypatch.setattr(crowded.portfolio, "card_source", lambda: reads.append(1) or real())
    statements: list[str] = []
    database.connection().set_trace_callback(statements.append)
    try:
        qtbot.wait(1600)  # three ticks of the timer
        assert window.follower.reads == 0
        assert reads == []
        assert statements
        assert set(statements) == {"PRAGMA data_version"}
        outside("--db", str(crowded.path), "add", "Something Changed")
        qtbot.waitUntil(lambda: window.store.total("qualification") == 41, timeout=5000)
        assert window.follower.reads == 1
        assert len(reads) == 1  # one bulk read (on the worker), for one change
        qtbot.wait(1100)
        assert window.follower.reads == 1  # and none again once it is shown
    finally:
        database.connection().set_trace_callback(None)


def test_an_open_workspace_refreshes_says_so_and_keeps_the_typing(qtbot, window, crowded):
    eid = window.store.ids("qualification")[0]
    satisfy(crowded, eid, "qualification")
    window.open_engagement(eid)
    ws = window.active_workspace()
    qtbot.waitExposed(ws)
    overview = ws.pane("Overview")
    field = overview.card_form.editors["next_action"]
    qtbot.keyClicks(field, "Call the CFO")
    field.setCursorPosition(4)  # the cursor after "Call", mid-edit
    assert not ws.notice.isVisible()
    outside("--db", str(crowded.path), "move", str(eid), "onboarding")
    qtbot.waitUntil(ws.notice.isVisible, timeout=5000)
    assert "changed elsewhere" in ws.notice.text.text()
    assert "Onboarding" in ws.subtitle.text()  # refreshed: the new stage
    assert field.text() == "Call the CFO"  # what was typed is still there
    assert field.cursorPosition() == 4  # not set again under the cursor
    assert crowded.portfolio.card(eid).next_action == "Call the CFO"  # and saved
    qtbot.mouseClick(ws.notice.button, Qt.MouseButton.LeftButton)  # Dismiss
    assert not ws.notice.isVisible()
    assert ws.isVisible()


def test_a_workspace_archived_elsewhere_says_so_and_closes_on_the_click(qtbot, window, crowded):
    eid = window.store.ids("qualification")[0]
    window.open_engagement(eid)
    ws = window.active_workspace()
    qtbot.waitExposed(ws)
    code = (
        "import sys\nfrom mwms_desktop.services import open_services\n"
        "open_services(sys.argv[1]).portfolio.archive(int(sys.argv[2]))"
    )
    outside_python(code, str(crowded.path), str(eid))
    qtbot.waitUntil(ws.notice.isVisible, timeout=5000)
    assert "archived elsewhere" in ws.notice.text.text()
    qtbot.waitUntil(lambda: eid not in window.store.ids("qualification"), timeout=5000)  # the board too
    qtbot.wait(1200)  # no timer closes it under the user
    assert ws.isVisible()
    qtbot.mouseClick(ws.notice.button, Qt.MouseButton.LeftButton)  # Close
    qtbot.waitUntil(lambda: eid not in window._workspaces, timeout=5000)  # closed and deleted


def test_swimlanes_follow_an_outside_add_lane_count_and_all(qtbot, window, crowded):
    """In swimlanes the new card lands in its lane's cell, and the lane's bar counts it."""
    by_type = next(a for a in window.lanes_menu.actions() if a.data() == "engagement_type")
    by_type.trigger()
    (row,) = window.lanes.lanes
    assert row.bar.text().endswith("40 engagements")
    view = row.cells["qualification"].view
    first = view.visualRect(view.model().index(0, 0)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=first)
    eid = view.current_id()
    outside("--db", str(crowded.path), "add", "Lane Newcomer", "--type", "consulting")
    qtbot.waitUntil(lambda: row.bar.text().endswith("41 engagements"), timeout=5000)
    assert view.model().rowCount() == 41
    assert view.current_id() == eid
    assert view.selectionModel().hasSelection()
    outside("--db", str(crowded.path), "add", "Advised", "--type", "ai_advisory")
    qtbot.waitUntil(lambda: len(window.lanes.lanes) == 2, timeout=5000)  # a new lane for it


def test_a_refusal_and_the_drag_verdict_follow_a_fix_made_elsewhere(qtbot, window, crowded):
    """Ctrl+→ is refused (the panel lists what is missing, the drag verdict is cached); the
    gate is then met by another process: the panel goes and the verdict is no longer stale."""
    eid, _ = pick(qtbot, window, "qualification", 0)
    view = window.board.columns["qualification"].view
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert window.refusal.isVisible()
    assert window.controller.probe(eid, "onboarding")  # missing items, now cached
    code = (
        "import sys\nfrom mwms_desktop.services import open_services\nfrom tests.factories import satisfy\n"
        "satisfy(open_services(sys.argv[1]), int(sys.argv[2]), 'qualification')"
    )
    outside_python(code, str(crowded.path), str(eid))
    qtbot.waitUntil(lambda: not window.refusal.isVisible(), timeout=5000)
    assert window.controller.probe(eid, "onboarding") == []


def test_a_workspace_whose_engagement_was_deleted_elsewhere_says_so_and_closes_on_the_click(
    qtbot, window, crowded
):
    """Deleted by another program (as a merged tombstone will): the workspace says so, takes
    no more typing (nothing could be saved), and closes when the user clicks Close, without
    trying to save into a record that is gone."""
    eid = window.store.ids("qualification")[0]
    window.open_engagement(eid)
    ws = window.active_workspace()
    qtbot.waitExposed(ws)
    code = (
        "import sqlite3, sys\ncon = sqlite3.connect(sys.argv[1])\ncon.execute('PRAGMA foreign_keys = ON')\n"
        "with con:\n    con.execute('DELETE FROM engagement WHERE id = ?', (int(sys.argv[2]),))"
    )
    outside_python(code, str(crowded.path), str(eid))
    qtbot.waitUntil(ws.notice.isVisible, timeout=5000)
    assert "deleted elsewhere" in ws.notice.text.text()
    qtbot.waitUntil(lambda: eid not in window.store.ids("qualification"), timeout=5000)  # the board too
    assert not ws.tabs.isEnabled()
    qtbot.mouseClick(ws.notice.button, Qt.MouseButton.LeftButton)  # Close
    qtbot.waitUntil(lambda: eid not in window._workspaces, timeout=5000)


def test_a_save_of_ones_own_right_after_an_outside_change_still_says_so(qtbot, window, crowded):
    """The user's save lands before the timer's next look: the save's refresh shows the move
    made elsewhere, and says so, instead of taking it in silently (nor switching the pane)."""
    eid = window.store.ids("qualification")[0]
    satisfy(crowded, eid, "qualification")
    window.open_engagement(eid)
    ws = window.active_workspace()
    qtbot.waitExposed(ws)
    field = ws.pane("Overview").card_form.editors["next_action"]
    qtbot.keyClicks(field, "Call the CFO")
    window.follower.stop()  # the timer's look cannot come first
    outside("--db", str(crowded.path), "move", str(eid), "onboarding")
    qtbot.keyClick(field, Qt.Key.Key_Return)  # Enter: the field is saved now
    assert crowded.portfolio.card(eid).next_action == "Call the CFO"
    assert ws.notice.isVisible()
    assert "changed elsewhere" in ws.notice.text.text()
    assert "Onboarding" in ws.subtitle.text()
    assert ws.tabs.currentWidget() is ws.pane("Overview")
    qtbot.waitUntil(lambda: eid in window.store.ids("onboarding"), timeout=5000)  # the board read too


def test_a_read_refused_as_busy_is_made_again(qtbot, window, crowded, monkeypatch):
    """The worker's read meets a busy database once: the change still shows, one tick later."""
    from mwms_desktop.errors import DatabaseError

    real, calls = crowded.portfolio.card_source, []

    def busy_once():
        calls.append(1)
        if len(calls) == 1:
            raise DatabaseError("The database is busy: another MWMS Desktop process is writing to it.")
        return real()

    monkeypatch.setattr(crowded.portfolio, "card_source", busy_once)
    outside("--db", str(crowded.path), "add", "Shown Anyway")
    qtbot.waitUntil(lambda: window.store.total("qualification") == 41, timeout=5000)
    assert len(calls) == 2


def test_an_undo_in_the_workspace_right_after_an_outside_change_still_says_so(qtbot, window, crowded):
    """Ctrl+Z in the workspace before the timer's next look: its refresh shows the move made
    elsewhere and says so."""
    eid = window.store.ids("qualification")[0]
    satisfy(crowded, eid, "qualification")
    window.open_engagement(eid)
    ws = window.active_workspace()
    qtbot.waitExposed(ws)
    field = ws.pane("Overview").card_form.editors["next_action"]
    qtbot.keyClicks(field, "Call the CFO")
    qtbot.keyClick(field, Qt.Key.Key_Return)  # saved: one undoable edit
    assert crowded.portfolio.card(eid).next_action == "Call the CFO"
    window.follower.stop()  # the timer's look cannot come first
    outside("--db", str(crowded.path), "move", str(eid), "onboarding")
    ws.undo_action.trigger()  # the toolbar's Undo
    assert crowded.portfolio.card(eid).next_action == ""
    assert ws.notice.isVisible()
    assert "Onboarding" in ws.subtitle.text()


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the window's warning boxes said (a modal box would wait for a click)."""
    seen: list[str] = []
    monkeypatch.setattr("ui.main_window.QMessageBox.warning", lambda _p, _t, text, *a, **k: seen.append(text))
    return seen


SET_NEXT_ACTION = (
    "import sys; from mwms_desktop.services import open_services; s = open_services(sys.argv[1]);"
    " s.portfolio.update(int(sys.argv[2]), next_action=sys.argv[3]); s.close()"
)


def test_undo_never_overwrites_an_edit_made_outside_the_window(qtbot, window, crowded, warnings):
    """An edit typed in the workspace, the same field changed from another program, then
    Ctrl+Z: the other program's value stays, and the window says why nothing was undone."""
    eid = window.store.ids("qualification")[0]
    window.open_engagement(eid)
    ws = window.active_workspace()
    qtbot.waitExposed(ws)
    field = ws.pane("Overview").card_form.editors["next_action"]
    qtbot.keyClicks(field, "Call the CFO")
    qtbot.keyClick(field, Qt.Key.Key_Return)  # saved: one undoable edit
    outside_python(SET_NEXT_ACTION, str(crowded.path), str(eid), "Send the audit")
    ws.undo_action.trigger()
    assert crowded.portfolio.card(eid).next_action == "Send the audit"
    assert len(warnings) == 1
    assert "changed outside this window" in warnings[0]
    assert "next action" in warnings[0]
    assert not ws.undo_action.isEnabled()  # the refused edit left the stack


def test_undo_of_a_move_never_moves_a_card_moved_elsewhere_since(qtbot, window, crowded, warnings):
    """A move made with the keyboard, the engagement moved on from a terminal, then Undo:
    it stays where the terminal put it, and the window says so."""
    eid = window.store.ids("qualification")[0]
    satisfy(crowded, eid, "qualification")
    satisfy(crowded, eid, "onboarding")
    pick(qtbot, window, "qualification", 0)
    view = window.board.columns["qualification"].view
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)  # move right
    qtbot.waitUntil(lambda: crowded.portfolio.card(eid).stage == "onboarding", timeout=5000)
    outside("--db", str(crowded.path), "move", str(eid), "insight")
    window.activateWindow()  # a real X server: shortcuts reach the active window only
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window.board.columns["onboarding"].view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert crowded.portfolio.card(eid).stage == "insight"
    assert [m.kind for m in crowded.lifecycle.history(eid)] == ["created", "forward", "forward"]
    assert len(warnings) == 1
    assert "now in Initial Insight Development" in warnings[0]
    qtbot.waitUntil(lambda: eid in window.store.ids("insight"), timeout=5000)
