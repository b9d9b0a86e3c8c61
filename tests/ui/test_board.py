"""The board: columns hold the right cards, drops and keys move through the core's gates,
undo restores, a refused move changes nothing, and a real drag can never lose a card."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QToolBar

from mwms_desktop import framework
from mwms_desktop.services import Services
from tests.factories import dump, engagement_at, satisfy
from tests.ui.tips import shown
from ui import undo_commands as uc
from ui.main_window import MainWindow
from ui.preferences import Preferences
from ui.stage_model import MIME_TYPE, StageListModel, encode_ids


@pytest.fixture
def window(qtbot, services: Services, tmp_path: Path) -> MainWindow:
    prefs = Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))
    w = MainWindow(services, prefs, restore_state=False)
    w.controller.reason_provider = lambda client, a, b: "Scope changed"
    qtbot.addWidget(w)
    w.resize(1400, 800)
    w.show()
    return w


def column_ids(window: MainWindow, stage: str) -> list[int]:
    model = window.board.columns[stage].model
    return [model.card_at(r).id for r in range(model.rowCount())]


def test_window_shows_six_columns_with_the_demo_cards(qtbot, demo_services, tmp_path):
    """Opening the window on a demo database shows six stage columns holding exactly the
    active engagements of each stage, with real card data."""
    prefs = Preferences(QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat))
    w = MainWindow(demo_services, prefs, restore_state=False)
    qtbot.addWidget(w)
    assert list(w.board.columns) == list(framework.STAGE_SLUGS)
    cards = demo_services.portfolio.cards()
    for stage in framework.STAGE_SLUGS:
        expected = {c.client for c in cards if c.stage == stage}
        model = w.board.columns[stage].model
        shown = {model.index(r, 0).data() for r in range(model.rowCount())}
        assert expected, stage
        assert shown == expected, stage
    assert w.windowTitle().startswith(demo_services.path.name)
    assert f"{len(cards)} active engagements" in w.status_counts.text()


def test_stage_models_pass_the_model_tester(qtmodeltester, demo_services, window):
    """Every column model is a well-behaved QAbstractItemModel."""
    window.store.reload()
    for column in window.board.columns.values():
        qtmodeltester.check(column.model)


def test_drop_through_the_model_moves_the_engagement(window, services):
    """dropMimeData on the next column's model moves the card in the database and on screen."""
    eid = engagement_at(services, "qualification")
    satisfy(services, eid, "qualification")
    window.store.reload()
    target = window.board.columns["onboarding"].model
    ok = target.dropMimeData(
        encode_ids([eid], "qualification"), Qt.DropAction.MoveAction, -1, 0, QModelIndex()
    )
    assert ok
    assert services.portfolio.card(eid).stage == "onboarding"
    assert column_ids(window, "onboarding") == [eid]
    assert column_ids(window, "qualification") == []


def test_refused_drop_changes_nothing_and_shows_what_is_missing(window, services, db_path):
    """A drop the gate refuses leaves the database byte-for-byte as it was, and the panel
    lists every unmet requirement."""
    eid = engagement_at(services, "qualification")
    window.store.reload()
    before = dump(db_path)
    target = window.board.columns["onboarding"].model
    ok = target.dropMimeData(
        encode_ids([eid], "qualification"), Qt.DropAction.MoveAction, -1, 0, QModelIndex()
    )
    assert not ok
    assert dump(db_path) == before
    assert column_ids(window, "qualification") == [eid]
    assert window.undo_stack.count() == 0  # a refused move leaves nothing to undo
    assert window.refusal.isVisible()
    text = window.refusal.items.text()
    assert "Qualification: the verdict is not “qualified”." in text
    assert "Qualification: no stakeholder recorded." in text


def test_skip_is_refused_from_the_board(window, services, db_path):
    """Dropping two columns ahead is refused as a skip, even with every gate met."""
    eid = engagement_at(services, "qualification")
    satisfy(services, eid, "qualification")
    satisfy(services, eid, "onboarding")
    window.store.reload()
    before = dump(db_path)
    model = window.board.columns["insight"].model
    assert not model.dropMimeData(
        encode_ids([eid], "qualification"), Qt.DropAction.MoveAction, -1, 0, QModelIndex()
    )
    assert dump(db_path) == before
    assert "Stages cannot be skipped" in window.refusal.items.text()


