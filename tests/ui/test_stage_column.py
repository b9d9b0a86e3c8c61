"""A column's header and its drag verdict: the verdict lies over the list (nothing under the
cursor moves), lets the drag through, shows reasons literally with a hanging indent, and the
count sits on the title's first line."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QTextDocument
from PySide6.QtWidgets import QApplication

from mwms_desktop.services import Services
from tests.factories import engagement_at
from tests.ui.tips import shown
from ui.main_window import MainWindow
from ui.preferences import Preferences
from ui.stage_column import StageColumn, verdict_html
from ui.stage_model import encode_ids


@pytest.fixture
def window(qtbot, services: Services, tmp_path: Path) -> MainWindow:
    """The main window showing the board (one card, so not the empty state), laid out."""
    engagement_at(services, "insight", client="Laid Out Ltd")
    prefs = Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))
    w = MainWindow(services, prefs, restore_state=False)
    qtbot.addWidget(w)
    w.resize(1400, 800)
    w.show()
    w.store.reload()
    QApplication.processEvents()
    assert w.board.isVisible()
    return w


def _card_rects(column: StageColumn) -> list[tuple[int, int, int, int]]:
    """Where each card is on screen (global), so a shifted viewport would show too."""
    view = column.view
    out = []
    for row in range(view.model().rowCount()):
        r = view.visualRect(view.model().index(row, 0))
        top_left = view.viewport().mapToGlobal(r.topLeft())
        out.append((top_left.x(), top_left.y(), r.width(), r.height()))
    return out


def _drag_enter(column: StageColumn, eid: int, source: str) -> None:
    mime = encode_ids([eid], source)  # kept alive: the event does not own it
    event = QDragEnterEvent(
        QPoint(30, 30),
        Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(column.view.viewport(), event)
    QApplication.processEvents()


def test_verdict_overlays_the_list_and_moves_no_card(window, services):
    """A refused drag over a column with cards shows the reasons over the foot of the list,
    inside it, above the cards; every card stays exactly where it was, and leaving hides it."""
    for n in range(3):
        engagement_at(services, "onboarding", client=f"Client {n}")
    dragged = engagement_at(services, "qualification")  # gate unmet: refused
    window.store.reload()
    QApplication.processEvents()
    column = window.board.columns["onboarding"]
    before = _card_rects(column)
    view_before = column.view.geometry()
    assert len(before) == 3

    _drag_enter(column, dragged, "qualification")

    assert column.banner.isVisible()
    assert column.banner.property("refused") is True
    assert _card_rects(column) == before
    assert column.view.geometry() == view_before
    assert column.layout().indexOf(column.banner) == -1  # not laid out: an overlay
    banner, view = column.banner.geometry(), column.view.geometry()
    assert view.contains(banner)
    assert view.bottom() - banner.bottom() <= 8  # at the foot of the list
    assert banner.height() >= column.banner.heightForWidth(banner.width())  # no clipped line
    siblings = column.children()
    assert siblings.index(column.banner) > siblings.index(column.view)  # raised above it

    QApplication.sendEvent(column.view.viewport(), QDragLeaveEvent())
    assert not column.banner.isVisible()
    assert _card_rects(column) == before


def test_drag_passes_through_the_banner_to_the_list(window, services):
    """The point under the banner belongs to the list: a drag moving onto the banner stays
    over the list (no leave, no flicker, the drop still lands in the column)."""
    window.store.reload()
    column = window.board.columns["onboarding"]
    column._show_verdict([])
    assert column.banner.text() == "Drop to move here"
    centre = column.banner.geometry().center()
    assert column.childAt(centre) is column.view.viewport()


def test_banner_follows_the_column_when_it_is_resized(window, services):
    """Resizing the window while the verdict shows keeps the banner on the list's foot."""
    column = window.board.columns["insight"]
    column._show_verdict(["Qualification: the verdict is not “qualified”."])
    window.resize(1100, 600)
    QApplication.processEvents()
    banner, view = column.banner.geometry(), column.view.geometry()
    assert view.contains(banner)
    assert view.bottom() - banner.bottom() <= 8


def test_reasons_are_shown_literally(window):
    """Markup and ampersands in a reason are text, not formatting."""
    column = window.board.columns["onboarding"]
    column._show_verdict(["Cycle “<b>Bold</b> & co” has no learning"])
    doc = QTextDocument()
    doc.setHtml(column.banner.text())
    assert "Cycle “<b>Bold</b> & co” has no learning" in doc.toPlainText()
    assert shown(column.banner.toolTip()) == "Cycle “<b>Bold</b> & co” has no learning"


def test_wrapped_reason_hangs_under_its_first_word():
    """Every line of a reason that wraps starts at the same x, right of the bullet."""
    reason = "Structured Execution: cycle “Delivery promise above the fold” is evaluated but has no learning"
    doc = QTextDocument()
    doc.setHtml(verdict_html([reason]))
    doc.setTextWidth(180)
    doc.documentLayout().documentSize()  # lay it out
    bullet_x = reason_x = None
    block = doc.begin()
    while block.isValid():
        layout = block.layout()
        box = doc.documentLayout().blockBoundingRect(block)
        if block.text() == "•":
            bullet_x = box.left()
        elif block.text() == reason:
            lines = [layout.lineAt(i) for i in range(layout.lineCount())]
            assert len(lines) >= 2  # it does wrap at this width
            assert {round(line.x(), 1) for line in lines} == {round(lines[0].x(), 1)}
            reason_x = box.left() + lines[0].x()
        block = block.next()
    assert bullet_x is not None
    assert reason_x is not None
    assert reason_x > bullet_x


def test_more_than_four_reasons_are_summarised():
    """Four reasons are listed, the rest counted."""
    text = verdict_html([f"Reason {n}" for n in range(1, 7)])
    assert "Reason 4" in text
    assert "Reason 5" not in text
    assert "… and 2 more (drop to see them all)" in text


def test_count_sits_on_the_titles_first_line(window):
    """The count is top-aligned with the title, so its text shares the title's first line."""
    for column in window.board.columns.values():
        title, count = column.title.geometry(), column.count.geometry()
        assert count.top() == title.top()
        assert count.height() < title.height()  # not stretched to the title's two lines
        assert column.count.alignment() & Qt.AlignmentFlag.AlignTop


def test_a_title_is_fitted_again_when_the_style_pads_it_more(window, qtbot):
    """The header keeps the last fitted height for its width (Qt resizes it several times
    while the window opens), but a style change that pads the title fits it again."""
    header = window.board.columns["qualification"].header
    before = header.title.height()
    header.setStyleSheet("QLabel#columnTitle { padding-top: 30px; }")
    header.resize(header.width(), header.height() + 10)  # a resize that keeps the width
    qtbot.waitUntil(lambda: header.title.height() >= before + 20)
