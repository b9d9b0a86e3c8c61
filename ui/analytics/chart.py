"""One chart drawn with pyqtgraph from a ``ChartSpec``: stacked area (cumulative flow),
stacked or grouped bars, horizontal bars. Follows the palette (light and dark), reads out
the values of the category under the mouse, and says what is missing instead of drawing an
empty axis. Importing this module imports pyqtgraph and numpy: only the analytics view does.
"""

from __future__ import annotations

import html
import math

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QFontMetrics, QPalette
from PySide6.QtWidgets import QLabel, QStackedLayout, QVBoxLayout, QWidget

from mwms_desktop.analytics.charts import ChartSpec
from ui import theme
from ui.analytics.colours import rework_colour, series_colours
from ui.analytics.shim import import_pyqtgraph
from ui.tooltip import plain_tip

pg = import_pyqtgraph()  # its Qt mirrors filled on use (``shim``)

MAX_TICKS = 12
NOTHING = "Nothing to draw: every value is zero for these filters and period."


class Chart(QWidget):
    def __init__(self, spec: ChartSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.plot = pg.PlotWidget(enableMenu=False)  # no context menu: none is built
        self.plot.setAccessibleName(spec.title)
        self.plot.setMinimumHeight(220)
        item = self.plot.getPlotItem()
        item.hideButtons()
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.scene().sigMouseMoved.connect(self._hover)
        self.empty = QLabel(wordWrap=True, alignment=Qt.AlignmentFlag.AlignCenter)
        self.empty.setObjectName("chartMissing")
        self.empty.setMinimumHeight(120)
        self.legend = QLabel(objectName="chartLegend", wordWrap=True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.readout = QLabel(" ")
        self.readout.setObjectName("chartReadout")
        self.readout.setAccessibleName("Values under the pointer")
        self._stack = QStackedLayout()
        self._stack.addWidget(self.plot)
        self._stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.legend)
        layout.addLayout(self._stack, 1)
        layout.addWidget(self.readout)
        self.draw()

    # --- drawing -------------------------------------------------------------------------

    def set_spec(self, spec: ChartSpec) -> None:
        self.spec = spec
        self.plot.setAccessibleName(spec.title)
        self.draw()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.draw()

    @property
    def dark(self) -> bool:
        return theme.is_dark(self.palette())

    def draw(self) -> None:
        spec = self.spec
        if not spec.drawable:
            self.empty.setText(spec.missing or NOTHING)
            self._stack.setCurrentWidget(self.empty)
            self.readout.setText(" ")
            self.legend.clear()
            return
        self._stack.setCurrentWidget(self.plot)
        item = self.plot.getPlotItem()
        item.clear()
        item.invertY(False)
        pal = self.palette()
        ink = pal.color(QPalette.ColorRole.WindowText)
        self.plot.setBackground(pal.color(QPalette.ColorRole.Base))
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(pal.color(QPalette.ColorRole.Mid)))
            axis.setTextPen(pg.mkPen(ink))
        drawn = spec.drawn
        colours = series_colours(spec.colours, len(drawn), self.dark)
        n = len(spec.categories)
        values = [np.array([v or 0.0 for v in s.values], dtype=float) for s in drawn]
        x = np.arange(n, dtype=float)
        if spec.kind == "stacked_area":
            self._area(item, x, drawn, values, colours)
        elif spec.kind == "hbars":
            self._hbars(item, drawn, values, colours)
        else:
            self._bars(item, x, drawn, values, colours, stacked=spec.kind == "stacked_bars")
        self._legend(drawn, colours)
        if spec.kind != "hbars":
            self._bottom_ticks()
            item.getAxis("left").setTicks(None)
            label = spec.unit or spec.counts or ("cycles" if spec.section == "execution" else "engagements")
            item.getAxis("left").setLabel(label, color=ink.name())
            item.setXRange(-0.6, n - 0.4, padding=0)
        item.showGrid(x=False, y=True, alpha=0.25)

    def _legend(self, drawn, colours) -> None:
        entries = [(s.name, c) for s, c in zip(drawn, colours, strict=True)]
        rework = next((s for s in self.spec.series if s.name.startswith("Rework")), None)
        if self.spec.kind == "stacked_area" and rework is not None and any(rework.values):
            entries.append((f"{rework.name} ▲", rework_colour(self.dark)))
        self.legend.setText(
            "&nbsp;&nbsp; ".join(
                f'<span style="color:{c.name()}">■</span>&nbsp;{html.escape(name)}' for name, c in entries
            )
        )

    def _bottom_ticks(self) -> None:
        """As many category labels as fit the width; days are labelled by their month."""
        spec = self.spec
        labels, n = spec.tick_labels, len(spec.categories)
        width = max(200, self.plot.width() - 60)
        spots = list(range(n))
        if n > 62 and all(len(c) == 10 for c in labels):  # days: label the first of each month
            spots = [i for i in range(n) if labels[i].endswith("-01")] or [0]
            labels = tuple(c[:7] for c in labels)
        em = QFontMetrics(self.plot.font()).horizontalAdvance("M")
        widest = max((len(labels[i]) for i in spots), default=1) * em * 0.62 + 14
        step = max(1, math.ceil(len(spots) * widest / width))
        ticks = [(float(i), labels[i]) for i in spots[::step]]
        self.plot.getPlotItem().getAxis("bottom").setTicks([ticks])

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.spec.drawable and self.spec.kind != "hbars":
            self._bottom_ticks()

    def _area(self, item, x, drawn, values, colours) -> None:
        # Stages from the last (bottom) to the first (top); "off the board" beneath them all.
        order = [len(drawn) - 1, *range(len(drawn) - 2, -1, -1)]
        tops, total = [], np.zeros_like(x)
        for n in order:
            total = total + values[n]
            tops.append((n, total.copy()))
        for n, top in reversed(tops):  # the tallest first: each lower band is drawn over it
            colour = colours[n]
            item.addItem(
                pg.PlotDataItem(
                    x,
                    top,
                    pen=pg.mkPen(colour.darker(130), width=1),
                    fillLevel=0,
                    brush=pg.mkBrush(colour),
                    name=drawn[n].name,
                )
            )
        rework = next((s for s in self.spec.series if s.name.startswith("Rework")), None)
        if rework is not None and any(rework.values):
            days = np.array([i for i, v in enumerate(rework.values) if v], dtype=float)
            heights = np.array([total[int(i)] for i in days], dtype=float)
            item.addItem(
                pg.ScatterPlotItem(
                    days,
                    heights,
                    symbol="t",
                    size=9,
                    brush=pg.mkBrush(rework_colour(self.dark)),
                    pen=None,
                    name=rework.name,
                )
            )
        item.setYRange(0, max(1.0, float(total.max())) * 1.05, padding=0)
        _whole_numbers(item.getAxis("left"), float(total.max()))

    def _bars(self, item, x, drawn, values, colours, *, stacked: bool) -> None:
        base = np.zeros_like(x)
        k = len(drawn)
        width = 0.8 if stacked else 0.8 / max(1, k)
        for n, (series, vals) in enumerate(zip(drawn, values, strict=True)):
            offset = 0.0 if stacked else -0.4 + width * (n + 0.5)
            bar = pg.BarGraphItem(
                x=x + offset,
                height=vals,
                y0=base.copy() if stacked else 0,
                width=width * 0.92,
                brush=pg.mkBrush(colours[n]),
                pen=pg.mkPen(colours[n].darker(140)),
                name=series.name,
            )
            item.addItem(bar)
            if stacked:
                base = base + vals
        top = float(base.max()) if stacked else max(float(v.max()) for v in values)
        item.setYRange(0, max(1.0, top) * 1.12, padding=0)
        _whole_numbers(item.getAxis("left"), top if not self.spec.unit else 99.0)

    def _hbars(self, item, drawn, values, colours) -> None:
        n = len(self.spec.categories)
        y = np.arange(n, dtype=float)
        item.addItem(
            pg.BarGraphItem(
                x0=0,
                y=y,
                width=values[0],
                height=0.6,
                brush=pg.mkBrush(colours[0]),
                pen=pg.mkPen(colours[0].darker(140)),
                name=drawn[0].name,
            )
        )
        item.getAxis("left").setTicks([[(i, self.spec.categories[i]) for i in range(n)]])
        item.getAxis("bottom").setTicks(None)
        item.getAxis("left").setLabel(None)
        item.invertY(True)
        item.setYRange(-0.6, n - 0.4, padding=0)
        item.setXRange(0, max(1.0, float(values[0].max())) * 1.1, padding=0)
        _whole_numbers(item.getAxis("bottom"), float(values[0].max()))
        item.getAxis("left").setTickSpacing()

    # --- values under the pointer -------------------------------------------------------

    def category_at(self, scene_pos: QPointF) -> int | None:
        item = self.plot.getPlotItem()
        if not item.vb.sceneBoundingRect().contains(scene_pos):
            return None
        point = item.vb.mapSceneToView(scene_pos)
        index = round(point.y() if self.spec.kind == "hbars" else point.x())
        return index if 0 <= index < len(self.spec.categories) else None

    def readout_text(self, index: int) -> str:
        spec = self.spec
        row = spec.rows[index]
        cells = ", ".join(f"{h} {v}" for h, v in zip(spec.headers[1:], row[1:], strict=True))
        return f"{row[0]}: {cells}"

    def _hover(self, scene_pos: QPointF) -> None:
        index = self.category_at(scene_pos) if self.spec.drawable else None
        text = self.readout_text(index) if index is not None else " "
        self.readout.setText(text)
        self.plot.setToolTip("" if index is None else plain_tip(text))  # an owner's name, as typed

    def scene_point(self, index: int) -> QPointF:
        """Where category ``index`` sits in the scene (for pointing at it)."""
        vb = self.plot.getPlotItem().vb
        rect = vb.viewRect()
        mid = rect.center()
        point = QPointF(mid.x(), index) if self.spec.kind == "hbars" else QPointF(index, mid.y())
        return vb.mapViewToScene(point)


def _whole_numbers(axis: pg.AxisItem, top: float) -> None:
    """Counts read as whole numbers: a tick for each up to ten, else pyqtgraph's own."""
    if top <= 10:
        axis.setTickSpacing(1, 1)
    else:
        axis.setTickSpacing()
