"""Issue 11, item 3: every shortcut exists once per window, and redo answers Ctrl+Shift+Z,
Ctrl+Y and the platform's standard keys. Under X11 the old redo held Ctrl+Shift+Z twice
("Ambiguous shortcut overload": nothing happened); these tests also run under xvfb-run with
QT_QPA_PLATFORM=xcb."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QWidget

from mwms_desktop.services import Services
from tests.factories import engagement_at, satisfy
from tests.ui.windows import main_window
from ui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
WINDOW_WIDE = (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut)


def _widgets_of(action: QAction) -> list[QWidget]:
    found = [o for o in action.associatedObjects() if isinstance(o, QWidget)]
    parent = action.parent()
    return found or ([parent] if isinstance(parent, QWidget) else [])


def shortcut_clashes(window: QWidget) -> list[str]:
    """Every key sequence that more than one action or QShortcut of ``window`` answers in the
    same place (the whole window, or one widget), or that one of them holds twice."""
    owners: dict[tuple[object, str], list[str]] = defaultdict(list)
    actions = {id(a): a for a in window.findChildren(QAction)}
    for widget in [window, *window.findChildren(QWidget)]:
        actions.update({id(a): a for a in widget.actions()})
    entries: list[tuple[str, Qt.ShortcutContext, list[QWidget], list[QKeySequence]]] = []
    for action in actions.values():
        widgets = [w for w in _widgets_of(action) if w.window() is window]
        if widgets and action.shortcuts():
            entries.append((action.text() or action.objectName(), action.shortcutContext(), widgets,
                            action.shortcuts()))  # fmt: skip
    for shortcut in window.findChildren(QShortcut):
        parent = shortcut.parent()
        if isinstance(parent, QWidget) and parent.window() is window:
            entries.append((f"QShortcut {shortcut.key().toString()}", shortcut.context(), [parent],
                            shortcut.keys()))  # fmt: skip
    for name, context, widgets, sequences in entries:
        places = {"window"} if context in WINDOW_WIDE else {id(w) for w in widgets}
        for place in places:
            for seq in sequences:
                owners[(place, seq.toString())].append(name)
    return [f"{key}: {', '.join(names)}" for (_p, key), names in owners.items() if len(names) > 1]


@pytest.fixture
def window(qtbot, services: Services, tmp_path: Path) -> MainWindow:
    w = main_window(qtbot, services, tmp_path)
    w.controller.reason_provider = lambda client, a, b: "Scope changed"
    return w


def _workspace(qtbot, window: MainWindow, eid: int) -> QWidget:
    window.open_engagement(eid)
    workspace = window._workspaces[eid]
    qtbot.waitExposed(workspace)
    workspace.activateWindow()
    # Its own actions must answer, not the board's.
    qtbot.waitUntil(lambda: QApplication.activeWindow() is workspace)
    return workspace


def test_no_shortcut_is_held_twice_in_the_main_window_or_a_workspace(qtbot, window, services):
    eid = engagement_at(services, "execution")
    window.store.reload()
    assert shortcut_clashes(window) == []
    assert shortcut_clashes(_workspace(qtbot, window, eid)) == []


def test_the_walk_finds_a_clash(qtbot):
    """The walker itself: two actions on one key in one window, or one key held twice."""
    widget = QWidget()
    qtbot.addWidget(widget)
    for text in ("One", "Two"):
        action = QAction(text, widget)
        action.setShortcut(QKeySequence("Ctrl+K"))
        widget.addAction(action)
    twice = QAction("Twice", widget)
    twice.setShortcuts([QKeySequence("Ctrl+J"), QKeySequence("Ctrl+J")])
    widget.addAction(twice)
    assert sorted(shortcut_clashes(widget)) == ["Ctrl+J: Twice, Twice", "Ctrl+K: One, Two"]


def _platform_redo() -> QKeySequence:
    return QKeySequence(QKeySequence.StandardKey.Redo)  # the platform's first binding


def _redo_answers(qtbot, target: QWidget, sequences: list[QKeySequence], redone, undone) -> None:
    for sequence in sequences:
        combo = sequence[0]
        qtbot.keyClick(target, Qt.Key.Key_Z, CTRL)
        assert undone(), "Ctrl+Z did not undo"
        qtbot.keyClick(target, combo.key(), combo.keyboardModifiers())
        assert redone(), f"{sequence.toString()} did not redo"


def test_redo_answers_ctrl_shift_z_ctrl_y_and_the_platform_keys_on_the_board(qtbot, window, services):
    eid = engagement_at(services, "qualification")
    satisfy(services, eid, "qualification")
    window.store.reload()
    assert window.controller.move(eid, "onboarding")
    platform = {k.toString() for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)}
    assert platform <= {k.toString() for k in window.redo_action.shortcuts()}
    view = window.board.columns["onboarding"].view
    view.setFocus()
    keys = [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y"), _platform_redo()]
    _redo_answers(
        qtbot, view, keys,
        redone=lambda: services.portfolio.card(eid).stage == "onboarding",
        undone=lambda: services.portfolio.card(eid).stage == "qualification",
    )  # fmt: skip


def test_redo_answers_ctrl_shift_z_ctrl_y_and_the_platform_key_in_a_workspace(qtbot, window, services):
    eid = engagement_at(services, "qualification")
    workspace = _workspace(qtbot, window, eid)
    workspace.pane("Stakeholders").table.add_record({"name": "Ana Ruiz"})

    def names() -> list[str]:
        return [s.name for s in services.portfolio.detail(eid).stakeholders]

    _redo_answers(
        qtbot, workspace, [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y"), _platform_redo()],
        redone=lambda: names() == ["Ana Ruiz"], undone=lambda: names() == [],
    )  # fmt: skip


def test_delete_removes_a_row_and_ctrl_d_does_not(qtbot, window, services):
    """Del removes the selected row (undoably); Ctrl+D, X11's second "delete" binding, is
    not a way to delete a record by accident."""
    eid = engagement_at(services, "qualification")
    workspace = _workspace(qtbot, window, eid)
    pane = workspace.pane("Stakeholders")
    workspace.tabs.setCurrentWidget(pane)
    table = pane.table
    table.add_record({"name": "Ana Ruiz"})

    def names() -> list[str]:
        return [s.name for s in services.portfolio.detail(eid).stakeholders]

    row = table.view.visualRect(table.view.model().index(0, 0)).center()
    qtbot.mouseClick(table.view.viewport(), Qt.MouseButton.LeftButton, pos=row)
    assert table.selected_id() is not None
    table.view.setFocus()
    qtbot.keyClick(table.view, Qt.Key.Key_D, CTRL)
    assert names() == ["Ana Ruiz"]
    qtbot.keyClick(table.view, Qt.Key.Key_Delete)
    assert names() == []
