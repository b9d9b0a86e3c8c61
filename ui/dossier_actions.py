"""“Export dossier…”: choose a file, build the PDF on a worker thread, offer to open it.

The PDF is built by the core (``mwms_desktop.dossier``); this module only asks where, shows
progress and reports. The board's filter decides which engagements a portfolio dossier holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from mwms_desktop import APP_NAME
from mwms_desktop.services import Services
from ui.tasks import Task, run_task


def _safe_name(text: str) -> str:
    name = re.sub(r"[^\w\s.-]", "", text, flags=re.UNICODE).strip()
    return re.sub(r"\s+", " ", name)[:80] or "engagement"


def _ask_path(parent: QWidget, suggested: str) -> Path | None:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path, _ = QFileDialog.getSaveFileName(
        parent, "Export learning-preservation dossier", str(Path(folder) / suggested), "PDF (*.pdf)"
    )
    if not path:
        return None
    return Path(path) if path.lower().endswith(".pdf") else Path(path + ".pdf")


def _offer_to_open(parent: QWidget, result: object) -> None:
    path = Path(result.path)  # type: ignore[attr-defined]
    answer = QMessageBox.information(
        parent,
        APP_NAME,
        f"Dossier saved: {path.name} ({result.pages} pages).\nOpen it now?",  # type: ignore[attr-defined]
        QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Close,
    )
    if answer == QMessageBox.StandardButton.Open:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def export_engagement(
    parent: QWidget,
    services: Services,
    eid: int,
    path: Path | None = None,
    on_done=None,
    on_recorded: Callable[[int], None] | None = None,
) -> Task | None:
    """Export one engagement's dossier; ``path`` skips the file dialog (tests, scripts).
    ``on_recorded(eid)`` is told once the export is recorded on the engagement, before
    ``on_done``, so what shows the engagement (its gate) can follow."""
    from mwms_desktop.dossier import export_dossier

    card = services.portfolio.card(eid)
    path = path or _ask_path(parent, f"{_safe_name(card.client)} – dossier.pdf")
    if path is None:
        return None
    finish = on_done or (lambda result: _offer_to_open(parent, result))

    def done(result: object) -> None:
        if on_recorded is not None:
            on_recorded(eid)
        finish(result)

    return run_task(
        parent,
        f"Writing the dossier of {card.client}…",
        lambda progress: export_dossier(services, eid, path, progress=progress),
        done,
    )


def export_portfolio(
    parent: QWidget,
    services: Services,
    ids: list[int],
    path: Path | None = None,
    on_done=None,
    on_recorded: Callable[[int], None] | None = None,
) -> Task | None:
    """Export a portfolio dossier of ``ids`` (the engagements the board shows); the export
    is recorded on each of them, and ``on_recorded(eid)`` told for each."""
    from mwms_desktop.dossier import export_portfolio as build

    path = path or _ask_path(parent, "Portfolio – dossier.pdf")
    if path is None:
        return None
    finish = on_done or (lambda result: _offer_to_open(parent, result))

    def done(result: object) -> None:
        for eid in ids if on_recorded is not None else ():
            on_recorded(eid)
        finish(result)

    return run_task(
        parent,
        f"Writing the portfolio dossier ({len(ids)} engagements)…",
        lambda progress: build(services, ids, path, progress=progress),
        done,
    )
