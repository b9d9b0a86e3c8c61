"""The workspace's finish: what a date editor does on load and on a tick, how the tables size
and sort, the wording of counts and of "no value", the drift line, the last stage's gate
panel, and a window that stays narrow with a long client name."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QLineEdit

from mwms_desktop import framework
from mwms_desktop.services import Services
from mwms_desktop.views import OutcomeView
from tests.factories import engagement_at, satisfy
from tests.ui.tips import shown
from ui.workspace import fields as f
from ui.workspace.base import plural
from ui.workspace.forms import FieldSpec, FormWidget
from ui.workspace.window import GATE_MAX, GATE_MIN

TODAY = date(2026, 11, 2)  # the clock fixture's day
LONG = "A statement long enough that no column of a normal table shows it whole, " * 3


def _labels(widget) -> list[str]:
    return [label.text() for label in widget.findChildren(QLabel) if not label.isHidden()]


# --- date editors ------------------------------------------------------------------------------


def test_loading_a_date_never_takes_the_focus_but_a_users_tick_does(qtbot):
    """set_value ticks the box from code without moving the cursor to the date; the user's own
    click on the box does move it there."""
    form = FormWidget([FieldSpec("name", "Name", "text"), FieldSpec("due", "Due", "date")], TODAY)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    name, due = form.editors["name"], form.editors["due"]
    name.setFocus()
    form.load({"name": "x", "due": date(2026, 12, 1)})
    assert due.check.isChecked()
    assert form.focusWidget() is name
    due.set_value(None)
    qtbot.mouseClick(due.check, Qt.MouseButton.LeftButton)
    assert due.check.isChecked()
    assert form.focusWidget() is due.edit


def test_edit_dialog_and_overview_do_not_open_on_a_date(make, services, qtbot):
    """An edit dialog whose dates are set opens on its first field, not a date; the Overview
    tab, whose due date is set, leaves the focus off the date."""
    eid = engagement_at(services, "optimization")
    services.portfolio.update(eid, next_action="Call", next_action_due=date(2026, 11, 20))
    h = make(services, eid)
    h.show(qtbot)
    due = h.pane("Overview").card_form.editors["next_action_due"]
    assert due.value() == date(2026, 11, 20)
    assert h.window.focusWidget() is not due.edit
    cycles = h.pane("Cycles").table
    cycle = services.portfolio.detail(eid).cycles[0]
    services.records.update("cycle", cycle.id, started_on=date(2026, 10, 1), ended_on=date(2026, 10, 9))
    dialog = cycles.edit_dialog(cycle.id)
    assert dialog.form.editors["ended_on"].value() == date(2026, 10, 9)
    assert dialog.focusWidget() is None  # nothing asked for the focus while loading


def test_an_unset_date_reads_not_set_and_a_tick_brings_back_a_day(qtbot):
    """Unticked, the date is disabled and shows "Not set" (not a greyed day); a tick shows
    today, or the day it had before it was unticked; unticked, the value is None."""
    editor = f.DateEditor("Due", TODAY)
    qtbot.addWidget(editor)
    assert editor.value() is None
    assert not editor.edit.isEnabled()
    assert editor.edit.text() == "Not set"
    editor.check.click()
    assert editor.value() == TODAY
    assert editor.edit.text() == "2026-11-02"
    editor.set_value(date(2026, 1, 15))
    editor.check.click()  # off
    assert editor.value() is None
    assert editor.edit.text() == "Not set"
    editor.check.click()  # on again: the day it had
    assert editor.value() == date(2026, 1, 15)


def test_checkin_and_insight_dates_start_at_today_without_a_box(make, services):
    """The core records today when a check-in or an insight has no date, so their dialogs show
    today, with no "Set" box to untick."""
    eid = engagement_at(services, "insight")
    h = make(services, eid)
    for table, key in (
        (h.pane("Health").table, "held_on"),
        (h.pane("Insights & hypotheses").insights, "recorded_on"),
    ):
        dialog = table.add_dialog()
        editor = dialog.form.editors[key]
        assert editor.value() == TODAY
        assert editor.check.isHidden()
        assert editor.edit.isEnabled()
        dialog.close()


# --- tables --------------------------------------------------------------------------------


def _hypotheses(services: Services, eid: int) -> None:
    for statement, ice in (
        ("Low", (2, 2, 2)),
        ("Unscored", (None, 5, 5)),
        ("High", (9, 9, 9)),
        ("Middle", (5, 5, 5)),
    ):
        impact, confidence, ease = ice
        services.records.add(
            "hypothesis", eid, statement=statement, impact=impact, confidence=confidence, ease=ease
        )


def _column(table, column: int) -> list[str]:
    return [table.proxy.index(r, column).data() for r in range(table.proxy.rowCount())]


def test_hypotheses_show_highest_priority_first_and_sort_by_a_clicked_header(make, services, qtbot):
    """Hypotheses open sorted by ICE priority, highest first, the unscored last (shown as a
    dash); a click on a header sorts by that column."""
    eid = engagement_at(services, "insight")
    _hypotheses(services, eid)
    h = make(services, eid)
    table = h.pane("Insights & hypotheses").hypotheses
    assert _column(table, 0) == ["High", "Middle", "Low", "Unscored"]
    assert _column(table, 1) == ["9.0", "5.0", "2.0", "—"]
    h.show(qtbot)
    h.window.tabs.setCurrentWidget(h.pane("Insights & hypotheses"))
    header = table.view.horizontalHeader()
    x = header.sectionViewportPosition(0) + header.sectionSize(0) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert _column(table, 0) == ["High", "Low", "Middle", "Unscored"]


def test_main_column_takes_the_spare_width_without_a_horizontal_scroll_bar(make, services, qtbot):
    """In a wide window the columns fill the table exactly: the main text column (Statement)
    gets the room, the minor Detail column stays within its cap, and no horizontal scroll
    bar shows."""
    eid = engagement_at(services, "insight")
    services.records.add("insight", eid, activity="research", statement="Short", detail=LONG)
    h = make(services, eid)
    h.show(qtbot)
    h.window.tabs.setCurrentWidget(h.pane("Insights & hypotheses"))
    qtbot.wait(10)
    table = h.pane("Insights & hypotheses").insights
    view = table.view
    widths = [view.columnWidth(c) for c in range(4)]
    assert sum(widths) == view.viewport().width()
    assert not view.horizontalScrollBar().isVisible()
    char = view.fontMetrics().averageCharWidth()
    assert widths[3] <= max(view.horizontalHeader().sectionSizeHint(3), 26 * char)  # Detail capped
    assert widths[1] == max(widths)  # Statement stretched
    # Narrow: the window shrinks, the table refits (still no sideways scrolling for 4 columns).
    h.window.resize(900, 700)
    qtbot.wait(10)
    assert sum(view.columnWidth(c) for c in range(4)) == view.viewport().width()


def test_a_cut_cell_shows_its_whole_text_in_a_tooltip_and_a_whole_one_none(make, services, qtbot):
    """The tooltip of a cell cut short holds the whole text (escaped, so client text is
    never markup); a cell that shows everything has none."""
    eid = engagement_at(services, "insight")
    services.records.add("insight", eid, activity="research", statement="Users abandon at shipping")
    services.records.add("insight", eid, activity="research", statement="<b>Bold</b> " + LONG)
    h = make(services, eid)
    h.show(qtbot)
    h.window.tabs.setCurrentWidget(h.pane("Insights & hypotheses"))
    table = h.pane("Insights & hypotheses").insights
    rows = {table.proxy.index(r, 1).data(): r for r in range(table.proxy.rowCount())}
    short = table.proxy.index(rows["Users abandon at shipping"], 1)
    long_row = next(r for text, r in rows.items() if text.startswith("<b>"))
    tip = table.tooltip_for(table.proxy.index(long_row, 1))
    assert tip is not None
    assert "&lt;b&gt;Bold&lt;/b&gt;" in tip
    assert LONG.strip()[-40:] in tip
    assert table.tooltip_for(short) is None


def test_stakeholder_note_has_a_column_and_empty_cells_show_a_dash(make, services):
    """A stakeholder's note is in the table; a value not set shows as "—" in any table."""
    eid = engagement_at(services, "qualification")
    services.records.add("stakeholder", eid, name="Ana", note="Prefers email")
    h = make(services, eid)
    table = h.pane("Stakeholders").table
    titles = [c.title for c in table.model.columns]
    assert "Note" in titles
    row = table.model.row_of(h.services.portfolio.detail(eid).stakeholders[-1].id)
    assert table.model.index(row, titles.index("Note")).data() == "Prefers email"
    assert table.model.index(row, titles.index("Last contact")).data() == "—"
    assert table.model.index(row, titles.index("Mitigation")).data() == "—"


