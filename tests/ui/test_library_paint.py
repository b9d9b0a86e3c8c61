"""The library's result cells: the matched words bold, the text literal, a long statement
elided with an ellipsis, and a repaint that asks the model for little."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem, QTableView

from mwms_desktop import library
from mwms_desktop.library.search import MARK_END, MARK_START
from tests.core.library_helpers import portfolio
from ui.library.results_model import ResultsModel
from ui.library.snippet_delegate import PADDING, SnippetDelegate, runs


def test_runs_are_the_marked_words_bold_and_the_text_literal():
    snippet = f"Show  <b>{MARK_START}checkout{MARK_END} &amp; {MARK_START}trust{MARK_END}"
    assert runs(snippet) == (("Show <b>", False), ("checkout", True), (" &amp; ", False), ("trust", True))
    assert runs("plain words") == (("plain words", False),)


def _ink(image: QImage, x0: int, x1: int) -> int:
    """How many dark pixels columns x0..x1 of ``image`` hold (the text's ink)."""
    return sum(
        1 for x in range(x0, x1) for y in range(image.height()) if QColor(image.pixel(x, y)).lightness() < 128
    )


def _paint(qtbot, services, text: str, width: int) -> QImage:
    portfolio(services)
    model = ResultsModel()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    hit = library.search("badges").hits[0]
    model.set_hits((hit._replace(snippet=text),))
    image = QImage(width, 30, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = QRect(0, 0, width, 30)
    option.font = view.font()
    SnippetDelegate(view).paint(painter, option, model.index(0, 1))
    painter.end()
    return image


def test_a_marked_word_is_painted_bold(qtbot, services):
    plain = _paint(qtbot, services, "checkout", 300)
    bold = _paint(qtbot, services, f"{MARK_START}checkout{MARK_END}", 300)
    assert _ink(bold, 0, 300) > _ink(plain, 0, 300) * 1.15


def test_a_long_statement_ends_in_an_ellipsis_inside_the_cell(qtbot, services):
    """Cut by the cell's edge, a glyph would be drawn up to it; elided, the text stops
    before the padding."""
    image = _paint(qtbot, services, f"{'M' * 300} {MARK_START}checkout{MARK_END}", 200)
    assert _ink(image, 0, 200 - PADDING) > 0
    assert _ink(image, 200 - PADDING, 200) == 0


def test_repainting_asks_the_model_for_the_shown_cells_only(qtbot, services):
    """A keystroke's repaint: the statement cells ask for their snippet alone, the rows'
    texts are made once each, and rows below the view are never asked for."""
    ids = portfolio(services)
    for n in range(60):
        services.records.add("learning", ids["a"], statement=f"Checkout lesson {n}")
    asked: list[tuple[int, int, int]] = []

    class Spy(ResultsModel):
        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            asked.append((index.row(), index.column(), role))
            return super().data(index, role)

    model = Spy()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegateForColumn(1, SnippetDelegate(view))
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view)
    model.set_hits(library.search("checkout", limit=60).hits)
    qtbot.wait(20)  # the view lays the new rows out
    asked.clear()
    view.viewport().repaint()
    rows = {r for r, _c, _role in asked}
    assert rows
    assert max(rows) < 20  # 300 px show a dozen rows, not 60
    statement_roles = {role for _r, c, role in asked if c == 1}
    assert statement_roles == {Qt.ItemDataRole.UserRole + 4}
    assert len(model._texts) <= len(rows)
