"""What a new consultant ran into taking a client through all six stages in a real window
(issue 11's last "Done when"), each driven by clicks and keys as the user did it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

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


def test_a_rating_is_one_click_and_a_second_click_takes_it_back(qtbot):
    """The health check-in: each indicator is 0 1 2 3 side by side; one click rates it, a
    click on the pressed one leaves it "Not scored" again, and a digit typed rates it too."""
    form = _score_form(qtbot)
    pickers = form.editors["ratings"].pickers
    first, second, third = list(pickers)[:3]
    qtbot.mouseClick(pickers[first].buttons[3], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(pickers[second].buttons[0], Qt.MouseButton.LeftButton)
    assert form.values()["ratings"] == {first: 3, second: 0}
    assert pickers[first].text() == "3"
    qtbot.mouseClick(pickers[first].buttons[3], Qt.MouseButton.LeftButton)  # pressed: cleared
    assert pickers[first].text() == "Not scored"
    assert QApplication.focusWidget() is pickers[first]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "2")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    assert form.values()["ratings"] == {second: 0, third: 3}
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backspace)
    assert form.values()["ratings"] == {second: 0}
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


def _accent_pixels(widget) -> int:
    """How many pixels of the widget, as painted, are the accent (Highlight) colour."""
    from PySide6.QtGui import QColor, QPalette

    accent = widget.palette().color(QPalette.ColorRole.Highlight)
    image = widget.grab().toImage()
    count = 0
    for y in range(image.height()):
        for x in range(image.width()):
            c = QColor(image.pixel(x, y))
            count += sum(abs(a - b) for a, b in zip(c.getRgb()[:3], accent.getRgb()[:3], strict=True)) < 60
    return count


def test_a_tick_box_in_the_workspace_shows_a_clear_focus_ring(make, services, qtbot):
    """Tabbing through the onboarding checklist: the focused box shows the accent ring, as
    every Tab stop of the board does. The workspace had no ring: a focused check box showed
    nothing at all, so a keyboard user ticked boxes blind."""
    from PySide6.QtWidgets import QCheckBox

    eid = engagement_at(services, "onboarding")
    h = make(services, eid)
    h.show(qtbot)
    h.window.activateWindow()
    qtbot.waitUntil(h.window.isActiveWindow)
    qtbot.keyClick(h.window, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)  # the Onboarding pane
    assert h.window.tabs.currentWidget() is h.pane("Onboarding")
    for _ in range(40):
        if isinstance(QApplication.focusWidget(), QCheckBox):
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    box = QApplication.focusWidget()
    assert isinstance(box, QCheckBox)
    assert _accent_pixels(box) >= box.width(), "no clear focus on a check box"


def test_a_record_dialog_shows_a_clear_focus_ring_on_its_first_input(make, services, qtbot, monkeypatch):
    """Add insight opens on its first input (Activity): it shows the accent ring, so a
    keyboard user sees where typing goes."""
    eid = engagement_at(services, "insight")
    h = make(services, eid)
    h.show(qtbot)
    table = h.pane("Insights & hypotheses").insights
    dialogs = []
    monkeypatch.setattr("ui.workspace.forms.RecordDialog.exec", lambda self: dialogs.append(self) or 0)
    qtbot.mouseClick(table.add_button, Qt.MouseButton.LeftButton)
    (dialog,) = dialogs
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    first = QApplication.focusWidget()
    assert first is dialog.form.editors["activity"]
    assert _accent_pixels(first) >= first.width(), "no clear focus on the dialog's first input"


def test_the_add_engagement_dialog_rings_its_type_box(qtbot):
    """The board's Add engagement dialog: Tab from the client to the type, which shows the
    accent ring (it showed nothing: the ring was the board's alone)."""
    from ui.add_dialog import AddEngagementDialog

    dialog = AddEngagementDialog(None, owners=["Dana Kowalski"])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert QApplication.focusWidget() is dialog.client
    qtbot.keyClick(dialog.client, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.type_box
    assert _accent_pixels(dialog.type_box) >= dialog.type_box.width(), "no clear focus on the type box"


def test_the_reason_dialog_rings_its_buttons(qtbot):
    """The move-back reason: Tab from the (empty) reason reaches Cancel, which shows the ring."""
    from PySide6.QtWidgets import QPushButton

    from ui.reason_dialog import ReasonDialog

    dialog = ReasonDialog("Acme", "Onboarding", "Qualification")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.reason.setFocus()
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Tab)
    button = QApplication.focusWidget()
    assert isinstance(button, QPushButton)
    assert button.text().replace("&", "") == "Cancel"
    assert _accent_pixels(button) >= button.width(), "no clear focus on Cancel"


def test_enter_on_a_focused_add_button_in_the_workspace_opens_its_dialog(make, services, qtbot, monkeypatch):
    """Tab to "Add insight…" and press Enter: the dialog opens, as Space does. In the workspace
    (a main window, not a dialog) Enter on a focused button did nothing."""
    from PySide6.QtWidgets import QPushButton

    eid = engagement_at(services, "insight")
    h = make(services, eid)
    h.show(qtbot)
    h.window.activateWindow()
    qtbot.waitUntil(h.window.isActiveWindow)
    opened: list = []
    monkeypatch.setattr("ui.workspace.forms.RecordDialog.exec", lambda self: opened.append(self) or 0)
    qtbot.keyClick(h.window, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)  # Insights & hypotheses
    add = h.pane("Insights & hypotheses").insights.add_button
    for _ in range(40):
        if QApplication.focusWidget() is add:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is add
    qtbot.keyClick(add, Qt.Key.Key_Return)
    assert [d.windowTitle() for d in opened] == ["Add insight"]
    assert all(b.autoDefault() for b in h.window.centralWidget().findChildren(QPushButton))


def test_alt_m_and_alt_n_put_the_cursor_in_the_pane_they_show(make, services, qtbot):
    """Alt+M moves on and shows the next stage's pane: the cursor is in it, on its first
    input (the onboarding checklist's first box), so Space ticks it; Alt+4 shows Stakeholders
    with the cursor in it. The cursor used to stay behind, on a hidden field or the gate, and
    nothing showed where typing would go."""
    from PySide6.QtWidgets import QCheckBox

    from tests.factories import satisfy

    eid = engagement_at(services, "qualification")
    satisfy(services, eid, "qualification")
    h = make(services, eid)
    h.show(qtbot)
    h.window.activateWindow()
    qtbot.waitUntil(h.window.isActiveWindow)
    qtbot.keyClick(QApplication.focusWidget() or h.window, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    onboarding = h.pane("Onboarding")
    assert h.window.tabs.currentWidget() is onboarding
    box = QApplication.focusWidget()
    assert isinstance(box, QCheckBox)
    assert onboarding.isAncestorOf(box)
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert sum(e.done_on is not None for e in h.detail().onboarding) == 1

    stakeholders = h.pane("Stakeholders")
    qtbot.keyClick(box, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    assert h.window.tabs.currentWidget() is stakeholders
    assert stakeholders.isAncestorOf(QApplication.focusWidget())


def test_ticking_the_first_onboarding_element_moves_no_note_field(make, services, qtbot):
    """Tick the first element: its "done" day appears beside it and the note fields stay where
    they were (they jumped about 100 px to the right, under the pointer of a user about to
    click the next box's note)."""
    eid = engagement_at(services, "onboarding")
    h = make(services, eid)
    h.show(qtbot)
    pane = h.pane("Onboarding")
    h.window.show_pane(pane)
    first = next(iter(pane.checks))
    assert not pane.checks[first].isChecked()
    before = {slug: note.mapTo(pane, QPoint(0, 0)).x() for slug, note in pane.notes.items()}
    box = pane.checks[first]
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert pane.checks[first].isChecked()
    assert pane.dates[first].text().startswith("done ")
    qtbot.wait(50)  # the layout settles
    after = {slug: note.mapTo(pane, QPoint(0, 0)).x() for slug, note in pane.notes.items()}
    assert after == before


def test_export_starts_in_the_home_folder_when_there_is_no_documents_folder(
    make, services, qtbot, tmp_path, monkeypatch
):
    """A fresh account has no Documents folder: Export dossier… offers the home folder (the
    dialog opened in the folder the app was started from, here the source tree)."""
    from PySide6.QtCore import QDir, QStandardPaths

    import ui.dossier_actions as da

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setattr(QDir, "homePath", staticmethod(lambda: str(home)))
    nowhere = str(home / "Documents")  # never made
    monkeypatch.setattr(QStandardPaths, "writableLocation", staticmethod(lambda _kind: nowhere))
    offered: list[str] = []

    def ask(_parent, _title, where, *_a):
        offered.append(where)
        return "", ""

    monkeypatch.setattr(da.QFileDialog, "getSaveFileName", ask)
    eid = engagement_at(services, "optimization")
    h = make(services, eid)
    h.show(qtbot)
    h.window.export_requested.connect(lambda e: da.export_engagement(h.window, services, e))
    qtbot.mouseClick(h.pane("Outcome").export_button, Qt.MouseButton.LeftButton)
    (where,) = offered
    assert Path(where).parent == home


def _add_by_dialog(qtbot, table, field: str, text: str) -> None:
    """Add a record as a user does: its dialog, the text typed, Ctrl+Enter."""
    dialog = table.add_dialog()
    dialog.show()
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    editor = dialog.form.editors[field]
    editor.setFocus()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.isVisible()


def test_a_pane_status_says_only_what_just_happened(make, services, qtbot):
    """Add an insight ("Insight added."), then a hypothesis: only "Hypothesis added." shows.
    Both lines stayed, so the pane reported two things as just done."""
    h = make(services, engagement_at(services, "insight"))
    h.show(qtbot)
    pane = h.pane("Insights & hypotheses")
    _add_by_dialog(qtbot, pane.insights, "statement", "Users abandon at shipping")
    assert pane.insights.status.text() == "Insight added."
    _add_by_dialog(qtbot, pane.hypotheses, "statement", "Showing shipping early cuts abandonment")
    assert [pane.insights.status.text(), pane.hypotheses.status.text()] == ["", "Hypothesis added."]


def test_the_onboarding_checklist_is_walked_with_the_arrows_and_ticked_with_space(make, services, qtbot):
    """↓ and ↑ go from tick to tick (and note to note), Space ticks: confirming three elements
    is Space ↓ Space ↓ Space, not a Tab through every note between them."""
    eid = engagement_at(services, "onboarding")
    h = make(services, eid)
    h.show(qtbot)
    h.window.activateWindow()
    qtbot.waitUntil(h.window.isActiveWindow)
    pane = h.pane("Onboarding")
    h.window.show_pane(pane)
    slugs = [t.slug for t in framework.ONBOARDING_ELEMENTS]
    pane.checks[slugs[0]].setFocus()
    qtbot.waitUntil(pane.checks[slugs[0]].hasFocus)
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert QApplication.focusWidget() is pane.checks[slugs[3]]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up)
    assert QApplication.focusWidget() is pane.checks[slugs[2]]
    done = {item.element for item in h.detail().onboarding if item.done}
    assert done == set(slugs[:3])

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # Tab: from the tick to its note
    assert QApplication.focusWidget() is pane.notes[slugs[2]]
    qtbot.keyClicks(pane.notes[slugs[2]], "Slack channel set up")
    qtbot.keyClick(pane.notes[slugs[2]], Qt.Key.Key_Down)  # note to note, the typed one saved
    assert QApplication.focusWidget() is pane.notes[slugs[3]]
    assert h.detail().element(slugs[2]).note == "Slack channel set up"
    qtbot.keyClick(pane.notes[slugs[3]], Qt.Key.Key_Up)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up)
    assert QApplication.focusWidget() is pane.notes[slugs[1]]
    pane.notes[slugs[0]].setFocus()
    qtbot.keyClick(pane.notes[slugs[0]], Qt.Key.Key_Up)  # at the top: stays
    assert QApplication.focusWidget() is pane.notes[slugs[0]]
    keypad = Qt.KeyboardModifier.KeypadModifier  # how macOS marks its arrow keys
    qtbot.keyClick(pane.notes[slugs[0]], Qt.Key.Key_Down, keypad)
    assert QApplication.focusWidget() is pane.notes[slugs[1]]
