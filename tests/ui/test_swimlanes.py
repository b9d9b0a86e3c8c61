"""Swimlanes: the board split into a band per engagement type or per owner. Each lane's cells
hold exactly that lane's cards of each stage; moves go through the same gates; a card keeps
its lane; the choice, the filter and folding behave as a consultant expects."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import SIGNAL, QEvent, QModelIndex, QPoint, QRect, QSettings, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent
from PySide6.QtWidgets import QApplication

from mwms_desktop import framework
from mwms_desktop.services import Services
from tests.factories import dump, engagement_at, satisfy
from tests.ui.tips import shown
from ui import undo_commands as uc
from ui.board_store import BoardFilter
from ui.main_window import MainWindow
from ui.preferences import SWIMLANES, Preferences
from ui.stage_model import encode_ids
from ui.swimlanes import LaneRow, SwimlaneBoard

MOVE = Qt.DropAction.MoveAction


def _prefs(tmp_path: Path) -> Preferences:
    return Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def window(qtbot, services: Services, tmp_path: Path) -> MainWindow:
    w = MainWindow(services, _prefs(tmp_path), restore_state=False)
    w.controller.reason_provider = lambda client, a, b: "Scope changed"
    qtbot.addWidget(w)
    w.resize(1400, 800)
    w.show()
    return w


def _lanes(window: MainWindow) -> SwimlaneBoard:
    assert window.lanes is not None
    assert window.boards.currentWidget() is window.lanes
    return window.lanes


def _row(window: MainWindow, label: str) -> LaneRow:
    return next(r for r in _lanes(window).lanes if r.lane.label == label)


def _cell_ids(row: LaneRow, stage: str) -> list[int]:
    model = row.cells[stage].model
    return [model.card_at(r).id for r in range(model.rowCount())]


def _flush_deletes() -> None:
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_lanes_by_type_hold_exactly_each_types_cards_per_stage(qtmodeltester, demo_services, window):
    """Every lane's six cells show that type's active cards of each stage in board order; the
    lanes follow the framework's order of types; every cell model passes the model tester."""
    window.store.reload()
    window.set_swimlanes("engagement_type")
    cards = demo_services.portfolio.cards()
    types = [t.slug for t in framework.ENGAGEMENT_TYPES if any(c.engagement_type == t.slug for c in cards)]
    lanes = _lanes(window).lanes
    assert [r.lane.value for r in lanes] == types
    for row in lanes:
        for stage in framework.STAGE_SLUGS:
            expected = [c.id for c in cards if c.stage == stage and c.engagement_type == row.lane.value]
            assert _cell_ids(row, stage) == expected, (row.lane, stage)
            qtmodeltester.check(row.cells[stage].model)
        n = sum(1 for c in cards if c.engagement_type == row.lane.value)
        assert row.bar.text() == f"{row.lane.label} · {n} engagement{'' if n == 1 else 's'}"
    assert not _lanes(window)._nothing.isVisibleTo(window)


def test_lanes_by_owner_put_no_owner_last(services, window):
    a = services.portfolio.add("Alpha", "consulting", owner="zoë Quist").id
    b = services.portfolio.add("Beta", "consulting", owner="Ann Berg").id
    c = services.portfolio.add("Gamma", "consulting").id
    window.store.reload()
    window.set_swimlanes("owner")
    lanes = _lanes(window).lanes
    assert [r.lane.label for r in lanes] == ["Ann Berg", "zoë Quist", "No owner"]
    assert [_cell_ids(r, "qualification") for r in lanes] == [[b], [a], [c]]


def test_the_filter_narrows_lanes_and_an_empty_result_says_so(services, window):
    """A lane without a matching card goes; when nothing matches, the lanes say so."""
    services.portfolio.add("Alpha Retail", "ecommerce_growth")
    services.portfolio.add("Beta Bank", "consulting")
    window.store.reload()
    window.set_swimlanes("engagement_type")
    assert len(_lanes(window).lanes) == 2
    window.store.set_filter(BoardFilter(text="alpha"))
    assert [r.lane.value for r in _lanes(window).lanes] == ["ecommerce_growth"]
    window.store.set_filter(BoardFilter(text="no such client"))
    assert _lanes(window).lanes == []
    assert _lanes(window)._nothing.isVisibleTo(window)


