"""The stage history as a timeline: every move with its date, and for a backward move or an
undo, the reason given. Painted, with the same text as its accessible description."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QFrame, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from mwms_desktop import framework
from mwms_desktop.views import EngagementDetail, StageMoveView
from ui import theme
from ui.workspace.base import Pane, WorkspaceContext, plain_label, plural

KIND_WORDS = {"created": "Created", "forward": "Forward", "backward": "Back", "undo": "Undone"}
GUTTER = 34
PAD = 8


def _stage(slug: str | None) -> str:
    return framework.stage(slug).label if slug else ""


def describe(m: StageMoveView) -> tuple[str, str, str]:
    """(date line, headline, reason) of one move."""
    when = m.moved_at.astimezone().strftime("%Y-%m-%d %H:%M")  # the consultant's local time
    if m.kind == "created":
        head = f"Created in {_stage(m.to_stage)}"
    else:
        head = f"{KIND_WORDS.get(m.kind, m.kind)}: {_stage(m.from_stage)} → {_stage(m.to_stage)}"
    return when, head, m.reason.strip()


class Timeline(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.moves: list[StageMoveView] = []
        self.setAccessibleName("Stage history")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    def set_moves(self, moves: tuple[StageMoveView, ...]) -> None:
        self.moves = list(moves)
        self.setAccessibleDescription(
            "; ".join(" ".join(part for part in describe(m) if part) for m in self.moves)
        )
        self.updateGeometry()
        self.update()

    def _reason_rect(self, width: int, reason: str) -> QRect:
        return self.fontMetrics().boundingRect(
            QRect(0, 0, max(50, width - GUTTER - PAD * 2), 10_000), Qt.TextFlag.TextWordWrap, reason
        )

    def _entry_height(self, m: StageMoveView, width: int) -> int:
        line = self.fontMetrics().lineSpacing()
        reason = describe(m)[2]
        return line * 2 + (self._reason_rect(width, reason).height() + 4 if reason else 0) + PAD * 2

    def sizeHint(self) -> QSize:
        return QSize(400, self.heightForWidth(400))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return sum(self._entry_height(m, width) for m in self.moves) + PAD

    def paintEvent(self, event: QPaintEvent) -> None:
        pal = self.palette()
        dark = theme.is_dark(pal)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        bold = QFont(self.font())
        bold.setBold(True)
        line = fm.lineSpacing()
        colours = {"forward": theme.health_colour("healthy", dark), "backward": theme.warning_colour(dark),
                   "undo": pal.color(QPalette.ColorRole.PlaceholderText),
                   "created": pal.color(QPalette.ColorRole.Highlight)}  # fmt: skip
        y = PAD
        x_line = GUTTER // 2
        centres = []
        for m in self.moves:
            centres.append(y + line + line // 2)
            y += self._entry_height(m, self.width())
        p.setPen(QPen(pal.color(QPalette.ColorRole.Mid), 2))
        if len(centres) > 1:
            p.drawLine(x_line, centres[0], x_line, centres[-1])
        y = PAD
        text_x = GUTTER
        text_w = self.width() - GUTTER - PAD
        for m in self.moves:
            when, head, reason = describe(m)
            h = self._entry_height(m, self.width())
            p.setPen(QPen(pal.color(QPalette.ColorRole.Window), 2))
            p.setBrush(colours.get(m.kind, pal.color(QPalette.ColorRole.Text)))
            p.drawEllipse(x_line - 6, y + line + line // 2 - 6, 12, 12)
            p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            p.setFont(self.font())
            p.drawText(QRect(text_x, y, text_w, line), Qt.AlignmentFlag.AlignLeft, when)
            p.setPen(pal.color(QPalette.ColorRole.WindowText))
            p.setFont(bold)
            p.drawText(QRect(text_x, y + line, text_w, line), Qt.AlignmentFlag.AlignLeft, head)
            p.setFont(self.font())
            if reason:
                rect = self._reason_rect(self.width(), reason).translated(text_x, y + line * 2 + 2)
                p.drawText(rect, Qt.TextFlag.TextWordWrap, reason)
            y += h


class HistoryPane(Pane):
    title = "History"

    def __init__(self, ctx: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.summary = plain_label(name="paneIntro")
        self.timeline = Timeline()
        holder = QWidget()
        inner = QVBoxLayout(holder)
        inner.addWidget(self.timeline)
        inner.addStretch(1)
        scroller = QScrollArea()
        scroller.setWidget(holder)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(scroller, 1)

    def set_detail(self, detail: EngagementDetail) -> None:
        super().set_detail(detail)
        self.timeline.set_moves(detail.history)
        back = sum(1 for m in detail.history if m.kind == "backward")
        since = detail.created_at.strftime("%Y-%m-%d")
        self.summary.setText(
            f"In {detail.card.stage_label} for {plural(detail.card.days_in_stage, 'day')}; "
            f"{plural(len(detail.history), 'entry', 'entries')} since {since}, {back} backward."
        )
