"""Exporting dossiers: the public API the CLI and the window's worker thread call.

Everything is read through the services first, then laid out (no query runs while
building), then written atomically and owner-only (:mod:`mwms_desktop.files`). A failed write leaves neither
a partial file nor the temporary one, and says why. Each written dossier is then recorded on
its engagements, which is what the "structured project completion" gate looks for; when that
record cannot be made, the error says the file was written but not recorded.

Safe to call from a worker thread: peewee gives that thread its own connection (closing it
is the caller's business) and the only write, recording the export, is one transaction.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.platypus import Flowable

from mwms_desktop import files
from mwms_desktop.dossier import compose
from mwms_desktop.dossier.document import DossierDoc, Metadata
from mwms_desktop.errors import DossierError, MwmsError
from mwms_desktop.services.base import storage_reason

if TYPE_CHECKING:
    from mwms_desktop.services import Services

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class DossierResult:
    path: Path
    pages: int
    sha256: str
    bytes: int


def export_dossier(
    services: Services, eid: int, path: str | os.PathLike[str], *, progress: Progress | None = None
) -> DossierResult:
    """Write the learning-preservation dossier of engagement ``eid`` to ``path``."""
    target = check_target(path)
    detail = services.portfolio.detail(eid)
    flowables, meta = compose.engagement_flowables(detail, services.clock.now())
    result = _render_and_write(flowables, meta, target, progress)
    with _recording(result):
        services.lifecycle.record_dossier_export(eid, target.name, result.sha256)
    return result


def export_portfolio(
    services: Services,
    ids: Sequence[int] | None,
    path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
) -> DossierResult:
    """Write one document with a portfolio summary, then every engagement in ``ids`` in that
    order (None: every engagement, whatever its status, in stage then board order)."""
    target = check_target(path)
    if ids is None:
        ids = [c.id for c in services.portfolio.cards(statuses=None)]
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise DossierError("There are no engagements to put in the dossier.")
    details = [services.portfolio.detail(eid) for eid in ids]
    from mwms_desktop.analytics.report import compute_for

    flowables, meta = compose.portfolio_flowables(details, services.clock.now(), compute_for(services, ids))
    result = _render_and_write(flowables, meta, target, progress)
    with _recording(result):
        services.lifecycle.record_dossier_exports(ids, target.name, result.sha256)
    return result


@contextmanager
def _recording(result: DossierResult) -> Iterator[None]:
    """The PDF is written before its export is recorded (a record must never name a file
    that was not written). If the record then fails (a read-only database, a full disk, the
    engagement removed by a restore meanwhile), the file stays, it is the consultant's work,
    and the error says exactly that."""
    try:
        yield
    except MwmsError as exc:
        why = storage_reason(exc.__cause__) if exc.__cause__ is not None else None
        raise DossierError(
            f"The dossier was written to {result.path}, but the database did not record its "
            f"export ({why or exc}), so the completion gate will not count it."
        ) from exc


def check_target(path: str | os.PathLike[str]) -> Path:
    """Refuse, before any work, a target that cannot be written."""
    target = Path(path).expanduser().absolute()
    if target.is_dir():
        raise DossierError(f"{target} is a folder; give a file name such as dossier.pdf.")
    folder = target.parent
    if not folder.is_dir():
        raise DossierError(f"Cannot write the dossier: folder {folder} does not exist.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DossierError(f"Cannot write the dossier: no permission to write in {folder}.")
    return target


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def _render_and_write(
    flowables: list[Flowable], meta: Metadata, target: Path, progress: Progress | None
) -> DossierResult:
    total = compose.headings(flowables) + 1  # each heading laid out, then the file written
    done = 0

    def on_heading() -> None:
        nonlocal done
        done += 1
        _report(progress, done, total)

    _report(progress, 0, total)
    buffer = io.BytesIO()
    try:
        pages = DossierDoc(buffer, meta, on_heading=on_heading).build_pdf(flowables)
    except Exception as exc:  # a layout failure must read as one sentence, not a traceback
        raise DossierError(f"The dossier could not be laid out ({type(exc).__name__}: {exc}).") from exc
    data = buffer.getvalue()
    write_atomically(data, target)
    _report(progress, total, total)
    return DossierResult(target, pages, hashlib.sha256(data).hexdigest(), len(data))


def write_atomically(data: bytes, target: Path) -> None:
    """Owner-only and atomic (:func:`mwms_desktop.files.write_private`); on failure nothing
    is left at ``target`` and :class:`DossierError` says why."""
    try:
        files.write_private(target, data)
    except files.FileWriteError as exc:
        cause = exc.__cause__
        why = files.reason(cause, target.parent) if isinstance(cause, OSError) else str(exc)
        raise DossierError(f"Cannot write the dossier {target.name}: {why}. Nothing was written.") from exc
