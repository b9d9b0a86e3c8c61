"""The board as CSV: one row per active engagement with the board's columns, and text a
spreadsheet would run as a formula neutralised."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from mwms_desktop import framework
from mwms_desktop.csv_export import HEADER, export_csv, neutralise


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1 555", "'+1 555"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Acme = good", "Acme = good"),
        ("", ""),
        (42, 42),
    ],
)
def test_neutralise(cell, shown):
    """Only text starting with = + - @ (or tab / CR) gets the apostrophe; numbers stay."""
    assert neutralise(cell) == shown


def test_board_rows_with_injection_neutralised(demo_services, tmp_path):
    """Every active card is a row in board order with its columns; a client name and a
    next action that start like formulas arrive as quoted text; the file is owner-only."""
    s = demo_services
    card = s.portfolio.add("=cmd|'/C calc'!A0", owner="@owner")
    s.portfolio.update(card.id, next_action="-buy more", next_action_due="2026-11-20")
    target = tmp_path / "board.csv"
    count = export_csv(s, target)
    rows = _read(target)
    cards = s.portfolio.cards()
    assert rows[0] == list(HEADER)
    assert count == len(cards) == len(rows) - 1
    assert [int(r[0]) for r in rows[1:]] == [c.id for c in cards]
    (row,) = [r for r in rows[1:] if int(r[0]) == card.id]
    assert row[1] == "'=cmd|'/C calc'!A0"
    assert row[3] == "'@owner"
    assert row[4] == "Qualification"
    assert row[10:] == ["'-buy more", "2026-11-20"]
    drifting = next(c for c in cards if c.drift and c.health.score is not None)
    (row,) = [r for r in rows[1:] if int(r[0]) == drifting.id]
    assert row[5:10] == [
        str(drifting.days_in_stage),
        drifting.health.band_label,
        str(drifting.health.score),
        framework.label(framework.TRENDS, drifting.health.trend),
        "; ".join(d.message for d in drifting.drift),
    ]
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