# --- wording -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "word", "many", "expected"),
    [
        (1, "day", None, "1 day"),
        (0, "day", None, "0 days"),
        (2, "cycle", None, "2 cycles"),
        (1, "entry", "entries", "1 entry"),
        (3, "entry", "entries", "3 entries"),
    ],
)
def test_plural(n, word, many, expected):
    """Counts take the singular only for exactly one."""
    assert plural(n, word, many) == expected


def test_counts_in_the_header_and_panes_agree_with_their_number(make, services, clock):
    """One day in stage, one history entry and one cycle read in the singular."""
    eid = services.portfolio.add("Solo AS", "consulting").id
    clock.at += timedelta(days=1)
    h = make(services, eid)
    assert "1 day in stage" in h.window.subtitle.text()
    history = h.pane("History").summary.text()
    assert "for 1 day;" in history
    assert "1 entry since" in history
    services.records.add("cycle", eid, title="Only one")
    h.window.refresh()
    assert h.pane("Cycles").summary.text().startswith("1 cycle, 0 evaluated")


def test_quotes_speak_of_the_framework_not_a_course(make, services):
    """No label tells the user what "the course" says; the stakeholder quote reads "early in
    the relationship lifecycle"."""
    h = make(services, engagement_at(services, "execution"))
    texts = _labels(h.window)
    assert not [t for t in texts if "course" in t.lower()]
    assert any("early in the relationship lifecycle" in t for t in texts)
    assert any(t.startswith("The framework emphasizes research-driven") for t in texts)


