"""Issue 11, the workspace in daily use, driven by keys and clicks: nothing typed is lost
(saved as you go, saved before any close, a refused save keeps the window open), Esc, Ctrl+W
and a Close button close it with one owner per key, status follows the data, gate items lead
to the pane that fixes them, and every pane is reachable at 1024 pixels."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QAction, QShortcut
from PySide6.QtWidgets import QAbstractButton, QLabel, QToolButton

from mwms_desktop import framework
from tests.factories import ALL_HEALTHY, engagement_at, satisfy
from ui.main_window import MainWindow
from ui.preferences import Preferences
from ui.workspace import forms

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def shown(make, qtbot):
    """``shown(services, eid)``: a workspace shown, active, at 1024×700."""

    def build(services, eid):
        h = make(services, eid)
        h.show(qtbot, 1024, 700)
        with qtbot.waitActive(h.window):
            h.window.activateWindow()
        return h

    return build


def type_into(qtbot, widget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, CTRL)  # select what is there: typing replaces it
    qtbot.keyClicks(widget, text)


def main_window(qtbot, services, tmp_path: Path) -> MainWindow:
    prefs = Preferences(QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat))
    window = MainWindow(services, prefs, restore_state=False)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    return window


# --- 1. nothing typed is lost ----------------------------------------------------------------


def test_a_typed_next_action_is_saved_when_ctrl_w_closes_the_workspace(shown, services, qtbot):
    """Type a next action, press Ctrl+W at once: it is saved (one undoable edit), not lost."""
    eid = engagement_at(services, "onboarding")
    h = shown(services, eid)
    field = h.pane("Overview").card_form.editors["next_action"]
    type_into(qtbot, field, "Call Dana about the data access")
    qtbot.keyClick(field, Qt.Key.Key_W, CTRL)
    assert not h.window.isVisible()
    assert h.detail().card.next_action == "Call Dana about the data access"
    h.stack.undo()
    assert h.detail().card.next_action == ""


def test_a_pause_inside_a_half_typed_date_neither_saves_nor_refuses(shown, services, qtbot):
    """Typing a due date, a pause at "2026-1" is not a moment to save (it would only be
    refused); a pause once the date is whole saves it."""
    eid = engagement_at(services, "onboarding")
    h = shown(services, eid)
    pane = h.pane("Overview")
    due = pane.card_form.editors["next_action_due"]
    if not due.is_set():
        qtbot.mouseClick(due.check, Qt.MouseButton.LeftButton)
    type_into(qtbot, due.edit, "2026-1")
    qtbot.wait(forms.PAUSE_MS * 2)
    assert not [e.text() for e in pane.findChildren(QLabel, "formError") if e.isVisible()]
    assert due.edit.text() == "2026-1"
    assert due.edit.hasFocus()
    qtbot.keyClicks(due.edit, "2-24")
    qtbot.waitUntil(lambda: str(h.detail().card.next_action_due) == "2026-12-24", timeout=forms.PAUSE_MS * 4)


def test_a_pause_in_typing_saves_without_leaving_the_field(shown, services, qtbot):
    """Notes are saved after a short pause in typing; the cursor stays where the user types."""
    eid = engagement_at(services, "onboarding")
    h = shown(services, eid)
    notes = h.pane("Overview").card_form.editors["notes"]
    notes.setFocus()
    qtbot.keyClicks(notes, "Prefers calls ")
    qtbot.waitUntil(lambda: h.detail().card.notes == "Prefers calls", timeout=forms.PAUSE_MS * 4)
    assert notes.hasFocus()
    qtbot.keyClicks(notes, "on Fridays")
    assert notes.toPlainText() == "Prefers calls on Fridays"  # the save did not move the cursor
    qtbot.keyClick(notes, Qt.Key.Key_Tab)  # leaving the field saves
    assert h.detail().card.notes == "Prefers calls on Fridays"


def test_expectations_are_saved_as_each_field_is_left(shown, services, qtbot):
    """Scope, then Tab, cadence, then Tab: each is saved on leaving it; no Save button."""
    eid = engagement_at(services, "onboarding")
    h = shown(services, eid)
    h.window.tabs.setCurrentWidget(h.pane("Onboarding"))
    form = h.pane("Onboarding").expectations
    scope = form.editors["scope"]
    type_into(qtbot, scope, "Checkout and cart")
    qtbot.keyClick(scope, Qt.Key.Key_Tab)
    assert h.detail().expectations.scope == "Checkout and cart"
    cadence = form.editors["cadence"]
    assert cadence.hasFocus()
    qtbot.keyClicks(cadence, "Weekly")
    qtbot.keyClick(cadence, Qt.Key.Key_Tab)
    assert h.detail().expectations.cadence == "Weekly"
    assert h.stack.count() == 2  # two edits, each undoable


def test_the_outcome_summary_is_saved_when_esc_closes(shown, services, qtbot):
    """The outcome's summary, typed and left by Esc (which closes the workspace), is saved."""
    eid = engagement_at(services, "optimization")
    h = shown(services, eid)
    pane = h.pane("Outcome")
    h.window.tabs.setCurrentWidget(pane)
    summary = pane.form.editors["summary"]
    type_into(qtbot, summary, "Two more quarters, then hand over")
    qtbot.keyClick(summary, Qt.Key.Key_Escape)
    assert not h.window.isVisible()
    assert h.detail().outcome.summary == "Two more quarters, then hand over"