def test_a_drop_in_the_lanes_next_cell_moves_through_the_gates(services, window, db_path):
    """Dropping on the next stage's cell of the card's own lane moves it (the gate holds); the
    card then shows in that cell and is selected. A drop the gate refuses changes nothing and
    lists what is missing."""
    ready = engagement_at(services, "qualification", client="Ready", engagement_type="ecommerce_growth")
    satisfy(services, ready, "qualification")
    not_ready = engagement_at(
        services, "qualification", client="Not Ready", engagement_type="ecommerce_growth"
    )
    window.store.reload()
    window.set_swimlanes("engagement_type")
    row = _row(window, "Ecommerce growth")
    target = row.cells["onboarding"].model
    assert target.dropMimeData(encode_ids([ready], "qualification"), MOVE, 0, 0, QModelIndex())
    assert services.portfolio.card(ready).stage == "onboarding"
    assert _cell_ids(row, "onboarding") == [ready]
    assert row.cells["onboarding"].view.current_id() == ready
    before = dump(db_path)
    assert not target.dropMimeData(encode_ids([not_ready], "qualification"), MOVE, 0, 0, QModelIndex())
    assert dump(db_path) == before
    assert window.refusal.isVisibleTo(window)
    assert "Qualification: the verdict is not “qualified”." in window.refusal.items.text()


