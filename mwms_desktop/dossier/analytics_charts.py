"""The portfolio analytics' charts as ReportLab vector drawings (DejaVu Sans embedded), from
the same ``ChartSpec`` the window draws: stacked area, stacked or grouped bars, horizontal
bars, each with a legend. Colours differ in lightness as well as hue, so they survive a
greyscale print; the table printed under each chart carries the numbers anyway."""

from __future__ import annotations

import math

from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from mwms_desktop.analytics.charts import ChartSpec
from mwms_desktop.dossier import styles as st

STAGES = ("#c6dbef", "#9ecae1", "#6baed6", "#3a87c2", "#1c5ea3", "#0b3a6f", "#bdbdbd")
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
PALETTES = {
    "stages": STAGES,
    "outcomes": ("#009E73", "#0072B2", "#56B4E9", "#E69F00", "#7f7f7f"),
    "kinds": ("#009E73", "#D55E00", "#8c8c8c", "#CC79A7"),
    "bands": ("#2e7d32", "#c77700", "#b71c1c", "#9e9e9e"),
}
REWORK = colors.HexColor("#c62828")
LEFT, BOTTOM, TOP_PAD = 34.0, 24.0, 6.0


def _colours(spec: ChartSpec, count: int) -> list[colors.Color]:
    names = PALETTES.get(spec.colours, OKABE_ITO)
    return [colors.HexColor(names[n % len(names)]) for n in range(count)]


def _text(x: float, y: float, text: str, size: float = 6.5, anchor: str = "start",
          colour: colors.Color = st.MUTED) -> String:  # fmt: skip
    return String(x, y, text, fontName=st.FONT, fontSize=size, fillColor=colour, textAnchor=anchor)


def _nice_top(value: float) -> tuple[float, float]:
    """An axis top at or above ``value`` and its tick step (1, 2 or 5 times a power of ten)."""
    value = max(value, 1.0)
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if value <= 8:  # a few engagements: a tick for each whole number
        step = 1.0
    return step * math.ceil(value / step), step


def _legend(d: Drawing, spec: ChartSpec, colours: list[colors.Color], width: float, y: float) -> float:
    """Legend entries left to right, wrapping; returns the height used."""
    x, line = 0.0, 0
    entries = [(s.name, c) for s, c in zip(spec.drawn, colours, strict=True)]
    rework = next((s for s in spec.series if s.name.startswith("Rework")), None)
    if spec.kind == "stacked_area" and rework is not None and any(rework.values):
        entries.append((f"{rework.name} (marks above the bands)", REWORK))
    for name, colour in entries:
        w = 10 + stringWidth(name, st.FONT, 6.5) + 10
        if x + w > width and x > 0:
            x, line = 0.0, line + 1
        yy = y - line * 10
        d.add(Rect(x, yy - 1, 6, 6, fillColor=colour, strokeColor=None))
        d.add(_text(x + 9, yy, name))
        x += w
    return (line + 1) * 10


