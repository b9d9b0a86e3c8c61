"""The dossier's "Built on earlier learnings" and "Reused since", and the portfolio
dossier's "Learning library"."""

from __future__ import annotations

import subprocess

from mwms_desktop.dossier import export_dossier, export_portfolio
from tests.core.library_helpers import portfolio


def _text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip


def _section(text: str, title: str, following: str) -> str:
    start = text.rindex(title)  # the section, not its contents line
    return text[start : text.index(following, start)]


def test_built_on_and_reused_since_show_both_ends(services, tmp_path):
    ids = portfolio(services)
    h = services.records.add("hypothesis", ids["c"], statement="Badges for <b>cards</b> & more").id
    services.citations.cite("hypothesis", h, ids["checkout"])
    services.records.update("learning", ids["checkout"], statement="Badges changed since")
    export_dossier(services, ids["c"], tmp_path / "c.pdf")
    built = _section(_text(tmp_path / "c.pdf"), "Built on earlier learnings", "Reused since")
    assert "Checkout trust badges lift conversion for Zoë's buyers" in built  # the snapshot
    assert "Hypothesis: Badges for <b>cards</b> & more" in built  # escaped: printed as typed
    assert "learning of Zoë Ødegård Studio" in built
    export_dossier(services, ids["a"], tmp_path / "a.pdf")
    text = _text(tmp_path / "a.pdf")
    assert "Nothing here cites a learning of an earlier engagement." in text
    reused = _section(text, "Reused since", "Health check-ins and drift")
    assert "партнёры" in reused  # the table wraps "Иванов и партнёры" in its cell
    assert "Hypothesis: Badges for <b>cards</b>" in reused


def test_the_portfolio_dossier_has_a_learning_library_section(services, tmp_path):
    ids = portfolio(services)
    for eid in (ids["b"], ids["c"]):
        h = services.records.add("hypothesis", eid, statement="Built on badges").id
        services.citations.cite("hypothesis", h, ids["checkout"])
    export_portfolio(services, None, tmp_path / "all.pdf")
    text = _text(tmp_path / "all.pdf")
    lib = _section(text, "Learning library", "Most reused learnings") + _section(
        text, "Most reused learnings", "Learnings by tag"
    )
    assert "Checkout trust badges" in lib
    words = " ".join(lib.split())
    assert "Müller & Söhne" in words
    assert "партнёры" in words
    assert "Deeper customer insight" in lib
    by_tag = _section(text, "Learnings by tag", "Zoë Ødegård Studio")
    assert "checkout" in by_tag
