"""The window's Team menu and what it puts together: Join a team…, Sync now (F5), Leave
team…, the background sync and its status-bar indicator.

``install_team(window)`` adds all of it to the main window. A database that never joins a
team shows the menu's *Join a team…* and nothing else: no indicator, no sync, no network."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMainWindow, QMenu, QMessageBox

from mwms_desktop import APP_NAME
from mwms_desktop.services import Services
from ui.board_follow import BoardFollower
from ui.shortcuts import keys
from ui.tasks import run_task
from ui.team import sync_work
from ui.team.sync_indicator import SyncIndicator
from ui.team.sync_runner import SyncRunner
from ui.team.sync_view import SyncView

SYNC_KEY = "F5"  # free in the window and its workspaces (ui/shortcuts.py; tests/ui/test_shortcuts.py)


class TeamActions:
    def __init__(self, window: QMainWindow, services: Services, sync: object = None) -> None:
        self.window, self.services = window, services
        self.runner = SyncRunner(window, services, sync)
        self.indicator = SyncIndicator()
        window.statusBar().addPermanentWidget(self.indicator)

        self.join_action = QAction("&Join a team…", window)
        self.join_action.triggered.connect(self.join)
        self.sync_action = QAction("&Sync now", window, enabled=False)
        self.sync_action.setShortcuts(keys(SYNC_KEY))
        self.sync_action.setToolTip(f"Sync with the team server now ({SYNC_KEY})")
        self.sync_action.triggered.connect(self.sync_now)
        window.addAction(self.sync_action)  # F5 from anywhere in the window, menu bar or not
        self.leave_action = QAction("&Leave team…", window, enabled=False)
        self.leave_action.triggered.connect(self.leave)
        self.menu = QMenu("&Team", window)
        self.menu.addActions([self.join_action, self.sync_action, self.leave_action])

        self.runner.changed.connect(self._changed)
        self.runner.password_needed.connect(self.ask_password)
        self.indicator.sync_requested.connect(self.sync_now)
        self.indicator.conflicts_requested.connect(self.show_conflicts)

    def follow(self, undo_stack: QUndoStack, follower: BoardFollower) -> None:
        """Changes waiting to be sent are counted again after local edits; an outside write
        may also be a `team join` or `team leave` typed in a terminal meanwhile."""
        undo_stack.indexChanged.connect(lambda *_: self.runner.status_soon())
        follower.followed.connect(lambda *_: self.runner.status_soon(outside=True))
        self.runner.finished.connect(lambda outcome: self._forget_undo(outcome, undo_stack))

    @staticmethod
    def _forget_undo(outcome: sync_work.Outcome, undo_stack: QUndoStack) -> None:
        """A sync that made an engagement the server's again (head office's refused changes,
        kept in a file) gave its records new local ids: the undo stack's commands may name
        the old ones, which another record may now have. It starts afresh, as after an
        import or a restore."""
        if outcome.reset:
            undo_stack.clear()

    # --- the indicator and the menu follow the runner --------------------------------------

    def _changed(self, view: SyncView) -> None:
        self.indicator.show_view(view)
        self.window.set_head_office_wip(dict(view.wip))  # type: ignore[attr-defined]
        self.join_action.setText("&Join another team…" if view.joined else "&Join a team…")
        self.join_action.setEnabled(not view.running)  # the running sync's team stays until it ends
        self.sync_action.setEnabled(view.joined and not view.running)
        self.leave_action.setEnabled(view.joined)

    def sync_now(self) -> None:
        if self.runner.view.needs_password and self.runner.password is None:
            self.ask_password()
        else:
            self.runner.sync_now(manual=True)

    def ask_password(self) -> None:
        """No keyring here: the password is typed once per session and kept in memory only."""
        where = self.runner.view.where or "the team server"
        text, ok = QInputDialog.getText(
            self.window,
            "Team password",
            f"Password for {where}\n(there is no keyring here: it is kept only until the window closes)",
            QLineEdit.EchoMode.Password,
        )
        if ok and text:
            self.runner.password = text
            self.runner.sync_now(manual=True)

    # --- joining and leaving ---------------------------------------------------------------

    def join(self) -> None:
        from ui.team.join_dialog import JoinDialog

        dialog = JoinDialog(self.window)
        if not dialog.exec():
            return
        result = dialog.joined
        a = result.address
        lines = [f"Joined the team on {a.where}/{a.database} as {a.user}."]
        if result.in_keyring:
            lines.append("The password is kept in the system keyring.")
            self.runner.password = None
        else:
            lines.append(
                "There is no keyring here: the password is kept only until this window closes, "
                "and asked for again next time (it is never stored)."
            )
            self.runner.password = dialog.password
        if result.warning:
            QMessageBox.warning(self.window, APP_NAME, "\n\n".join([*lines, result.warning]))
        else:
            self.window.statusBar().showMessage(" ".join(lines), 10_000)
        self.runner.joined()

    def leave(self) -> None:
        where = self.runner.view.where or "the team server"
        answer = QMessageBox.question(
            self.window,
            "Leave team",
            f"Stop syncing with {where}?\n\nThe engagements on this laptop are kept as they are; "
            "only the team server's address and the stored password are removed.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.leave_action.setEnabled(False)
        self.runner.when_idle(self._leave_now)

    def _leave_now(self) -> None:
        from ui.team import join_work

        task = run_task(self.window, "Leaving the team…", lambda _p: join_work.leave(), quiet=True)
        task.done.connect(self._left)
        task.failed.connect(lambda _m: self.runner.read_status())  # shown by run_task; show as it is

    def _left(self, address: object) -> None:
        self.runner.forget()
        self.window.statusBar().showMessage("Left the team; the local data stays.", 10_000)

    # --- conflicts ---------------------------------------------------------------------------

    def show_conflicts(self) -> None:
        """Open where the conflicts are shown: the workspace's Conflicts pane of the
        engagement that has them, or a menu of those engagements when several have some."""
        services = self.services

        def read(_p: object) -> list[tuple[int, str, int]]:
            per = Counter((v.engagement_id, v.client) for v in services.conflicts.list())
            return [(eid, client, n) for (eid, client), n in per.items() if eid is not None]

        task = run_task(self.window, "Reading the conflicts…", read, quiet=True)
        task.done.connect(self._open_conflicts)

    def _open_conflicts(self, engagements: list[tuple[int, str, int]]) -> None:
        if not engagements:
            self.window.statusBar().showMessage(
                "No conflicts left to look at here (`mwms-desktop conflicts` lists every one).", 10_000
            )
            self.runner.read_status()
            return
        if len(engagements) == 1:
            self.open_conflicts_of(engagements[0][0])
            return
        menu = QMenu(self.window)
        for eid, client, n in sorted(engagements, key=lambda e: e[1].lower()):
            menu.addAction(f"{client} ({n})", lambda e=eid: self.open_conflicts_of(e))
        button = self.indicator.conflicts  # the menu opens above it, the status bar being low
        menu.exec(button.mapToGlobal(QPoint(0, -menu.sizeHint().height())))

    def open_conflicts_of(self, eid: int) -> None:
        from ui.workspace.panes.conflicts import ConflictsPane

        self.window.open_engagement(eid)  # type: ignore[attr-defined]
        workspace = self.window._workspaces.get(eid)  # type: ignore[attr-defined]
        pane = workspace.panes.get(ConflictsPane.title) if workspace is not None else None
        if pane is not None:
            workspace.show_pane(pane)

    # --- the window closes ---------------------------------------------------------------------

    def shutdown(self) -> None:
        self.runner.shutdown()


def install_team(window: QMainWindow, services: Services) -> TeamActions:
    team = TeamActions(window, services)
    window.menuBar().addMenu(team.menu)
    team.runner.start()
    return team
