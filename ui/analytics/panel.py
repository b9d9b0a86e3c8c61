"""One chart with the table of its numbers beside it, its caption, and PNG and CSV export."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mwms_desktop import APP_NAME
from mwms_desktop.analytics.charts import ChartSpec
from mwms_desktop.analytics.export import write_csv
from mwms_desktop.errors import MwmsError
from ui.analytics.header import WrappingHeader, fit_columns
from ui.analytics.table_model import NumbersModel

if TYPE_CHECKING:
    from ui.analytics.chart import Chart

CHART_HEIGHT = 260  # the chart's place before it is made: its legend, plot and read-out
MIN_TABLE, MAX_TABLE = 180, 560  # the numbers' table, in pixels (MAX_TABLE: before a first resize)
TABLE_SHARE = 0.55  # at most this share of the panel's width


class ChartPanel(QWidget):
    exported = Signal(str)  # the file written

    def __init__(self, spec: ChartSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.title = QLabel(spec.title, objectName="chartTitle", wordWrap=True)
        # The chart comes once the chart library is imported (``show_chart``): until then its
        # place is kept, so the table and caption beside it are laid out and painted already.
        self.chart: Chart | None = None
        self._slot = QWidget()
        self._slot.setMinimumHeight(CHART_HEIGHT)
        self.caption = QLabel(spec.caption, objectName="chartCaption", wordWrap=True)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = NumbersModel(spec, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(f"Numbers of: {spec.title}")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        # Labels wrap: each column is as wide as its numbers (or its header's longest word).
        self.table.setHorizontalHeader(WrappingHeader(self.table))
        self.table.horizontalHeader().setResizeContentsPrecision(24)  # a year of days is not measured
        self.png_button = QPushButton("Export PNG…")
        self.csv_button = QPushButton("Export CSV…")
        self.png_button.clicked.connect(self.ask_png)
        self.csv_button.clicked.connect(self.ask_csv)

        self.picture = QWidget()  # what a PNG shows: title, chart, caption
        pic = QVBoxLayout(self.picture)
        pic.setContentsMargins(0, 0, 0, 0)
        pic.addWidget(self.title)
        pic.addWidget(self._slot, 1)
        pic.addWidget(self.caption)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.picture)
        split.addWidget(self.table)
        split.setStretchFactor(0, 1)  # the chart takes what the table does not need
        split.setStretchFactor(1, 0)
        split.setChildrenCollapsible(False)
        self.split = split
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.png_button)
        buttons.addWidget(self.csv_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 12)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self.setMinimumHeight(340)
        self._show_state()

    def show_chart(self) -> None:
        """Make the chart (the chart library is imported by now: ``library.ready()``)."""
        if self.chart is not None:
            return
        from ui.analytics.chart import Chart

        self.chart = Chart(self.spec)
        self.picture.layout().replaceWidget(self._slot, self.chart)
        self._slot.deleteLater()
        self.png_button.setEnabled(not self.spec.missing)  # the table is as it was: not measured again

    def set_spec(self, spec: ChartSpec) -> None:
        self.spec = spec
        self.title.setText(spec.title)
        self.caption.setText(spec.caption)
        if self.chart is not None:
            self.chart.set_spec(spec)
        self.model.set_spec(spec)
        self._show_state()

    def _fit_table(self) -> None:
        """The table as wide as every column needs, up to a share of the panel: every number
        is in view, and the chart keeps the rest."""
        cap = max(MIN_TABLE, int(self.width() * TABLE_SHARE)) if self.width() > 0 else MAX_TABLE
        width = max(MIN_TABLE, min(self._needed, cap))
        if self.table.width() != width or self.table.minimumWidth() != width:
            self.table.setFixedWidth(width)
        rest = self.split.width() - self.split.handleWidth() - width
        if rest > 0 and self.split.sizes()[1] != width:
            self.split.setSizes([rest, width])  # the chart takes every pixel the table does not

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_table()

    def _show_state(self) -> None:
        self._needed = fit_columns(self.table)
        self._fit_table()
        self.caption.setVisible(bool(self.spec.caption))
        self.table.setVisible(not self.spec.missing)
        self.csv_button.setEnabled(not self.spec.missing)
        self.png_button.setEnabled(not self.spec.missing and self.chart is not None)

    # --- export ---------------------------------------------------------------------------

    def ask_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export chart as PNG", f"{self.spec.key}.png", "PNG image (*.png)"
        )
        if path:
            self.export_png(Path(path))

    def ask_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export numbers as CSV", f"{self.spec.key}.csv", "CSV (*.csv)"
        )
        if path:
            self.export_csv(Path(path))

    def export_png(self, path: Path) -> bool:
        if not self.picture.grab().save(str(path), "PNG"):
            QMessageBox.warning(
                self, APP_NAME, f"Could not write {path}: check the folder exists and is writable."
            )
            return False
        self.exported.emit(str(path))
        return True

    def export_csv(self, path: Path) -> bool:
        try:
            write_csv(self.spec, path)
        except MwmsError as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))
            return False
        self.exported.emit(str(path))
        return True
