"""Exporting a dossier from the window runs on a worker thread and records the export."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtWidgets import QWidget

from ui.dossier_actions import export_engagement, export_portfolio


def test_engagement_dossier_from_the_window(qtbot, demo_services, tmp_path):
    """The PDF is written off the UI thread, the result comes back, the export is recorded."""
    parent = QWidget()
    qtbot.addWidget(parent)
    card = next(c for c in demo_services.portfolio.cards() if c.stage == "outcome")
    results = []
    task = export_engagement(parent, demo_services, card.id, tmp_path / "d.pdf", on_done=results.append)
    with qtbot.waitSignal(task.done, timeout=30_000):
        pass
    (result,) = results
    assert result.pages == len(PdfReader(str(tmp_path / "d.pdf")).pages)
    exports = demo_services.portfolio.detail(card.id).dossier_exports
    assert [x.sha256 for x in exports] == [result.sha256]


def test_portfolio_dossier_of_the_shown_cards(qtbot, demo_services, tmp_path):
    """A portfolio dossier of given ids holds each of those clients."""
    parent = QWidget()
    qtbot.addWidget(parent)
    cards = demo_services.portfolio.cards()[:3]
    task = export_portfolio(
        parent, demo_services, [c.id for c in cards], tmp_path / "p.pdf", on_done=lambda r: None
    )
    with qtbot.waitSignal(task.done, timeout=60_000):
        pass
    text = " ".join(page.extract_text() for page in PdfReader(str(tmp_path / "p.pdf")).pages)
    for c in cards:
        assert c.client.split()[0] in text
