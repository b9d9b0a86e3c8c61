"""A workspace built the way the main window builds it (board store, controller, undo
stack), without the main window: shared by the workspace tests."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack

from mwms_desktop.services import Services
from ui.board_controller import BoardController
from ui.board_store import BoardStore
from ui.workspace.window import WorkspaceWindow


class Harness:
    def __init__(self, qtbot, services: Services, eid: int) -> None:
        self.services, self.eid = services, eid
        self.stack = QUndoStack()
        self.store = BoardStore(services)
        self.store.reload()
        self.controller = BoardController(services, self.store, self.stack, lambda *a: "Scope changed")
        self.window = WorkspaceWindow(services, eid, self.stack, self.controller, None)
        qtbot.addWidget(self.window)

    def detail(self):
        return self.services.portfolio.detail(self.eid)

    def pane(self, title: str):
        return self.window.pane(title)

    def show(self, qtbot, width: int = 1280, height: int = 820) -> None:
        self.window.resize(width, height)
        self.window.show()
        qtbot.waitExposed(self.window)
