"""An unexpected exception in the window: logged, then shown in a dialog that says what
happened, where the log is, and offers "Copy details" for a bug report. The app keeps
running when it safely can (every write is one transaction, so a failed slot left the file
as it was); after a damaged database or exhausted memory it closes."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mwms_desktop import APP_NAME, __version__, logs

log = logging.getLogger(__name__)

# A storage error below these means the file itself is in doubt (peewee's and sqlite3's
# DatabaseError); its subclasses IntegrityError and OperationalError are ordinary refusals
# (the transaction rolled back).
_DOUBTFUL_STORAGE = ("DatabaseError", "DataError", "InternalError", "NotSupportedError")
EXIT_CRASHED = 70  # EX_SOFTWARE


def safe_to_continue(exc: BaseException) -> bool:
    if isinstance(exc, MemoryError | SystemError | KeyboardInterrupt):
        return False
    return type(exc).__name__ not in _DOUBTFUL_STORAGE


def details_text(exc: BaseException) -> str:
    """What "Copy details" copies: version, platform and the full traceback."""
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return f"{APP_NAME} {__version__} on {sys.platform}, Python {sys.version.split()[0]}\n\n{trace}"


class CrashDialog(QDialog):
    def __init__(
        self, exc: BaseException, log_file: Path | None, *, can_continue: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{APP_NAME}: something went wrong")
        self.details = details_text(exc)
        layout = QVBoxLayout(self)
        what = QLabel(f"Something went wrong: {type(exc).__name__}: {exc}")
        what.setTextFormat(Qt.TextFormat.PlainText)  # the message may quote what the user typed
        what.setWordWrap(True)
        layout.addWidget(what)
        after = (
            "MWMS Desktop keeps running; what you were doing may not have finished, and your data "
            "is as it was before it."
            if can_continue
            else "MWMS Desktop has to close: the database or the program is in a state it cannot trust."
        )
        where = f"The log is {log_file}." if log_file is not None else "No log file could be written."
        info = QLabel(f"{after}\n{where}")
        info.setWordWrap(True)
        info.setTextFormat(Qt.TextFormat.PlainText)
        info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(info)
        text = QPlainTextEdit(self.details)
        text.setReadOnly(True)
        layout.addWidget(text, 1)
        buttons = QDialogButtonBox()
        self.copy_button = QPushButton("Copy details")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = buttons.addButton(
            "Continue" if can_continue else "Quit", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.close_button.setDefault(True)
        self.copy_button.clicked.connect(self.copy_details)
        self.close_button.clicked.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(640, 380)

    def copy_details(self) -> None:
        QApplication.clipboard().setText(self.details)
        self.copy_button.setText("Copied")


class CrashHandler:
    """``sys.excepthook`` while the window runs. A second exception while the dialog is up is
    only logged (no pile of dialogs)."""

    def __init__(self, show: Callable[[CrashDialog], object] | None = None) -> None:
        self._showing = False
        self._show = show or (lambda dialog: dialog.exec())

    def __call__(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        log.error("unexpected error in the window: %s", logs.describe(exc))
        if self._showing or QApplication.instance() is None:
            return
        can_continue = safe_to_continue(exc)
        self._showing = True
        try:
            dialog = CrashDialog(
                exc, logs.current_file(), can_continue=can_continue, parent=QApplication.activeWindow()
            )
            self._show(dialog)
        finally:
            self._showing = False
        if not can_continue:
            QApplication.exit(EXIT_CRASHED)


def install() -> CrashHandler:
    handler = CrashHandler()
    sys.excepthook = handler
    return handler
