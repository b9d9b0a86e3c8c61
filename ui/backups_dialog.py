"""“Backups…”: the database's backups, newest first; back up now; restore one.

Restoring never overwrites: the core moves the current file aside (``.replaced-<stamp>``)
before it puts the backup in place, and the dialog says where it went. The restore runs on a
worker thread (it may wait for other writers); the board reloads through ``restored``; the
dialog itself only lists and asks.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mwms_desktop import APP_NAME, maintenance
from mwms_desktop.errors import MwmsError
from mwms_desktop.services import Services
from ui.tasks import Task, run_task
from ui.tooltip import plain_tip

REASONS = {
    "open": "On opening",
    "auto": "Automatic",
    "manual": "On demand",
    "import": "Before an import",
}


def describe_reason(reason: str) -> str:
    if reason.startswith("schema"):
        return "Before a schema upgrade"
    return REASONS.get(reason, reason.capitalize())


class BackupsDialog(QDialog):
    restored = Signal(object)  # maintenance.RestoreResult

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle(f"Backups of {services.path.name}")
        self.resize(640, 420)
        self.backups: list[maintenance.Backup] = []

        intro = QLabel(
            "Backups are made when the database opens, every 30 minutes while it changes, "
            "before an upgrade and before an import, and each is checked for integrity. "
            "Restoring one keeps the current file aside; nothing is overwritten."
        )
        intro.setWordWrap(True)
        self.list = QTreeWidget()
        self.list.setHeaderLabels(["Made", "Why", "Size"])
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.list.itemDoubleClicked.connect(lambda *_: self.restore_selected())

        self.backup_button = QPushButton("Back up now")
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton("Restore…")
        self.restore_button.clicked.connect(self.restore_selected)
        folder_button = QPushButton("Show folder")
        folder_button.clicked.connect(self._show_folder)
        buttons = QHBoxLayout()
        for button in (self.backup_button, self.restore_button, folder_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        self.backups = maintenance.list_backups(self.services.path)
        self.list.clear()
        for b in self.backups:
            when = b.created.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            item = QTreeWidgetItem([when, describe_reason(b.reason), f"{b.size / 1024:,.0f} KB"])
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(0, plain_tip(str(b.path)))
            self.list.addTopLevelItem(item)
        for column in range(2):  # the last column takes the rest
            self.list.resizeColumnToContents(column)
            self.list.setColumnWidth(column, self.list.columnWidth(column) + 24)
        if self.backups:
            self.list.setCurrentItem(self.list.topLevelItem(0))
        self._selection_changed()

    def selected(self) -> maintenance.Backup | None:
        row = self.list.indexOfTopLevelItem(self.list.currentItem()) if self.list.currentItem() else -1
        return self.backups[row] if 0 <= row < len(self.backups) else None

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None)

    def backup_now(self) -> None:
        path = self.services.path
        self.backup_button.setEnabled(False)
        task = run_task(self, "Backing up…", lambda _progress: maintenance.backup_now(path))
        task.done.connect(lambda _b: self.reload())
        task.done.connect(lambda _b: self.backup_button.setEnabled(True))
        task.failed.connect(lambda _m: self.backup_button.setEnabled(True))

    def restore_selected(self, *, confirm: bool = True) -> Task | None:
        """Restore the selected backup on a worker thread, a busy indicator meanwhile (a
        restore waits for other writers to finish, up to 30 s); the board reloads after,
        through ``restored``. The running task, or None when nothing was asked for."""
        backup = self.selected()
        if backup is None:
            return None
        when = backup.created.astimezone().strftime("%Y-%m-%d %H:%M")
        if confirm:
            answer = QMessageBox.question(
                self,
                APP_NAME,
                f"Replace the current database with the backup made {when}?\n\n"
                "Everything changed since then is left out of the restored database; the "
                "current file is kept beside it, not deleted.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None
        path = self._busy(True)
        task = run_task(
            self, f"Restoring the backup made {when}…", lambda _p: maintenance.restore(path, backup)
        )
        task.done.connect(self._restored)
        task.failed.connect(lambda _message: self._busy(False))  # the task showed the message
        return task

    def _busy(self, busy: bool) -> Path:
        for button in (self.backup_button, self.restore_button):
            button.setEnabled(not busy)
        if not busy:
            self._selection_changed()
        return self.services.path

    def _restored(self, result: maintenance.RestoreResult) -> None:
        try:
            # The file's content was replaced from another thread: this thread's connection
            # starts afresh (as a restore made on it would), then the board reloads.
            self.services.reconnect()
        except MwmsError as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))
        self.restored.emit(result)
        self.reload()
        self._busy(False)

    def _show_folder(self) -> None:
        folder = maintenance.backup_folder(self.services.path)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
