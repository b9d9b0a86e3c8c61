"""``mwms-desktop library search`` and ``library playbook``."""

from __future__ import annotations

import json
import subprocess

import pytest

from mwms_desktop.cli import main
from mwms_desktop.library.playbook import NO_REFINEMENT
from tests.core.library_helpers import portfolio


def _run(db, *args: str) -> int:
    return main(["--db", str(db), *args])


def test_search_json_gives_kind_id_engagement_client_snippet_score(services, capsys, backend):
    ids = portfolio(services)
    path = services.path
    services.close()
    assert _run(path, "library", "search", "checkout", "--kind", "learning", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == [ids["checkout"], ids["notes_only"]]
    first = rows[0]
    assert set(first) == {"kind", "id", "engagement_id", "client", "snippet", "score"}
    assert (first["kind"], first["engagement_id"], first["client"]) == (
        "learning",
        ids["a"],
        "Zoë Ødegård Studio",
    )
    assert "[Checkout]" in first["snippet"]
    assert rows[0]["score"] > rows[1]["score"]


def test_search_options_narrow_like_tokens(services, capsys):
    ids = portfolio(services)
    path = services.path
    services.close()
    assert _run(path, "library", "search", "--result", "loss", "--kind", "learning", "--json") == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == [ids["notes_only"]]
    assert _run(path, "library", "search", "is:loss", "kind:learning", "--json") == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == [ids["notes_only"]]
    assert (
        _run(path, "library", "search", "--tag", "payments", "--type", "ecommerce_growth", "--limit", "1")
        == 0
    )
    out = capsys.readouterr().out
    assert "Müller customers prefer invoices" in out
    assert _run(path, "library", "search", '"(AND', "*") == 0  # any text at all


def test_search_without_fts5_says_once_it_is_slower(services, capsys, monkeypatch):
    portfolio(services)
    path = services.path
    services.close()
    from db import fts

    monkeypatch.setattr(fts, "fts5_available", lambda database: False)
    assert _run(path, "library", "search", "invoices") == 0
    out = capsys.readouterr().out
    assert out.count("slower") == 1
    assert "[invoices]" in out


def test_search_from_to_narrows_to_a_date_range(services, capsys):
    from datetime import date

    ids = portfolio(services)
    for day in ("2026-02-28", "2026-03-15", "2026-07-01"):
        services.records.add(
            "insight", ids["a"], statement=f"Parcel {day}", recorded_on=date.fromisoformat(day)
        )
    path = services.path
    services.close()
    assert _run(path, "library", "search", "parcel", "--from", "2026-03", "--to", "2026-06", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["snippet"] for r in rows] == ["[Parcel] 2026-03-15"]
    assert _run(path, "library", "search", "parcel", "to:2026-02", "--json") == 0
    assert [r["snippet"] for r in json.loads(capsys.readouterr().out)] == ["[Parcel] 2026-02-28"]
    assert _run(path, "library", "search", "parcel", "from:someday", "--json") == 0  # typed: said, not fatal
    out = capsys.readouterr()
    assert len(json.loads(out.out)) == 3
    said = "from: wants a date like 2026-03-14, 2026-03 or 2026 (not 'someday'), so it narrows nothing."
    assert out.err == said + "\n"


@pytest.mark.parametrize("bad", [["--limit", "0"], ["--kind", "nonsense"], ["--result", "maybe"],
                                 ["--from", "2026-13"], ["--to", "last week"]])  # fmt: skip
def test_bad_options_are_usage_errors(services, capsys, bad):
    path = services.path
    services.close()
    with pytest.raises(SystemExit) as exc:
        _run(path, "library", "search", "x", *bad)
    assert exc.value.code == 2


def test_playbook_is_a_real_pdf_grouped_with_evidence_and_reuse(services, tmp_path, capsys):
    ids = portfolio(services)
    h = services.records.add("hypothesis", ids["c"], statement="Badges for <b>Иванов</b> & Co").id
    services.citations.cite("hypothesis", h, ids["checkout"])
    services.records.update("learning", ids["muller"], tags="<i>pay</i>ments & more")
    path = services.path
    services.close()
    out = tmp_path / "playbook.pdf"
    assert _run(path, "library", "playbook", "--out", str(out), "--type", "ecommerce_growth") == 0
    assert "Wrote" in capsys.readouterr().out
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "DejaVuSans" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # every font embedded
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    assert "Deeper customer insight" in text
    assert "Improved hypothesis quality" in text
    assert NO_REFINEMENT in text
    assert "Checkout trust badges lift conversion for Zoë's buyers" in text
    assert "Cycle (Experimentation cycle, win)" in text
    assert "Reused in: Иванов и партнёры" in text
    assert "<i>pay</i>ments & more" in text  # user text printed literally
    assert "Иванов и партнёры ·" not in text  # the consulting engagement is out of scope
    assert b"/Outlines" in out.read_bytes()
    assert out.stat().st_mode & 0o077 == 0


def test_playbook_to_a_missing_folder_is_one_line_and_writes_nothing(services, tmp_path, capsys):
    path = services.path
    services.close()
    assert _run(path, "library", "playbook", "--out", str(tmp_path / "nope" / "p.pdf")) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "does not exist" in err
