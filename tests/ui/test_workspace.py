"""The engagement workspace: it shows the whole engagement, every edit is an undo command
that the database takes back exactly, the core's refusals keep the data and show the
message, and the gate checklist follows the records."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from mwms_desktop import framework
from mwms_desktop.errors import ValidationError
from tests.factories import ALL_HEALTHY, engagement_at
from ui.workspace.window import WorkspaceWindow


def test_window_title_is_client_and_stage(make, services):
    """The title names the client and the stage, and every pane is a tab."""
    eid = engagement_at(services, "insight", client="Fjord AS")
    h = make(services, eid)
    assert h.window.windowTitle() == "Fjord AS — Initial Insight Development"
    assert h.window.tabs.count() == 10


def test_added_stakeholder_is_undone_and_redone_exactly(make, services):
    """Adding a stakeholder writes it; undo returns the engagement exactly to before; redo
    brings back the same record (same uuid)."""
    eid = engagement_at(services, "qualification")
    h = make(services, eid)
    before = h.detail()
    table = h.pane("Stakeholders").table
    assert table.add_record({"name": "Ana Ruiz", "role": "CMO", "alignment": "aligned"}) is None
    added = h.detail().stakeholders
    assert [s.name for s in added] == ["Ana Ruiz"]
    assert table.model.rowCount() == 1
    h.stack.undo()
    assert h.detail() == before
    assert table.model.rowCount() == 0
    h.stack.redo()
    assert h.detail().stakeholders == added


def test_edited_and_removed_records_come_back_exactly(make, services):
    """Editing then removing a stakeholder, then undoing both, restores the database as it was."""
    eid = engagement_at(services, "onboarding")
    h = make(services, eid)
    before = h.detail()
    table = h.pane("Stakeholders").table
    rid = before.stakeholders[0].id
    assert table.edit_record(rid, {"role": "Chief sponsor", "alignment": "neutral"}) is None
    assert h.detail().stakeholders[0].role == "Chief sponsor"
    assert table.remove_record(rid) is None
    assert h.detail().stakeholders == ()
    h.stack.undo()
    h.stack.undo()
    assert h.detail() == before


def test_validation_error_keeps_data_and_shows_the_message(make, services):
    """A stakeholder without a name is refused by the core: nothing is written, nothing is
    pushed on the undo stack, and the message is returned with the field it names."""
    eid = engagement_at(services, "qualification")
    h = make(services, eid)
    before = h.detail()
    error = h.pane("Stakeholders").table.add_record({"name": "  ", "role": "CMO"})
    assert isinstance(error, ValidationError)
    assert error.field == "Name"
    assert h.detail() == before
    assert h.stack.count() == 0


def test_refused_dialog_stays_open_with_the_message(make, services, qtbot):
    """OK on a cycle marked evaluated without a result leaves the dialog open, shows the
    core's sentence and puts the cursor on the Result field; the database is unchanged."""
    eid = engagement_at(services, "execution")
    h = make(services, eid)
    h.window.show()
    before = h.detail()
    dialog = h.pane("Cycles").table.add_dialog()
    dialog.show()
    form = dialog.form
    form.editors["title"].setText("Pricing page test")
    form.editors["status"].set_value("evaluated")
    dialog.accept()
    assert dialog.isVisible()
    assert "needs a result" in form.error.text()
    assert not form.error.isHidden()
    assert dialog.focusWidget() is form.editors["result"]
    assert h.detail() == before
    form.editors["result"].set_value("win")
    dialog.accept()
    assert not dialog.isVisible()
    assert [c.title for c in h.detail().cycles] == ["Pricing page test"]


def test_edit_dialog_sends_only_the_changed_fields(make, services):
    """The edit dialog loads the stored record and submits just what changed, as one command."""
    eid = engagement_at(services, "execution")
    h = make(services, eid)
    hyp = h.detail().hypotheses[0]
    pane = h.pane("Insights & hypotheses").hypotheses
    dialog = pane.edit_dialog(hyp.id)
    assert dialog.form.value("insight_ids") == hyp.insight_ids
    dialog.form.editors["impact"].set_value(2)
    assert dialog.form.changes() == {"impact": 2}
    dialog.accept()
    assert h.detail().hypotheses[0].impact == 2
    assert h.stack.count() == 1


def test_removing_a_linked_insight_and_undoing_restores_the_links(make, services):
    """An insight cited by a hypothesis is removed (the link goes with it); undo puts back the
    insight and the hypothesis' link, and the priority column shows the ICE score."""
    eid = engagement_at(services, "execution")
    h = make(services, eid)
    before = h.detail()
    research = h.pane("Insights & hypotheses")
    assert research.hypotheses.model.index(0, 1).data() == "7.0"
    assert research.insights.remove_record(before.insights[0].id) is None
    assert h.detail().hypotheses[0].insight_ids == ()
    h.stack.undo()
    assert h.detail() == before


