"""What a new consultant ran into taking a client through all six stages in a real window
(issue 11's last "Done when"), each driven by clicks and keys as the user did it."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QToolBar

from mwms_desktop import framework
from tests.factories import engagement_at
from ui.workspace.forms import FieldSpec, FormWidget

TODAY = date(2026, 11, 2)  # the clock fixture's day


def _score_form(qtbot) -> FormWidget:
    form = FormWidget(
        [FieldSpec("impact", "Impact", "number", low=1, high=10), FieldSpec("ratings", "Ratings", "ratings")],
        TODAY,
    )
    qtbot.addWidget(form)
    form.load({"impact": None, "ratings": {}})
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    return form


def _click_into_text_and_type(qtbot, spin, text: str) -> None:
    """Click into the middle of the field's text (where the cursor lands among the letters of
    "Not scored"), then type."""
    edit = spin.lineEdit()
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton, pos=QPoint(edit.width() // 3, edit.height() // 2))
    assert QApplication.focusWidget() is spin
    qtbot.keyClicks(spin, text)


def test_a_number_clicked_into_while_it_says_not_scored_takes_the_typed_digit(qtbot):
    """The hypothesis dialog: click Impact (it reads "Not scored"), type 8: Impact is 8. The
    digit used to land among the letters, where the spin box refused it, and nothing happened."""
    form = _score_form(qtbot)
    impact = form.editors["impact"]
    _click_into_text_and_type(qtbot, impact, "8")
    assert impact.value_or_none() == 8
    assert form.values()["impact"] == 8


def test_a_rating_clicked_into_while_it_says_not_scored_takes_the_typed_digit(qtbot):
    """The health check-in: click a rating that reads "Not scored", type 3 (or 0): it is 3 (0)."""
    form = _score_form(qtbot)
    spins = form.editors["ratings"].spins
    first, second = list(spins)[:2]
    _click_into_text_and_type(qtbot, spins[first], "3")
    _click_into_text_and_type(qtbot, spins[second], "0")
    assert form.values()["ratings"] == {first: 3, second: 0}
    assert framework.RATING_MIN == 0  # "0" is a rating, not the unset value


def test_export_from_a_workspace_asks_and_answers_over_that_workspace(qtbot, services, tmp_path, monkeypatch):
    """Export dossier… in a workspace: the file dialog and the "Dossier saved" box open over
    the workspace. They opened over the board, which came to the front and hid the workspace,
    so the user had to find the engagement again to move it on."""
    from PySide6.QtCore import QSettings

    import ui.dossier_actions as da
    from ui.main_window import MainWindow
    from ui.preferences import Preferences

    eid = engagement_at(services, "optimization")
    prefs = Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))
    board = MainWindow(services, prefs, restore_state=False)
    qtbot.addWidget(board)
    board.show()
    board.select(eid)
    qtbot.keyClick(board.board.columns["optimization"].view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: eid in board._workspaces)
    workspace = board._workspaces[eid]
    asked: list = []
    told: list = []
    target = tmp_path / "d.pdf"
    monkeypatch.setattr(
        da.QFileDialog, "getSaveFileName", lambda parent, *a, **k: asked.append(parent) or (str(target), "")
    )
    monkeypatch.setattr(da.QMessageBox, "information", lambda parent, *a, **k: told.append(parent))
    toolbar = workspace.findChild(QToolBar, "workspaceToolbar")
    qtbot.mouseClick(toolbar.widgetForAction(workspace.export_action), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(told), timeout=30_000)
    assert target.exists()
    assert [p.window() for p in asked + told] == [workspace, workspace]
