"""Exporting the playbook from the library window: on a worker, with progress."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from mwms_desktop.library.query import Query
from mwms_desktop.services import Services
from ui.tasks import Task, run_task


def scope_of(query: Query | None) -> tuple[str | None, str | None]:
    """The engagement type and tag the playbook keeps: the first of each the query names."""
    facets = query.facets if query is not None else {}
    kind = sorted(facets.get("type", ()))
    tag = sorted(facets.get("tag", ()))
    return (kind[0] if kind else None), (tag[0] if tag else None)


def export_playbook(
    parent: QWidget,
    services: Services,
    query: Query | None,
    path: Path | None = None,
    on_done=None,
) -> Task | None:
    """Ask where (unless ``path``), then write the playbook on a worker with a progress dialog."""
    from mwms_desktop.library.playbook import export_playbook as write

    if path is None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = str(Path(folder) / "learning-playbook.pdf")
        chosen, _ = QFileDialog.getSaveFileName(parent, "Export learning playbook", suggested, "PDF (*.pdf)")
        if not chosen:
            return None
        path = Path(chosen) if chosen.lower().endswith(".pdf") else Path(chosen + ".pdf")
    etype, tag = scope_of(query)
    target = path

    def work(progress):
        return write(services, target, engagement_type=etype, tag=tag, progress=progress)

    return run_task(parent, "Writing the learning playbook…", work, on_done)
