"""The portfolio dossier's analytics: vector charts (no raster image), DejaVu embedded, the
same tables and sentences as the window and ``report``."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from mwms_desktop.analytics.charts import specs
from mwms_desktop.analytics.report import compute_for
from mwms_desktop.dossier import export_portfolio
from mwms_desktop.services import Services


def analytics_pages(path: Path) -> list:
    reader = PdfReader(path)
    first = next(n for n, p in enumerate(reader.pages) if "Portfolio analytics" in (p.extract_text() or "")
                 and "Stage occupancy is rebuilt" in (p.extract_text() or ""))  # fmt: skip
    last = next(
        n for n, p in enumerate(reader.pages) if n > first and "Drift signals now" in p.extract_text()
    )
    return reader.pages[first : last + 1]


def test_the_portfolio_dossier_has_every_chart_with_its_table(
    demo_services: Services, tmp_path: Path
) -> None:
    path = tmp_path / "all.pdf"
    export_portfolio(demo_services, None, path)
    pages = analytics_pages(path)
    text = " ".join(p.extract_text() for p in pages)
    report = compute_for(demo_services, [c.id for c in demo_services.portfolio.cards(statuses=None)])
    for spec in specs(report):
        assert spec.title in text.replace("\n", " ")
    assert report.outcomes.retention.sentence in text.replace("\n", " ")
    assert report.execution.reuse.sentence in text.replace("\n", " ")
    assert "not computed" not in text
    for page in pages:  # drawn as vectors: no page of the analytics holds a picture
        xobjects = page["/Resources"].get("/XObject", {})
        assert not [x for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image"]
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert font["/BaseFont"].split("+")[-1] in ("DejaVuSans", "DejaVuSans-Bold")
            assert "/FontFile2" in font["/FontDescriptor"]


def test_an_engagement_with_no_history_gets_sentences_not_empty_charts(services: Services, tmp_path: Path):
    services.portfolio.add("Only One")
    path = tmp_path / "one.pdf"
    export_portfolio(services, None, path)
    text = " ".join(p.extract_text() for p in PdfReader(path).pages).replace("\n", " ")
    assert "No stay in a stage ended in this period" in text
    assert "No engagement reached an outcome in this period." in text


def test_csv_export_says_why_it_cannot_write_and_leaves_nothing(
    demo_services: Services, tmp_path: Path
) -> None:
    import pytest

    from mwms_desktop.analytics.export import ExportError, write_csv

    report = compute_for(demo_services, [c.id for c in demo_services.portfolio.cards(statuses=None)])
    spec = next(s for s in specs(report) if s.key == "cycles")
    with pytest.raises(ExportError) as refused:
        write_csv(spec, tmp_path / "missing" / "cycles.csv")
    assert str(refused.value) == (
        f"Cannot write cycles.csv: folder {tmp_path / 'missing'} does not exist. Nothing was written."
    )
    assert not list(tmp_path.rglob("*cycles.csv*"))  # no partial file anywhere
    spec = spec.__class__(**{**{f: getattr(spec, f) for f in spec.__dataclass_fields__},
                             "categories": ("=1+1",), "series": ()})  # fmt: skip
    written = write_csv(spec, tmp_path / "formula.csv")
    assert written.read_text(encoding="utf-8-sig").splitlines()[1] == "'=1+1"  # never run as a formula
