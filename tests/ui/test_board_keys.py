"""Issue 11, items 5 and 7 (the board's part): from the search, Esc clears it and ↓ goes to
the first matching card; every Tab stop of the main window shows a clear focus ring; one card
looks selected at a time; Ctrl+Enter gives the move-back reason. Driven by keys and clicks."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from mwms_desktop.services import Services
from tests.factories import engagement_at
from ui.board_view import BoardListView
from ui.main_window import MainWindow
from ui.preferences import Preferences
from ui.reason_dialog import ReasonDialog

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(qtbot, services: Services, tmp_path: Path) -> MainWindow:
    prefs = Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))
    engagement_at(services, "qualification", client="Atlas Outfitters")
    engagement_at(services, "onboarding", client="Fjord Fintech")
    engagement_at(services, "insight", client="Harbour Lane")
    engagement_at(services, "insight", client="Fjordline Ferries")
    w = MainWindow(services, prefs, restore_state=False)
    qtbot.addWidget(w)
    w.resize(1280, 760)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    return w


def _focus() -> QWidget:
    return QApplication.focusWidget()


def _shown(window: MainWindow) -> set[str]:
    return {card.client for stage in window.board.columns for card in window.store.cards(stage)}


def test_escape_clears_the_search_and_down_goes_to_the_first_match(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    assert _focus() is window.filters.search
    qtbot.keyClicks(_focus(), "harbour")
    qtbot.waitUntil(lambda: _shown(window) == {"Harbour Lane"})
    qtbot.keyClick(_focus(), Qt.Key.Key_Escape)
    assert window.filters.search.text() == ""
    assert _shown(window) == {"Atlas Outfitters", "Fjord Fintech", "Harbour Lane", "Fjordline Ferries"}
    assert _focus() is window.filters.search  # still there, to type another search
    qtbot.keyClicks(_focus(), "fjord")
    qtbot.keyClick(_focus(), Qt.Key.Key_Down)  # at once, without waiting for the filter
    view = _focus()
    assert view is window.board.columns["onboarding"].view
    assert window.store.card(view.current_id()).client == "Fjord Fintech"
    qtbot.keyClick(view, Qt.Key.Key_Right)  # and on with the arrows, among the matches only
    assert window.store.card(_focus().current_id()).client == "Fjordline Ferries"


def _accent_pixels(widget: QWidget) -> int:
    """How many pixels of the widget, as painted, are the accent (Highlight) colour."""
    accent = widget.palette().color(QPalette.ColorRole.Highlight)
    image = widget.grab().toImage()
    count = 0
    for y in range(0, image.height()):
        for x in range(0, image.width()):
            c = QColor(image.pixel(x, y))
            distance = sum(abs(a - b) for a, b in zip(c.getRgb()[:3], accent.getRgb()[:3], strict=True))
            count += distance < 60
    return count


@pytest.mark.parametrize("lanes", ["", "owner"])
def test_every_tab_stop_of_the_main_window_shows_a_clear_focus_ring(qtbot, window, lanes):
    """Tab from the search round to it again: every stop shows a ring in the accent colour at
    least as long as its own width (a board column or swimlane cell: around its current card,
    or around itself when it is empty); no stop is an invisible scroll area."""
    window.set_swimlanes(lanes)
    window.filters.clear_button.hide()
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    first, seen = _focus(), []
    while True:
        widget = _focus()
        seen.append(widget)
        painted = widget
        if isinstance(widget, BoardListView) and widget.model().rowCount():
            assert widget.current_id() is not None, widget.accessibleName()
            painted = widget.viewport()
        assert _accent_pixels(painted) >= min(painted.width(), 150), (
            f"no clear focus on {type(widget).__name__} {widget.accessibleName()!r}"
        )
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
        if _focus() is first or len(seen) > 60:
            break
    kinds = [type(w).__name__ for w in seen]
    assert _focus() is first, kinds
    assert kinds.count("BoardListView") == (6 if not lanes else 6 * len(window.lanes.lanes)), kinds
    assert "QScrollArea" not in kinds, kinds


def _click_card(qtbot, window: MainWindow, stage: str) -> None:
    view = window.board.columns[stage].view
    rect = view.visualRect(view.model().index(0, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_one_card_looks_selected_at_a_time(qtbot, window):
    _click_card(qtbot, window, "insight")
    _click_card(qtbot, window, "onboarding")
    selected = [s for s, c in window.board.columns.items() if c.view.selectionModel().hasSelection()]
    assert selected == ["onboarding"]


def test_after_adding_a_card_only_the_new_card_looks_selected(qtbot, window, services):
    """The issue's case: a card is selected in one column, then Ctrl+N adds an engagement; the
    new card is selected and the old one no longer looks it."""
    _click_card(qtbot, window, "insight")

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        qtbot.keyClicks(dialog.client, "Nordwind Kaffee")
        qtbot.keyClick(dialog.client, Qt.Key.Key_Return)

    QTimer.singleShot(0, fill)
    qtbot.keyClick(window.board.columns["insight"].view, Qt.Key.Key_N, CTRL)
    selected = [s for s, c in window.board.columns.items() if c.view.selectionModel().hasSelection()]
    assert selected == ["qualification"]
    view = window.board.columns["qualification"].view
    assert window.store.card(view.current_id()).client == "Nordwind Kaffee"


def test_ctrl_enter_gives_the_move_back_reason(qtbot):
    dialog = ReasonDialog("Acme", "Onboarding", "Qualification")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.reason.setFocus()
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, CTRL)  # nothing typed yet: nothing happens
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.reason, "Sponsor changed")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, CTRL)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.text() == "Sponsor changed"
