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


def _paint(qtbot, services, text: str, width: int,
           direction: Qt.LayoutDirection = Qt.LayoutDirection.LeftToRight) -> QImage:  # fmt: skip
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
    option.direction = direction
    option.displayAlignment = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter  # as a view sets it
    SnippetDelegate(view).paint(painter, option, model.index(0, 1))
    painter.end()
    return image


def test_a_marked_word_is_painted_bold(qtbot, services):
    plain = _paint(qtbot, services, "checkout", 300)
    bold = _paint(qtbot, services, f"{MARK_START}checkout{MARK_END}", 300)
    assert _ink(bold, 0, 300) > _ink(plain, 0, 300) * 1.15


def test_a_long_statement_ends_in_an_ellipsis_inside_the_cell(qtbot, services, monkeypatch):
    """The line drawn is the text cut at a character with "…" after it, as wide as the
    cell's room at most (the clip alone would cut a glyph at the edge), its bold kept."""
    import ui.library.snippet_delegate as delegate

    drawn = []
    real = delegate.line_layout

    def spy(*args):
        layout = real(*args)
        drawn.append(layout)
        return layout

    monkeypatch.setattr(delegate, "line_layout", spy)
    image = _paint(qtbot, services, f"{MARK_START}checkout{MARK_END} {'M' * 300}", 200)
    (layout,) = drawn
    assert layout.text().startswith("checkout M")
    assert layout.text().endswith("M…")
    assert layout.lineAt(0).naturalTextWidth() <= 200 - 2 * PADDING
    assert layout.lineAt(0).naturalTextWidth() > 200 - 2 * PADDING - 3 * _advance("M")  # not cut short
    assert [(r.start, r.length) for r in layout.formats()] == [(0, len("checkout"))]  # still bold
    assert _ink(image, 0, 200 - PADDING) > 0
    assert _ink(image, 200 - PADDING, 200) == 0


def _advance(text: str) -> float:
    from PySide6.QtGui import QFontMetricsF
    from PySide6.QtWidgets import QApplication

    return QFontMetricsF(QApplication.font()).horizontalAdvance(text)


HEBREW_FIRST, HEBREW_REST = "שלום", "עולם גדול ויפה"  # "hello", "a big and beautiful world"


def _columns(image: QImage) -> list[int]:
    """The columns of ``image`` holding ink."""
    return [x for x in range(image.width()) if _ink(image, x, x + 1)]


def _right_heavier(marked: QImage, plain: QImage) -> float:
    """How much more of its ink the marked painting holds in the right fifth of its text
    than the plain one does (a bold word there makes it more than 1)."""

    def share(image: QImage) -> float:
        ink = _columns(image)
        left, right = min(ink), max(ink) + 1
        return _ink(image, right - (right - left) // 5, right) / _ink(image, left, right)

    return share(marked) / share(plain)


def test_right_to_left_text_is_drawn_from_the_right_with_its_first_word_rightmost(qtbot, services):
    """Hebrew in a right-to-left view: the line starts at the cell's right edge and its
    first (logical) word, the marked one, is its rightmost."""
    rtl = Qt.LayoutDirection.RightToLeft
    plain = _paint(qtbot, services, f"{HEBREW_FIRST} {HEBREW_REST}", 400, rtl)
    marked = _paint(qtbot, services, f"{MARK_START}{HEBREW_FIRST}{MARK_END} {HEBREW_REST}", 400, rtl)
    ink = _columns(marked)
    assert ink
    assert min(ink) > 150  # right-aligned: the left of the cell is empty
    assert max(ink) >= 400 - PADDING - 3
    assert _right_heavier(marked, plain) > 1.1  # the bold word on the right of the text


def test_right_to_left_words_keep_their_order_in_a_left_to_right_view(qtbot, services):
    """Hebrew data in an English interface: the line is left-aligned, and the bidi order
    still puts its first word, the marked one, on the right of the text."""
    plain = _paint(qtbot, services, f"{HEBREW_FIRST} {HEBREW_REST}", 400)
    marked = _paint(qtbot, services, f"{MARK_START}{HEBREW_FIRST}{MARK_END} {HEBREW_REST}", 400)
    ink = _columns(marked)
    assert min(ink) <= PADDING + 3
    assert _right_heavier(marked, plain) > 1.1


def test_long_right_to_left_text_is_elided_at_its_end_on_the_left(qtbot, services, monkeypatch):
    import ui.library.snippet_delegate as delegate

    drawn = []
    real = delegate.line_layout
    monkeypatch.setattr(delegate, "line_layout", lambda *a: drawn.append(real(*a)) or drawn[-1])
    image = _paint(qtbot, services, " ".join([HEBREW_REST] * 20), 200, Qt.LayoutDirection.RightToLeft)
    (layout,) = drawn
    assert layout.text().endswith("…")
    assert layout.lineAt(0).naturalTextWidth() <= 200 - 2 * PADDING
    assert _ink(image, 0, PADDING) == 0
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