def _send_drag(view, mime, pos: QPoint) -> None:
    viewport = view.viewport()
    actions = Qt.DropAction.MoveAction
    enter = QDragEnterEvent(pos, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, enter)
    drop = QDropEvent(QPointF(pos), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, drop)


def test_synthetic_drag_events_on_the_viewport_move_a_card(window, services):
    """Drag-enter shows the gate's verdict on the target column; the drop moves the card."""
    eid = engagement_at(services, "qualification")
    satisfy(services, eid, "qualification")
    window.store.reload()
    column = window.board.columns["onboarding"]
    verdicts = []
    column.view.drag_verdict.connect(verdicts.append)
    mime = window.board.columns["qualification"].model.mimeData(
        [window.board.columns["qualification"].model.index(0, 0)]
    )
    _send_drag(column.view, mime, QPoint(40, 40))
    assert verdicts[0] == []  # the gate holds: highlighted as a valid target
    assert services.portfolio.card(eid).stage == "onboarding"
    assert column_ids(window, "onboarding") == [eid]


def test_drag_over_a_refusing_column_shows_the_reason(window, services):
    """While dragging over a column the gate would refuse, the column says why."""
    eid = engagement_at(services, "qualification")
    window.store.reload()
    column = window.board.columns["onboarding"]
    mime = encode_ids([eid], "qualification")
    enter = QDragEnterEvent(
        QPoint(30, 30),
        Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(column.view.viewport(), enter)
    assert column.view.property("dropState") == "refused"
    assert column.banner.isVisibleTo(column)
    assert "Qualification: the verdict is not “qualified”." in column.banner.text()
    assert "and 3 more" in column.banner.text()
    assert "Qualification: no stakeholder recorded." in shown(column.banner.toolTip())


def test_source_side_removal_cannot_lose_or_duplicate_a_card(window, services):
    """After a MoveAction drag Qt calls removeRows on the source model; the card has
    already moved through the store, so the source must refuse and both columns stay true."""
    a = engagement_at(services, "qualification", client="Alpha")
    b = engagement_at(services, "qualification", client="Beta")
    satisfy(services, a, "qualification")
    window.store.reload()
    source: StageListModel = window.board.columns["qualification"].model
    target = window.board.columns["onboarding"].model
    assert target.dropMimeData(
        source.mimeData([source.index(0, 0)]), Qt.DropAction.MoveAction, -1, 0, QModelIndex()
    )
    # What QAbstractItemView::startDrag does next, on the (stale) source selection:
    assert source.removeRows(0, 1) is False
    assert column_ids(window, "qualification") == [b]
    assert column_ids(window, "onboarding") == [a]
    assert sorted(c.id for c in services.portfolio.cards()) == sorted([a, b])


def test_mime_data_uses_the_app_type_and_rejects_foreign_payloads(window, services):
    """Only our MIME type with a well-formed id list is accepted for a drop."""
    from PySide6.QtCore import QMimeData

    eid = engagement_at(services, "qualification")
    window.store.reload()
    model = window.board.columns["onboarding"].model
    assert model.mimeTypes() == [MIME_TYPE]
    junk = QMimeData()
    junk.setData(MIME_TYPE, b"{not json")
    assert not model.canDropMimeData(junk, Qt.DropAction.MoveAction, -1, 0, QModelIndex())
    text = QMimeData()
    text.setText(str(eid))
    assert not model.dropMimeData(text, Qt.DropAction.MoveAction, -1, 0, QModelIndex())


def test_reorder_within_a_column(window, services):
    """Dropping a card above another in the same column reorders it, and undo puts it back."""
    ids = [engagement_at(services, "qualification", client=n) for n in ("A", "B", "C")]
    window.store.reload()
    model = window.board.columns["qualification"].model
    assert model.dropMimeData(
        encode_ids([ids[2]], "qualification"), Qt.DropAction.MoveAction, 0, 0, QModelIndex()
    )
    assert column_ids(window, "qualification") == [ids[2], ids[0], ids[1]]
    window.undo_stack.undo()
    assert column_ids(window, "qualification") == ids


def test_keyboard_moves_a_card_forward_and_back(qtbot, window, services):
    """Ctrl+Right moves the selected card one stage on; Ctrl+Left moves it back with the
    reason asked for, recorded in the stage history."""
    eid = engagement_at(services, "qualification")
    satisfy(services, eid, "qualification")
    window.store.reload()
    view = window.board.columns["qualification"].view
    view.setFocus()
    assert view.select_id(eid)
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert services.portfolio.card(eid).stage == "onboarding"
    view = window.board.columns["onboarding"].view
    assert view.current_id() == eid  # the selection follows the card
    qtbot.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert services.portfolio.card(eid).stage == "qualification"
    last = services.lifecycle.history(eid)[-1]
    assert (last.kind, last.reason) == ("backward", "Scope changed")


def test_backward_move_cancelled_when_no_reason_given(window, services):
    """A backward drop without a reason does nothing."""
    eid = engagement_at(services, "onboarding")
    window.store.reload()
    window.controller.reason_provider = lambda *a: None
    assert not window.controller.move(eid, "qualification")
    assert services.portfolio.card(eid).stage == "onboarding"


def test_undo_and_redo_of_a_move_restore_the_database(window, services, db_path):
    """Undo returns the engagement to its stage and place (recorded as an undo in the
    history); redo moves it again."""
    eid = engagement_at(services, "qualification")
    satisfy(services, eid, "qualification")
    window.store.reload()
    assert window.controller.move(eid, "onboarding")
    window.undo_stack.undo()
    card = services.portfolio.card(eid)
    assert card.stage == "qualification"
    assert [m.kind for m in services.lifecycle.history(eid)] == ["created", "forward", "undo"]
    window.undo_stack.redo()
    assert services.portfolio.card(eid).stage == "onboarding"
    assert column_ids(window, "onboarding") == [eid]


def test_undo_and_redo_of_an_edit_restore_the_card(window, services):
    """An edit of card fields is undone and redone exactly."""
    from ui import undo_commands as uc

    eid = engagement_at(services, "qualification", client="Old Name")
    window.store.reload()
    before = services.portfolio.card(eid)
    cmd = uc.update_command(
        services, eid, {"client": "New & <Improved>", "owner": "Kim"}, **window.controller.hooks()
    )
    assert window.controller.push(cmd)
    assert services.portfolio.card(eid).client == "New & <Improved>"
    window.undo_stack.undo()
    after = services.portfolio.card(eid)
    assert (after.client, after.owner) == (before.client, before.owner)
    window.undo_stack.redo()
    assert window.store.card(eid).client == "New & <Improved>"


def test_filter_narrows_columns_and_counts_follow(window, demo_services):
    """Search and filters narrow every column; the header says 'n of m'."""
    w = window
    w.services = demo_services
    w.store.services = demo_services
    w.store.reload()
    total_q = w.store.total("qualification")
    w.filters.search.setText("fjord")
    w.filters._emit()
    assert [w.store.card(i).client for i in column_ids(w, "qualification")] == ["Fjord Fintech"]
    assert w.board.columns["qualification"].count.text() == f"1 of {total_q}"
    assert all(column_ids(w, s) == [] for s in framework.STAGE_SLUGS if s != "qualification")
    w.filters.search.setText("")
    w.filters.drift_box.setChecked(True)
    shown = [w.store.card(i) for s in framework.STAGE_SLUGS for i in column_ids(w, s)]
    assert shown
    assert all(c.drift for c in shown)


def test_wip_limit_warns_when_exceeded(window, services):
    """A column over its WIP limit marks its count as a warning."""
    for n in range(3):
        engagement_at(services, "qualification", client=f"C{n}")
    window.store.reload()
    column = window.board.columns["qualification"]
    column.set_wip_limit(2)
    assert column.count.property("over") is True
    assert "⚠" in column.count.text()
    column.set_wip_limit(5)
    assert column.count.property("over") is False


def test_empty_database_offers_the_first_step(window, services):
    """A new user sees the empty state, and loading the demo fills the board."""
    assert window.pages.currentWidget() is window.empty
    window.load_demo()
    assert window.pages.currentIndex() == 1
    assert window.store.count() >= 12


def test_cards_expose_accessible_text(window, demo_services):
    """Screen readers get the card's content, health in words and drift."""
    window.services = demo_services
    window.store.services = demo_services
    window.store.reload()
    model = window.board.columns["insight"].model
    texts = [model.index(r, 0).data(Qt.ItemDataRole.AccessibleTextRole) for r in range(model.rowCount())]
    assert any("Stalled" in t and "health" in t for t in texts)


def test_status_counts_follow_edits(qtbot, demo_services, tmp_path):
    """The status bar's drift and at-risk counts appear after the first paint and stay right
    as cards change (kept current card by card, not recounted)."""
    prefs = Preferences(QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat))
    w = MainWindow(demo_services, prefs, restore_state=False)
    qtbot.addWidget(w)
    w.show()
    cards = demo_services.portfolio.cards()
    at_risk = [c for c in cards if c.health.band == "at_risk"]
    drifting = sum(1 for c in cards if c.drift)
    qtbot.waitUntil(lambda: "at risk" in w.status_counts.text())
    assert f"{drifting} with drift · {len(at_risk)} at risk" in w.status_counts.text()
    assert w.controller.archive(at_risk[0].id)
    assert f"· {len(at_risk) - 1} at risk" in w.status_counts.text()
    w.undo_stack.undo()
    assert f"{drifting} with drift · {len(at_risk)} at risk" in w.status_counts.text()


