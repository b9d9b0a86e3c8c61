"""A table of one kind of record with Add, Edit and Remove: the shape of most panes.

The buttons call ``add_record``, ``edit_record`` and ``remove_record``, which push undo
commands; tests call the same methods with prepared values.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QGuiApplication, QHelpEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from mwms_desktop.errors import MwmsError
from mwms_desktop.views import EngagementDetail
from ui import shortcuts
from ui import undo_commands as uc
from ui.tooltip import plain_tip
from ui.workspace.base import ErrorLabel, WorkspaceContext, plain_label
from ui.workspace.forms import FieldSpec, FormWidget, RecordDialog
from ui.workspace.table_model import Column, IdRole, RecordTableModel, SortRole

MAIN_WANTS_CHARS = 40  # the main column's share before the others give way
FLOOR_CHARS = 14  # no column is squeezed below this (or its title) while the main one has room
TITLE_FLOOR_CHARS = 7  # below its title, when the main text would otherwise be cut to nothing

Options = Callable[[EngagementDetail], dict[str, Sequence[tuple[Any, str]]]]


class RecordTable(QWidget):
    """Table + buttons for one record kind; embedded in a pane (two in Research)."""

    def __init__(
        self,
        ctx: WorkspaceContext,
        kind: str,
        columns: Sequence[Column],
        specs: Sequence[FieldSpec],
        rows_of: Callable[[EngagementDetail], Sequence[Any]],
        options_of: Options | None = None,
        parent: QWidget | None = None,
        *,
        sort: tuple[int, Qt.SortOrder] | None = None,
    ) -> None:
        """``sort``: the column and order shown first (default: the detail's own order); a
        click on a header sorts by that column."""
        super().__init__(parent)
        self.ctx, self.kind, self.specs = ctx, kind, list(specs)
        self.rows_of, self.options_of = rows_of, options_of
        self.label = ctx.services.records.kind(kind).label
        self.detail: EngagementDetail | None = None
        self.model = RecordTableModel(columns, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setAccessibleName(f"{self.label} list")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)  # the main column takes the room (_fit_columns)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)  # a title cut short says so
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the detail's own order first
        self.view.setSortingEnabled(True)
        if sort is not None:
            self.view.sortByColumn(*sort)
        # Columns fit the table until the user drags a header divider; then they are theirs.
        self._fitting = False
        self.user_sized = False
        header.sectionResized.connect(self._section_resized)
        self._viewport = self.view.viewport()
        self._viewport.installEventFilter(self)
        # Qt activates an item on double-click (and on Enter): one signal, one dialog.
        self.view.activated.connect(lambda _i: self.edit_selected())
        # Delete removes the selected row: only while this table has focus (Research has two).
        for key in shortcuts.delete_keys():
            delete = QShortcut(key, self.view, self.remove_selected)
            delete.setContext(Qt.ShortcutContext.WidgetShortcut)

        noun = self.label.lower()
        self.add_button = QPushButton(f"Add {noun}…")
        self.edit_button = QPushButton("Edit…")
        self.remove_button = QPushButton("Remove")
        for button, text in (
            (self.add_button, f"Add {noun}"),
            (self.edit_button, f"Edit the selected {noun}"),
            (self.remove_button, f"Remove the selected {noun} (undo brings it back)"),
        ):
            button.setAccessibleName(text)
            button.setToolTip(text)
        self.add_button.clicked.connect(self.open_add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.status = plain_label(name="paneStatus")
        self.error = ErrorLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    # --- showing -------------------------------------------------------------------------

    def set_detail(self, detail: EngagementDetail) -> None:
        self.detail = detail
        # The status says what this table just did: any change since (another table's record,
        # an undo, a move) makes it stale. Its own edit sets it again once this refresh is done.
        self.status.clear()
        keep = self.selected_id()
        was_empty = not self.model.rows
        self.model.set_rows(self.rows_of(detail))
        if self.model.rows or was_empty:
            self._fit_columns()
        if keep is not None:
            self.select_id(keep)
        self._update_buttons()

    def _fit_columns(self) -> None:
        """Every column but the main one as wide as its text, up to its limit; the main one
        takes the rest of the width, so the table fills its space without a horizontal
        scroll bar. Where that leaves the main text cut short, the capped columns give way
        (down to a floor) first; only a table too narrow even for that scrolls."""
        if self.user_sized or not self.model.columnCount():
            return
        view, header, columns = self.view, self.view.horizontalHeader(), self.model.columns
        char = view.fontMetrics().averageCharWidth()
        n = len(columns)
        titles = [header.sectionSizeHint(c) for c in range(n)]
        main = next((c for c, col in enumerate(columns) if col.main), n - 1)
        cells = [view.sizeHintForColumn(c) if self.model.rows else 0 for c in range(n)]
        natural = [max(titles[c], cells[c]) for c in range(n)]
        widths = [
            w if c == main else min(w, max(titles[c], columns[c].max_chars * char))
            for c, w in enumerate(natural)
        ]
        avail = view.viewport().width()
        wanted = max(titles[main], min(natural[main], MAIN_WANTS_CHARS * char))
        # The others give way: first down to their titles (or a floor), then, in a table of
        # many columns, below their titles but not below a short text of theirs (a date stays
        # whole; the header cuts a title short with "…", its tooltip has it whole) rather than
        # leave the main text a few letters wide.
        firm = [max(TITLE_FLOOR_CHARS * char, min(cells[c], FLOOR_CHARS * char)) for c in range(n)]
        for floor in (lambda c: max(titles[c], FLOOR_CHARS * char), lambda c: firm[c]):
            short = wanted - (avail - (sum(widths) - widths[main]))
            if short <= 0:
                break
            give = {c: widths[c] - floor(c) for c in range(n) if c != main}
            give = {c: g for c, g in give.items() if g > 0}
            total = sum(give.values())
            if total:
                share = min(1.0, short / total)
                for c, g in give.items():
                    widths[c] -= math.ceil(g * share)
        room = avail - (sum(widths) - widths[main])
        widths[main] = max(titles[main], FLOOR_CHARS * char, room)
        self._fitting = True
        try:
            for c, w in enumerate(widths):
                view.setColumnWidth(c, w)
        finally:
            self._fitting = False

    def _section_resized(self, *_args: object) -> None:
        if not self._fitting and QGuiApplication.mouseButtons() != Qt.MouseButton.NoButton:
            self.user_sized = True

    def tooltip_for(self, index: QModelIndex) -> str | None:
        """The whole text of a cell that shows only part of it (cut by the column, or the
        first of several lines); None when the cell shows everything."""
        full = index.data(Qt.ItemDataRole.ToolTipRole)
        if not full:
            return None
        shown = index.data(Qt.ItemDataRole.DisplayRole) or ""
        room = self.view.columnWidth(index.column()) - 10
        if index.data(Qt.ItemDataRole.DecorationRole) is not None:
            room -= self.view.iconSize().width() + 6
        if shown == full and self.view.fontMetrics().horizontalAdvance(shown) <= room:
            return None
        return plain_tip(full)  # escaped rich text: a long statement wraps

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._viewport:
            if event.type() == QEvent.Type.Resize:
                self._fit_columns()
            elif event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
                index = self.view.indexAt(event.pos())
                text = self.tooltip_for(index) if index.isValid() else None
                if text:
                    QToolTip.showText(event.globalPos(), text, watched, self.view.visualRect(index))
                else:
                    QToolTip.hideText()
                return True
        return super().eventFilter(watched, event)

    def selected_id(self) -> int | None:
        rows = self.view.selectionModel().selectedRows()
        return rows[0].data(IdRole) if rows else None

    def select_id(self, rid: int) -> None:
        row = self.model.row_of(rid)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.view.selectionModel().setCurrentIndex(index, flags)

    def _update_buttons(self, *_args: object) -> None:
        has = self.selected_id() is not None
        self.edit_button.setEnabled(has)
        self.remove_button.setEnabled(has)

    # --- editing (what the buttons call) ---------------------------------------------------

    def add_record(self, values: dict[str, Any]) -> MwmsError | None:
        command = uc.record_add_command(
            self.ctx.services, self.kind, self.ctx.eid, values, **self.ctx.hooks()
        )
        error = self.ctx.run(command)
        if error is None and command.result is not None:
            self.select_id(command.result.id)
            self.status.setText(f"{self.label} added.")
        return error

    def edit_record(self, rid: int, changes: dict[str, Any]) -> MwmsError | None:
        if not changes:
            return None
        command = uc.record_update_command(self.ctx.services, self.kind, rid, changes, **self.ctx.hooks())
        error = self.ctx.run(command)
        if error is None:
            self.status.setText(f"{self.label} saved.")
        return error

    def remove_record(self, rid: int) -> MwmsError | None:
        command = uc.record_delete_command(self.ctx.services, self.kind, rid, **self.ctx.hooks())
        error = self.ctx.run(command)
        self.error.show_error(error)
        if error is None:
            self.status.setText(f"{self.label} removed; Ctrl+Z brings it back.")
        return error

    # --- dialogs ---------------------------------------------------------------------------

    def _dialog(self, title: str, submit: Callable[[FormWidget], MwmsError | None]) -> RecordDialog:
        dialog = RecordDialog(title, self.specs, self.ctx.services.clock.today(), submit, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if self.options_of and self.detail is not None:
            for key, options in self.options_of(self.detail).items():
                dialog.form.set_options(key, options)
        return dialog

    def add_dialog(self) -> RecordDialog:
        defaults = dict(self.ctx.services.records.kind(self.kind).defaults)
        dialog = self._dialog(f"Add {self.label.lower()}", lambda form: self.add_record(form.values()))
        dialog.form.load({s.key: defaults.get(s.key) for s in self.specs})
        return dialog

    def edit_dialog(self, rid: int) -> RecordDialog:
        dialog = self._dialog(
            f"Edit {self.label.lower()}", lambda form: self.edit_record(rid, form.changes())
        )
        dialog.form.load(self.ctx.services.records.values(self.kind, rid))
        return dialog

    def open_add(self) -> None:
        self.add_dialog().exec()

    def edit_selected(self) -> None:
        rid = self.selected_id()
        if rid is not None:
            self.edit_dialog(rid).exec()

    def remove_selected(self) -> None:
        rid = self.selected_id()
        if rid is not None:
            self.remove_record(rid)
