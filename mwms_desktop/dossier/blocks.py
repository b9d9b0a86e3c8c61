"""Building blocks every section uses: headings that feed the contents and outline,
escaped paragraphs, the "nothing recorded" line, and tables that split across pages with
their header row repeated."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Table

from mwms_desktop.dossier import styles as st
from mwms_desktop.dossier.document import Heading
from mwms_desktop.dossier.facts import Refs
from mwms_desktop.views import EngagementDetail

Cell = str | Flowable


@dataclass(frozen=True)
class SectionContext:
    """What one engagement's sections are built from; nothing here touches the database."""

    detail: EngagementDetail
    refs: Refs
    now: datetime
    level: int  # outline level of this engagement's sections (0 alone, 1 in a portfolio)
    in_toc: bool
    reuse: Any = None  # sections_library.EngagementReuse: citations both ways (None: none read)

    @property
    def s(self) -> st.Styles:
        return st.styles()

    def key(self, section: str) -> str:
        return f"e{self.detail.id}-{section}"


def heading(ctx: SectionContext, section: str, title: str) -> Heading:
    return Heading(
        st.esc(title), ctx.s.h1, title=title, key=ctx.key(section), level=ctx.level, in_toc=ctx.in_toc
    )


def para(text: str, style: object | None = None) -> Paragraph:
    """A paragraph of user text (escaped here)."""
    return Paragraph(st.esc(text), style or st.styles().body)


def markup(text: str, style: object | None = None) -> Paragraph:
    """A paragraph of our own markup; every user value in it must already be escaped."""
    return Paragraph(text, style or st.styles().body)


def empty(text: str) -> Paragraph:
    return Paragraph(st.esc(text), st.styles().empty)


def h2(text: str) -> list[Flowable]:
    """A sub-heading, moved to the next page rather than left alone at the bottom of one.
    (A CondPageBreak, not keepWithNext: that would lay out a long table twice.)"""
    return [CondPageBreak(3 * cm), Paragraph(st.esc(text), st.styles().h2)]


def h3(text: str) -> list[Flowable]:
    return [CondPageBreak(2.5 * cm), Paragraph(st.esc(text), st.styles().h3)]


def learning_block(ref: str, statement: str, meta: str) -> KeepTogether:
    """A numbered statement in bold with its meta line (evidence, dates) in small grey type
    beneath, kept on one page. Both are single-style paragraphs with no inline markup,
    which ReportLab lays out on its fast path: 500 learnings cost what 1,000 plain
    paragraphs do."""
    s = st.styles()
    return KeepTogether(
        [Paragraph(f"{ref}\xa0\xa0{st.esc(statement)}", s.learning), Paragraph(st.esc(meta), s.learning_meta)]
    )


def strong(text: str) -> Paragraph:
    """A table cell in bold (a backward move, a misaligned stakeholder, a total)."""
    return Paragraph(st.esc(text), st.styles().cell_bold)


def cell(value: Cell, style: object | None = None) -> Flowable:
    if isinstance(value, Flowable):
        return value
    return Paragraph(st.esc(value), style or st.styles().cell)


LONG_CELL = 900  # characters: longer texts would make a row taller than a page


def _clip(text: str) -> str:
    cut = text[: LONG_CELL - 300].rsplit(" ", 1)[0]
    return f"{cut} … (continued below the table)"


def grid(
    header: Sequence[str], rows: Sequence[Sequence[Cell]], widths_cm: Sequence[float], *extra: tuple
) -> list[Flowable]:
    """A data table whose header row repeats on every page it spans.

    A cell text too long for a row (a 20,000-character evaluation) is cut in the table and
    printed in full after it, where it can flow over pages like any paragraph: rows never
    have to split, and no text can make the layout fail."""
    s = st.styles()
    total = sum(widths_cm)
    widths = [st.FRAME_WIDTH * w / total for w in widths_cm]
    data: list[list[Flowable]] = [[Paragraph(st.esc(h), s.cell_head) for h in header]]
    overflow: list[tuple[str, str, str]] = []
    for row in rows:
        first = row[0]
        label = (
            first if isinstance(first, str) else first.getPlainText() if isinstance(first, Paragraph) else ""
        )
        cells = []
        for col, value in enumerate(row):
            if isinstance(value, str) and len(value) > LONG_CELL:
                overflow.append((label, header[col], value))
                value = _clip(value)
            cells.append(cell(value))
        data.append(cells)
    table = Table(
        data, colWidths=widths, repeatRows=1, splitByRow=1, style=st.table_style(*extra), hAlign="LEFT",
        spaceBefore=2, spaceAfter=8,
    )  # fmt: skip
    out: list[Flowable] = [table]
    for label, column, text in overflow:
        out.append(markup(f"<b>{st.esc(label)} — {st.esc(column.lower())}, in full</b>", s.small))
        out.append(para(text, s.small))
    return out


def key_values(pairs: Sequence[tuple[str, Cell]], widths_cm: tuple[float, float] = (4.2, 12.8)) -> Table:
    """Label / value rows (a record's fields), labels in bold on a light panel."""
    s = st.styles()
    total = sum(widths_cm)
    widths = [st.FRAME_WIDTH * w / total for w in widths_cm]
    data = [[Paragraph(st.esc(k), s.cell_bold), cell(v)] for k, v in pairs]
    return Table(
        data, colWidths=widths, splitByRow=1, hAlign="LEFT", spaceBefore=2, spaceAfter=8,
        style=st.table_style(("BACKGROUND", (0, 0), (0, -1), st.SHADE), header=False, zebra=False),
    )  # fmt: skip
