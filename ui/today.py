"""The Today dock beside the board: what to do first, in order, each line opening the
engagement's workspace at the pane that resolves it. It follows the board's owner filter
("my engagements" is one click there) and gives, at most once a day, a desktop notification
of newly overdue actions and new stalls where the desktop has a tray (silently none where it
has not); a check box turns the notification off.

The list is read on a worker thread (``mwms_desktop.analytics.today``); the dock only shows it.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QDockWidget,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStyle,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from mwms_desktop.analytics.notify import TITLE, Notice, take_daily_notice
from mwms_desktop.analytics.today import SECTIONS, TodayList, load_today
from mwms_desktop.services import Services

# Pane keys of the Today list -> the workspace's tab titles.
PANE_TITLES = {
    "overview": "Overview",
    "qualification": "Qualification",
    "onboarding": "Onboarding",
    "stakeholders": "Stakeholders",
    "research": "Insights & hypotheses",
    "cycles": "Cycles",
    "learnings": "Learnings",
    "health": "Health",
    "history": "History",
}
ITEM_ROLE = Qt.ItemDataRole.UserRole
FIRST_READ_MS = 300


class TodayTree(QListWidget):
    """Section headings with their lines under them, wrapped to the dock's width; Enter or a
    double-click opens a line."""

    open_requested = Signal(int, str)  # engagement id, pane key

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(False)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSpacing(1)
        self.setAccessibleName("Today: what needs attention")
        self.itemActivated.connect(self._activated)

    def _activated(self, item: QListWidgetItem) -> None:
        data = item.data(ITEM_ROLE)
        if data:
            self.open_requested.emit(*data)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem() is not None:
            self._activated(self.currentItem())
            return
        super().keyPressEvent(event)

    def show_list(self, today: TodayList) -> None:
        self.clear()
        bold = QFont(self.font())
        bold.setBold(True)
        first = None
        for key, title in SECTIONS:
            items = today.section(key)
            if not items:
                continue
            head = QListWidgetItem(f"{title} ({len(items)})")
            head.setFont(bold)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.addItem(head)
            for i in items:
                line = QListWidgetItem(f"{i.client}: {i.text}")
                line.setToolTip(f"Enter or double-click opens {PANE_TITLES[i.pane]}.")
                line.setData(ITEM_ROLE, (i.engagement_id, i.pane))
                self.addItem(line)
                first = first or line
        if today.gates_skipped:  # said, not hidden: the gates of the rest were not read
            note = QListWidgetItem(
                f"Gates read for the {today.gates_checked} engagements longest in their stage; "
                f"{today.gates_skipped} more not read (an owner filter narrows the list)."
            )
            note.setFlags(Qt.ItemFlag.ItemIsEnabled)
            note.setForeground(self.palette().placeholderText())
            self.addItem(note)
        if first is not None:  # the keyboard starts at the first line, nothing shown selected
            self.selectionModel().setCurrentIndex(
                self.indexFromItem(first), QItemSelectionModel.SelectionFlag.NoUpdate
            )

    def lines(self) -> list[tuple[str, str]]:
        """(section heading, line text) in the order shown."""
        out, heading = [], ""
        for n in range(self.count()):
            item = self.item(n)
            if item.data(ITEM_ROLE):
                out.append((heading, item.text()))
            else:
                heading = item.text()
        return out

    def row_of(self, text_start: str) -> QListWidgetItem | None:
        """The first line whose text starts with ``text_start``."""
        return next(
            (self.item(n) for n in range(self.count()) if self.item(n).data(ITEM_ROLE)
             and self.item(n).text().startswith(text_start)), None,
        )  # fmt: skip


class TodayDock(QDockWidget):
    notified = Signal(str)  # the text of a desktop notification given

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__("Today", parent)
        self.setObjectName("todayDock")  # the window's saved state remembers it by this name
        self.services = services
        self.owner = ""
        self.today: TodayList | None = None
        self.tree = TodayTree()
        self.scope_label = QLabel(objectName="paneIntro", wordWrap=True)
        self.empty = QLabel("Nothing needs attention today.", wordWrap=True)
        self.empty.hide()
        self.notify_box = QCheckBox("Daily desktop notification")
        self.notify_box.setToolTip("Once a day: newly overdue next actions and new stalls")
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addWidget(self.scope_label)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.notify_box)
        self.setWidget(body)
        self.setMinimumWidth(280)
        self._tray: QSystemTrayIcon | None = None
        self._running = self._pending = False
        self._debounce = QTimer(self, singleShot=True, interval=400, timeout=self.refresh)
        self.notify_box.toggled.connect(self._notify_toggled)
        self._stale = True
        self.visibilityChanged.connect(lambda shown: shown and self._stale and self.schedule())
        self._show_scope()

    def schedule(self) -> None:
        """Read the list again soon (after a burst of edits, once)."""
        self._debounce.start()

    def set_owner(self, owner: str) -> None:
        if owner != self.owner:
            self.owner = owner
            self._show_scope()
            self.refresh()

    def _show_scope(self) -> None:
        self.scope_label.setText(f"{self.owner}'s engagements" if self.owner else "Every owner's engagements")

    # --- reading ---------------------------------------------------------------------------

    def refresh(self) -> None:
        if not self.isVisible():  # closed, or its window is: read again when it is shown
            self._stale = True
            return
        self._stale = False
        if self._running:
            self._pending = True
            return
        from ui.tasks import run_task

        self._running = True
        services, owner = self.services, self.owner
        tray = QSystemTrayIcon.isSystemTrayAvailable()
        first = self.today is None

        def work(_progress) -> tuple[TodayList, Notice | None, bool]:
            from mwms_desktop.settings import NOTIFY

            cards = services.portfolio.cards()
            mine = [c for c in cards if not owner or c.owner == owner]
            notice = take_daily_notice(services, mine) if tray else None
            return load_today(services, owner, cards), notice, bool(services.portfolio.setting(NOTIFY.key))

        task = run_task(self, "Today", work, self._show, quiet=True, show_errors=False)
        task.failed.connect(self._failed)
        if first:
            self.scope_label.setText("Reading today's list…")

    def _failed(self, message: str) -> None:
        self._running = False
        self.scope_label.setText(message)

    def _show(self, result: tuple[TodayList, Notice | None, bool]) -> None:
        self._running = False
        today, notice, notify_on = result
        self.today = today
        self._show_scope()
        self.tree.show_list(today)
        self.empty.setVisible(not today.items)
        self.tree.setVisible(bool(today.items))
        self.notify_box.blockSignals(True)
        self.notify_box.setChecked(notify_on)
        self.notify_box.blockSignals(False)
        if notice is not None:
            self._notify(notice)
        if self._pending:
            self._pending = False
            self.refresh()

    # --- notification ------------------------------------------------------------------------

    def _notify(self, notice: Notice) -> None:
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        if self._tray is None:
            icon = QApplication.windowIcon()
            if icon.isNull():
                icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
            self._tray = QSystemTrayIcon(icon, self)
            self._tray.setToolTip("MWMS Desktop")
        self._tray.show()
        self._tray.showMessage(TITLE, notice.text, QSystemTrayIcon.MessageIcon.Information, 10_000)
        self.notified.emit(notice.text)

    def _notify_toggled(self, on: bool) -> None:
        from mwms_desktop.settings import NOTIFY
        from ui.tasks import run_task

        services = self.services
        run_task(self, "Notification setting", lambda _p: services.portfolio.set_setting(NOTIFY.key, int(on)),
                 quiet=True)  # fmt: skip


def open_at(window: QMainWindow, eid: int, pane: str) -> None:
    """Open the engagement's workspace (the main window's ``open_engagement``) at ``pane``."""
    window.open_engagement(eid)  # type: ignore[attr-defined]
    workspace = window._workspaces.get(eid)  # type: ignore[attr-defined]
    title = PANE_TITLES.get(pane)
    if workspace is not None and title in workspace.panes:
        workspace.tabs.setCurrentWidget(workspace.pane(title))


def install_today(window: QMainWindow) -> TodayDock:
    """Add the Today dock to the main window (right of the board, visible until closed; the
    window's saved state remembers it), its View menu toggle, and its links."""
    dock = TodayDock(window.services, window)  # type: ignore[attr-defined]
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    toggle = dock.toggleViewAction()
    toggle.setText("Today")
    toggle.setShortcut("Ctrl+T")
    window.view_menu.addAction(toggle)  # type: ignore[attr-defined]
    dock.tree.open_requested.connect(lambda eid, pane: open_at(window, eid, pane))
    window.filters.changed.connect(lambda f: dock.set_owner(f.owner))  # type: ignore[attr-defined]
    window.store.counts_changed.connect(dock.schedule)  # type: ignore[attr-defined]
    dock.owner = window.filters.current().owner  # type: ignore[attr-defined]
    # Read after the window's first paint, so start-up never waits for (or shares a core with) it.
    QTimer.singleShot(FIRST_READ_MS, dock, dock.refresh)
    return dock