def test_no_pane_has_a_save_button(make, services):
    """Every pane saves as you go: no button a user could forget."""
    h = make(services, engagement_at(services, "optimization"))
    texts = [b.text() for b in h.window.findChildren(QAbstractButton)]
    assert not [t for t in texts if "save" in t.lower()]


def test_a_refused_save_keeps_the_window_open_and_says_why(shown, services, qtbot, tmp_path):
    """Clearing the client's name then closing: the core refuses the save, so the workspace
    stays open on the field with the reason, the database is unchanged, and the main window
    will not close either."""
    eid = engagement_at(services, "onboarding", client="Fjord AS")
    main = main_window(qtbot, services, tmp_path)
    main.open_engagement(eid)
    window = main.active_workspace()
    with qtbot.waitActive(window):
        window.activateWindow()
    field = window.pane("Overview").card_form.editors["client"]
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClick(field, Qt.Key.Key_W, CTRL)
    assert window.isVisible()
    assert "Client" in window.status.text()
    assert not window.status.isHidden()
    assert window.tabs.currentWidget() is window.pane("Overview")
    assert services.portfolio.card(eid).client == "Fjord AS"
    assert not main.close()
    assert main.isVisible()
    assert window.isVisible()
    qtbot.keyClicks(field, "Fjord Group")
    qtbot.keyClick(field, Qt.Key.Key_Tab)  # saved: the reason goes away
    assert window.status.isHidden()
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert not window.isVisible()
    assert services.portfolio.card(eid).client == "Fjord Group"


def test_a_note_without_a_score_is_not_dropped_silently(shown, services, qtbot):
    """A qualification note typed for an unscored criterion cannot be stored alone: closing
    says to choose the score instead of losing the note."""
    eid = services.portfolio.add("Fresh AS", "consulting").id
    h = shown(services, eid)
    h.window.tabs.setCurrentWidget(h.pane("Qualification"))
    note = h.pane("Qualification").notes["business_scale"]
    type_into(qtbot, note, "Forty stores")
    qtbot.keyClick(note, Qt.Key.Key_W, CTRL)
    assert h.window.isVisible()
    assert "choose a score to keep this note" in h.window.status.text()
    combo = h.pane("Qualification").scores["business_scale"]
    assert combo.hasFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # the first score: saved with the note
    assert h.detail().score_of("business_scale").note == "Forty stores"
    qtbot.keyClick(combo, Qt.Key.Key_W, CTRL)
    assert not h.window.isVisible()


# --- 3. closing keys ---------------------------------------------------------------------------


def _keys_of(window) -> list[str]:
    """Every key that works anywhere in the window (a widget's own keys, as Delete in a
    focused table, belong to that widget only)."""
    whole = (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut)
    keys = []
    for action in window.findChildren(QAction):
        if action.shortcutContext() in whole:
            keys += [k.toString() for k in action.shortcuts()]
    for shortcut in window.findChildren(QShortcut):
        if shortcut.context() in whole:
            keys += [k.toString() for k in shortcut.keys()]  # noqa: SIM118 - a QShortcut, not a dict
    return keys


def test_every_key_of_the_workspace_has_one_owner(make, services):
    """No key is given twice in the workspace (Qt then calls it ambiguous and does nothing):
    Ctrl+W and Ctrl+Shift+Z included, whatever the platform's standard keys are."""
    h = make(services, engagement_at(services, "qualification"))
    keys = _keys_of(h.window)
    assert "Ctrl+W" in keys
    assert "Esc" in keys
    assert sorted(k for k in keys if keys.count(k) > 1) == []


