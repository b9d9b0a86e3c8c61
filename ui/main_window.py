"""The main window: toolbar (add, search, filters, undo), the board, the refusal panel,
a status bar with counts. It wires widgets to the controller; it holds no rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QPaintEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QFrame,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mwms_desktop import APP_NAME, framework
from mwms_desktop.services import Services
from ui import preferences as pk
from ui import theme
from ui.board import BoardWidget
from ui.board_controller import BoardController
from ui.board_follow import BoardFollower
from ui.board_store import BoardStore
from ui.board_view import BoardListView
from ui.empty_state import EmptyState
from ui.filter_bar import FilterBar
from ui.focus_ring import FocusRing
from ui.lane import LANE_FIELDS
from ui.preferences import Preferences
from ui.refusal_panel import RefusalPanel
from ui.screen import fitted
from ui.shortcuts import keys, redo_keys, undo_keys
from ui.tooltip import plain_tip

if TYPE_CHECKING:
    from ui.swimlanes import SwimlaneBoard  # loaded when swimlanes are first shown


class MainWindow(QMainWindow):
    def __init__(self, services: Services, prefs: Preferences, *, restore_state: bool = True) -> None:
        super().__init__()
        self.services = services
        self.prefs = prefs
        self.setWindowTitle(f"{services.path.name} — {APP_NAME}")
        self.undo_stack = QUndoStack(self)
        self.store = BoardStore(services, self)
        self.controller = BoardController(services, self.store, self.undo_stack, self.ask_reason, self)
        self._workspaces: dict[int, QWidget] = {}
        # What anything else writes to the database (the CLI, an import) shows within a
        # second. Watching starts before the board's first read, so no commit falls between.
        self.follower = BoardFollower(services, self.store, lambda: self.boards.currentWidget(), self)

        self.board = BoardWidget(self.store, self.controller)
        self.refusal = RefusalPanel(services, self.controller)  # follows the engagement's data
        self.empty = EmptyState()
        board_page = QWidget()
        page_layout = QVBoxLayout(board_page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.setSpacing(0)
        # Six columns keep a readable width; a narrow window scrolls sideways instead.
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a frame, not a Tab stop: Tab goes to the columns
        self.boards = QStackedWidget()  # the plain board, or the same board in swimlanes
        self.boards.addWidget(scroller)
        self.lanes: SwimlaneBoard | None = None
        self._head_office_wip: dict[str, int] = {}  # stage -> limit head office set (team mode)
        page_layout.addWidget(self.boards, 1)
        page_layout.addWidget(self.refusal)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty)
        self.pages.addWidget(board_page)
        self.setCentralWidget(self.pages)

        self.filters = FilterBar(self.prefs)
        from ui.data_actions import DataActions

        self.data = DataActions(self, services, self.shown_ids)
        self.data.data_replaced.connect(self._data_replaced)
        self.data.status.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self._build_actions()
        self._build_toolbar()
        from ui.today import install_today

        self.today = install_today(self)  # Board and Today as tabs of the central area
        # The board's widgets join the window last: each move of a subtree into another
        # parent (the stacks, the central widget, the tabs) restyles every widget in it.
        scroller.setWidget(self.board)
        self.status_counts = QLabel()
        self._health_counts = QTimer(self, singleShot=True, interval=0, timeout=self._update_health_counts)
        self._painted = self._health_pending = False
        self.statusBar().addPermanentWidget(self.status_counts)
        from ui.team.team_menu import install_team

        # Team mode: the menu, and (once joined) the background sync and its indicator.
        self.team = install_team(self, services)

        self.controller.move_refused.connect(self._on_refused)
        self.controller.error.connect(self._on_error)
        self.controller.moved.connect(lambda _eid: self.refusal.hide())
        self.board.open_requested.connect(self.open_engagement)
        self.board.menu_requested.connect(self._card_menu)
        self.board.wip_menu_requested.connect(self._ask_wip)
        self.refusal.open_checklist.connect(self.open_checklist)
        self.empty.add_requested.connect(self.add_engagement)
        self.empty.demo_requested.connect(self.load_demo)
        self.filters.changed.connect(self.store.set_filter)
        self.filters.to_cards.connect(self.focus_first_card)
        # Every Tab stop shows a clear ring; a board column shows it on its current card.
        self.focus_ring = FocusRing(
            self, skip=lambda w: isinstance(w, BoardListView) and w.currentIndex().isValid()
        )
        self.store.counts_changed.connect(self._update_status)

        self._apply_wip()
        self.store.reload()
        self.filters.set_owners(self.store.owners())
        self.store.set_filter(self.filters.current())
        self.set_swimlanes(self.prefs.text(pk.SWIMLANES, ""))
        self._update_status()
        if restore_state:
            self._restore_geometry()
        # Follow the system's light/dark switch while the user has not chosen one.
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)
        # Days in stage and drift move with the calendar: re-read the board hourly.
        self._daily = QTimer(self, interval=60 * 60 * 1000, timeout=self.store.reload)
        self._daily.start()
        self.follower.followed.connect(self._followed)
        self.follower.noticed.connect(self._noticed)
        self.controller.before_write = self.follower.check
        self.follower.start()
        self.team.follow(self.undo_stack, self.follower)

    # --- building ------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts(undo_keys())
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts(redo_keys())
        self.add_action = QAction("&Add engagement…", self)
        self.add_action.setShortcuts(keys(QKeySequence.StandardKey.New))
        self.add_action.triggered.connect(self.add_engagement)
        self.find_action = QAction("&Find", self)
        self.find_action.setShortcuts(keys(QKeySequence.StandardKey.Find))
        self.find_action.triggered.connect(self.filters.focus_search)
        self.archive_view_action = QAction("Archived and disqualified…", self)
        self.archive_view_action.triggered.connect(self.show_archive)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcuts(keys("Ctrl+Q", QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self.close)

        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.add_action)
        self.file_menu = file_menu
        file_menu.addAction("Export dossier of the shown engagements…", self.export_shown_dossier)
        file_menu.addSeparator()
        file_menu.addActions(self.data.actions())
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        edit = bar.addMenu("&Edit")
        edit.addAction(self.undo_action)
        edit.addAction(self.redo_action)
        edit.addSeparator()
        edit.addAction(self.find_action)
        view = self.view_menu = bar.addMenu("&View")
        view.addAction(self.archive_view_action)
        view.addAction("Portfolio analytics…", self.show_analytics)
        self.library_action = view.addAction("Learning library…", self.show_library)
        self.library_action.setShortcut(QKeySequence("Ctrl+L"))
        self.addAction(self.library_action)  # Ctrl+L from anywhere in the window, menu bar or not
        scheme_menu = view.addMenu("Colour scheme")
        for scheme in theme.SCHEMES:
            act = scheme_menu.addAction(scheme.title(), lambda s=scheme: self.set_scheme(s))
            act.setCheckable(True)
            act.setChecked(self.prefs.text(pk.SCHEME, "system") == scheme)
        self.scheme_menu = scheme_menu
        lanes_menu = view.addMenu("Swimlanes")
        lanes_group = QActionGroup(self)
        for field, title in (("", "None"), *((f, f"By {t.lower()}") for f, t in LANE_FIELDS.items())):
            act = lanes_menu.addAction(title, lambda f=field: self.set_swimlanes(f))
            act.setCheckable(True)
            act.setData(field)
            lanes_group.addAction(act)
        self.lanes_menu = lanes_menu

    def _build_toolbar(self) -> None:
        tb = self.addToolBar("Board")
        tb.setObjectName("boardToolbar")
        tb.setMovable(False)
        tb.addAction(self.add_action)
        tb.addSeparator()
        tb.addWidget(self.filters)
        tb.addSeparator()
        # Short, fixed labels on the toolbar (the Edit menu's and the tooltips name the
        # command): a long client name never pushes Undo off the toolbar.
        stack = self.undo_stack
        tb.addAction(self._stack_button("Undo", stack.undo, stack.canUndoChanged, stack.undoTextChanged))
        tb.addAction(self._stack_button("Redo", stack.redo, stack.canRedoChanged, stack.redoTextChanged))

    def _stack_button(self, name: str, run, can_changed, text_changed) -> QAction:
        action = QAction(name, self, toolTip=name, enabled=False)
        action.triggered.connect(run)
        can_changed.connect(action.setEnabled)
        # The command's text names the engagement (a client's name, as typed).
        text_changed.connect(lambda text: action.setToolTip(plain_tip(f"{name} {text}" if text else name)))
        return action

    # --- behaviour -----------------------------------------------------------------------

    def _update_status(self) -> None:
        total = self.store.count()
        self.pages.setCurrentIndex(1 if total or self.store.filter.active else 0)
        shown = self.store.visible_count()
        parts = [f"{total} active engagement{'s' if total != 1 else ''}"]
        if shown != total:
            parts.append(f"{shown} shown" if shown else "none matches the filters (Clear filters shows all)")
        self.status_counts.setText(" · ".join(parts))
        # Drift and health counts build every card once: after the first paint.
        if self.store.tallied:
            self._update_health_counts()
        elif self._painted:
            self._health_counts.start()
        else:
            self._health_pending = True

    def _update_health_counts(self) -> None:
        tally = self.store.tally()
        self.status_counts.setText(
            f"{self.status_counts.text()} · {tally['drift']} with drift · {tally['at_risk']} at risk"
        )

    def ask_reason(self, client: str, from_label: str, to_label: str) -> str | None:
        from ui.reason_dialog import ask_reason

        return ask_reason(self, client, from_label, to_label)

    def _on_refused(self, eid: int, to_stage: str, unmet: list[str]) -> None:
        card = self.store.card(eid)
        self.refusal.show_refusal(eid, card.client if card else f"#{eid}", to_stage, unmet)

    def _on_error(self, message: str) -> None:
        QMessageBox.warning(self, APP_NAME, message)
        self.store.reload()

    def _card_menu(self, eid: int, pos: QPoint) -> None:
        card = self.store.card(eid)
        if card is None:
            return
        menu = QMenu(self)
        menu.addAction("Open", lambda: self.open_engagement(eid))
        move_menu = menu.addMenu("Move to…")
        for stage in framework.STAGES:
            act = move_menu.addAction(
                f"{stage.number}  {stage.label}", lambda s=stage.slug: self.controller.move(eid, s)
            )
            act.setEnabled(stage.slug != card.stage)
        menu.addSeparator()
        menu.addAction("Archive", lambda: self.controller.archive(eid))
        self.card_menu_hook(menu, eid)
        menu.exec(pos)

    def card_menu_hook(self, menu: QMenu, eid: int) -> None:
        """Extra card actions: the dossier."""
        menu.addAction("Export dossier…", lambda: self.export_dossier(eid))

    def export_dossier(self, eid: int, over: QWidget | None = None) -> None:
        """``over``: the window that asked (a workspace), which the file dialog, the progress
        and the answer open over; the board would otherwise come to the front and hide it."""
        from ui.dossier_actions import export_engagement

        # The export is recorded on the engagement: its card, workspace and gate follow.
        export_engagement(over or self, self.services, eid, on_recorded=self.controller.notify_changed)

    def shown_ids(self) -> list[int]:
        """The engagements the board shows, column by column (the filter applies)."""
        return [eid for stage in framework.STAGE_SLUGS for eid in self.store.ids(stage)]

    def _data_replaced(self) -> None:
        """An import or a restore changed the database under the board: start afresh."""
        for window in list(self._workspaces.values()):
            window.close()
        self.undo_stack.clear()  # its commands refer to rows that may be gone or changed
        self.refusal.hide()
        self.store.reload()
        self.filters.set_owners(self.store.owners())

    def _noticed(self) -> None:
        """Something else wrote to the database: each open workspace looks at its own
        engagement now (its records are more than its card; the board reads on a worker)."""
        for window in list(self._workspaces.values()):
            window.follow_outside(writing=self.controller.writing)

    def _followed(self, changed: set[int]) -> None:
        """The board has followed what something else wrote to the database."""
        if changed:
            self.filters.set_owners(self.store.owners())
        self.controller.followed()

    def export_shown_dossier(self) -> None:
        """A portfolio dossier of the engagements the board shows (the filter applies)."""
        from ui.dossier_actions import export_portfolio

        ids = self.shown_ids()
        if not ids:
            QMessageBox.information(self, APP_NAME, "No engagement is shown: nothing to export.")
            return
        export_portfolio(self, self.services, ids, on_recorded=self.controller.notify_changed)

    def set_head_office_wip(self, limits: dict[str, int]) -> None:
        """The WIP limits head office set for the team (taken on sync): they govern the stages
        they name, shown as set by head office; the others keep this user's own."""
        if limits != self._head_office_wip:
            self._head_office_wip = dict(limits)
            self._apply_wip()

    def _apply_wip(self) -> None:
        board = getattr(self, "board", None)
        if board is None:  # the team menu reports before the board is built
            return
        for stage, column in board.columns.items():
            by_head_office = stage in self._head_office_wip
            limit = self._head_office_wip[stage] if by_head_office else self.prefs.wip_limit(stage)
            column.set_wip_limit(limit, by_head_office=by_head_office)
            if self.lanes is not None:
                self.lanes.set_wip_limit(stage, limit, by_head_office=by_head_office)

    def _ask_wip(self, stage: str) -> None:
        if stage in self._head_office_wip:
            limit = self._head_office_wip[stage]
            QMessageBox.information(
                self,
                "WIP limit",
                f"The WIP limit of {framework.stage(stage).label} ({limit or 'none'}) is set by head "
                "office for the whole team; head office changes it with `mwms-desktop team set-threshold`.",
            )
            return
        column = self.board.columns[stage]
        value, ok = QInputDialog.getInt(
            self,
            "WIP limit",
            f"Most engagements in {framework.stage(stage).label} (0 = no limit):",
            column.wip_limit,
            0,
            10_000,
        )
        if ok:
            self.prefs.set_wip_limit(stage, value)
            column.set_wip_limit(value)
            if self.lanes is not None:
                self.lanes.set_wip_limit(stage, value)

    def add_engagement(self) -> None:
        from ui.add_dialog import AddEngagementDialog

        dialog = AddEngagementDialog(self, owners=self.store.owners())
        if dialog.exec():
            client, etype, owner = dialog.values()
            eid = self.controller.add(client, etype, owner)
            if eid is not None:
                self.filters.set_owners(self.store.owners())
                self.select(eid)

    def load_demo(self) -> None:
        from mwms_desktop.demo import load_demo
        from mwms_desktop.errors import MwmsError

        try:
            load_demo(self.services)
        except MwmsError as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))
            return
        self.undo_stack.clear()
        self.store.reload()
        self.filters.set_owners(self.store.owners())

    def open_engagement(self, eid: int) -> None:
        from ui.workspace.window import WorkspaceWindow

        window = self._workspaces.get(eid)
        if window is None:
            window = WorkspaceWindow(self.services, eid, self.undo_stack, self.controller, self)
            window.export_requested.connect(lambda eid, w=window: self.export_dossier(eid, w))
            window.destroyed.connect(lambda *_: self._workspaces.pop(eid, None))
            self._workspaces[eid] = window
            window.show_open_work()
        window.show()
        window.raise_()
        window.activateWindow()

    def open_checklist(self, eid: int, fixed_in: str) -> None:
        """Open the engagement on the pane that fixes ``fixed_in`` (gates.RULE_FIXED_IN)."""
        self.open_engagement(eid)
        self._workspaces[eid].show_fix(fixed_in)

    def active_workspace(self) -> QWidget | None:
        return next((w for w in self._workspaces.values() if w.isVisible()), None)

    def show_library(self) -> None:
        """View → Learning library (Ctrl+L): one window, raised when already open."""
        from ui.library.open_record import show_record
        from ui.library.window import LibraryWindow

        def open_record(eid: int, kind: str, rid: int) -> None:
            self.open_engagement(eid)
            show_record(self._workspaces[eid], kind, rid)

        if getattr(self, "library_window", None) is None:
            self.library_window = LibraryWindow(self.services, open_record, self)
            self.library_window.destroyed.connect(lambda *_: setattr(self, "library_window", None))
        self.library_window.show()
        self.library_window.raise_()
        self.library_window.activateWindow()
        self.library_window.search.setFocus()

    def show_archive(self) -> None:
        from ui.archive_dialog import ArchiveDialog

        ArchiveDialog(self.services, self.controller, self).exec()

    def show_analytics(self) -> None:
        from ui.analytics.view import AnalyticsWindow  # imports pyqtgraph: only now

        AnalyticsWindow(self.services, self.filters, self, store=self.store).show()

    def set_swimlanes(self, field: str) -> None:
        """Show the board in swimlanes by ``field`` (engagement_type or owner), or plain ("")."""
        field = field if field in LANE_FIELDS else ""
        self.prefs.set(pk.SWIMLANES, field)
        for act in self.lanes_menu.actions():
            act.setChecked(act.data() == field)
        if self.lanes is not None and self.lanes.field != field:
            self.boards.removeWidget(self.lanes)
            self.lanes.deleteLater()
            self.lanes = None
        if field and self.lanes is None:
            from ui.swimlanes import SwimlaneBoard

            self.lanes = SwimlaneBoard(self.store, self.controller, field)
            self.lanes.open_requested.connect(self.open_engagement)
            self.lanes.menu_requested.connect(self._card_menu)
            self.lanes.wip_menu_requested.connect(self._ask_wip)
            for stage in framework.STAGE_SLUGS:
                column = self.board.columns[stage]
                self.lanes.set_wip_limit(
                    stage, column.wip_limit, by_head_office=stage in self._head_office_wip
                )
            self.boards.addWidget(self.lanes)
        self.boards.setCurrentWidget(self.lanes or self.boards.widget(0))

    def focus_first_card(self) -> None:
        """The search's ↓: the first card shown, on the board as shown (plain or swimlanes)."""
        (self.lanes or self.board).focus_first()

    def select(self, eid: int) -> None:
        """Select a card on the board as shown (plain or in swimlanes)."""
        (self.lanes or self.board).select(eid)

    def _system_scheme_changed(self, *_args: object) -> None:
        if self.prefs.text(pk.SCHEME, "system") == "system":
            theme.apply("system")

    def set_scheme(self, scheme: str) -> None:
        self.prefs.set(pk.SCHEME, scheme)
        theme.apply(scheme)
        for act in self.scheme_menu.actions():
            act.setChecked(act.text().lower() == scheme)

    # --- persistence of the window -------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = self.prefs.blob(pk.GEOMETRY)
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(fitted(self, 1440, 900))
        state = self.prefs.blob(pk.STATE)
        if state is not None:
            self.restoreState(state)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            if self._health_pending:
                self._health_counts.start()

    def closeEvent(self, event: QCloseEvent) -> None:
        # A workspace saves what was typed before it closes; one whose save the core refuses
        # stays open, saying why, and so does this window.
        for window in list(self._workspaces.values()):
            if not window.close():
                event.ignore()
                window.raise_()
                window.activateWindow()
                return
        self.follower.stop()
        self.team.shutdown()  # a running sync is cancelled at its next page and waited for
        self.prefs.set(pk.GEOMETRY, self.saveGeometry())
        self.prefs.set(pk.STATE, self.saveState())
        self.filters.save()
        self.prefs.sync()
        super().closeEvent(event)
