"""*View → Portfolio analytics*: a window of charts in five tabs (flow, time in stage,
outcomes, execution and learning, health), each chart with its table.

The period is chosen here; the engagement type and owner are the board's filters, shared
both ways (choosing an owner here filters the board too). The numbers are computed on a
worker thread (``mwms_desktop.analytics.fast``): when the window opens, the first tab's
numbers first, then the rest from the same read; the window only shows them, and makes a
tab's charts when the tab is first shown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QLabel,
    QMainWindow,
    QScrollArea,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from mwms_desktop import framework
from mwms_desktop.analytics import charts, fast, report
from mwms_desktop.analytics.fast import FastFacts
from mwms_desktop.analytics.source import Scope, default_scope
from mwms_desktop.services import Services
from ui.analytics import library
from ui.analytics.panel import ChartPanel
from ui.screen import fitted

PRESETS: tuple[tuple[str, int], ...] = (
    ("Last 12 months", 12),
    ("Last 6 months", 6),
    ("Last 3 months", 3),
    ("Last 24 months", 24),
    ("Custom", 0),
)
STYLE = """
#chartTitle { font-weight: bold; font-size: 10.5pt; }
#chartCaption, #chartReadout, #analyticsNote { color: palette(placeholder-text); }
#chartMissing { color: palette(placeholder-text); font-style: italic; }
"""


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class AnalyticsWindow(QMainWindow):
    loaded = Signal()  # the charts (or, without the chart library, the tables) show the latest numbers

    def __init__(self, services: Services, filters=None, parent: QWidget | None = None, store=None) -> None:
        """``filters``: the board's FilterBar, whose type and owner this window shares;
        ``store``: the board's BoardStore, whose active cards (built once for its counts) the
        drift and health figures reuse instead of building them again."""
        super().__init__(parent)
        self.setWindowTitle("Portfolio analytics")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setStyleSheet(STYLE)
        self.services = services
        self.board_filters = filters
        self.store = store
        self._specs: dict[str, list[charts.ChartSpec]] = {}
        self.report: report.Report | None = None
        self.panels: dict[str, ChartPanel] = {}
        self._pending = False
        self._running = False
        self._charts_ready = False  # the chart library is imported (on a worker, see ``library``)
        self._charts_failed = ""  # why the chart library could not be imported: tables only
        self._waiting = False  # numbers shown whose charts are not yet announced (``loaded``)
        self._rest: Callable[[], None] | None = None  # the other tabs' numbers, after the first's paint
        today = services.clock.today()

        self.preset = QComboBox(accessibleName="Period")
        for label, months in PRESETS:
            self.preset.addItem(label, months)
        self.since = QDateEdit(
            _qdate(default_scope(today).since), calendarPopup=True, displayFormat="yyyy-MM-dd"
        )
        self.until = QDateEdit(_qdate(today), calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.since.setAccessibleName("From")
        self.until.setAccessibleName("To")
        self.type_box = QComboBox(accessibleName="Engagement type")
        self.type_box.addItem("All types", "")
        for term in framework.ENGAGEMENT_TYPES:
            self.type_box.addItem(term.label, term.slug)
        self.owner_box = QComboBox(accessibleName="Owner")
        self.owner_box.addItem("All owners", "")
        self._copy_board_filters()

        bar = QToolBar("Analytics filters")
        bar.setObjectName("analyticsFilters")
        bar.setMovable(False)
        for text, widget in (("Period ", self.preset), (" from ", self.since), (" to ", self.until),
                             ("   ", self.type_box), (" ", self.owner_box)):  # fmt: skip
            bar.addWidget(QLabel(text))
            bar.addWidget(widget)
        self.addToolBar(bar)

        self.status = QLabel("Reading the portfolio…", objectName="analyticsNote")
        self.tabs = QTabWidget(documentMode=True)
        self.tabs.setAccessibleName("Analytics sections")
        self._pages: dict[str, QVBoxLayout] = {}
        for key, title in charts.SECTIONS:
            page = QWidget()
            layout = QVBoxLayout(page)
            layout.setContentsMargins(12, 8, 12, 8)
            self._pages[key] = layout
            scroller = QScrollArea(widgetResizable=True)
            scroller.setWidget(page)
            self.tabs.addTab(scroller, title)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.resize(fitted(self, 1280, 860))

        self._debounce = QTimer(self, singleShot=True, interval=150, timeout=self.refresh)
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        for edit in (self.since, self.until):
            edit.dateChanged.connect(self._dates_edited)
        self.type_box.currentIndexChanged.connect(self._own_filter_changed)
        self.owner_box.currentIndexChanged.connect(self._own_filter_changed)
        self.tabs.currentChanged.connect(self._tab_shown)
        if filters is not None:
            filters.changed.connect(self._board_filter_changed)
        self.refresh()  # the portfolio is read while the chart library is imported
        library.load(self, self._library_ready, self._library_failed)

    # --- filters --------------------------------------------------------------------------

    def scope(self) -> Scope:
        since, until = _day(self.since.date()), _day(self.until.date())
        if since > until:
            since, until = until, since
        return Scope(since, until, self.type_box.currentData() or "", self.owner_box.currentData() or "")

    def _copy_board_filters(self) -> None:
        f = self.board_filters
        if f is None:
            return
        for box in (self.type_box, self.owner_box):
            box.blockSignals(True)
        self.owner_box.clear()
        for n in range(f.owner_box.count()):
            self.owner_box.addItem(f.owner_box.itemText(n), f.owner_box.itemData(n))
        self.type_box.setCurrentIndex(max(0, self.type_box.findData(f.type_box.currentData())))
        self.owner_box.setCurrentIndex(max(0, self.owner_box.findData(f.owner_box.currentData())))
        for box in (self.type_box, self.owner_box):
            box.blockSignals(False)

    def _board_filter_changed(self, _filter: object) -> None:
        self._copy_board_filters()
        self._debounce.start()

    def _own_filter_changed(self) -> None:
        f = self.board_filters
        if f is None:
            self._debounce.start()
            return
        # The board's filter is the one shared state: set it, and its change comes back here.
        f.type_box.setCurrentIndex(max(0, f.type_box.findData(self.type_box.currentData())))
        f.owner_box.setCurrentIndex(max(0, f.owner_box.findData(self.owner_box.currentData())))
        self._debounce.start()

    def _preset_chosen(self) -> None:
        months = self.preset.currentData()
        if not months:
            return
        today = self.services.clock.today()
        for edit, day in ((self.since, default_scope(today, months).since), (self.until, today)):
            edit.blockSignals(True)
            edit.setDate(_qdate(day))
            edit.blockSignals(False)
        self._debounce.start()

    def _dates_edited(self) -> None:
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(self.preset.findData(0))
        self.preset.blockSignals(False)
        self._debounce.start()

    # --- numbers ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Compute the numbers for the current filters on a worker thread: when the window
        opens, the portfolio is read and the first tab's numbers computed and painted first;
        the other tabs' numbers follow on the worker, from the same read, once that tab is
        shown with its charts."""
        if self._running:
            self._pending = True
            return
        from ui.tasks import run_task

        self._running = True
        scope, services = self.scope(), self.services
        first = self.report is None and self.tabs.currentIndex() == 0  # opening, on the flow tab

        def work(_progress) -> tuple[FastFacts, report.Report | None]:
            read = fast.read(services.clock)
            return read, report.first_tab(read, scope) if first else None

        run_task(self, "Analytics", work, lambda result: self._read(scope, *result),
                 quiet=True).failed.connect(self._failed)  # fmt: skip

    def _read(self, scope: Scope, read: FastFacts, partial: report.Report | None) -> None:
        """The portfolio is read (and, when opening, the first tab computed): show that tab,
        then, once its charts are in, compute every section on the worker from the same read."""
        if self._pending:
            self._running = self._pending = False
            self.refresh()
            return
        if partial is None:
            self._compute_rest(scope, read)
            return
        for spec in charts.specs(partial):
            if spec.section == charts.SECTIONS[0][0]:
                self._specs.setdefault(spec.section, []).append(spec)
        self._fill(charts.SECTIONS[0][0])
        self._say(partial)
        self._rest = lambda: self._compute_rest(scope, read)
        self._waiting = True
        self._announce()

    def _compute_rest(self, scope: Scope, read: FastFacts) -> None:
        from ui.tasks import run_task

        # The board's cards, read here on the store's thread (the worker gets frozen cards), only
        # when the board has built them all already (its counts are tallied); else building
        # them would block this thread, and the worker's narrow drift read serves instead.
        store = self.store
        built = store is not None and store.tallied
        cards = [c for c in map(store.card, store.all_ids()) if c is not None] if built else None
        services = self.services

        def work(_progress) -> report.Report:
            drift = report.drift_of(services, read) if cards is None else cards
            return report.build_fast(read, scope, drift)

        run_task(self, "Analytics", work, self._show, quiet=True).failed.connect(self._failed)

    def _library_ready(self) -> None:
        """The chart library is imported: make the charts of the panels shown so far."""
        self._charts_ready = True
        for panel in self.panels.values():
            panel.show_chart()
        self._announce()

    def _library_failed(self, message: str) -> None:
        """The chart library could not be imported: that settles the charts (none will come),
        so the numbers go on being computed and shown in the tables."""
        self._charts_failed = message or "the chart library could not be imported"
        self.status.setText(self._without_charts())
        self._announce()

    def _without_charts(self) -> str:
        return f"The charts cannot be drawn ({self._charts_failed}); their tables are below."

    def _announce(self) -> None:
        """Numbers shown and charts made (or the chart library failed: tables only): say so
        (``loaded``), then compute what the first tab's numbers left for later (after this
        paint, not competing with it; never for a window deleted meanwhile)."""
        if not ((self._charts_ready or self._charts_failed) and self._waiting):
            return
        self._waiting = False
        self.loaded.emit()
        rest, self._rest = self._rest, None
        if rest is not None:
            QTimer.singleShot(0, self, rest)

    def _say(self, result: report.Report) -> None:
        s = result.scope
        text = (
            f"{result.engagements} engagement{'s' if result.engagements != 1 else ''} · "
            f"{s.since.isoformat()} to {s.until.isoformat()} · days counted in your time zone"
        )
        self.status.setText(f"{text} · {self._without_charts()}" if self._charts_failed else text)

    def _tab_shown(self, index: int) -> None:
        if self.report is not None and 0 <= index < len(charts.SECTIONS):
            self._fill(charts.SECTIONS[index][0])

    def _fill(self, section: str) -> None:
        """Make (or update) the panels of one tab; a tab's charts are made when first shown."""
        for spec in self._specs.get(section, ()):
            panel = self.panels.get(spec.key)
            if panel is None:
                panel = self.panels[spec.key] = ChartPanel(spec)
                self._pages[spec.section].addWidget(panel)
                if self._charts_ready:
                    panel.show_chart()
            elif panel.spec != spec:
                panel.set_spec(spec)

    def _failed(self, message: str) -> None:
        self._running = False
        self.status.setText(message)

    def _show(self, result: report.Report) -> None:
        self._running = False
        if self._pending:
            self._pending = False
            self.refresh()
            return
        self.report = result
        self._specs = {}
        for spec in charts.specs(result):
            self._specs.setdefault(spec.section, []).append(spec)
        for section in self._specs:  # panels already made show the new numbers
            if any(spec.key in self.panels for spec in self._specs[section]):
                self._fill(section)
        self._fill(charts.SECTIONS[self.tabs.currentIndex()][0])  # the others when first shown
        self._say(result)
        self._waiting = True
        self._announce()
