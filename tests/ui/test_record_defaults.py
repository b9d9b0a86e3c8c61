"""Issue 11, item 6: defaults that spare a second edit. A new hypothesis cites the only insight
and lists the most recent insights first; a new cycle is on the only hypothesis; a result chosen
on a running cycle offers to mark it evaluated instead of a refusal."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from tests.factories import engagement_at


def _show(qtbot, dialog) -> None:
    dialog.show()
    qtbot.waitExposed(dialog)


def _ok(qtbot, dialog) -> None:
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def test_a_new_hypothesis_cites_the_only_insight(make, services, qtbot):
    eid = engagement_at(services, "insight")
    insight = services.records.add("insight", eid, activity="research", statement="Shipping shocks")
    h = make(services, eid)
    h.show(qtbot)
    dialog = h.pane("Insights & hypotheses").hypotheses.add_dialog()
    _show(qtbot, dialog)
    qtbot.keyClicks(dialog.form.editors["statement"], "Show shipping early")
    _ok(qtbot, dialog)
    (hypothesis,) = h.detail().hypotheses
    assert hypothesis.insight_ids == (insight.id,)


def test_hypothesis_insights_are_offered_most_recent_first_and_none_ticked(make, services, qtbot):
    eid = engagement_at(services, "insight")
    for day, statement in ((date(2026, 9, 1), "Old survey"), (date(2026, 10, 20), "New analytics")):
        services.records.add("insight", eid, activity="research", statement=statement, recorded_on=day)
    h = make(services, eid)
    dialog = h.pane("Insights & hypotheses").hypotheses.add_dialog()
    links = dialog.form.editors["insight_ids"]
    assert [links.item(r).text() for r in range(links.count())] == [
        "Research: New analytics",
        "Research: Old survey",
    ]
    assert links.ids() == ()  # two insights: the user chooses
    dialog.close()


def test_a_new_cycle_is_on_the_only_hypothesis(make, services, qtbot):
    eid = engagement_at(services, "execution")
    (hypothesis,) = services.portfolio.detail(eid).hypotheses
    h = make(services, eid)
    h.show(qtbot)
    dialog = h.pane("Cycles").table.add_dialog()
    _show(qtbot, dialog)
    qtbot.keyClicks(dialog.form.editors["title"], "Banner test")
    _ok(qtbot, dialog)
    (cycle,) = h.detail().cycles
    assert cycle.hypothesis_id == hypothesis.id


def _answer(button_text: str) -> None:
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox), box
    button = next(b for b in box.buttons() if b.text() == button_text)
    button.click()


def test_a_result_on_a_running_cycle_offers_to_mark_it_evaluated(make, services, qtbot):
    eid = engagement_at(services, "execution")
    (hypothesis,) = services.portfolio.detail(eid).hypotheses
    cycle = services.records.add("cycle", eid, title="Banner", hypothesis_id=hypothesis.id, status="running")
    h = make(services, eid)
    h.show(qtbot)
    dialog = h.pane("Cycles").table.edit_dialog(cycle.id)
    _show(qtbot, dialog)
    result = dialog.form.editors["result"]
    result.setFocus()
    QTimer.singleShot(0, lambda: _answer("Keep it running"))
    qtbot.keyClick(result, Qt.Key.Key_Down)  # "Win": asked, and kept running, the result goes
    assert (dialog.form.value("status"), dialog.form.value("result")) == ("running", None)
    QTimer.singleShot(0, lambda: _answer("Mark evaluated"))
    qtbot.keyClick(result, Qt.Key.Key_Down)
    _ok(qtbot, dialog)
    saved = services.records.values("cycle", cycle.id)
    assert (saved["status"], saved["result"]) == ("evaluated", "win")


def test_a_new_learning_cites_the_only_cycle_without_one(make, services, qtbot):
    """The same default for learnings: the one evaluated cycle no learning cites yet."""
    eid = engagement_at(services, "execution")
    (hypothesis,) = services.portfolio.detail(eid).hypotheses
    cycle = services.records.add(
        "cycle", eid, title="Banner", hypothesis_id=hypothesis.id, status="evaluated", result="win"
    )
    h = make(services, eid)
    h.show(qtbot)
    dialog = h.pane("Learnings").table.add_dialog()
    _show(qtbot, dialog)
    qtbot.keyClicks(dialog.form.editors["statement"], "Banners above the fold win")
    _ok(qtbot, dialog)
    (learning,) = h.detail().learnings
    assert learning.cycle_ids == (cycle.id,)