@pytest.mark.parametrize("key", [(Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_W, CTRL)])
def test_esc_and_ctrl_w_close_the_workspace(shown, services, qtbot, key):
    h = shown(services, engagement_at(services, "qualification"))
    target = h.pane("Overview").card_form.editors["owner"]
    target.setFocus()
    qtbot.keyClick(target, *key)
    assert not h.window.isVisible()


def test_the_toolbar_has_a_visible_close_button(shown, services, qtbot):
    h = shown(services, engagement_at(services, "qualification"))
    button = next(b for b in h.window.findChildren(QToolButton) if b.defaultAction() is h.window.close_action)
    assert button.isVisible()
    assert button.text() == "Close"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not h.window.isVisible()


# --- 4. status that follows the data -----------------------------------------------------------


def _gate_item(h, title):
    return next(i for i in h.window.gate.items if i.title == title)


def test_a_rule_about_records_not_there_yet_is_not_a_tick(make, services):
    """With no evaluated cycle, "A learning for every evaluated cycle" says it does not
    apply yet, with a dash, not a green tick."""
    eid = engagement_at(services, "execution")
    cycle = services.portfolio.detail(eid).cycles
    for c in cycle:
        services.records.delete("cycle", c.id)
    h = make(services, eid)
    item = _gate_item(h, "A learning for every evaluated cycle")
    assert item.state == "not_yet"
    box = next(
        w for w in h.window.gate.findChildren(QLabel)
        if w.objectName() == "gateLink" and w.accessibleName() == item.title
    ).parentWidget()  # fmt: skip
    assert box.accessibleName().endswith("does not apply yet")
    marks = [lb.text() for lb in box.findChildren(QLabel)]
    assert not [m for m in marks if "✓" in m]
    assert any("—" in m for m in marks)
    assert any(m == "Not yet: no evaluated cycle." for m in marks)
    assert h.window.gate.summary.text() == "0 of 1 requirement met; 1 not applying yet."


def test_the_gate_follows_a_dossier_export(shown, services, qtbot, tmp_path, monkeypatch):
    """Choosing completion shows the missing dossier; after Export dossier (the Outcome
    pane's button) the gate item turns met without reopening the workspace."""
    from ui import dossier_actions

    eid = engagement_at(services, "optimization")
    services.lifecycle.set_outcome(eid, "project_completion", summary="Done")
    main = main_window(qtbot, services, tmp_path)
    main.open_engagement(eid)
    window = main.active_workspace()
    title = "Completion: dossier exported after the last learning"
    assert next(i for i in window.gate.items if i.title == title).state == "missing"
    monkeypatch.setattr(dossier_actions, "_ask_path", lambda *_: tmp_path / "d.pdf")
    monkeypatch.setattr(dossier_actions, "_offer_to_open", lambda *_: None)
    pane = window.pane("Outcome")
    window.tabs.setCurrentWidget(pane)
    qtbot.mouseClick(pane.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: next(i for i in window.gate.items if i.title == title).met, timeout=30_000)
    assert "Dossier last exported" in pane.dossier.text()


def test_the_refusal_panel_follows_the_fixes_and_closes(qtbot, services, tmp_path):
    """A refused Ctrl+→ lists what is missing; Open checklist opens the pane that fixes the
    first item; each fix there shortens the list; the last one closes the panel."""
    eid = services.portfolio.add("Fresh AS", "consulting").id
    main = main_window(qtbot, services, tmp_path)
    view = main.board.columns["qualification"].view
    view.setFocus()
    assert view.select_id(eid)
    qtbot.keyClick(view, Qt.Key.Key_Right, CTRL)
    panel = main.refusal
    assert not panel.isHidden()
    assert panel.items.text().count("•") == 7
    qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    window = main.active_workspace()
    pane = window.pane("Qualification")
    assert window.tabs.currentWidget() is pane  # the verdict is the first item
    combo = pane.scores["business_scale"]
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert panel.items.text().count("•") == 6
    assert "business scale" not in panel.items.text()
    for c in framework.QUALIFICATION_CRITERIA:
        services.lifecycle.score_criterion(eid, c.slug, 2)
    services.records.add("stakeholder", eid, name="Dana")
    verdict = pane.verdict
    verdict.setFocus()
    qtbot.keyClick(verdict, Qt.Key.Key_Down)  # pending → qualified
    assert services.portfolio.detail(eid).verdict == "qualified"
    assert panel.isHidden()


# --- 5. getting around -------------------------------------------------------------------------


