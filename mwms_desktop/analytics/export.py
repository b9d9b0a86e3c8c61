"""A chart's table as a CSV file: the same rows the window shows beside the chart.

Cells that a spreadsheet would run as a formula are neutralised (``csv_export.neutralise``),
and the file is written atomically (a failed write leaves no partial file and says why)."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from mwms_desktop import files
from mwms_desktop.analytics.charts import ChartSpec
from mwms_desktop.csv_export import neutralise
from mwms_desktop.errors import MwmsError


class ExportError(MwmsError):
    """A chart's numbers could not be written; the message says why."""


def csv_text(spec: ChartSpec) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in spec.full_headers])
    writer.writerows([neutralise(c) for c in row] for row in spec.rows)
    return out.getvalue()


def write_csv(spec: ChartSpec, path: str | os.PathLike[str]) -> Path:
    """Write the chart's table to ``path`` (UTF-8 with a BOM, which spreadsheets need to read
    accents); raises :class:`ExportError` with the reason when it cannot."""
    target = Path(path)
    try:
        files.write_private(target, csv_text(spec).encode("utf-8-sig"))
    except files.FileWriteError as exc:
        cause = exc.__cause__
        if isinstance(cause, OSError):
            why = files.reason(cause, target.parent)
        else:  # a sentence of its own ("Folder … does not exist."), here the end of this one
            text = str(exc).rstrip(".")
            why = text[:1].lower() + text[1:]
        raise ExportError(f"Cannot write {target.name}: {why}. Nothing was written.") from exc
    return target
