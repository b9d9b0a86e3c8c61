"""The window's data menu: handover bundles in and out, the board as CSV, backups, and the
automatic backup while the window is open.

The work is the core's (``mwms_desktop.bundle``, ``csv_export``, ``maintenance``); this
module asks where, runs it on a worker thread (``ui.tasks``) and reports. After anything
that changes the database under the board (an import, a restore), ``data_replaced`` tells
the window to reload.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from mwms_desktop import APP_NAME, maintenance
from mwms_desktop.services import Services
from ui.folders import documents
from ui.tasks import Task, run_task

AUTO_BACKUP_CHECK_MS = 5 * 60 * 1000  # look every 5 minutes; the core backs up at most every 30


def _documents() -> Path:
    return documents()


def _with_suffix(path: str, suffix: str) -> Path:
    return Path(path) if path.lower().endswith(suffix) else Path(path + suffix)


class DataActions(QObject):
    data_replaced = Signal()  # an import or a restore changed the database under the board
    status = Signal(str)  # a short line for the status bar

    def __init__(self, window: QWidget, services: Services, shown_ids: Callable[[], list[int]]) -> None:
        super().__init__(window)
        self.window = window
        self.services = services
        self.shown_ids = shown_ids
        self.import_action = QAction("&Import handover bundle…", self)
        self.import_action.triggered.connect(lambda: self.import_bundle())
        self.export_action = QAction("Export handover &bundle of the shown engagements…", self)
        self.export_action.triggered.connect(lambda: self.export_bundle())
        self.csv_action = QAction("Export board as &CSV…", self)
        self.csv_action.triggered.connect(lambda: self.export_csv())
        self.backups_action = QAction("&Backups…", self)
        self.backups_action.triggered.connect(self.show_backups)
        self._auto: Task | None = None
        self.auto_timer = QTimer(self, interval=AUTO_BACKUP_CHECK_MS, timeout=self.auto_backup)
        self.auto_timer.start()

    def actions(self) -> list[QAction]:
        return [self.import_action, self.export_action, self.csv_action, self.backups_action]

    # --- handover bundles ----------------------------------------------------------------

    def import_bundle(self, path: Path | None = None) -> Task | None:
        """Merge a bundle into this database: all of it after a backup, or nothing."""
        from mwms_desktop.bundle import import_bundle

        if path is None:
            name, _ = QFileDialog.getOpenFileName(
                self.window, "Import handover bundle", str(_documents()), "MWMS bundle (*.json)"
            )
            if not name:
                return None
            path = Path(name)
        db_path = self.services.path
        task = run_task(
            self.window,
            f"Importing {path.name}…",
            lambda progress: import_bundle(db_path, path, progress=progress),
            self._imported,
        )
        return task

    def _imported(self, result: object) -> None:
        from mwms_desktop.bundle import describe_import

        self.data_replaced.emit()
        report = result.report  # type: ignore[attr-defined]
        self.status.emit(f"Imported: {report.summary()}.")
        QMessageBox.information(
            self.window, APP_NAME, "\n".join(["Bundle imported.", *describe_import(result)])
        )  # type: ignore[arg-type]

    def export_bundle(self, path: Path | None = None) -> Task | None:
        """Write the shown engagements (the filter applies) as a handover bundle."""
        from mwms_desktop.bundle import export_bundle

        ids = self.shown_ids()
        if not ids:
            QMessageBox.information(self.window, APP_NAME, "No engagement is shown: nothing to export.")
            return None
        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                self.window,
                "Export handover bundle",
                str(_documents() / "handover.json"),
                "MWMS bundle (*.json)",
            )
            if not name:
                return None
            path = _with_suffix(name, ".json")
        clock = self.services.clock
        return run_task(
            self.window,
            f"Writing {len(ids)} engagement(s) to {path.name}…",
            lambda _progress: export_bundle(path, ids, clock=clock),
            lambda r: self._report(
                f"Exported {r.engagements} engagement(s) and {r.records} record(s) to {r.path.name}."
            ),
        )

    def export_csv(self, path: Path | None = None) -> Task | None:
        """Write the board, one row per active engagement, for spreadsheets."""
        from mwms_desktop.csv_export import export_csv

        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                self.window, "Export board as CSV", str(_documents() / "board.csv"), "CSV (*.csv)"
            )
            if not name:
                return None
            path = _with_suffix(name, ".csv")
        services = self.services
        return run_task(
            self.window,
            f"Writing {path.name}…",
            lambda _progress: export_csv(services, path),
            lambda count: self._report(f"Wrote {count} engagement(s) to {path.name}."),
        )

    def _report(self, message: str) -> None:
        self.status.emit(message)
        QMessageBox.information(self.window, APP_NAME, message)

    # --- backups -------------------------------------------------------------------------

    def show_backups(self) -> None:
        from ui.backups_dialog import BackupsDialog

        dialog = BackupsDialog(self.services, self.window)
        dialog.restored.connect(self._restored)
        dialog.exec()

    def _restored(self, result: maintenance.RestoreResult) -> None:
        self.data_replaced.emit()
        aside = ", ".join(p.name for p in result.moved_aside) or "nothing"
        message = f"Restored {result.backup.name}. The replaced file was kept as {aside}."
        self.status.emit(message)
        QMessageBox.information(self.window, APP_NAME, message)

    def auto_backup(self) -> Task | None:
        """A quiet backup when the newest is older than 30 minutes and the file changed."""
        if self._auto is not None:
            return None  # the last one is still running
        db_path = self.services.path

        def done(backup: object) -> None:
            self._auto = None
            if backup is not None:
                self.status.emit(f"Backed up automatically ({backup.name}).")  # type: ignore[attr-defined]

        def failed(message: str) -> None:
            self._auto = None
            self.status.emit(f"Automatic backup failed: {message}")

        self._auto = run_task(
            self.window,
            "Backing up…",
            lambda _p: maintenance.maybe_backup(db_path),
            quiet=True,
            show_errors=False,
        )
        self._auto.done.connect(done)
        self._auto.failed.connect(failed)
        return self._auto