def test_arrow_keys_move_focus_between_columns_and_enter_opens(qtbot, window, services):
    """Without a mouse: → and ← move between columns, Enter asks to open the card."""
    a = engagement_at(services, "qualification", client="Alpha")
    b = engagement_at(services, "onboarding", client="Beta")
    window.store.reload()
    first = window.board.columns["qualification"].view
    first.setFocus()
    first.select_id(a)
    qtbot.keyClick(first, Qt.Key.Key_Right)
    second = window.board.columns["onboarding"].view
    assert second.hasFocus()
    assert second.current_id() == b
    with qtbot.waitSignal(window.board.open_requested) as opened:
        qtbot.keyClick(second, Qt.Key.Key_Return)
    assert opened.args == [b]


def test_a_card_opens_where_its_stage_work_is(qtbot, window, services):
    """Enter on a card opens its workspace on the pane that fixes the stage's first open
    requirement (a new onboarding's checklist); with the gate met, on the Overview."""
    fresh = engagement_at(services, "onboarding", client="Beta")
    ready = engagement_at(services, "qualification", client="Gamma")
    satisfy(services, ready, "qualification")
    window.store.reload()
    for stage, eid, pane in (("onboarding", fresh, "Onboarding"), ("qualification", ready, "Overview")):
        view = window.board.columns[stage].view
        view.setFocus()
        view.select_id(eid)
        qtbot.keyClick(view, Qt.Key.Key_Return)
        ws = window.active_workspace()
        assert ws.eid == eid
        assert ws.tabs.currentWidget() is ws.pane(pane), stage
        ws.close()


