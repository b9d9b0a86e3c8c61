"""What a new consultant ran into taking a client through all six stages in a real window
(issue 11's last "Done when"), each driven by clicks and keys as the user did it."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from mwms_desktop import framework
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
