"""The dossier's page machinery: one layout pass, then contents, bookmarks and footers.

Platypus lays the flowables out once onto a :class:`DossierCanvas` that keeps every page
open instead of writing it. When layout is done the total page count and the page of every
heading are known, so on ``save`` each page gets its "Page X of Y" footer, the contents pages
(reserved up front, their number computed from the headings to come) get their entries, and
every heading its bookmark and outline entry. That is the effect of ``multiBuild`` (which
lays everything out two or three times) at the cost of one layout.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from mwms_desktop.dossier import styles as st

TOC_LINE = 15.5  # points per contents line
TOC_TOP = st.PAGE_SIZE[1] - st.MARGIN_TOP - 1.6 * cm  # first contents line, below the title
TOC_LINES_PER_PAGE = int((TOC_TOP - st.MARGIN_BOTTOM) // TOC_LINE)


def toc_pages_needed(entries: int) -> int:
    return max(1, math.ceil(entries / TOC_LINES_PER_PAGE))


@dataclass(frozen=True, slots=True)
class Mark:
    """A heading as laid out: where it landed, what the contents and outline call it."""

    page: int
    level: int
    title: str
    key: str
    top: float
    in_toc: bool


class Heading(Paragraph):
    """A section heading that tells the canvas where it landed (for contents, outline and
    progress). ``title`` is plain text; the paragraph itself is already escaped markup."""

    def __init__(self, markup: str, style: Any, *, title: str, key: str, level: int, in_toc: bool) -> None:
        super().__init__(markup, style)
        self.title, self.key, self.level, self.in_toc = title, key, level, in_toc

    def draw(self) -> None:
        _, top = self.canv.absolutePosition(0, self.height)
        canv: DossierCanvas = self.canv  # type: ignore[assignment]
        canv.marks.append(Mark(canv.getPageNumber(), self.level, self.title, self.key, top + 6, self.in_toc))
        super().draw()


class PageMark(Flowable):
    """A zero-size marker: ``kind`` "toc" reserves the page it lands on for contents;
    "running" sets the running header from this page on; "cover" suppresses page furniture."""

    def __init__(self, kind: str, text: str = "") -> None:
        super().__init__()
        self.kind, self.text = kind, text
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        canv: DossierCanvas = self.canv  # type: ignore[assignment]
        canv.page_marks.append((canv.getPageNumber(), self.kind, self.text))


class DossierCanvas(Canvas):
    """Holds every page until ``save`` (see the module docstring)."""

    def __init__(self, *args: Any, footer_left: str = "", exported: str = "", **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.footer_left, self.exported = footer_left, exported
        self.marks: list[Mark] = []
        self.page_marks: list[tuple[int, str, str]] = []
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        marks_by_page: dict[int, list[Mark]] = {}
        for mark in self.marks:
            marks_by_page.setdefault(mark.page, []).append(mark)
        kinds: dict[int, set[str]] = {}
        running: dict[int, str] = {}
        for page, kind, text in self.page_marks:
            kinds.setdefault(page, set()).add(kind)
            if kind == "running":
                running[page] = text
        toc_pages = sorted(p for p, ks in kinds.items() if "toc" in ks)
        toc_entries = [m for m in self.marks if m.in_toc]
        header = ""
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            header = running.get(number, header)
            if number in toc_pages:
                at = toc_pages.index(number) * TOC_LINES_PER_PAGE
                self._draw_toc(toc_entries[at : at + TOC_LINES_PER_PAGE], first=at == 0)
            if "cover" not in kinds.get(number, ()):
                self._draw_furniture(number, total, header)
            for mark in marks_by_page.get(number, ()):
                self.bookmarkHorizontalAbsolute(mark.key, mark.top)
                self.addOutlineEntry(mark.title, mark.key, level=mark.level, closed=mark.level > 0)
            Canvas.showPage(self)
        Canvas.save(self)

    def _draw_furniture(self, number: int, total: int, header: str) -> None:
        width, height = st.PAGE_SIZE
        left, right = st.MARGIN_X, width - st.MARGIN_X
        self.saveState()
        self.setStrokeColor(st.RULE)
        self.setLineWidth(0.5)
        top = height - st.MARGIN_TOP + 0.55 * cm
        self.line(left, top - 4, right, top - 4)
        self.line(left, st.MARGIN_BOTTOM - 0.5 * cm, right, st.MARGIN_BOTTOM - 0.5 * cm)
        self.setFillColor(st.MUTED)
        self.setFont(st.FONT, 7.5)
        self.drawString(left, top, _fit(header, st.FONT, 7.5, (right - left) * 0.7))
        self.drawRightString(right, top, self.exported)
        base = st.MARGIN_BOTTOM - 0.5 * cm - 11
        self.drawString(left, base, _fit(self.footer_left, st.FONT, 7.5, (right - left) * 0.7))
        self.drawRightString(right, base, f"Page {number} of {total}")
        self.restoreState()

    def _draw_toc(self, entries: list[Mark], *, first: bool) -> None:
        left, right = st.MARGIN_X, st.PAGE_SIZE[0] - st.MARGIN_X
        self.saveState()
        self.setFillColor(st.ACCENT)
        self.setFont(st.FONT_BOLD, 15)
        self.drawString(left, TOC_TOP + 1.0 * cm, "Contents" if first else "Contents (continued)")
        y = TOC_TOP
        for mark in entries:
            font = st.FONT_BOLD if mark.level == 0 else st.FONT
            size = 9.5 if mark.level == 0 else 9
            indent = left + 14 * min(mark.level, 2)
            number = str(mark.page)
            num_w = stringWidth(number, st.FONT, size)
            title = _fit(mark.title, font, size, right - indent - num_w - 30)
            title_w = stringWidth(title, font, size)
            self.setFillColor(st.INK)
            self.setFont(font, size)
            self.drawString(indent, y, title)
            self.setFont(st.FONT, size)
            self.drawRightString(right, y, number)
            self.setStrokeColor(st.RULE)
            self.setLineWidth(0.6)
            self.setDash(0.6, 2.4)
            self.line(indent + title_w + 5, y + 1, right - num_w - 5, y + 1)
            self.setDash()
            self.linkRect("", mark.key, (indent, y - 3, right, y + size), relative=0, thickness=0)
            y -= TOC_LINE
        self.restoreState()


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis so it fits ``width`` points on one line."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[: max(0, len(text) - max(1, len(text) // 8))] if len(text) > 40 else text[:-1]
    return text + "…"


@dataclass
class Metadata:
    title: str
    author: str
    subject: str
    keywords: list[str] = field(default_factory=list)
    footer_left: str = ""
    exported: str = ""


class DossierDoc(BaseDocTemplate):
    """A4 portrait, one frame; reports progress as each heading is laid out."""

    def __init__(self, target: Any, meta: Metadata, *, on_heading: Callable[[], None] | None = None) -> None:
        super().__init__(
            target,
            pagesize=st.PAGE_SIZE,
            leftMargin=st.MARGIN_X,
            rightMargin=st.MARGIN_X,
            topMargin=st.MARGIN_TOP,
            bottomMargin=st.MARGIN_BOTTOM,
            title=meta.title,
            author=meta.author,
            subject=meta.subject,
            keywords=meta.keywords,
            creator="MWMS Desktop",
            initialFontName=st.FONT,
            initialFontSize=9.5,
            initialLeading=13,
        )
        self.meta = meta
        self.on_heading = on_heading
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Heading) and self.on_heading is not None:
            self.on_heading()

    def build_pdf(self, flowables: list[Flowable]) -> int:
        """Lay out and write; returns the page count."""
        meta = self.meta
        made: list[DossierCanvas] = []

        def maker(*args: Any, **kw: Any) -> DossierCanvas:
            made.append(DossierCanvas(*args, footer_left=meta.footer_left, exported=meta.exported, **kw))
            return made[-1]

        self.build(flowables, canvasmaker=maker)
        return len(made[-1]._pages)