def test_clear_filters_shows_every_card_and_hides_itself(qtbot, window, services):
    """A filter that matches nothing says so; Clear filters brings every card back."""
    engagement_at(services, "onboarding", client="Beta")
    window.store.reload()
    window.filters.search.setText("no such client")
    window.filters._emit()
    assert window.store.visible_count() == 0
    assert "none matches the filters" in window.status_counts.text()
    assert window.filters.clear_button.isVisible()
    window.filters.clear_button.click()
    assert window.filters.search.text() == ""
    assert window.store.visible_count() == window.store.count() == 1
    assert not window.filters.clear_button.isVisible()


def test_toolbar_undo_keeps_a_short_label_and_names_the_command_in_its_tooltip(qtbot, window):
    window.controller.add("A Very Long Client Name That Would Push The Toolbar", "consulting", "")
    (undo,) = [a for a in window.findChild(QToolBar, "boardToolbar").actions() if a.text() == "Undo"]
    assert undo.isEnabled()
    assert "A Very Long Client Name" in shown(undo.toolTip())
    undo.trigger()
    assert window.store.count() == 0
    assert not undo.isEnabled()


def test_a_refused_move_keeps_the_redo_history(window, services):
    """Undo a move, then try a move the gate refuses: the undone move can still be redone."""
    a = engagement_at(services, "insight", client="Alpha")
    b = engagement_at(services, "qualification", client="Beta")
    satisfy(services, a, "insight")
    window.store.reload()
    assert window.controller.move(a, "execution")
    window.undo_stack.undo()
    assert window.undo_stack.canRedo()
    assert not window.controller.move(b, "onboarding")  # refused: Beta's gate is unmet
    assert window.undo_stack.canRedo()
    window.undo_stack.redo()
    assert services.portfolio.card(a).stage == "execution"


