"""Headless pictures of the library (``screenshot --library QUERY``) and of the
related-learnings panel (``screenshot --open ID --related TEXT``), for the README."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoStack

from mwms_desktop.errors import MwmsError
from mwms_desktop.services import Services
from ui import theme


def _settle(until, seconds: float = 10.0) -> None:
    """Process events until ``until()`` (a worker's answer has arrived) or the time is up."""
    end = time.monotonic() + seconds
    while not until() and time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.01)
    for _ in range(3):
        QCoreApplication.processEvents()


def _save(widget, target: Path) -> None:
    if not widget.grab().save(str(target), "PNG"):
        raise MwmsError(f"Could not write {target}.")


def render_library(
    services: Services, target: Path, size: tuple[int, int], theme_name: str, query: str
) -> None:
    from ui.app import create_application
    from ui.library.window import LibraryWindow

    create_application()
    theme.apply(theme_name)
    window = LibraryWindow(services, lambda *a: None)
    window.resize(*size)
    window.show()
    window.search.setText(query)
    _settle(lambda: window.result is not None and not window.query.busy)
    _settle(lambda: not window.evidence.busy and bool(window.detail.toPlainText()), 5.0)
    # The facet counts and the total come after the first page, as in use.
    _settle(lambda: not window.facet_query.busy and not window.count_query.busy, 10.0)
    _save(window, target)
    window.close()


def render_related(
    services: Services, target: Path, size: tuple[int, int], theme_name: str, eid: int, text: str
) -> None:
    """The add-hypothesis dialog of engagement ``eid`` with ``text`` typed as its statement."""
    from ui.app import create_application
    from ui.board_controller import BoardController
    from ui.board_store import BoardStore
    from ui.workspace.window import WorkspaceWindow

    create_application()
    theme.apply(theme_name)
    stack = QUndoStack()
    store = BoardStore(services)
    store.reload()
    controller = BoardController(services, store, stack, lambda *a: None)
    workspace = WorkspaceWindow(services, eid, stack, controller, None)
    table = workspace.pane("Insights & hypotheses").hypotheses
    dialog = table.add_dialog()
    dialog.resize(*size)
    dialog.show()
    dialog.form.editors["statement"].setPlainText(text)
    panel = dialog.related
    _settle(lambda: not panel.query.busy and panel.list.count() > 0)
    if panel.list.count():
        panel.list.setCurrentRow(0)
    _settle(lambda: True, 0.1)
    _save(dialog, target)
    dialog.done(0)
    workspace.close()
