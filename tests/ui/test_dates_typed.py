"""Issue 11, item 2: a date is taken exactly as typed, Tab leaves a date field, and a dialog
opens on its first real input. Driven by keys and clicks, as a user types."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from mwms_desktop import framework
from tests.factories import engagement_at


def _show(qtbot, dialog) -> None:
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)


def _ok(qtbot, dialog) -> None:
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def _type(qtbot, text: str) -> None:
    qtbot.keyClicks(QApplication.focusWidget(), text)


def _key(qtbot, key: Qt.Key) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key)


def test_a_cycle_keeps_the_dates_typed_after_ticking_set(make, services, qtbot):
    """Tick "Set" for Started on, type 2026-10-05; tick Ended on, type 2026-10-19: both are
    saved as typed (the old editor saved other days: its cursor skipped the month)."""
    eid = engagement_at(services, "execution")
    h = make(services, eid)
    h.show(qtbot)
    dialog = h.pane("Cycles").table.add_dialog()
    _show(qtbot, dialog)
    editors = dialog.form.editors
    qtbot.keyClicks(editors["title"], "Free shipping banner")
    for key, typed in (("started_on", "2026-10-05"), ("ended_on", "2026-10-19")):
        qtbot.mouseClick(editors[key].check, Qt.MouseButton.LeftButton)
        _type(qtbot, typed)
        _key(qtbot, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() not in (editors[key].edit, editors[key].check)
    _ok(qtbot, dialog)
    cycle = next(c for c in services.portfolio.detail(eid).cycles if c.title == "Free shipping banner")
    assert (cycle.started_on, cycle.ended_on) == (date(2026, 10, 5), date(2026, 10, 19))


def test_a_date_in_the_locales_short_format_is_taken_as_typed(qtbot):
    from ui.workspace.fields import DateEditor

    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    try:
        editor = DateEditor("Started on", date(2026, 11, 2), optional=False)
        qtbot.addWidget(editor)
        editor.show()
        qtbot.waitExposed(editor)
        editor.edit.selectAll()
        qtbot.keyClicks(editor.edit, "10/5/26")
        qtbot.keyClick(editor.edit, Qt.Key.Key_Tab)
        assert editor.value() == date(2026, 10, 5)
    finally:
        QLocale.setDefault(QLocale.system())


def test_a_date_that_is_no_date_is_refused_with_the_text_kept(make, services, qtbot):
    """Typing "2026-13-45" does not become some other day: the dialog stays open, says why,
    and the text is still there to correct."""
    eid = engagement_at(services, "execution")
    h = make(services, eid)
    h.show(qtbot)
    dialog = h.pane("Cycles").table.add_dialog()
    _show(qtbot, dialog)
    editors = dialog.form.editors
    qtbot.keyClicks(editors["title"], "Bad day")
    qtbot.mouseClick(editors["started_on"].check, Qt.MouseButton.LeftButton)
    _type(qtbot, "2026-13-45")
    _ok(qtbot, dialog)
    assert dialog.isVisible()
    assert "Started on" in dialog.form.error.text()
    assert editors["started_on"].edit.text() == "2026-13-45"
    assert QApplication.focusWidget() is editors["started_on"].edit  # the text, to correct it
    assert not [c for c in services.portfolio.detail(eid).cycles if c.title == "Bad day"]


def test_a_checkin_opens_on_the_first_rating_and_tab_walks_the_ratings(make, services, qtbot):
    """The check-in dialog starts in the first rating; typing a rating and Tab eleven times
    fills the eleven ratings and leaves Held on at today (it used to type into its month)."""
    eid = engagement_at(services, "optimization")
    h = make(services, eid)
    h.show(qtbot)
    dialog = h.pane("Health").table.add_dialog()
    _show(qtbot, dialog)
    ratings = dialog.form.editors["ratings"]
    first = ratings.pickers[framework.HEALTHY_INDICATORS[0].slug]
    assert QApplication.focusWidget() is first
    # Shift+Tab back to Held on and Tab again: the date is one stop, not three.
    _key(qtbot, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is dialog.form.editors["held_on"].edit
    _key(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is first
    slugs = [t.slug for t in (*framework.HEALTHY_INDICATORS, *framework.UNHEALTHY_SIGNALS)]
    for _slug in slugs:  # a digit rates the indicator that has the focus
        _type(qtbot, "3")
        _key(qtbot, Qt.Key.Key_Tab)
    _ok(qtbot, dialog)
    checkin = services.portfolio.detail(eid).checkins[0]
    assert checkin.held_on == date(2026, 11, 2)
    assert checkin.ratings == {s: 3 for s in slugs}


@pytest.mark.qt_log_ignore("does not support grabbing the keyboard")  # a popup, offscreen
def test_alt_down_opens_a_calendar_and_enter_takes_its_day(qtbot):
    from ui.workspace.fields import DateEditor

    editor = DateEditor("Ended on", date(2026, 11, 2), optional=False)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    editor.edit.setFocus()
    qtbot.keyClick(editor.edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    calendar = editor.calendar
    qtbot.waitUntil(calendar.isVisible)
    qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key.Key_Right)
    # A pick is an edit, as if typed: a form that saves as the user goes hears of it.
    with qtbot.waitSignals([editor.edit.textEdited, editor.edit.editingFinished], timeout=1000):
        qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key.Key_Return)
    assert editor.edit.text() == "2026-11-03"
    assert editor.value() == date(2026, 11, 3)


def test_a_half_typed_date_is_not_complete(qtbot):
    """What a save-on-pause can ask before saving: "2026-1" is on its way to a date."""
    from ui.workspace.fields import DateEditor

    editor = DateEditor("Due", date(2026, 11, 2))
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    assert editor.is_complete()  # not set
    qtbot.mouseClick(editor.check, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(editor.edit, "2026-1")
    assert not editor.is_complete()
    qtbot.keyClicks(editor.edit, "2-05")
    assert editor.is_complete()
    assert editor.value() == date(2026, 12, 5)
