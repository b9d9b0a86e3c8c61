"""Handover bundles: engagements as versioned JSON that another laptop merges by uuid.

:func:`export_bundle` writes one; :func:`import_bundle` reads, validates completely, backs
up the database and merges the bundle in one transaction, or refuses it with a message
naming the place and leaves the database as it was. The format: docs/bundle-format.md.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from peewee import IntegrityError, OperationalError

from db.models import database
from mwms_desktop import files, maintenance
from mwms_desktop.bundle.export import ExportResult, build_bundle, export_bundle
from mwms_desktop.bundle.merge import ImportReport, apply, check_against_db
from mwms_desktop.bundle.parse import parse
from mwms_desktop.bundle.schema import FORMAT, VERSION, Bundle
from mwms_desktop.errors import BundleError
from mwms_desktop.services.base import storage_error

__all__ = [
    "FORMAT",
    "VERSION",
    "Bundle",
    "ExportResult",
    "ImportReport",
    "ImportResult",
    "build_bundle",
    "describe_import",
    "export_bundle",
    "import_bundle",
    "read_bundle",
]

MAX_BYTES = 512 * 1024 * 1024

_LABELS = {
    "engagements": "engagements",
    "qualification_scores": "qualification scores",
    "onboarding_items": "onboarding items",
    "stakeholders": "stakeholders",
    "insights": "insights",
    "hypotheses": "hypotheses",
    "cycles": "cycles",
    "learnings": "learnings",
    "checkins": "health check-ins",
    "stage_history": "stage moves",
    "dossier_exports": "dossier exports",
}


@dataclass(frozen=True, slots=True)
class ImportResult:
    report: ImportReport
    backup: Path | None  # the backup made just before the merge


def read_bundle(path: str | os.PathLike[str]) -> Bundle:
    """Read and validate a bundle file as far as possible without the database."""
    return parse(files.read_regular(path, MAX_BYTES))


def import_bundle(
    db_path: str | os.PathLike[str],
    bundle_path: str | os.PathLike[str],
    progress: Callable[[int, int], None] | None = None,
    *,
    bundle: Bundle | None = None,
) -> ImportResult:
    """Merge the bundle at ``bundle_path`` into the open database at ``db_path``: all of it
    in one transaction after a backup, or nothing (:class:`BundleError` names the place).
    ``progress(done, total)``, when given, hears how many of the bundle's records (the
    engagements and everything in them) are merged, a kind of record at a time. ``bundle``:
    the file already read with :func:`read_bundle`."""
    if bundle is None:
        bundle = read_bundle(bundle_path)
    check_against_db(bundle)
    backup = maintenance.backup_now(db_path, "import") if bundle.engagements else None
    try:
        with database.atomic("IMMEDIATE"):
            snapshot = check_against_db(bundle)  # again, now that no one else can write
            report = apply(bundle, snapshot, progress)
    except IntegrityError as exc:  # a conflict validation did not foresee: nothing was written
        raise BundleError(f"The bundle conflicts with this database ({exc}); nothing was imported.") from exc
    except OperationalError as exc:  # locked by another writer, disk full, read-only
        raise storage_error(exc) from exc
    logging.getLogger(__name__).info(
        "bundle imported: %s; per kind (added/updated/skipped/deleted): %s",
        report.summary(),
        ", ".join(f"{kind} {a}/{u}/{s}/{d}" for kind, (a, u, s, d) in report.counts.items()),
    )
    return ImportResult(report, backup.path if backup else None)


def describe_import(result: ImportResult) -> list[str]:
    """What an import did, a line each, for the CLI and the window alike: a summary (how
    many records were added, updated, deleted, skipped; how many conflicts), then per kind."""
    report = result.report
    lines = []
    if result.backup:
        lines.append(f"The database was backed up first to {result.backup.name}.")
    lines.append(f"Records: {report.summary()}.")
    for key, (added, updated, skipped, deleted) in report.counts.items():
        kept = (
            "already present"
            if key in ("stage_history", "dossier_exports")
            else "skipped (the local copy is as new or newer)"
        )
        gone = (
            f", {deleted} deleted" if key not in ("engagements", "stage_history", "dossier_exports") else ""
        )
        lines.append(f"  {_LABELS.get(key, key)}: {added} added, {updated} updated{gone}, {skipped} {kept}")
    if report.unknown_tombstones:
        lines.append(
            f"{report.unknown_tombstones} deletion(s) of records never seen here were kept "
            "(so those records cannot come back from another laptop)."
        )
    if report.conflicts:
        lines.append(
            f"{report.conflicts} conflict(s): records changed on both laptops. The newer version "
            "was kept and the other listed: `mwms-desktop conflicts`, or the engagement's workspace."
        )
    if report.added:
        lines.append("Added: " + _some(report.added))
    if report.updated:
        lines.append("Updated: " + _some(report.updated))
    return lines


NAMES_SHOWN = 5


def _some(clients: list[str]) -> str:
    """A few names, then how many more: 100,000 engagements make one short line."""
    shown = ", ".join(clients[:NAMES_SHOWN])
    rest = len(clients) - NAMES_SHOWN
    return f"{shown} and {rest:,} more" if rest > 0 else shown
