"""Team → Join a team…: the team server's address, the CA file for a verified connection,
and the password. Joining checks all three against the server on a worker thread (the
core's ``membership.verify`` and ``remember``, as ``team join``); a refusal is the core's one
line under the fields, and everything typed stays for another try."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from ui.focus_ring import FocusRing
from ui.tasks import Task, run_task
from ui.team import join_work

EXAMPLE = "postgresql://you@db.example.com/mwms_team"


class JoinDialog(QDialog):
    """Accepted once the server took the address and password; ``joined`` then holds the
    core's ``JoinResult`` and ``password`` the verified password (memory only)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Join a team")
        self.joined: Any = None
        self.password = ""
        self._task: Task | None = None

        self.address = QLineEdit()
        self.address.setPlaceholderText(EXAMPLE)
        self.address.setAccessibleName("Team server address")
        self.address.setToolTip(
            "The address your firm's administrator gave you: postgresql://NAME@HOST[:PORT]/DATABASE"
        )
        self.ca_file = QLineEdit()
        self.ca_file.setPlaceholderText("optional: the server's CA certificate (.pem)")
        self.ca_file.setAccessibleName("CA certificate file")
        self.ca_file.setToolTip("With a CA file the connection is verified (sslmode=verify-full).")
        browse = QPushButton("Browse…")
        browse.setAccessibleName("Choose the CA certificate file")
        browse.clicked.connect(self._browse)
        ca_row = QHBoxLayout()
        ca_row.setContentsMargins(0, 0, 0, 0)
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(browse)
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setAccessibleName("Password")
        self.secret.setToolTip(
            "Kept in the system keyring; where there is none it is asked for again in each session "
            "and never written anywhere."
        )
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.busy = QLabel("Checking the team server…")
        self.busy.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.join_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.join_button.setText("Join")
        self.buttons.accepted.connect(self.join)
        self.buttons.rejected.connect(self.reject)

        intro = QLabel(
            "Sync this laptop's engagements with your firm's team server. Your administrator "
            "gives you its address and your password; the engagements here stay on this laptop too."
        )
        intro.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(intro)
        form.addRow("Team server", self.address)
        form.addRow("CA file", ca_row)
        form.addRow("Password", self.secret)
        form.addRow(self.error)
        form.addRow(self.busy)
        form.addRow(self.buttons)
        self.browse = browse
        self.resize(560, self.sizeHint().height())
        self.focus_ring = FocusRing(self)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "The team server's CA certificate", "", "Certificates (*.pem *.crt *.cer);;All files (*)"
        )
        if path:
            self.ca_file.setText(path)

    def join(self) -> None:
        """Check and keep the address and password, off the UI thread."""
        if self._task is not None:
            return
        text = self.address.text().strip()
        if not text:
            self._refused(f"Type the team server's address, such as {EXAMPLE}.")
            self.address.setFocus()
            return
        ca_text = self.ca_file.text().strip()
        ca_file = Path(ca_text).expanduser() if ca_text else None
        password = self.secret.text()
        self._set_busy(True)
        self._task = run_task(
            self,
            "Joining the team…",
            lambda _progress: join_work.join(text, ca_file, password),
            quiet=True,
            show_errors=False,
        )
        self._task.done.connect(self._joined)
        self._task.failed.connect(self._refused)

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.address, self.ca_file, self.browse, self.secret, self.buttons):
            widget.setEnabled(not busy)
        self.busy.setVisible(busy)
        if busy:
            self.error.hide()

    def _joined(self, outcome: tuple[Any, str]) -> None:
        self._task = None
        self.joined, self.password = outcome
        self.secret.clear()
        super().accept()

    def _refused(self, message: str) -> None:
        self._task = None
        self._set_busy(False)
        self.error.setText(message)
        self.error.show()
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))  # the whole line shows
        (self.secret if "password" in message.lower() else self.address).setFocus()

    def reject(self) -> None:
        if self._task is not None:
            return  # the server is being asked (at most a few seconds): its answer must land here
        super().reject()

    def accept(self) -> None:
        self.join()  # Enter joins; the dialog closes once the server said yes
