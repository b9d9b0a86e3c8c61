"""Issue 11, item 7 (the board's part): the filters stay put when *Clear filters* comes and
goes; six columns fit 1024 pixels; a card keeps its owner's name whole when it has a line to
spare and says its days in one wording; the owner filter offers "Unassigned"."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QToolBar

from mwms_desktop import framework
from mwms_desktop.services import Services
from tests.factories import engagement_at
from ui.card_delegate import _type_and_owner
from ui.main_window import MainWindow
from ui.preferences import Preferences
from ui.stage_model import accessible_text, days_shown


@pytest.fixture
def as_shipped(qapp):
    """The application as the app sets it up (its DejaVu font at 9.5 pt, Fusion, its style
    sheet): widths are measured as a user sees them. Put back afterwards for the other tests."""
    from PySide6.QtWidgets import QStyleFactory

    from ui.app import create_application

    font, sheet = QFont(qapp.font()), qapp.styleSheet()
    create_application()
    yield qapp
    qapp.setFont(font)
    qapp.setStyleSheet(sheet)
    qapp.setStyle(QStyleFactory.create("Fusion"))


def _window(qtbot, services: Services, tmp_path: Path, size: tuple[int, int]) -> MainWindow:
    prefs = Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))
    w = MainWindow(services, prefs, restore_state=False)
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    return w


@pytest.fixture
def window(qtbot, as_shipped, services: Services, tmp_path: Path) -> MainWindow:
    engagement_at(services, "qualification", client="Atlas Outfitters")
    services.portfolio.add("Nobody's Client", "consulting")
    services.portfolio.add("Dana's Client", "ecommerce_growth", owner="Dana Whitfield-Okonkwo")
    return _window(qtbot, services, tmp_path, (1024, 700))


def test_the_filters_stay_put_when_clear_filters_appears(qtbot, window):
    bar = window.filters
    boxes = (bar.type_box, bar.owner_box, bar.health_box, bar.drift_box)
    before = [b.geometry() for b in boxes]
    bar.type_box.setFocus()
    qtbot.keyClick(bar.type_box, Qt.Key.Key_Down)  # a type: the filter is on
    qtbot.waitUntil(bar.clear_button.isVisible)
    assert [b.geometry() for b in boxes] == before
    qtbot.mouseClick(bar.clear_button, Qt.MouseButton.LeftButton)
    assert not bar.clear_button.isVisible()
    assert [b.geometry() for b in boxes] == before


def test_six_columns_fit_a_window_1024_pixels_wide(qtbot, window):
    columns = list(window.board.columns.values())
    last = columns[-1]
    right = last.mapTo(window, last.rect().topRight()).x()
    assert right < window.width()
    scroller = window.boards.widget(0)
    assert not scroller.horizontalScrollBar().isVisible()
    for column in columns:  # and no stage name loses a line to the title's height
        title = column.header.title
        room = title.contentsRect()
        flags = int(Qt.TextFlag.TextWordWrap)
        needed = title.fontMetrics().boundingRect(QRect(0, 0, room.width(), 10_000), flags, title.text())
        assert needed.height() <= room.height(), column.stage


def test_the_toolbar_fits_a_window_1024_pixels_wide(qtbot, window):
    """Undo and Redo stay on the toolbar, not behind its overflow arrow, with the place of
    Clear filters kept."""
    toolbar = window.findChild(QToolBar, "boardToolbar")
    for action in toolbar.actions():
        if action.text() in ("Undo", "Redo"):
            button = toolbar.widgetForAction(action)
            assert button.isVisible(), action.text()
            assert button.geometry().right() <= toolbar.width()


def test_no_stage_name_loses_letters_to_a_filtered_count(qtbot, window):
    """With a search on, the counts read "0 of 1": every word of every stage name still fits
    its header (it was cut to "Qualificatio"), and the cards of all columns start level."""
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.filters.search, "no such client")
    qtbot.waitUntil(lambda: window.store.visible_count() == 0)
    tops = set()
    assert any(" of " in column.header.count.text() for column in window.board.columns.values())
    for column in window.board.columns.values():
        header = column.header
        title = header.title
        fm = QFontMetrics(title.font())
        room = title.contentsRect().width()
        for word in title.text().split():
            assert fm.horizontalAdvance(word) <= room, (column.stage, word, room)
        assert not title.geometry().intersects(header.count.geometry()), column.stage
        tops.add(column.view.mapTo(window, column.view.rect().topLeft()).y())
    assert len(tops) == 1


def test_swimlanes_fit_a_window_1024_pixels_wide(qtbot, window):
    window.set_swimlanes("owner")
    qtbot.waitUntil(lambda: window.lanes is not None and window.lanes.isVisible())
    QApplication.processEvents()
    assert not window.lanes.scroll.horizontalScrollBar().isVisible()
    for stage, header in window.lanes.headers.items():  # grown a line, and not squeezed back
        assert header.height() >= header.sizeHint().height(), stage
        assert not header.title.geometry().intersects(header.count.geometry()), stage


def test_the_owner_filter_offers_unassigned(qtbot, window):
    box = window.filters.owner_box
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Down)  # the first choice after "All owners"
    assert box.currentText() == "Unassigned"
    qtbot.waitUntil(lambda: window.store.visible_count() == 2)
    shown = {card.client for stage in framework.STAGE_SLUGS for card in window.store.cards(stage)}
    assert shown == {"Nobody's Client", "Atlas Outfitters"}


def test_a_card_keeps_the_owners_name_whole_and_one_wording_for_days():
    fm = QFontMetrics(QFont())
    owner, kind = "Dana Whitfield", "Experimentation partnership"
    width = fm.horizontalAdvance(f"{kind} · {owner}") - 20  # one line cannot hold both
    spare = _type_and_owner(kind, owner, fm, width, room=True)
    assert spare[1] == owner  # on its own line, whole
    tight = _type_and_owner(kind, owner, fm, width, room=False)
    assert len(tight) == 1
    assert tight[0].endswith(f" · {owner}")  # the type gave way, not the name
    assert [days_shown(n) for n in (0, 1, 12)] == ["0 days", "1 day", "12 days"]


def test_a_cards_spoken_text_names_its_owner_and_days(window, services):
    card = next(c for c in services.portfolio.cards() if c.client == "Dana's Client")
    text = accessible_text(card)
    assert "owner Dana Whitfield-Okonkwo" in text
    assert "0 days in Qualification" in text
