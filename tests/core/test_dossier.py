"""The learning-preservation dossier, read back from the PDF with pypdf: content, escaping,
fonts, contents and outline, page numbering, atomic writing, recording and the gate."""

from __future__ import annotations

import errno
import hashlib
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.graphics.shapes import String

from mwms_desktop import framework
from mwms_desktop.clock import FixedClock
from mwms_desktop.dossier import DossierError, export_dossier, export_portfolio
from mwms_desktop.dossier.compose import SECTION_TITLES
from mwms_desktop.services import Services, open_services
from tests.factories import engagement_at, satisfy

NAMES = ("Zoë Ødegård", "Müller & Söhne", "Иванов Пётр", "<b>Acme</b> & Sons")


def squash(text: str) -> str:
    """Text with all whitespace removed: wrapping and hyphen breaks do not matter."""
    return "".join(text.split())


def pdf_text(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def outline_titles(path: Path) -> list[tuple[int, str]]:
    """(depth, title) of every outline entry, in document order."""
    found: list[tuple[int, str]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title))

    walk(PdfReader(path).outline, 0)
    return found


def fill_rich(services: Services) -> int:
    """An engagement in Continuous Optimization with Unicode and markup everywhere, many
    learnings, and an evaluation and a rationale each taller than a page."""
    eid = engagement_at(services, "optimization", client="<b>Acme</b> & Sons")
    rec = services.records
    for name in NAMES:
        rec.add("stakeholder", eid, name=name, role="Sponsor & <i>owner</i>", alignment="aligned")
    hyp = services.lifecycle.detail(eid).hypotheses[0]
    rec.add("hypothesis", eid, statement="Long rationale", rationale="Because, and so on. " * 900)
    long_eval = "Evaluation text that keeps going. " * 580
    cycle = rec.add(
        "cycle", eid, title="Price <test> & co", hypothesis_id=hyp.id, status="evaluated",
        result="loss", evaluation=long_eval,
    )  # fmt: skip
    for n in range(40):
        rec.add(
            "learning", eid, statement=f"Learning {n:02d}: x < 3 & y > 2 holds for Zoë <br/> &amp;",
            confidence="high" if n % 3 == 0 else "medium", tags=["pricing", "Ωmega"], cycle_ids=[cycle.id],
        )  # fmt: skip
    return eid


@dataclass(frozen=True)
class Rich:
    pdf: Path
    statements: tuple[str, ...]


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> Rich:
    """The rich engagement's dossier, written once for the module's read-only checks."""
    folder = tmp_path_factory.mktemp("rich")
    services = open_services(folder / "rich.sqlite", clock=FixedClock(datetime(2026, 11, 2, 9, tzinfo=UTC)))
    try:
        eid = fill_rich(services)
        export_dossier(services, eid, folder / "rich.pdf")
        statements = tuple(lr.statement for lr in services.portfolio.detail(eid).learnings)
    finally:
        services.close()
    return Rich(folder / "rich.pdf", statements)


@pytest.fixture
def rich_pdf(rich: Rich) -> Path:
    return rich.pdf


@pytest.fixture
def eid(services: Services) -> int:
    """A plain engagement in Continuous Optimization, for tests that write."""
    return engagement_at(services, "optimization")


def test_every_section_heading_is_in_the_text_in_the_issues_order(rich_pdf: Path) -> None:
    """The nine section titles appear, after the contents page, in the order issue 4 lists."""
    text = squash(" ".join(pdf_text(rich_pdf)[2:]))
    at, missing = 0, []
    for title in SECTION_TITLES:
        found = text.find(squash(title), at)
        if found < 0:
            missing.append(title)
        at = max(at, found)
    assert missing == []


def test_every_learning_is_printed_literally(rich: Rich) -> None:
    """Each learning's statement, markup characters included, round-trips as text."""
    text = squash(" ".join(pdf_text(rich.pdf)))
    missing = [statement for statement in rich.statements if squash(statement) not in text]
    assert missing == []


