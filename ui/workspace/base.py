"""What every pane of the workspace shares: the engagement it shows and one way to edit it.

Every edit is an undo command pushed through the board controller, so the board card
refreshes and the main window's Undo sees it. An error while a command is first pushed comes
back to the caller (a form keeps its dialog open and shows it in place); an error on a later
undo or redo is reported through the controller like any other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from mwms_desktop.errors import MwmsError
from mwms_desktop.services import Services
from mwms_desktop.views import EngagementDetail
from ui.board_controller import BoardController
from ui.tooltip import plain_tip
from ui.undo_commands import ServiceCommand

if TYPE_CHECKING:
    from ui.workspace.forms import AutoSave


class WorkspaceContext(QObject):
    """The engagement id, the services, and ``run`` to push an edit as an undo command."""

    def __init__(self, services: Services, eid: int, controller: BoardController, parent=None) -> None:
        super().__init__(parent)
        self.services = services
        self.eid = eid
        self.controller = controller
        self._pushing = False

    def hooks(self) -> dict[str, Any]:
        """The controller's hooks, except that an error during the first push is the caller's."""
        board = self.controller.hooks()

        def on_error(exc: MwmsError) -> None:
            if not self._pushing:
                board["on_error"](exc)

        return {"on_changed": board["on_changed"], "on_error": on_error}

    def run(self, command: ServiceCommand) -> MwmsError | None:
        """Push ``command``; the service's error if it refused (then nothing was changed)."""
        self._pushing = True
        try:
            self.controller.push(command)
        finally:
            self._pushing = False
        return command.error


class Pane(QWidget):
    """One pane of the workspace. ``set_detail`` is called with fresh data after every edit
    (and every undo or redo); it must keep what the user is looking at.

    A pane has no Save button: each group of fields it edits inline is registered with
    ``saves`` (an ``AutoSave``), which saves as the user goes; ``flush`` saves them all now,
    and the window calls it before it closes."""

    title = ""

    def __init__(self, ctx: WorkspaceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail: EngagementDetail | None = None
        self.savers: list[AutoSave] = []
        self.setAccessibleName(self.title.replace("&", ""))

    def saves(self, saver: AutoSave) -> AutoSave:
        self.savers.append(saver)
        return saver

    def pending(self) -> bool:
        """Something typed here is not saved yet."""
        return any(s.pending() for s in self.savers)

    def flush(self) -> tuple[MwmsError, QWidget | None] | None:
        """Save everything typed here; the first refusal and the field it belongs to."""
        for saver in self.savers:
            error = saver.flush()
            if error is not None:
                return error, saver.focus
        return None

    def set_detail(self, detail: EngagementDetail) -> None:
        self.detail = detail


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and the word in the form that number takes: 1 day, 2 days, 0 entries."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def plain_label(text: str = "", *, wrap: bool = True, name: str = "") -> QLabel:
    """A label that never interprets client text as markup (a client may be called "<b>")."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    if name:
        label.setObjectName(name)
    return label


class ErrorLabel(QLabel):
    """Shows a service's refusal next to the controls that caused it; hidden when clear."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("formError")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setAccessibleName("Error")
        self.hide()

    def show_error(self, error: MwmsError | None) -> None:
        if error is None:
            self.clear()
            self.hide()
        else:
            self.setText(str(error))
            self.setAccessibleDescription(str(error))
            self.show()


class ElidedLabel(QLabel):
    """One line of user text (a client's name) that shortens with "…" to the room it has,
    the whole text in its tooltip, so a long name never makes the window wider than the screen."""

    def __init__(self, name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._full = ""
        if name:
            self.setObjectName(name)

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setAccessibleName(text)
        self._elide()

    def is_elided(self) -> bool:
        return self.text() != self._full

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance("…") * 8, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + 4, super().sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (event.Type.FontChange, event.Type.StyleChange):
            self._elide()

    def _elide(self) -> None:
        if not hasattr(self, "_full"):
            return  # a style change while the label is being built
        room = self.contentsRect().width()
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, room)
        if shown != self.text():
            self.setText(shown)
        self.setToolTip(plain_tip(self._full) if shown != self._full else "")