def test_editors_say_not_set_or_not_scored(qtbot):
    """An unset choice or date says "Not set"; an unset score says "Not scored"."""
    form = FormWidget(
        [
            FieldSpec("result", "Result", "optional_choice", framework.CYCLE_RESULTS),
            FieldSpec("impact", "Impact", "number", low=1, high=10),
            FieldSpec("on", "On", "date"),
            FieldSpec("ratings", "Ratings", "ratings"),
        ],
        TODAY,
    )
    qtbot.addWidget(form)
    form.load({"result": None, "impact": None, "on": None, "ratings": {}})
    assert form.editors["result"].currentText() == "Not set"
    assert form.editors["impact"].text() == "Not scored"
    assert form.editors["on"].edit.text() == "Not set"
    pickers = form.editors["ratings"].pickers
    assert {p.text() for p in pickers.values()} == {"Not scored"}


# --- layout -------------------------------------------------------------------------------


def test_small_controls_keep_their_width_while_text_fields_grow(make, services, qtbot):
    """In a wide window the due date, a number and the verdict choice stay at their natural
    width; the text fields beside them take the room."""
    eid = engagement_at(services, "qualification")
    h = make(services, eid)
    h.show(qtbot)
    form = h.pane("Overview").card_form
    text = form.editors["next_action"]
    assert text.width() > 500
    assert form.editors["next_action_due"].width() < 300
    assert form.editors["engagement_type"].width() < text.width() / 2
    h.window.tabs.setCurrentWidget(h.pane("Qualification"))
    qual = h.pane("Qualification")
    assert qual.verdict.width() < qual.verdict_note.width() / 2
    dialog = h.pane("Insights & hypotheses").hypotheses.add_dialog()
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.form.editors["impact"].width() < dialog.form.editors["statement"].width() / 2