@pytest.mark.parametrize("name", NAMES)
def test_unicode_and_markup_names_round_trip(rich_pdf: Path, name: str) -> None:
    """Non-Latin names and `<b>Acme</b> & Sons` print as written, not as markup."""
    assert squash(name) in squash(" ".join(pdf_text(rich_pdf)))


def test_markup_is_never_interpreted(rich_pdf: Path) -> None:
    """A `&amp;` typed by the consultant prints as those five characters, and `<i>` too."""
    text = " ".join(pdf_text(rich_pdf))
    assert "&amp;" in text
    assert "<i>owner</i>" in text


def test_only_dejavu_fonts_are_used_and_all_are_embedded(rich_pdf: Path) -> None:
    """Every font on every page is a DejaVu Sans subset with its TrueType file embedded."""
    fonts = {}
    for page in PdfReader(rich_pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"].split("+")[-1]] = "/FontFile2" in font["/FontDescriptor"]
    assert fonts == {"DejaVuSans": True, "DejaVuSans-Bold": True}


def test_every_page_but_the_cover_says_page_x_of_y(rich_pdf: Path) -> None:
    """The footer numbers each page against the true total."""
    pages = pdf_text(rich_pdf)
    total = len(pages)
    assert [n for n, text in enumerate(pages[1:], start=2) if f"Page {n} of {total}" not in text] == []


def test_result_reports_the_page_count_hash_and_size(services: Services, eid: int, tmp_path: Path) -> None:
    """DossierResult describes the file actually written."""
    path = tmp_path / "r.pdf"
    result = export_dossier(services, eid, path)
    data = path.read_bytes()
    assert (result.pages, result.sha256, result.bytes) == (
        len(PdfReader(path).pages),
        hashlib.sha256(data).hexdigest(),
        len(data),
    )


def test_outline_has_a_bookmark_for_every_section(rich_pdf: Path) -> None:
    """The PDF outline lists the cover (the client) and each section, in order."""
    assert outline_titles(rich_pdf) == [(0, "<b>Acme</b> & Sons"), *((0, t) for t in SECTION_TITLES)]


def test_every_bookmark_lands_on_the_page_holding_its_heading(rich_pdf: Path) -> None:
    """Outline destinations point at the page where the heading was laid out."""
    reader = PdfReader(rich_pdf)
    pages = pdf_text(rich_pdf)
    wrong = [
        item.title
        for item in reader.outline
        if squash(item.title) not in squash(pages[reader.get_destination_page_number(item)])
    ]
    assert wrong == []


def test_contents_page_lists_each_section_with_its_page(rich_pdf: Path) -> None:
    """Page 2 is the table of contents: every section title followed by its page number."""
    reader = PdfReader(rich_pdf)
    contents = squash(pdf_text(rich_pdf)[1])
    expected = [squash(i.title) + str(reader.get_destination_page_number(i) + 1) for i in reader.outline[1:]]
    assert [e for e in expected if e not in contents] == []


def test_metadata_names_the_dossier(rich_pdf: Path) -> None:
    """Title, author, subject and keywords are set."""
    meta = PdfReader(rich_pdf).metadata
    assert (meta.title, bool(meta.author), bool(meta.subject), "dossier" in meta["/Keywords"]) == (
        "Learning-preservation dossier — <b>Acme</b> & Sons",
        True,
        True,
        True,
    )


def test_long_tables_repeat_their_header_on_every_page(services: Services, tmp_path: Path) -> None:
    """Eighty cycles split over several pages; each page of the table starts with its header."""
    eid = engagement_at(services, "optimization")
    for n in range(80):
        services.records.add("cycle", eid, title=f"Cycle number {n}", status="planned")
    path = tmp_path / "long.pdf"
    export_dossier(services, eid, path)
    pages = [t for t in pdf_text(path) if "Cycle number" in t]
    assert len(pages) >= 2
    assert all(squash("Ref Cycle Hypothesis Dates Status and result") in squash(t) for t in pages)


def test_empty_sections_say_so(services: Services, tmp_path: Path) -> None:
    """A brand-new engagement still has every section, each saying nothing is recorded."""
    eid = services.portfolio.add("Fresh Client").id
    path = tmp_path / "fresh.pdf"
    export_dossier(services, eid, path)
    text = " ".join(pdf_text(path))
    for line in ("No stakeholders recorded.", "No insights recorded.", "No hypotheses recorded.",
                 "No experiment cycles recorded.", "No learnings recorded.", "No health check-ins recorded.",
                 "No expectations recorded."):  # fmt: skip
        assert line in text


def test_backward_moves_and_their_reasons_are_in_the_log(services: Services, tmp_path: Path) -> None:
    """The stage-move log keeps a backward move with its reason."""
    eid = engagement_at(services, "insight")
    services.lifecycle.move(eid, "onboarding", "Data access was revoked by IT")
    path = tmp_path / "back.pdf"
    export_dossier(services, eid, path)
    text = squash(" ".join(pdf_text(path)))
    assert squash("Backward Data access was revoked by IT") in text


def test_export_is_recorded_with_file_name_and_hash(services: Services, eid: int, tmp_path: Path) -> None:
    """The engagement remembers the export: its file name and the hash of the bytes written."""
    path = tmp_path / "acme.pdf"
    export_dossier(services, eid, path)
    exports = services.portfolio.detail(eid).dossier_exports
    assert [(x.file_name, x.sha256) for x in exports] == [
        ("acme.pdf", hashlib.sha256(path.read_bytes()).hexdigest())
    ]


def test_completion_gate_opens_once_the_dossier_is_exported(services: Services, tmp_path: Path) -> None:
    """Choosing structured project completion needs a dossier; exporting one satisfies it."""
    eid = engagement_at(services, "optimization")
    satisfy(services, eid, "optimization")
    services.lifecycle.set_outcome(eid, "project_completion")
    before = services.lifecycle.exit_requirements(eid)
    export_dossier(services, eid, tmp_path / "done.pdf")
    assert (len(before), services.lifecycle.exit_requirements(eid)) == (1, [])


def test_progress_runs_from_zero_to_total(services: Services, eid: int, tmp_path: Path) -> None:
    """Progress is reported as sections are laid out, never backwards, ending complete."""
    calls: list[tuple[int, int]] = []
    export_dossier(services, eid, tmp_path / "p.pdf", progress=lambda d, t: calls.append((d, t)))
    done = [d / t for d, t in calls]
    assert (calls[0][0], done[-1], done == sorted(done), len(calls) > len(SECTION_TITLES)) == (
        0,
        1.0,
        True,
        True,
    )


def test_missing_folder_fails_with_a_reason_and_writes_nothing(
    services: Services, eid: int, tmp_path: Path
) -> None:
    """A target in a folder that does not exist is refused before any work."""
    with pytest.raises(DossierError, match="does not exist"):
        export_dossier(services, eid, tmp_path / "nowhere" / "d.pdf")
    assert not (tmp_path / "nowhere").exists()


def test_unknown_engagement_is_not_found(services: Services, tmp_path: Path) -> None:
    """An unknown id raises NotFound and writes nothing."""
    from mwms_desktop.errors import NotFound

    with pytest.raises(NotFound):
        export_dossier(services, 999, tmp_path / "d.pdf")
    assert list(tmp_path.glob("*.pdf")) == []


def test_disk_full_leaves_no_file_no_temp_and_no_record(
    services: Services, eid: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC while writing: DossierError says the disk is full; the folder is as before."""
    out = tmp_path / "out"
    out.mkdir()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("mwms_desktop.dossier.export.os.fsync", full)
    with pytest.raises(DossierError, match="disk is full"):
        export_dossier(services, eid, out / "d.pdf")
    assert (list(out.iterdir()), services.portfolio.detail(eid).dossier_exports) == ([], ())


def test_failed_rename_keeps_the_previous_file(
    services: Services, eid: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Permission refused at the rename: the old dossier stays intact, no temporary file."""
    out = tmp_path / "out"
    out.mkdir()
    target = out / "d.pdf"
    target.write_bytes(b"previous")

    def refuse(src: str, dst: str) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("mwms_desktop.dossier.export.os.replace", refuse)
    with pytest.raises(DossierError, match="no permission"):
        export_dossier(services, eid, target)
    assert ([p.name for p in out.iterdir()], target.read_bytes()) == (
        ["d.pdf"],
        b"previous",
    )


def test_target_that_is_a_folder_is_refused(services: Services, eid: int, tmp_path: Path) -> None:
    """Writing "to a folder" is explained, not attempted."""
    with pytest.raises(DossierError, match="is a folder"):
        export_dossier(services, eid, tmp_path)


def test_worker_thread_export_leaves_no_open_transaction(
    services: Services, eid: int, tmp_path: Path
) -> None:
    """The window runs the export on a worker thread; it works there and commits its record."""
    from db.models import database

    seen: dict[str, object] = {}

    def work() -> None:
        try:
            seen["result"] = export_dossier(services, eid, tmp_path / "t.pdf")
            seen["in_tx"] = database.in_transaction()
        finally:
            database.close()

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(60)
    assert (seen.get("in_tx"), len(services.portfolio.detail(eid).dossier_exports)) == (False, 1)


def test_portfolio_has_summary_then_every_engagement(demo_services: Services, tmp_path: Path) -> None:
    """--all: a portfolio summary, then each engagement in stage order, each bookmarked with
    its sections nested beneath it, and the export recorded on every engagement."""
    path = tmp_path / "all.pdf"
    result = export_portfolio(demo_services, None, path)
    cards = demo_services.portfolio.cards(statuses=None)
    top = [t for depth, t in outline_titles(path) if depth == 0]
    nested = [t for depth, t in outline_titles(path) if depth == 1]
    recorded = {c.id: len(demo_services.portfolio.detail(c.id).dossier_exports) for c in cards}
    assert (top, nested.count("Learnings"), set(recorded.values()), result.pages) == (
        ["Portfolio summary", "Portfolio analytics", *(c.client for c in cards)],
        len(cards),
        {1},
        len(PdfReader(path).pages),
    )


def test_portfolio_of_chosen_ids_keeps_their_order(demo_services: Services, tmp_path: Path) -> None:
    """Given ids (the board's filter), only those engagements are included, in that order."""
    cards = demo_services.portfolio.cards(statuses=None)
    chosen = [cards[-1].id, cards[0].id]
    path = tmp_path / "some.pdf"
    export_portfolio(demo_services, chosen, path)
    top = [t for depth, t in outline_titles(path) if depth == 0]
    assert top == ["Portfolio summary", "Portfolio analytics", cards[-1].client, cards[0].client]


def test_portfolio_of_nothing_is_refused(services: Services, tmp_path: Path) -> None:
    """An empty portfolio has nothing to preserve; the reason is given and nothing written."""
    with pytest.raises(DossierError, match="no engagements"):
        export_portfolio(services, None, tmp_path / "empty.pdf")
    assert sorted(p.name for p in tmp_path.iterdir() if "pdf" in p.name) == []


def test_every_stage_and_demo_stakeholder_prints(demo_services: Services, tmp_path: Path) -> None:
    """Each demo engagement's stakeholders appear in the portfolio dossier."""
    path = tmp_path / "all.pdf"
    export_portfolio(demo_services, None, path)
    text = squash(" ".join(pdf_text(path)))
    names = [
        s.name
        for c in demo_services.portfolio.cards(statuses=None)
        for s in demo_services.portfolio.detail(c.id).stakeholders
    ]
    assert [n for n in names if squash(n) not in text] == []
    assert all(squash(st.label) in text for st in framework.STAGES)


def test_texts_taller_than_a_page_print_in_full(rich_pdf: Path) -> None:
    """A 20,000-character evaluation is cut in its table row and printed whole after it."""
    furniture = ("Learning-preservation dossier ·", "Exported ", "Confidential · prepared with", "Page ")
    lines = [ln for page in pdf_text(rich_pdf) for ln in page.splitlines() if not ln.startswith(furniture)]
    text = squash(" ".join(lines))
    assert squash("Evaluation text that keeps going. " * 580) in text


# --- issue 11, item 8: the timeline's axis, the Stays column, the health table ------------


def _axis_labels(drawing) -> list[str]:
    from mwms_desktop.dossier import charts

    return [s.text for s in drawing.contents if isinstance(s, String) and s.y == charts.AXIS_H - 12]


@pytest.mark.parametrize(
    ("days", "hour"), [(0, 9), (0, 23), (1, 9), (6, 15), (45, 9), (400, 9)]
)  # fmt: skip
def test_timeline_axis_names_distinct_days(days: int, hour: int) -> None:
    """However short or long the engagement, no two ticks of the time axis name the same day
    (a day's whole history drew "30 Nov 2026" three times), and the first names its start."""
    from mwms_desktop.dossier import charts
    from mwms_desktop.dossier.facts import StageSpan, fmt_day
    from mwms_desktop.dossier.styles import register_fonts

    register_fonts()
    start = datetime(2026, 11, 30, hour, 0).astimezone()
    end = start + timedelta(days=days, hours=2)
    spans = [StageSpan("qualification", start, start + (end - start) / 2, False),
             StageSpan("onboarding", start + (end - start) / 2, end, True)]  # fmt: skip
    labels = _axis_labels(charts.timeline_chart(spans))
    assert len(labels) >= 2
    assert len(labels) == len(set(labels)), labels
    assert labels[0] == fmt_day(start)


def test_the_stays_column_shows_only_when_a_stage_was_visited_twice(
    services: Services, tmp_path: Path
) -> None:
    eid = engagement_at(services, "onboarding")
    out = tmp_path / "once.pdf"
    export_dossier(services, eid, out)
    assert "Stays" not in squash(" ".join(pdf_text(out)))
    services.lifecycle.move(eid, "qualification", reason="Sponsor changed")
    services.lifecycle.move(eid, "onboarding")
    again = tmp_path / "twice.pdf"
    export_dossier(services, eid, again)
    assert "Stays" in squash(" ".join(pdf_text(again)))


def test_a_chart_its_heading_and_its_table_share_a_page(services: Services, tmp_path: Path) -> None:
    """Whatever comes before them, the health chart starts on the page of its heading and of
    the check-in table (it was pushed a page away), and so does the lifecycle timeline."""
    from tests.factories import ALL_HEALTHY

    eid = engagement_at(services, "optimization")
    services.records.add("checkin", eid, ratings=ALL_HEALTHY, note="Kick-off")
    caption = "Score 0–100 of each check-in"
    for n in range(40):  # each learning moves the health section further down the pages
        services.records.add("learning", eid, statement=f"Learning {n}")
        out = tmp_path / f"d{n}.pdf"
        export_dossier(services, eid, out)
        pages = [squash(p) for p in pdf_text(out)]
        chart_page = next(i for i, p in enumerate(pages) if squash(caption) in p)
        assert squash("Held on Score Band Concerns Note") in pages[chart_page], n
        assert squash("Health check-ins and drift Health at export") in pages[chart_page], n
        timeline = next(i for i, p in enumerate(pages) if squash("Each bar is a stay") in p)
        assert squash("Lifecycle timeline") in pages[timeline], n
        assert squash("Stage First entered Left Days in stage") in pages[timeline], n
