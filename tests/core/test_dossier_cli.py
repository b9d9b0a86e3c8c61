"""``mwms-desktop dossier``: exit status, what it prints, and its one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from mwms_desktop.cli import main
from mwms_desktop.services import Services


def run(db: Path, *args: str) -> int:
    return main(["--db", str(db), "dossier", *args])


def test_dossier_of_one_engagement_prints_path_and_pages(
    services: Services, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 0; the line names the file and its true page count."""
    eid = services.portfolio.add("Zoë Ødegård Studio").id
    out = tmp_path / "zoe.pdf"
    status = run(db_path, str(eid), "--out", str(out))
    pages = len(PdfReader(out).pages)
    assert (status, capsys.readouterr().out) == (0, f"Wrote {out} ({pages} pages).\n")


def test_dossier_all_writes_the_portfolio(
    demo_services: Services, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--all puts every engagement after a portfolio summary and the portfolio analytics."""
    out = tmp_path / "all.pdf"
    status = run(db_path, "--all", "--out", str(out))
    top = [item.title for item in PdfReader(out).outline if not isinstance(item, list)]
    assert (status, len(top)) == (0, 2 + len(demo_services.portfolio.cards(statuses=None)))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["999", "--out", "{tmp}/x.pdf"], "mwms-desktop: No engagement with id 999.\n"),
        (["abc", "--out", "{tmp}/x.pdf"], "mwms-desktop: 'abc' is not an engagement id"),
        (["1", "--out", "{tmp}/missing/x.pdf"], "mwms-desktop: Cannot write the dossier: folder"),
        (["1", "--out", "{tmp}"], "is a folder; give a file name"),
        (["--out", "{tmp}/x.pdf"], "mwms-desktop: Name one engagement id, or --all"),
        (["1", "--all", "--out", "{tmp}/x.pdf"], "mwms-desktop: Name one engagement id, or --all"),
    ],
)
def test_bad_requests_fail_with_one_line(
    services: Services,
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    """Exit 1, one line on stderr saying why, no PDF anywhere."""
    services.portfolio.add("Acme Ltd")
    status = run(db_path, *(a.format(tmp=tmp_path) for a in args))
    err = capsys.readouterr().err
    assert (status, message in err, err.count("\n"), list(tmp_path.rglob("*.pdf*"))) == (1, True, 1, [])
