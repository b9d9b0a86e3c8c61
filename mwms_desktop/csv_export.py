"""The board as a CSV file for spreadsheets: one row per active engagement.

A cell that a spreadsheet would read as a formula (starting with ``= + - @``, or a tab or
carriage return that some strip before looking) gets a leading apostrophe, so a client
name like ``=HYPERLINK(...)`` stays text when the file is opened (CSV injection).
"""

from __future__ import annotations

import csv
import io
import os

from mwms_desktop import files, framework
from mwms_desktop.services import Services
from mwms_desktop.views import EngagementCard

HEADER = (
    "ID", "Client", "Type", "Owner", "Stage", "Days in stage", "Health", "Health score",
    "Trend", "Drift", "Next action", "Due",
)  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> object:
    """``cell`` as a spreadsheet will show it: text that could start a formula is quoted."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def row(card: EngagementCard) -> list[object]:
    cells: list[object] = [
        card.id,
        card.client,
        card.type_label,
        card.owner,
        card.stage_label,
        card.days_in_stage,
        card.health.band_label,
        "" if card.health.score is None else card.health.score,
        framework.label(framework.TRENDS, card.health.trend),
        "; ".join(signal.message for signal in card.drift),
        card.next_action,
        card.next_action_due.isoformat() if card.next_action_due else "",
    ]
    return [neutralise(c) for c in cells]


def export_csv(services: Services, path: str | os.PathLike[str]) -> int:
    """Write the board to ``path`` (UTF-8 with a byte-order mark, which spreadsheet programs
    need to read accents right); returns the number of engagements written."""
    files.check_target(path)  # before reading the board
    cards = services.portfolio.cards()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(row(card) for card in cards)
    files.write_private(path, "\ufeff" + buffer.getvalue())
    return len(cards)