def test_a_card_keeps_its_lane_a_drop_in_another_lane_is_refused_with_the_reason(services, window, db_path):
    eid = engagement_at(services, "qualification", client="Typed", engagement_type="ecommerce_growth")
    satisfy(services, eid, "qualification")
    services.portfolio.add("Other", "consulting")
    window.store.reload()
    window.set_swimlanes("engagement_type")
    cell = _row(window, "Consulting engagement").cells["onboarding"]
    mime = encode_ids([eid], "qualification")
    assert not cell.model.canDropMimeData(mime, MOVE, 0, 0, QModelIndex())
    enter = QDragEnterEvent(
        QPoint(30, 30), MOVE, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(cell.view.viewport(), enter)
    assert cell.banner.isVisibleTo(cell)
    said = "This lane is for Consulting engagement; this card is Ecommerce growth."
    assert said in shown(cell.banner.toolTip())
    before = dump(db_path)
    assert not cell.model.dropMimeData(mime, MOVE, 0, 0, QModelIndex())
    assert dump(db_path) == before


def test_keyboard_moves_a_card_within_its_lane_and_walks_between_lanes(qtbot, services, window):
    """Ctrl+Right moves the card one stage and keeps it selected in its lane; Down from a
    cell's last card goes to the same stage in the next unfolded lane, Up comes back."""
    first = engagement_at(services, "qualification", client="First", engagement_type="consulting")
    satisfy(services, first, "qualification")
    folded = services.portfolio.add("Folded", "ai_advisory").id
    last = services.portfolio.add("Last", "ecommerce_growth").id
    window.store.reload()
    window.set_swimlanes("engagement_type")
    lanes = _lanes(window).lanes
    assert [r.lane.value for r in lanes] == ["consulting", "ai_advisory", "ecommerce_growth"]
    lanes[1].set_expanded(False)
    view = lanes[0].cells["qualification"].view
    view.setFocus()
    assert view.select_id(first)
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert services.portfolio.card(first).stage == "onboarding"
    moved_to = lanes[0].cells["onboarding"].view
    assert moved_to.current_id() == first
    assert moved_to.hasFocus()
    qtbot.keyClick(moved_to, Qt.Key.Key_Left)  # to the Qualification cell of the same lane
    here = lanes[0].cells["qualification"].view
    assert here.hasFocus()
    qtbot.keyClick(here, Qt.Key.Key_Down)  # an empty cell: straight on, past the folded lane
    below = lanes[2].cells["qualification"].view
    assert below.hasFocus()
    assert below.current_id() == last
    qtbot.keyClick(below, Qt.Key.Key_Up)
    assert here.hasFocus()
    assert folded not in _cell_ids(lanes[0], "qualification")


def test_folded_lanes_stay_folded_and_selecting_a_card_unfolds_its_lane(services, window):
    a = services.portfolio.add("Alpha", "consulting").id
    services.portfolio.add("Beta", "ecommerce_growth")
    window.store.reload()
    window.set_swimlanes("engagement_type")
    _row(window, "Consulting engagement").bar.click()
    assert not _row(window, "Consulting engagement").expanded
    window.store.set_filter(BoardFilter(text="beta"))  # the consulting lane goes...
    window.store.set_filter(BoardFilter())  # ...and comes back, still folded
    row = _row(window, "Consulting engagement")
    assert not row.expanded
    assert not row.cells["qualification"].isVisibleTo(window)
    window.select(a)
    assert row.expanded
    assert row.cells["qualification"].view.current_id() == a


def test_a_new_owner_brings_a_new_lane_and_old_lanes_let_go_of_the_store(services, window):
    """Editing a card's owner moves it to that owner's lane (created for it); the lanes that
    were rebuilt leave no model listening to the store."""
    eid = services.portfolio.add("Alpha", "consulting", owner="Ann").id
    window.store.reload()
    window.set_swimlanes("owner")
    listeners = window.store.receivers(SIGNAL("stage_reset(QString)"))
    changes = {"owner": "Bo"}
    assert window.controller.push(uc.update_command(services, eid, changes, **window.controller.hooks()))
    assert [r.lane.label for r in _lanes(window).lanes] == ["Bo"]
    assert _cell_ids(_row(window, "Bo"), "qualification") == [eid]
    window.undo_stack.undo()
    assert [r.lane.label for r in _lanes(window).lanes] == ["Ann"]
    _flush_deletes()
    assert window.store.receivers(SIGNAL("stage_reset(QString)")) == listeners


def test_the_choice_is_remembered_and_plain_board_comes_back(qtbot, services, window, tmp_path):
    services.portfolio.add("Alpha", "consulting")
    window.store.reload()
    window.set_swimlanes("owner")
    checked = [a.data() for a in window.lanes_menu.actions() if a.isChecked()]
    assert checked == ["owner"]
    assert window.prefs.text(SWIMLANES) == "owner"
    window.prefs.sync()
    again = MainWindow(services, _prefs(tmp_path), restore_state=False)
    qtbot.addWidget(again)
    assert again.lanes is not None
    assert again.lanes.field == "owner"
    window.set_swimlanes("")
    assert window.lanes is None
    assert window.boards.currentIndex() == 0
    assert window.board.isVisibleTo(window)


def test_header_row_lines_up_with_the_cells_when_scrolled_sideways(services, window):
    """The stage headers stay above the lanes and follow them sideways; the lane's name
    stays in sight."""
    services.portfolio.add("Alpha", "consulting")
    window.store.reload()
    window.set_swimlanes("engagement_type")
    window.resize(900, 700)
    QApplication.processEvents()
    lanes = _lanes(window)
    bar = lanes.scroll.horizontalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    QApplication.processEvents()
    row = lanes.lanes[0]
    for stage in framework.STAGE_SLUGS:
        header, cell = lanes.headers[stage], row.cells[stage]
        assert header.mapTo(window, QPoint(0, 0)).x() == cell.mapTo(window, QPoint(0, 0)).x(), stage
        assert header.width() == cell.width(), stage
    assert row.bar.mapTo(lanes.scroll.viewport(), QPoint(0, 0)).x() >= 0


def test_wip_limits_show_on_the_lane_headers(services, window, monkeypatch):
    services.portfolio.add("Alpha", "consulting")
    services.portfolio.add("Beta", "consulting")
    window.store.reload()
    window.set_swimlanes("engagement_type")
    monkeypatch.setattr("ui.main_window.QInputDialog.getInt", lambda *a, **k: (1, True))
    window._ask_wip("qualification")
    header = _lanes(window).headers["qualification"]
    assert header.count.text() == "⚠ 2 / WIP 1"
    assert header.count.property("over") is True


def test_a_move_leaves_the_other_lanes_alone(services, window):
    """Moving a card touches its own lane's two cells; another lane's cells of those stages
    neither reset nor repaint."""
    mover = engagement_at(services, "qualification", client="Mover", engagement_type="consulting")
    satisfy(services, mover, "qualification")
    services.portfolio.add("Bystander", "ecommerce_growth")
    window.store.reload()
    window.set_swimlanes("engagement_type")
    other = _row(window, "Ecommerce growth")
    signals: list[str] = []
    for stage in ("qualification", "onboarding"):
        model = other.cells[stage].model
        model.modelReset.connect(lambda s=stage: signals.append(f"reset {s}"))
        model.dataChanged.connect(lambda *_a, s=stage: signals.append(f"changed {s}"))
    assert window.controller.move(mover, "onboarding")
    assert _cell_ids(_row(window, "Consulting engagement"), "onboarding") == [mover]
    assert signals == []


def _drag_over(cell, eid: int, source: str) -> QDragMoveEvent:
    mime = encode_ids([eid], source)
    args = (MOVE, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(cell.view.viewport(), QDragEnterEvent(QPoint(30, 30), *args))
    move = QDragMoveEvent(QPoint(30, 30), *args)
    QApplication.sendEvent(cell.view.viewport(), move)
    cell._mime = mime  # the events do not own it
    return move


def test_over_another_lane_the_cursor_says_no_and_the_banner_says_why_in_full(services, window):
    """Over a cell of another lane (one card tall) the drag is refused, so no drop can land,
    and the reason, headed as a lane's, is shown whole: it may rise above the short cell."""
    eid = engagement_at(services, "qualification", client="Typed", engagement_type="ecommerce_growth")
    services.portfolio.add("Other", "consulting", owner="Ann")
    window.store.reload()
    window.set_swimlanes("engagement_type")
    QApplication.processEvents()
    cell = _row(window, "Consulting engagement").cells["qualification"]
    move = _drag_over(cell, eid, "qualification")
    assert not move.isAccepted()
    banner = cell.banner
    assert banner.isVisible()
    assert banner.heightForWidth(banner.width()) <= banner.height() > cell.height()
    under_cursor = QRect(cell.view.mapTo(banner.parentWidget(), QPoint(0, 0)), cell.view.size())
    assert not banner.geometry().intersects(under_cursor)  # beside the short cell, not on it
    assert "Not in this lane:" in banner.text()
    same_lane = _row(window, "Ecommerce growth").cells["onboarding"]
    assert _drag_over(same_lane, eid, "qualification").isAccepted()  # a gate's refusal comes at the drop


def test_owner_lanes_word_their_refusal(services, window):
    ann = services.portfolio.add("Alpha", "consulting", owner="Ann").id
    services.portfolio.add("Beta", "consulting")
    window.store.reload()
    window.set_swimlanes("owner")
    model = _row(window, "No owner").cells["qualification"].model
    assert model.lane_refusal(ann) == (
        "This lane is for engagements with no owner; this card is Ann's. A card keeps its lane: "
        "change its owner in the engagement to move it to another."
    )


def test_a_lane_emptied_while_filtered_goes_when_the_filter_clears(services, window):
    """A lane hidden by the filter whose last card is archived meanwhile does not linger,
    hidden and listening to the store, once the filter is cleared."""
    services.portfolio.add("Alpha", "consulting", owner="Ann")
    bo = services.portfolio.add("Beta", "consulting", owner="Bo").id
    window.store.reload()
    window.set_swimlanes("owner")
    listeners = window.store.receivers(SIGNAL("stage_reset(QString)"))
    window.store.set_filter(BoardFilter(text="alpha"))  # Bo's lane is hidden
    assert window.controller.archive(bo)
    window.store.set_filter(BoardFilter())
    _flush_deletes()
    assert [r.lane.label for r in _lanes(window).lanes] == ["Ann"]
    assert window.store.receivers(SIGNAL("stage_reset(QString)")) == listeners - 6


def test_down_into_the_next_lane_lands_on_its_first_card(qtbot, services, window):
    """Down from a cell's last card lands on the next lane's first card, whichever card was
    current there before; Up lands on the last."""
    top = services.portfolio.add("Top", "consulting").id
    a = services.portfolio.add("A", "ecommerce_growth").id
    services.portfolio.add("B", "ecommerce_growth")
    c = services.portfolio.add("C", "ecommerce_growth").id
    window.store.reload()
    window.set_swimlanes("engagement_type")
    upper, lower = (r.cells["qualification"].view for r in _lanes(window).lanes)
    assert lower.select_id(c)  # looked at earlier
    upper.setFocus()
    assert upper.select_id(top)
    qtbot.keyClick(upper, Qt.Key.Key_Down)
    assert lower.hasFocus()
    assert lower.current_id() == a
    qtbot.keyClick(lower, Qt.Key.Key_Up)
    assert upper.current_id() == top