def test_long_client_name_is_cut_and_the_window_can_narrow(make, services, qtbot):
    """A very long client name does not widen the window: the title is cut with "…" (the
    whole name in its tooltip) and the window goes down to 900 pixels."""
    name = "The Extraordinarily Long-Named Consolidated Regional Agricultural Cooperative " * 2
    eid = services.portfolio.add(name.strip(), "consulting").id
    h = make(services, eid)
    assert h.window.minimumSizeHint().width() <= 900
    h.show(qtbot, 900, 700)
    assert h.window.width() == 900
    title = h.window.client
    assert title.text().endswith("…")
    assert shown(title.toolTip()) == name.strip()
    assert title.width() <= 900


def test_gate_panel_gives_way_to_the_tabs_in_a_narrow_window(make, services, qtbot):
    """Wide, the gate panel is at most GATE_MAX and its button names the next stage; at 900
    pixels it is down to GATE_MIN, the tabs keep the rest, and the button takes a shorter
    text instead of scrolling."""
    eid = engagement_at(services, "execution")
    h = make(services, eid)
    h.show(qtbot, 1280, 820)
    gate = h.window.gate
    assert GATE_MIN <= gate.width() <= GATE_MAX
    assert gate.move_button.text() == "Move to Continuous Optimization"
    h.window.resize(900, 700)
    qtbot.wait(10)
    assert gate.width() == GATE_MIN
    assert h.window.tabs.width() > 2 * gate.width()
    assert gate.move_button.text() == "Move to next stage"
    assert gate.move_button.accessibleName() == "Move to Continuous Optimization"
    assert gate.move_button.width() <= gate.width()


# --- gate panel and drift ---------------------------------------------------------------------


def test_last_stage_says_there_is_no_gate_and_names_the_outcome(make, services):
    """In Expansion or Completion the panel says it is the final stage, names the outcome and
    offers no move; with the outcome cleared it says where to choose one."""
    eid = engagement_at(services, "outcome")
    h = make(services, eid)
    gate = h.window.gate
    assert gate.heading.text() == "Final stage: no further gate"
    assert "leaving" not in gate.heading.text()
    assert gate.summary.text().startswith("Outcome: Extended retainer structure, decided 2026-11-02.")
    assert gate.move_button.isHidden()
    # The core keeps an outcome in this stage; data from before that rule may lack one.
    detail = services.portfolio.detail(eid)
    gate.set_gate(dataclasses.replace(detail, outcome=OutcomeView()), [])
    assert gate.summary.text().startswith("No outcome recorded yet")


def test_missing_requirements_hang_under_their_text(make, services, qtbot):
    """Each missing sentence is its own label beside its bullet, so its wrapped lines start
    under the text, not under the bullet."""
    eid = services.portfolio.add("Fresh AS", "consulting").id
    h = make(services, eid)
    h.show(qtbot, 900, 700)
    missing = [lb for lb in h.window.gate.findChildren(QLabel) if lb.objectName() == "gateMissing"]
    bullets = [lb for lb in missing if lb.text() == "•"]
    sentences = [lb for lb in missing if lb.text() != "•"]
    assert bullets
    assert len(bullets) == len(sentences)
    assert not [s for s in sentences if s.text().startswith("•")]
    for bullet, sentence in zip(bullets, sentences, strict=True):
        assert sentence.x() > bullet.x() + bullet.width() - 1
    assert any(s.height() > s.fontMetrics().lineSpacing() * 1.5 for s in sentences)  # one wraps