def test_ticking_the_last_onboarding_element_updates_the_checklist(make, services):
    """With six elements confirmed, ticking the seventh turns the gate item to met; undo turns it back."""
    eid = engagement_at(services, "onboarding")
    for element in framework.ONBOARDING_ELEMENTS[:-1]:
        services.lifecycle.set_onboarding(eid, element.slug, True)
    h = make(services, eid)
    title = "All seven onboarding elements confirmed"
    item = next(i for i in h.window.gate.items if i.title == title)
    assert not item.met
    last = framework.ONBOARDING_ELEMENTS[-1].slug
    assert h.pane("Onboarding").set_element(last, True) is None
    assert next(i for i in h.window.gate.items if i.title == title).met
    assert h.pane("Onboarding").checks[last].isChecked()
    h.stack.undo()
    assert not next(i for i in h.window.gate.items if i.title == title).met


def test_expectations_and_card_fields_undo_exactly(make, services):
    """The expectations record and the card's own fields are edited and undone exactly."""
    eid = engagement_at(services, "onboarding")
    h = make(services, eid)
    before = h.detail()
    onboarding, overview = h.pane("Onboarding"), h.pane("Overview")
    values = {"scope": "Checkout", "cadence": "Weekly", "success_measures": "+5%", "agreed_on": None}
    assert onboarding.set_expectations(values) is None
    assert overview.update_card({"owner": "Maya Chen", "tags": "retail, b2c"}) is None
    assert h.detail().card.tags == ("retail", "b2c")
    assert h.window.pane("Overview").card_form.value("owner") == "Maya Chen"
    h.stack.undo()
    h.stack.undo()
    assert h.detail() == before


def test_bad_card_edit_is_refused_in_place(make, services):
    """Clearing the client name is refused: the message shows under the form, nothing changes."""
    eid = engagement_at(services, "qualification")
    h = make(services, eid)
    before = h.detail()
    overview = h.pane("Overview")
    error = overview.update_card({"client": ""})
    assert isinstance(error, ValidationError)
    assert "Client" in overview.card_form.error.text()
    assert h.detail() == before


def test_scores_and_verdict_undo_and_not_a_fit_returns_to_its_place(make, services):
    """A score is set and undone exactly; "Not a fit" takes the card off the board and undo
    brings it back active, qualified again, at its place in the column."""
    other = engagement_at(services, "qualification", client="Below Ltd")
    eid = services.portfolio.add("Top Ltd", "consulting").id
    services.portfolio.reorder(eid, other)
    h = make(services, eid)
    before = h.detail()
    pane = h.pane("Qualification")
    assert pane.set_score("business_scale", 3, "Large") is None
    assert h.detail().score_of("business_scale").score == 3
    h.stack.undo()
    assert h.detail() == before
    assert pane.set_verdict("not_a_fit", "Too small") is None
    assert h.detail().card.status == "disqualified"
    assert h.window.windowTitle().endswith("(disqualified)")
    h.stack.undo()
    after = h.detail()
    assert (after.card.status, after.verdict, after.verdict_note) == ("active", "pending", "")
    assert services.portfolio.card_below(eid) == other


def test_outcome_has_its_own_pane_usable_from_optimization_and_undone(make, services):
    """The outcome has its own pane: before Continuous Optimization it explains when it comes
    and its fields are disabled; from there on choosing one is undoable."""
    early = make(services, engagement_at(services, "execution", client="Early"))
    pane = early.pane("Outcome")
    assert not pane.box.isEnabled()
    assert "chosen from stage 5, Continuous Optimization" in pane.intro.text()
    eid = engagement_at(services, "optimization")
    h = make(services, eid)
    before = h.detail()
    outcome = h.pane("Outcome")
    assert outcome.box.isEnabled()
    values = {"outcome": "expanded_scope", "decided_on": None, "summary": "More markets"}
    assert outcome.set_outcome(values) is None
    assert h.detail().outcome.outcome == "expanded_scope"
    h.stack.undo()
    assert h.detail() == before


def test_check_in_with_ratings_feeds_the_chart(make, services):
    """A check-in rated on every indicator is added, scored by the core and drawn on the chart;
    one with an indicator left unrated is refused with the indicator named."""
    eid = engagement_at(services, "optimization")
    h = make(services, eid)
    health = h.pane("Health")
    missing = dict(ALL_HEALTHY)
    missing.pop("clear_communication")
    error = health.table.add_record({"ratings": missing, "note": ""})
    assert "Clear communication is not rated" in str(error)
    assert health.table.add_record({"ratings": ALL_HEALTHY, "note": "Great"}) is None
    assert [c.score for c in health.chart.checkins] == [100]
    assert "100 (Healthy)" in health.chart.accessibleDescription()


