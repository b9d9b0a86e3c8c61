"""Relationship health: the check-ins, each rating the framework's indicators 0–3, and a
small trend chart of their scores, painted directly (QtCharts is not in Essentials)."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from mwms_desktop import framework
from mwms_desktop import health as core_health
from mwms_desktop.views import CheckInView, EngagementDetail
from ui import theme
from ui.workspace.base import Pane, WorkspaceContext, plain_label
from ui.workspace.forms import FieldSpec, RecordDialog, Submit
from ui.workspace.record_pane import RecordTable
from ui.workspace.table_model import Column

FIELDS = (
    FieldSpec("held_on", "Held on", "day"),
    FieldSpec("ratings", "Ratings", "ratings"),
    FieldSpec("note", "Note", "long"),
)


def band_colour(c: CheckInView) -> QColor:
    return theme.health_colour(c.band, theme.is_dark(QGuiApplication.palette()))


COLUMNS = (
    Column("Held on", lambda c: c.held_on.isoformat()),
    Column("Score", lambda c: str(c.score), sort=lambda c: c.score, numeric=True),
    Column("Band", lambda c: framework.label(framework.HEALTH_BANDS, c.band), colour=band_colour),
    Column("Note", lambda c: c.note, main=True),
)


class CheckInTable(RecordTable):
    """Check-ins: a dialog opens on the first rating, the first thing a user has to enter
    (Held on is already today and is one Shift+Tab away)."""

    def _dialog(self, title: str, submit: Submit) -> RecordDialog:
        dialog = super()._dialog(title, submit)
        dialog.form.editors["ratings"].first().setFocus(Qt.FocusReason.OtherFocusReason)
        return dialog


class TrendChart(QWidget):
    """Scores (0–100) oldest to newest over the bands' zones; each point also says its band
    in the accessible description, since a chart alone is colour and shape."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.checkins: list[CheckInView] = []
        self.setAccessibleName("Health trend chart")
        self.setMinimumHeight(150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(480, 170)

    def set_checkins(self, newest_first: tuple[CheckInView, ...]) -> None:
        self.checkins = list(reversed(newest_first))
        self.setAccessibleDescription(
            "; ".join(
                f"{c.held_on.isoformat()}: {c.score} ({framework.label(framework.HEALTH_BANDS, c.band)})"
                for c in self.checkins
            )
            or "No check-in yet."
        )
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        pal = self.palette()
        dark = theme.is_dark(pal)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        left = fm.horizontalAdvance("100") + 10
        plot = QRectF(
            left, fm.height() / 2 + 4, self.width() - left - 12, self.height() - fm.height() * 2 - 10
        )

        def y_of(score: float) -> float:
            return plot.bottom() - plot.height() * score / 100

        watch, healthy = core_health.WATCH_FROM, core_health.HEALTHY_FROM
        zones = (("at_risk", 0, watch), ("watch", watch, healthy), ("healthy", healthy, 100))
        for band, lo, hi in zones:
            colour = theme.health_colour(band, dark)
            colour.setAlpha(40 if dark else 32)
            p.fillRect(QRectF(plot.left(), y_of(hi), plot.width(), y_of(lo) - y_of(hi)), colour)
        p.setPen(QPen(pal.color(QPalette.ColorRole.Mid), 1))
        p.drawRect(plot)
        p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
        for score in (0, core_health.WATCH_FROM, core_health.HEALTHY_FROM, 100):
            p.drawText(QRectF(0, y_of(score) - fm.height() / 2, left - 6, fm.height()),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(score))  # fmt: skip
        if not self.checkins:
            p.drawText(plot, Qt.AlignmentFlag.AlignCenter, "No check-in yet")
            return
        first, last = self.checkins[0].held_on, self.checkins[-1].held_on
        span = max(1, (last - first).days)

        def point(c: CheckInView) -> QPointF:
            x = (
                plot.center().x()
                if first == last
                else plot.left() + 12 + (plot.width() - 24) * ((c.held_on - first).days / span)
            )
            return QPointF(x, y_of(c.score))

        points = [point(c) for c in self.checkins]
        p.setPen(QPen(pal.color(QPalette.ColorRole.Text), 2))
        for a, b in itertools.pairwise(points):
            p.drawLine(a, b)
        for c, pt in zip(self.checkins, points, strict=True):
            p.setPen(QPen(pal.color(QPalette.ColorRole.Base), 1.5))
            p.setBrush(theme.health_colour(c.band, dark))
            p.drawEllipse(pt, 5, 5)
        p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
        baseline = QRectF(plot.left(), plot.bottom() + 2, plot.width(), fm.height() + 4)
        p.drawText(baseline, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, first.isoformat())
        if last != first:
            p.drawText(
                baseline, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, last.isoformat()
            )


class HealthPane(Pane):
    title = "Health"

    def __init__(self, ctx: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.summary = plain_label(name="paneIntro")
        self.chart = TrendChart()
        self.table = CheckInTable(ctx, "checkin", COLUMNS, FIELDS, lambda d: d.checkins)
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain_label("“Lifecycle structure supports relationship health monitoring.”", name="quote")
        )
        layout.addWidget(self.summary)
        layout.addWidget(self.chart)
        layout.addWidget(self.table, 1)

    def set_detail(self, detail: EngagementDetail) -> None:
        super().set_detail(detail)
        self.chart.set_checkins(detail.checkins)
        self.table.set_detail(detail)
        h = detail.card.health
        score = "no score" if h.score is None else f"score {h.score}"
        trend = framework.label(framework.TRENDS, h.trend)
        self.summary.setText(f"{h.band_label} ({score}); trend: {trend.lower()}.")