def test_refusal_reasons_are_bullets_with_escaped_client_text(make, services):
    """A refused move lists the reasons as rows (bullet, text); text from the records is
    escaped, never markup."""
    eid = services.portfolio.add("<i>Odd</i> & Co", "consulting").id
    h = make(services, eid)
    h.window.gate.show_refusal(["cycle “<b>x</b>” has no learning."])
    text = h.window.gate.refusal.text()
    assert "&lt;b&gt;x&lt;/b&gt;" in text
    assert "<td>•&nbsp;</td>" in text


def test_open_drift_signals_show_under_the_title(make, services):
    """An engagement with drift shows each signal's sentence under the title with the ⚠ and
    the count, as its board card does; with none the line is empty."""
    eid = engagement_at(services, "execution")
    h = make(services, eid)
    assert h.window.drift.full_text() == ""
    services.records.add("hypothesis", eid, statement="Unscored idea")
    h.window.refresh()
    card = services.portfolio.detail(eid).card
    assert [s.code for s in card.drift] == ["unprioritised"]
    assert "⚠ 1" in h.window.drift_badge.text()
    assert h.window.drift.full_text() == card.drift[0].message
    assert h.window.drift.accessibleDescription() == card.drift[0].message


# --- toolbar -------------------------------------------------------------------------------


def test_undo_names_the_edit_cut_to_a_toolbar_width(make, services):
    """Undo names the last edit; a long client name in it (an engagement added) is cut with "…" (whole in the
    tooltip), and an ampersand is shown, not taken as a shortcut mark."""
    eid = engagement_at(services, "qualification")
    h = make(services, eid)
    assert h.window.undo_action.text() == "&Undo"
    assert not h.window.undo_action.isEnabled()
    h.controller.add("R&D" + " Extraordinarily Long Name" * 4, "consulting")
    action = h.window.undo_action
    assert action.isEnabled()
    assert action.iconText().endswith("…")
    assert "R&&D" in action.iconText()
    assert shown(action.toolTip()) == f"Undo {h.stack.undoText()}"
    h.stack.undo()
    assert h.window.redo_action.isEnabled()
    assert shown(h.window.redo_action.toolTip()) == f"Redo {h.stack.redoText()}"


def test_line_edit_shows_the_beginning_of_a_long_value(qtbot):
    """A loaded text field shows its start (cursor at 0), not its end."""
    editor = f.TextEditor()
    qtbot.addWidget(editor)
    editor.set_value("Begins here " + "y" * 300)
    assert isinstance(editor, QLineEdit)
    assert editor.cursorPosition() == 0


def test_a_table_of_many_columns_leaves_its_main_text_readable(make, services, qtbot):
    """The learnings table has eight columns: the others give way below their titles (cut
    with "…", whole in the header's tooltip) rather than leave the statement a few letters
    wide behind a sideways scroll bar; a short text such as a date stays whole."""
    eid = engagement_at(services, "optimization")
    satisfy(services, eid, "optimization")
    (learning,) = services.portfolio.detail(eid).learnings
    services.records.update("learning", learning.id, statement=LONG, tags="pricing, checkout, shipping")
    h = make(services, eid)
    h.show(qtbot)
    h.window.show_pane(h.pane("Learnings"))
    qtbot.wait(10)
    view = h.pane("Learnings").table.view
    model, header = view.model(), view.horizontalHeader()
    char = view.fontMetrics().averageCharWidth()
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert len(titles) >= 8
    assert not view.horizontalScrollBar().isVisible()
    assert view.columnWidth(titles.index("Statement")) >= 30 * char
    recorded = titles.index("Recorded")
    assert view.columnWidth(recorded) >= view.sizeHintForColumn(recorded)  # the date whole
    cut = [c for c, t in enumerate(titles) if view.columnWidth(c) < header.sectionSizeHint(c)]
    assert cut  # some titles gave way ...
    for c in cut:  # ... and say so, whole, in the tooltip
        assert model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == titles[c]