def test_move_button_asks_the_core_and_shows_refusals_inline(make, services):
    """Move to the next stage is refused while the gate is unmet (the reasons show beside the
    checklist) and succeeds once it holds; the window follows the new stage."""
    eid = engagement_at(services, "insight")
    h = make(services, eid)
    gate = h.window.gate
    gate.move_button.click()
    assert h.detail().stage == "insight"
    assert "no research or data-review insight" in gate.refusal.text()
    research = h.pane("Insights & hypotheses")
    research.insights.add_record({"activity": "research", "statement": "Users abandon at shipping"})
    iid = h.detail().insights[0].id
    values = {
        "statement": "Show shipping early",
        "impact": 8,
        "confidence": 6,
        "ease": 7,
        "insight_ids": [iid],
    }
    assert research.hypotheses.add_record(values) is None
    assert all(i.met for i in gate.items)
    gate.move_button.click()
    assert h.detail().stage == "execution"
    assert h.window.windowTitle().endswith("Structured Execution")
    assert gate.move_button.text() == "Move to Continuous Optimization"


def test_keyboard_undo_redo_and_close(make, services, qtbot):
    """Ctrl+Z and Ctrl+Shift+Z in the workspace undo and redo its edits; Ctrl+W closes it."""
    eid = engagement_at(services, "qualification")
    h = make(services, eid)
    h.window.show()
    with qtbot.waitActive(h.window):
        h.window.activateWindow()
    h.pane("Stakeholders").table.add_record({"name": "Ana Ruiz"})
    h.window.tabs.setFocus()
    qtbot.keyClick(h.window.tabs, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert h.detail().stakeholders == ()
    mods = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(h.window.tabs, Qt.Key.Key_Z, mods)
    assert [s.name for s in h.detail().stakeholders] == ["Ana Ruiz"]
    qtbot.keyClick(h.window.tabs, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert not h.window.isVisible()


def test_refresh_keeps_the_tab_and_the_selection(make, services):
    """An edit elsewhere re-reads the engagement without losing the tab or the selected row."""
    eid = engagement_at(services, "onboarding")
    h = make(services, eid)
    table = h.pane("Stakeholders").table
    table.add_record({"name": "Ana Ruiz"})
    first = h.detail().stakeholders[0].id
    table.select_id(first)
    h.window.tabs.setCurrentIndex(3)
    h.pane("Overview").update_card({"owner": "Jonas"})
    assert h.window.tabs.currentIndex() == 3
    assert table.selected_id() == first


def test_export_button_emits_the_engagement_id(make, services, qtbot):
    """ "Export dossier…" is a signal carrying the engagement id, for the dossier's owner to connect."""
    eid = engagement_at(services, "qualification")
    h = make(services, eid)
    with qtbot.waitSignal(h.window.export_requested) as blocker:
        h.window.export_action.trigger()
    assert blocker.args == [eid]


def test_record_models_pass_the_model_tester(qtmodeltester, make, demo_services):
    """Every table model of the workspace passes Qt's model tester on demo data."""
    eid = next(c.id for c in demo_services.portfolio.cards() if c.stage == "optimization")
    h = make(demo_services, eid)
    tables = [
        h.pane("Stakeholders").table,
        h.pane("Insights & hypotheses").insights,
        h.pane("Insights & hypotheses").hypotheses,
        h.pane("Cycles").table,
        h.pane("Learnings").table,
        h.pane("Health").table,
    ]
    for table in tables:
        assert table.model.rowCount() > 0, table.kind
        qtmodeltester.check(table.model)


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen: raise_() is a no-op
def test_main_window_opens_one_workspace_per_engagement(qtbot, demo_services, tmp_path: Path):
    """The board's Open shows this window, once per engagement; markup in a client name is
    shown as text; closing it forgets it."""
    from ui.main_window import MainWindow
    from ui.preferences import Preferences

    prefs = Preferences(QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat))
    main = MainWindow(demo_services, prefs, restore_state=False)
    qtbot.addWidget(main)
    eid = next(c.id for c in demo_services.portfolio.cards() if c.client.startswith("<b>"))
    main.open_engagement(eid)
    window = main.active_workspace()
    assert isinstance(window, WorkspaceWindow)
    main.open_engagement(eid)
    assert main.active_workspace() is window
    assert window.client.text() == "<b>Acme</b> & Sons"
    assert window.client.textFormat() == Qt.TextFormat.PlainText
    window.close()
    assert main.active_workspace() is None
    qtbot.waitUntil(lambda: eid not in main._workspaces)  # deleted on close, then forgotten


def test_delete_key_removes_the_selected_row_of_the_focused_table(make, services, qtbot):
    """Delete in a focused table removes its selected record (undoable); the other table of
    the same pane is untouched."""
    eid = engagement_at(services, "execution")
    h = make(services, eid)
    h.window.show()
    with qtbot.waitActive(h.window):
        h.window.activateWindow()
    research = h.pane("Insights & hypotheses")
    h.window.tabs.setCurrentWidget(research)
    hypothesis = h.detail().hypotheses[0].id
    research.hypotheses.select_id(hypothesis)
    research.hypotheses.view.setFocus()
    qtbot.keyClick(research.hypotheses.view, Qt.Key.Key_Delete)
    detail = h.detail()
    assert (len(detail.hypotheses), len(detail.insights)) == (0, 1)
    assert "Ctrl+Z" in research.hypotheses.status.text()