def test_a_gate_item_is_a_link_to_the_pane_that_fixes_it(shown, services, qtbot):
    """Clicking "At least one stakeholder" shows the Stakeholders pane; Shift+Tab from the
    move button walks the items one stop each, and Enter on "Verdict" shows Qualification."""
    eid = services.portfolio.add("Fresh AS", "consulting").id
    h = shown(services, eid)
    link = next(
        w for w in h.window.gate.findChildren(QLabel)
        if w.objectName() == "gateLink" and w.accessibleName() == "At least one stakeholder"
    )  # fmt: skip
    qtbot.mouseClick(link, Qt.MouseButton.LeftButton, pos=QPoint(8, link.height() // 2))
    assert h.window.tabs.currentWidget() is h.pane("Stakeholders")
    links = [w for w in h.window.gate.findChildren(QLabel) if w.objectName() == "gateLink"]
    h.window.gate.move_button.setFocus()
    stops = []
    for _ in links:
        qtbot.keyClick(h.window.focusWidget(), Qt.Key.Key_Backtab)
        stops.append(h.window.focusWidget().accessibleName())
    assert stops == ["At least one stakeholder", "All five criteria scored", "Verdict: qualified"]
    qtbot.keyClick(h.window.focusWidget(), Qt.Key.Key_Return)
    assert h.window.tabs.currentWidget() is h.pane("Qualification")


def test_after_a_move_the_workspace_shows_the_new_stages_pane(shown, services, qtbot):
    """Moving from Initial Insight Development shows Cycles, the pane of the first open item
    of Structured Execution's gate."""
    eid = engagement_at(services, "insight")
    satisfy(services, eid, "insight")
    h = shown(services, eid)
    h.window.refresh()
    qtbot.mouseClick(h.window.gate.move_button, Qt.MouseButton.LeftButton)
    assert h.detail().stage == "execution"
    assert h.window.tabs.currentWidget() is h.pane("Cycles")


# --- 7. layout ---------------------------------------------------------------------------------


def test_every_pane_is_reachable_at_1024_pixels(shown, services):
    """At 1024×700 every pane's name is whole in view: no scroll arrows, no scroll bar."""
    h = shown(services, engagement_at(services, "optimization"))
    names = h.window.tabs.list
    assert names.verticalScrollBar().isHidden() or names.verticalScrollBar().maximum() == 0
    for row in range(names.count()):
        rect = names.visualItemRect(names.item(row))
        assert names.viewport().rect().contains(rect), names.item(row).text()
        assert names.fontMetrics().horizontalAdvance(names.item(row).text()) < rect.width()
    assert h.window.width() == 1024


def test_the_drift_line_appearing_moves_nothing(shown, services, qtbot):
    """Drift appearing fills a line that was kept for it: the window and its panes keep
    their size and place."""
    eid = engagement_at(services, "execution")
    h = shown(services, eid)
    before = (h.window.size(), h.window.splitter.geometry())
    type_into(qtbot, h.pane("Overview").card_form.editors["owner"], "Maya")  # an edit: a refresh
    services.records.add("hypothesis", eid, statement="Unscored idea")
    qtbot.keyClick(h.pane("Overview").card_form.editors["owner"], Qt.Key.Key_Tab)
    assert h.window.drift.full_text()
    qtbot.wait(20)
    assert (h.window.size(), h.window.splitter.geometry()) == before


def test_esc_in_a_record_dialog_with_typed_text_asks_before_dropping_it(make, services, qtbot, monkeypatch):
    """Esc in an add dialog with a typed name asks; "Save" adds the record. An untouched
    dialog closes on Esc without asking."""
    from PySide6.QtWidgets import QMessageBox

    h = make(services, engagement_at(services, "qualification"))
    asked = []

    def answer(*args, **_kwargs):
        asked.append(args[2])
        return QMessageBox.StandardButton.Save

    monkeypatch.setattr(QMessageBox, "question", answer)
    table = h.pane("Stakeholders").table
    untouched = table.add_dialog()
    untouched.show()
    qtbot.waitExposed(untouched)
    qtbot.keyClick(untouched, Qt.Key.Key_Escape)
    assert not untouched.isVisible()
    assert asked == []
    dialog = table.add_dialog()
    dialog.show()
    qtbot.waitExposed(dialog)
    name = dialog.form.editors["name"]
    name.setFocus()
    qtbot.keyClicks(name, "Ana Ruiz")
    qtbot.keyClick(name, Qt.Key.Key_Escape)
    assert asked == ["Keep what you typed?"]
    assert [s.name for s in h.detail().stakeholders] == ["Ana Ruiz"]


def test_undo_from_the_toolbar_takes_back_the_typing_first(shown, services, qtbot):
    """Typed notes not yet saved, then a click on Undo: the typing is saved and undone; the
    edit before it stays."""
    eid = engagement_at(services, "onboarding")
    h = shown(services, eid)
    form = h.pane("Overview").card_form
    type_into(qtbot, form.editors["owner"], "Maya")
    qtbot.keyClick(form.editors["owner"], Qt.Key.Key_Tab)
    notes = form.editors["notes"]
    notes.setFocus()
    qtbot.keyClicks(notes, "Prefers calls")
    button = next(b for b in h.window.findChildren(QToolButton) if b.defaultAction() is h.window.undo_action)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    card = h.detail().card
    assert (card.owner, card.notes) == ("Maya", "")
    assert notes.toPlainText() == ""
    qtbot.wait(forms.PAUSE_MS + 200)  # nothing left to save later
    assert h.detail().card.notes == ""


def test_the_gate_follows_a_portfolio_dossier_export(qtbot, services, tmp_path, monkeypatch):
    """File → Export dossier of the shown engagements records the export on each: an open
    workspace's gate turns met without reopening."""
    from ui import dossier_actions

    eid = engagement_at(services, "optimization")
    services.lifecycle.set_outcome(eid, "project_completion", summary="Done")
    main = main_window(qtbot, services, tmp_path)
    main.open_engagement(eid)
    window = main.active_workspace()
    title = "Completion: dossier exported after the last learning"
    assert next(i for i in window.gate.items if i.title == title).state == "missing"
    monkeypatch.setattr(dossier_actions, "_ask_path", lambda *_: tmp_path / "p.pdf")
    monkeypatch.setattr(dossier_actions, "_offer_to_open", lambda *_: None)
    action = next(a for a in main.file_menu.actions() if a.text().startswith("Export dossier of"))
    action.trigger()
    qtbot.waitUntil(lambda: next(i for i in window.gate.items if i.title == title).met, timeout=60_000)


def test_the_workspace_follows_the_calendar(make, services, clock, monkeypatch, qtbot):
    """Left open while days pass, the workspace re-reads itself (as the board does hourly):
    the days in stage move on and the check-in requirement goes stale."""
    from datetime import timedelta

    from ui.workspace import window as ws

    monkeypatch.setattr(ws, "RECHECK_MS", 30)
    eid = engagement_at(services, "optimization")
    services.records.add("checkin", eid, ratings=ALL_HEALTHY)
    h = make(services, eid)
    assert "0 days in stage" in h.window.subtitle.text()
    assert _gate_item(h, "A recent health check-in").met
    clock.at += timedelta(days=40)
    qtbot.waitUntil(lambda: "40 days in stage" in h.window.subtitle.text(), timeout=2000)
    assert not _gate_item(h, "A recent health check-in").met
    h.window.close()  # closing stops the re-reading
    assert not h.window._recheck.isActive()


def test_ctrl_enter_saves_a_record_dialog_from_a_text_box(make, services, qtbot):
    """In a text box Enter starts a new line; Ctrl+Enter saves the dialog."""
    h = make(services, engagement_at(services, "insight"))
    dialog = h.pane("Insights & hypotheses").insights.add_dialog()
    dialog.show()
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    statement = dialog.form.editors["statement"]
    statement.setFocus()
    qtbot.keyClicks(statement, "Users abandon at shipping")
    qtbot.keyClick(statement, Qt.Key.Key_Return, CTRL)
    assert not dialog.isVisible()
    assert h.detail().insights[-1].statement == "Users abandon at shipping"


def test_alt_m_moves_to_the_next_stage_from_anywhere_in_the_workspace(shown, services, qtbot):
    """Alt+M is the gate's move button from any field: what is typed is saved first, then
    the move goes through the core and the new stage's pane shows."""
    eid = engagement_at(services, "qualification")
    satisfy(services, eid, "qualification")
    h = shown(services, eid)
    h.window.refresh()
    field = h.pane("Overview").card_form.editors["next_action"]
    type_into(qtbot, field, "Kick-off call")
    qtbot.keyClick(field, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    detail = h.detail()
    assert (detail.stage, detail.card.next_action) == ("onboarding", "Kick-off call")
    assert h.window.tabs.currentWidget() is h.pane("Onboarding")