def draw(spec: ChartSpec, width: float = st.FRAME_WIDTH, height: float = 170.0) -> Drawing:
    drawn = spec.drawn
    colours = _colours(spec, len(drawn))
    d = Drawing(width, height, initialFontName=st.FONT, initialFontSize=6.5)
    legend_h = _legend(d, spec, colours, width, height - 8)
    plot_top = height - legend_h - TOP_PAD - 4
    n = len(spec.categories)
    values = [[v or 0.0 for v in s.values] for s in drawn]
    if spec.kind == "hbars":
        _hbars(d, spec, values[0], colours[0], width, plot_top)
        return d
    stacked = spec.kind in ("stacked_area", "stacked_bars")
    totals = (
        [sum(v[i] for v in values) for i in range(n)]
        if stacked
        else [max(v[i] for v in values) for i in range(n)]
    )
    top, step = _nice_top(max(totals, default=1.0))
    plot_w, plot_h = width - LEFT - 4, plot_top - BOTTOM

    def y_of(v: float) -> float:
        return BOTTOM + plot_h * v / top

    tick = 0.0
    while tick <= top + 1e-9:
        d.add(Line(LEFT, y_of(tick), LEFT + plot_w, y_of(tick), strokeColor=st.RULE, strokeWidth=0.3))
        d.add(_text(LEFT - 3, y_of(tick) - 2, f"{tick:g}", anchor="end"))
        tick += step
    slot = plot_w / max(1, n)

    def x_mid(i: int) -> float:
        return LEFT + slot * (i + 0.5)

    if spec.kind == "stacked_area":
        order = [len(drawn) - 1, *range(len(drawn) - 2, -1, -1)]  # off the board at the bottom
        base = [0.0] * n
        for k in order:
            upper = [b + v for b, v in zip(base, values[k], strict=True)]
            points: list[float] = []
            for i in range(n):
                points += [x_mid(i), y_of(upper[i])]
            for i in range(n - 1, -1, -1):
                points += [x_mid(i), y_of(base[i])]
            d.add(Polygon(points, fillColor=colours[k], strokeColor=colours[k], strokeWidth=0.2))
            base = upper
        rework = next((s for s in spec.series if s.name.startswith("Rework")), None)
        for i, v in enumerate(rework.values if rework else ()):
            if v:
                x, y = x_mid(i), y_of(base[i]) + 2
                d.add(Polygon([x - 2.5, y, x + 2.5, y, x, y + 4], fillColor=REWORK, strokeColor=None))
    else:
        k = len(drawn)
        bar = slot * 0.8 / (1 if stacked else k)
        base = [0.0] * n
        for j, vals in enumerate(values):
            for i, v in enumerate(vals):
                if not v:
                    continue
                x = LEFT + slot * i + slot * 0.1 + (0 if stacked else bar * j)
                d.add(Rect(x, y_of(base[i]), bar * 0.92, y_of(v) - BOTTOM, fillColor=colours[j],
                           strokeColor=None))  # fmt: skip
                if stacked:
                    base[i] += v
    d.add(Line(LEFT, BOTTOM, LEFT + plot_w, BOTTOM, strokeColor=st.MUTED, strokeWidth=0.5))
    _x_labels(d, spec, n, x_mid, plot_w)
    return d


def _x_labels(d: Drawing, spec: ChartSpec, n: int, x_mid, plot_w: float) -> None:
    labels = spec.tick_labels
    spots = list(range(n))
    if n > 62 and all(len(c) == 10 for c in labels):  # days: label the first of each month
        spots = [i for i in spots if labels[i].endswith("-01")] or [0]
        labels = tuple(c[:7] for c in labels)
    widest = max((stringWidth(labels[i], st.FONT, 6.5) for i in spots), default=10) + 6
    step = max(1, math.ceil(len(spots) * widest / plot_w))
    for i in spots[::step]:
        d.add(_text(x_mid(i), BOTTOM - 9, labels[i], anchor="middle"))


def _hbars(d: Drawing, spec: ChartSpec, values: list[float], colour: colors.Color, width: float,
           plot_top: float) -> None:  # fmt: skip
    n = len(spec.categories)
    label_w = max(stringWidth(c, st.FONT, 6.5) for c in spec.categories) + 8
    top, step = _nice_top(max(values, default=1.0))
    plot_w = width - label_w - 10
    row = (plot_top - BOTTOM) / max(1, n)
    tick = 0.0
    while tick <= top + 1e-9:
        x = label_w + plot_w * tick / top
        d.add(Line(x, BOTTOM, x, plot_top, strokeColor=st.RULE, strokeWidth=0.3))
        d.add(_text(x, BOTTOM - 9, f"{tick:g}", anchor="middle"))
        tick += step
    for i, (name, v) in enumerate(zip(spec.categories, values, strict=True)):
        y = plot_top - row * (i + 1)
        d.add(_text(label_w - 4, y + row * 0.35, name, anchor="end", colour=st.INK))
        if v:
            d.add(
                Rect(label_w, y + row * 0.2, plot_w * v / top, row * 0.6, fillColor=colour, strokeColor=None)
            )
