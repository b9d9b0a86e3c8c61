"""Exporting dossiers: the public API the CLI and the window's worker thread call.

Everything is read through the services first, then laid out (no query runs while
building), then written atomically: a temporary file in the target folder, flushed to
disk, then renamed over the target. A failed export leaves neither a partial file nor the
temporary one, and says why. Each successful export is recorded on its engagements, which is
what the "structured project completion" gate looks for.

Safe to call from a worker thread: peewee gives that thread its own connection (closing it
is the caller's business) and the only write, recording the export, is one transaction.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import tempfile
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.platypus import Flowable

from mwms_desktop.dossier import compose
from mwms_desktop.dossier.document import DossierDoc, Metadata
from mwms_desktop.errors import DossierError

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
    services.lifecycle.record_dossier_exports(ids, target.name, result.sha256)
    return result


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
    """Temporary file beside ``target``, fsync, rename over it; on failure remove the
    temporary file and raise :class:`DossierError` saying why."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise DossierError(_why(exc, target)) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except BaseException as exc:
        with suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise DossierError(_why(exc, target)) from exc
        raise
    _fsync_folder(target.parent)


def _mode_for(target: Path) -> int:
    """Keep the mode of a file being replaced; a new one gets the usual rw-r--r--."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return 0o644


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it (not on Windows)."""
    with suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _why(exc: OSError, target: Path) -> str:
    if exc.errno == errno.ENOSPC:
        reason = "the disk is full"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        reason = f"no permission to write in {target.parent}"
    elif exc.errno == errno.ENOENT:
        reason = f"folder {target.parent} does not exist"
    elif exc.errno == errno.EROFS:
        reason = "the disk is read-only"
    else:
        reason = exc.strerror or str(exc)
    return f"Cannot write the dossier {target.name}: {reason}. Nothing was written."
