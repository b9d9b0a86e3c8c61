"""The dossier's two charts, drawn with ReportLab graphics in DejaVu Sans.

The lifecycle timeline is a Gantt strip: one row per stage, a bar for every stay in it
(a backward move shows as a second bar in an earlier row), the current stay lighter. The
health trend plots each check-in's score over the bands that name it (at risk, watch,
healthy). Both rely on lightness rather than hue, so they read in greyscale.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from mwms_desktop import framework, health
from mwms_desktop.clock import local_day
from mwms_desktop.dossier import styles as st
from mwms_desktop.dossier.facts import StageSpan, fmt_day
from mwms_desktop.views import CheckInView

LABEL_W = 150.0
ROW_H = 17.0
AXIS_H = 26.0


def _text(x: float, y: float, text: str, size: float = 7.5, *, bold: bool = False,
          color: colors.Color = st.INK, anchor: str = "start") -> String:  # fmt: skip
    return String(
        x, y, text, fontName=st.FONT_BOLD if bold else st.FONT, fontSize=size, fillColor=color,
        textAnchor=anchor,
    )  # fmt: skip


TICK_STEPS_DAYS = (1, 2, 7, 14, 30, 61, 91, 182, 365, 730)


def _ticks(start: datetime, end: datetime, most: int) -> list[datetime]:
    """Ticks on local midnights inside [start, end], a whole number of days apart (the
    smallest step of ``TICK_STEPS_DAYS`` that gives at most ``most``), so no two ticks name
    the same day; the start leads when its day has no tick of its own."""
    first, last = local_day(start), local_day(end)
    zone = start.astimezone().tzinfo

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(), tzinfo=zone)

    span = (last - first).days
    step = next((s for s in TICK_STEPS_DAYS if span // s + 1 <= most), span or 1)
    ticks = []
    day = first
    while day <= last:
        if start <= midnight(day) <= end:
            ticks.append(midnight(day))
        day += timedelta(days=step)
    if not ticks or local_day(ticks[0]) != first:
        ticks.insert(0, start)
    return ticks


def _clamped_label(x: float, y: float, text: str, low: float, high: float) -> String:
    """A date label centred on its tick but kept inside [low, high]."""
    half = stringWidth(text, st.FONT, 6.5) / 2
    return _text(min(max(x, low + half), high - half), y, text, 6.5, color=st.MUTED, anchor="middle")


def timeline_chart(spans: list[StageSpan], width: float = st.FRAME_WIDTH) -> Drawing:
    """Six rows, one per stage, with a bar for every stay; dates along the bottom."""
    rows = len(framework.STAGES)
    height = rows * ROW_H + AXIS_H + 6
    d = Drawing(width, height, initialFontName=st.FONT, initialFontSize=7.5)
    start = min(s.start for s in spans)
    end = max(s.end for s in spans)
    if end - start < timedelta(days=1):
        end = start + timedelta(days=1)
    plot_x, plot_w = LABEL_W, width - LABEL_W - 8
    total = (end - start).total_seconds()

    def x_of(t: datetime) -> float:
        return plot_x + plot_w * (t - start).total_seconds() / total

    top = height - 4
    for n, stage in enumerate(framework.STAGES):
        y = top - (n + 1) * ROW_H
        if n % 2 == 0:
            d.add(Rect(0, y, width, ROW_H, fillColor=st.SHADE, strokeColor=None))
        d.add(_text(4, y + 5.5, f"{stage.number}  {stage.label}", 7.5))
    last_x, shown = None, set()
    ticks = _ticks(start, end, max(2, int(plot_w // 85)))
    for tick in [*ticks, end]:  # the end closes the axis if its day is not labelled yet
        x = x_of(tick)
        label = fmt_day(tick)
        if label in shown or (last_x is not None and x - last_x < stringWidth(label, st.FONT, 6.5) + 6):
            continue  # a day once only, and no label over the one before
        last_x = x
        shown.add(label)
        d.add(Line(x, AXIS_H - 2, x, top, strokeColor=st.RULE, strokeWidth=0.4, strokeDashArray=[1, 2]))
        d.add(_clamped_label(x, AXIS_H - 12, label, plot_x - 20, width))
    d.add(Line(plot_x, AXIS_H - 2, plot_x + plot_w, AXIS_H - 2, strokeColor=st.MUTED, strokeWidth=0.6))
    for span in spans:
        row = framework.stage_index(span.stage)
        y = top - (row + 1) * ROW_H + 3.5
        x0 = x_of(span.start)
        w = max(2.0, x_of(span.end) - x0)
        fill = st.ACCENT_LIGHT if span.current else st.ACCENT
        d.add(Rect(x0, y, w, ROW_H - 7, fillColor=fill, strokeColor=st.ACCENT, strokeWidth=0.5))
    legend_y = 3
    d.add(Rect(plot_x, legend_y, 9, 6, fillColor=st.ACCENT, strokeColor=st.ACCENT, strokeWidth=0.5))
    d.add(_text(plot_x + 13, legend_y, "completed stay", 6.5, color=st.MUTED))
    d.add(
        Rect(plot_x + 80, legend_y, 9, 6, fillColor=st.ACCENT_LIGHT, strokeColor=st.ACCENT, strokeWidth=0.5)
    )
    d.add(_text(plot_x + 93, legend_y, "current stage (to export date)", 6.5, color=st.MUTED))
    return d


def health_chart(checkins: tuple[CheckInView, ...], width: float = st.FRAME_WIDTH) -> Drawing:
    """Check-in scores (0–100) oldest to newest, over the health bands."""
    height = 150.0
    d = Drawing(width, height, initialFontName=st.FONT, initialFontSize=7.5)
    plot_x, plot_y = 30.0, 24.0
    plot_w, plot_h = width - plot_x - 60, height - plot_y - 10
    points = sorted(checkins, key=lambda c: (c.held_on, c.id))

    def y_of(score: float) -> float:
        return plot_y + plot_h * score / 100

    bands = (
        ("at_risk", 0, health.WATCH_FROM),
        ("watch", health.WATCH_FROM, health.HEALTHY_FROM),
        ("healthy", health.HEALTHY_FROM, 100),
    )
    for band, low, high in bands:
        d.add(Rect(plot_x, y_of(low), plot_w, y_of(high) - y_of(low), fillColor=st.BAND_FILLS[band],
                   strokeColor=None))  # fmt: skip
        label = framework.label(framework.HEALTH_BANDS, band)
        d.add(_text(plot_x + plot_w + 5, (y_of(low) + y_of(high)) / 2 - 2.5, label, 7, color=st.MUTED))
    for score in (0, 25, 50, 75, 100):
        d.add(_text(plot_x - 4, y_of(score) - 2.5, str(score), 6.5, color=st.MUTED, anchor="end"))
        d.add(Line(plot_x, y_of(score), plot_x + plot_w, y_of(score), strokeColor=colors.white,
                   strokeWidth=0.5))  # fmt: skip
    d.add(Rect(plot_x, plot_y, plot_w, plot_h, fillColor=None, strokeColor=st.RULE, strokeWidth=0.5))
    if not points:
        return d
    first, last = points[0].held_on, points[-1].held_on
    days = max(1, (last - first).days)

    def x_of(n: int, c: CheckInView) -> float:
        if len(points) == 1:
            return plot_x + plot_w / 2
        return plot_x + 8 + (plot_w - 16) * (c.held_on - first).days / days

    xy = [(x_of(n, c), y_of(c.score)) for n, c in enumerate(points)]
    if len(xy) > 1:
        d.add(PolyLine([v for p in xy for v in p], strokeColor=st.ACCENT, strokeWidth=1.4))
    labelled = len(points) <= 24
    previous_x = None
    for (x, y), c in zip(xy, points, strict=True):
        d.add(Circle(x, y, 2.6, fillColor=colors.white, strokeColor=st.ACCENT, strokeWidth=1.2))
        if labelled:  # a second check-in on the same day is labelled below its point
            below = previous_x is not None and abs(x - previous_x) < 12
            d.add(_text(x, y - 11 if below else y + 5, str(c.score), 6.5, bold=True, anchor="middle"))
        previous_x = x
    d.add(_text(plot_x, plot_y - 12, fmt_day(first), 6.5, color=st.MUTED))
    if len(points) > 1:
        d.add(_text(plot_x + plot_w, plot_y - 12, fmt_day(last), 6.5, color=st.MUTED, anchor="end"))
    return d