def test_undoing_a_move_gives_back_the_days_in_stage(window, services, clock):
    """Thirty days in Insight, a move, an undo: thirty days in Insight again (and still
    stalled), not a fresh start."""
    from datetime import timedelta

    a = engagement_at(services, "insight", client="Alpha")
    satisfy(services, a, "insight")
    clock.at += timedelta(days=30)
    window.store.reload()
    before = services.portfolio.card(a)
    assert before.days_in_stage == 30
    assert any(s.code == "stalled" for s in before.drift)
    assert window.controller.move(a, "execution")
    assert services.portfolio.card(a).days_in_stage == 0
    window.undo_stack.undo()
    after = services.portfolio.card(a)
    assert (after.stage, after.days_in_stage) == ("insight", 30)
    assert any(s.code == "stalled" for s in after.drift)


def test_undoing_an_archive_puts_the_card_back_where_it_stood(window, services):
    ids = [services.portfolio.add(name).id for name in ("First", "Middle", "Last")]
    window.store.reload()
    assert window.controller.archive(ids[1])
    assert window.store.ids("qualification") == [ids[0], ids[2]]
    window.undo_stack.undo()
    assert window.store.ids("qualification") == ids


def test_the_board_keeps_the_database_order_when_a_column_is_renumbered(window, services):
    """Sixty drops into one gap make the core renumber the column; the board's order stays
    the database's after every drop (it places a card by its neighbour, not by stale positions)."""
    target = services.portfolio.add("Target").id
    window.store.reload()
    for n in range(60):
        eid = window.controller.add(f"Dropped {n}", "consulting", "")
        assert window.controller.drop_card(eid, "qualification", target)
    in_db = [c.id for c in services.portfolio.cards() if c.stage == "qualification"]
    assert window.store.ids("qualification") == in_db


def test_an_edit_repaints_its_own_card_without_resetting_the_column(window, services):
    """Editing one card tells its column that row changed, not that every row did: the list
    keeps its selection and scroll position, and the new text shows."""
    services.portfolio.add("First", "consulting")
    second = services.portfolio.add("Second", "consulting").id
    window.store.reload()
    model = window.board.columns["qualification"].model
    resets, changed = [], []
    model.modelReset.connect(lambda: resets.append(True))
    model.dataChanged.connect(lambda top, bottom, roles=(): changed.append((top.row(), bottom.row())))
    hooks = window.controller.hooks()
    assert window.controller.push(uc.update_command(services, second, {"client": "Renamed"}, **hooks))
    assert resets == []
    assert changed == [(1, 1)]
    assert model.index(1, 0).data() == "Renamed"


def test_up_in_a_column_with_no_current_card_selects_one(qtbot, services, window):
    """After a reset leaves no current card, an arrow key picks a card (as Qt does), rather
    than being taken as a step out of the column."""
    services.portfolio.add("A", "consulting")
    services.portfolio.add("B", "consulting")
    window.store.reload()
    view = window.board.columns["qualification"].view
    view.setFocus()
    view.setCurrentIndex(QModelIndex())
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert view.currentIndex().isValid()
