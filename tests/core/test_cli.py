"""The board commands of ``mwms-desktop`` (demo, list, add, move), its database errors and its
real entry point: exit status 0 done, 1 an error (one line on stderr, never a traceback),
2 a refused move (every unmet requirement on its own line, nothing changed).

Backup, export and dossier commands are covered by test_data_cli.py and test_dossier_cli.py.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import struct
import subprocess
import sys
from pathlib import Path

import pytest

import mwms_desktop.commands as commands
from db import migrations
from mwms_desktop import __version__, framework, paths
from mwms_desktop.cli import EXIT_ERROR, EXIT_OK, EXIT_REFUSED, main
from mwms_desktop.clock import FixedClock
from mwms_desktop.demo import load_script
from mwms_desktop.services import Services, open_services
from tests.factories import engagement_at, satisfy

ROOT = Path(__file__).resolve().parents[2]
STAGES = " ".join(framework.STAGE_SLUGS)

# Every requirement of the Qualification gate, word for word, for a brand-new engagement.
QUALIFICATION_UNMET = [
    "Qualification: the verdict is not “qualified”.",
    "Qualification: business scale not scored.",
    "Qualification: opportunity size not scored.",
    "Qualification: operational readiness not scored.",
    "Qualification: stakeholder alignment not scored.",
    "Qualification: economic leverage not scored.",
    "Qualification: no stakeholder recorded.",
]


@pytest.fixture(autouse=True)
def _cli_on_the_test_clock(monkeypatch: pytest.MonkeyPatch, clock: FixedClock) -> None:
    """The CLI opens its services on the fixtures' fixed clock, so days in stage and drift
    printed by `list` can be compared with what the services report on the same day."""
    real = commands.open_services
    monkeypatch.setattr(commands, "open_services", lambda path, **kw: real(path, clock=clock, **kw))


def cli(db: Path, *args: str) -> int:
    return main(["--db", str(db), *args])


def dump(db: Path) -> str:
    """Every row and every schema object of the file, to prove a command changed nothing."""
    con = sqlite3.connect(db)
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()


def one_error_line(err: str) -> str:
    """The single stderr line of a failed command, after checking it is one line."""
    assert err.endswith("\n")
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err.rstrip("\n")


def table_rows(out: str) -> list[list[str]]:
    """`list`'s table as fields: id, client, stage, days, health, drift (columns are
    separated by at least two spaces; values have at most one in a row)."""
    header, *lines = out.rstrip("\n").split("\n")
    assert re.split(r"\s{2,}", header.strip()) == ["ID", "CLIENT", "STAGE", "DAYS", "HEALTH", "DRIFT"]
    return [re.split(r"\s{2,}", line.strip()) for line in lines]


# --- demo --------------------------------------------------------------------------------


def test_demo_fills_a_new_database(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`demo` on a file that does not exist yet creates it with the whole demo portfolio and
    says how many engagements went where."""
    count = len(load_script()["engagements"])
    assert cli(db_path, "demo") == EXIT_OK
    assert capsys.readouterr() == (f"Added {count} demo engagements to {db_path.resolve()}.\n", "")
    s = open_services(db_path)
    try:
        assert s.portfolio.count() == count
        assert len({c.stage for c in s.portfolio.cards(statuses=None)}) == len(framework.STAGES)
    finally:
        s.close()


def test_demo_refuses_a_database_that_holds_engagements(
    services: Services, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One engagement is enough for `demo` to refuse: exit 1, one line, nothing added."""
    services.portfolio.add("Only Client")
    before = dump(db_path)
    assert cli(db_path, "demo") == EXIT_ERROR
    out, err = capsys.readouterr()
    assert out == ""
    assert one_error_line(err) == (
        f"mwms-desktop: {db_path.name} already holds engagements; the demo needs an empty database."
    )
    assert dump(db_path) == before


# --- list --------------------------------------------------------------------------------


def test_list_prints_id_client_stage_days_health_and_drift(
    demo_services: Services, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each active engagement is one row, in board order, with what the services report for it:
    id, client, stage slug, days in stage, health band in words and every drift signal."""
    cards = demo_services.portfolio.cards()
    assert cli(db_path, "list") == EXIT_OK
    out, err = capsys.readouterr()
    rows = table_rows(out)
    assert err == ""
    assert [r[0] for r in rows] == [str(c.id) for c in cards]
    for row, card in zip(rows, cards, strict=True):
        assert row[1:5] == [
            card.client,
            card.stage,
            str(card.days_in_stage),
            framework.label(framework.HEALTH_BANDS, card.health.band),
        ]
        if card.drift:
            assert [m.rstrip(".") for m in row[5].split("; ")] == [s.message.rstrip(".") for s in card.drift]
        else:
            assert row[5] == "-"
    # The demo is varied enough for the comparison above to mean something.
    assert {c.health.band for c in cards} >= {"healthy", "watch", "at_risk", "unknown"}
    assert sum(1 for c in cards if c.drift) >= 3
    stalled = next(r for r in rows if r[1] == "Иванов и партнёры")
    assert stalled[5].startswith(f"Stalled: {stalled[3]} days in Initial Insight Development")


def test_list_json_is_parseable_and_matches_the_services(
    demo_services: Services, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`list --json` is one JSON array; each record carries id, uuid, client, stage, days,
    health band and the drift messages in full, with non-ASCII and markup left as they are."""
    cards = demo_services.portfolio.cards()
    assert cli(db_path, "list", "--json") == EXIT_OK
    records = json.loads(capsys.readouterr().out)
    assert [
        (r["id"], r["uuid"], r["client"], r["stage"], r["days_in_stage"], r["health"], r["drift"])
        for r in records
    ] == [
        (c.id, c.uuid, c.client, c.stage, c.days_in_stage, c.health.band, [s.message for s in c.drift])
        for c in cards
    ]
    assert {"<b>Acme</b> & Sons", "Zoë Ødegård Studio"} <= {r["client"] for r in records}


def test_list_stage_filters_table_and_json(
    demo_services: Services, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--stage insight` keeps exactly the Initial Insight engagements, in both formats; a
    stage with none says so."""
    wanted = [c.id for c in demo_services.portfolio.cards() if c.stage == "insight"]
    assert len(wanted) >= 2
    assert cli(db_path, "list", "--stage", "insight") == EXIT_OK
    rows = table_rows(capsys.readouterr().out)
    assert [(int(r[0]), r[2]) for r in rows] == [(i, "insight") for i in wanted]
    assert cli(db_path, "list", "--stage", "insight", "--json") == EXIT_OK
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == wanted


def test_list_of_an_empty_stage_and_an_empty_database(
    services: Services, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No rows: a sentence, not an empty table; `--json` gives an empty array."""
    assert cli(db_path, "list") == EXIT_OK
    assert capsys.readouterr().out == "No engagements. Add one with `mwms-desktop add CLIENT`.\n"
    assert cli(db_path, "list", "--json") == EXIT_OK
    assert json.loads(capsys.readouterr().out) == []
    services.portfolio.add("Acme Ltd")
    assert cli(db_path, "list", "--stage", "outcome") == EXIT_OK
    assert capsys.readouterr().out == "No engagements.\n"


def test_list_unknown_stage_is_one_line(services: Services, db_path: Path, capsys) -> None:
    """An unknown slug: exit 1 and one line naming the valid slugs."""
    services.portfolio.add("Acme Ltd")
    assert cli(db_path, "list", "--stage", "delivery") == EXIT_ERROR
    out, err = capsys.readouterr()
    assert out == ""
    assert one_error_line(err) == f"mwms-desktop: Unknown stage 'delivery'; use one of: {STAGES}."


# --- add ---------------------------------------------------------------------------------


def test_add_creates_one_engagement_visible_in_list(db_path: Path, capsys) -> None:
    """`add CLIENT --type TYPE --owner NAME` creates the file, adds one engagement in
    Qualification, and `list --json` shows it with that type and owner."""
    assert cli(db_path, "add", "Beta Co", "--type", "ai_advisory", "--owner", "Sam Lee") == EXIT_OK
    assert capsys.readouterr() == (
        "Added engagement 1: Beta Co (AI system advisory), in Qualification.\n",
        "",
    )
    assert cli(db_path, "list", "--json") == EXIT_OK
    (record,) = json.loads(capsys.readouterr().out)
    assert (record["id"], record["client"], record["type"], record["owner"], record["stage"]) == (
        1,
        "Beta Co",
        "ai_advisory",
        "Sam Lee",
        "qualification",
    )
    assert record["days_in_stage"] == 0


def test_add_defaults_to_consulting(services: Services, db_path: Path, capsys) -> None:
    """Without --type the engagement is a consulting engagement."""
    assert cli(db_path, "add", "Gamma") == EXIT_OK
    assert "(Consulting engagement)" in capsys.readouterr().out
    (card,) = services.portfolio.cards()
    assert (card.client, card.engagement_type) == ("Gamma", "consulting")


def test_add_keeps_markup_characters_unchanged(services: Services, db_path: Path, capsys) -> None:
    """A client named with markup characters is stored, printed in the table and in JSON
    exactly as typed: never escaped, never interpreted."""
    name = "<script>&\"'</script> A&B"
    assert cli(db_path, "add", name) == EXIT_OK
    assert (
        capsys.readouterr().out == f"Added engagement 1: {name} (Consulting engagement), in Qualification.\n"
    )
    assert services.portfolio.card(1).client == name
    assert cli(db_path, "list") == EXIT_OK
    (row,) = table_rows(capsys.readouterr().out)
    assert row[1] == name
    assert cli(db_path, "list", "--json") == EXIT_OK
    assert json.loads(capsys.readouterr().out)[0]["client"] == name


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["Beta", "--type", "retainer"],
            "mwms-desktop: Engagement type must be one of: consulting, optimization_retainer, "
            "ai_advisory, ecommerce_growth, experimentation_partnership, strategic_advisory "
            "(got 'retainer').",
        ),
        (["   "], "mwms-desktop: Client is required."),
        (["Line\x07bell"], "mwms-desktop: Client contains control characters."),
    ],
)
def test_add_bad_input_is_one_line_and_adds_nothing(
    services: Services, db_path: Path, capsys, args: list[str], message: str
) -> None:
    """A bad type or client name: exit 1, one line saying what is wrong, no engagement."""
    assert cli(db_path, "add", *args) == EXIT_ERROR
    out, err = capsys.readouterr()
    assert out == ""
    assert one_error_line(err) == message
    assert services.portfolio.count() == 0


def test_add_without_db_uses_the_data_folder(tmp_path: Path, capsys) -> None:
    """With no --db the default database in the (redirected) data folder is created and used."""
    assert main(["add", "Default Ltd"]) == EXIT_OK
    capsys.readouterr()
    default = paths.data_dir() / paths.DEFAULT_DB_NAME
    assert default.is_relative_to(tmp_path)
    assert default.is_file()
    assert "Default Ltd" in dump(default)


# --- move --------------------------------------------------------------------------------


def test_allowed_move_prints_from_and_to_and_records_it(services: Services, db_path: Path, capsys) -> None:
    """A move whose gate holds: exit 0, one sentence, stage and history updated."""
    eid = services.portfolio.add("Acme Ltd").id
    satisfy(services, eid, "qualification")
    assert cli(db_path, "move", str(eid), "onboarding") == EXIT_OK
    assert capsys.readouterr() == ("Moved Acme Ltd from Qualification to Onboarding.\n", "")
    assert services.portfolio.card(eid).stage == "onboarding"
    last = services.lifecycle.history(eid)[-1]
    assert (last.from_stage, last.to_stage, last.kind) == ("qualification", "onboarding", "forward")


def test_refused_move_lists_every_requirement_and_changes_nothing(
    services: Services, db_path: Path, capsys
) -> None:
    """A new engagement cannot leave Qualification: exit 2, a heading, then each unmet
    requirement on its own line, word for word; stage, history and file are unchanged."""
    eid = services.portfolio.add("Acme Ltd").id
    history, before = services.lifecycle.history(eid), dump(db_path)
    assert cli(db_path, "move", str(eid), "onboarding") == EXIT_REFUSED
    out, err = capsys.readouterr()
    assert out == ""
    assert err.split("\n") == ["Move refused. Missing:", *QUALIFICATION_UNMET, ""]
    assert services.portfolio.card(eid).stage == "qualification"
    assert services.lifecycle.history(eid) == history
    assert dump(db_path) == before


def test_refused_move_names_only_what_is_still_missing(services: Services, db_path: Path, capsys) -> None:
    """Scored and qualified but with no stakeholder: the one missing sentence, alone."""
    eid = services.portfolio.add("Acme Ltd").id
    for criterion in framework.QUALIFICATION_CRITERIA:
        services.lifecycle.score_criterion(eid, criterion.slug, 2)
    services.lifecycle.set_verdict(eid, "qualified")
    assert cli(db_path, "move", str(eid), "onboarding") == EXIT_REFUSED
    assert capsys.readouterr().err == "Move refused. Missing:\nQualification: no stakeholder recorded.\n"
    assert services.portfolio.card(eid).stage == "qualification"


def test_skipping_a_stage_is_refused(services: Services, db_path: Path, capsys) -> None:
    """Even with Qualification's gate met, Qualification → Insight is refused (exit 2) with
    the one-stage-at-a-time sentence, and nothing moves."""
    eid = services.portfolio.add("Acme Ltd").id
    satisfy(services, eid, "qualification")
    before = dump(db_path)
    assert cli(db_path, "move", str(eid), "insight") == EXIT_REFUSED
    assert capsys.readouterr().err == (
        "Move refused. Missing:\n"
        "Stages cannot be skipped: Initial Insight Development comes after Onboarding; "
        "move one stage at a time.\n"
    )
    assert dump(db_path) == before


def test_backward_move_needs_a_reason(services: Services, db_path: Path, capsys) -> None:
    """Onboarding → Qualification without a reason (or a blank one) is refused, exit 2,
    nothing changed; with --reason it is done and the reason is in the history."""
    eid = engagement_at(services, "onboarding")
    before = dump(db_path)
    for extra in ([], ["--reason", "   "]):
        assert cli(db_path, "move", str(eid), "qualification", *extra) == EXIT_REFUSED
        assert capsys.readouterr().err == "Move refused. Missing:\nA backward move needs a reason.\n"
    assert dump(db_path) == before
    assert cli(db_path, "move", str(eid), "qualification", "--reason", "Budget frozen") == EXIT_OK
    assert capsys.readouterr().out == "Moved Acme Ltd from Onboarding to Qualification.\n"
    last = services.lifecycle.history(eid)[-1]
    assert (last.from_stage, last.to_stage, last.kind, last.reason) == (
        "onboarding",
        "qualification",
        "backward",
        "Budget frozen",
    )


def test_move_to_the_current_stage_is_refused(services: Services, db_path: Path, capsys) -> None:
    """Moving to where it already is: exit 2, one sentence."""
    eid = services.portfolio.add("Acme Ltd").id
    assert cli(db_path, "move", str(eid), "qualification") == EXIT_REFUSED
    assert capsys.readouterr().err == "Move refused. Missing:\nThe engagement is already in Qualification.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["99", "onboarding"], "mwms-desktop: No engagement with id 99."),
        (["-1", "onboarding"], "mwms-desktop: No engagement with id -1."),
        (
            ["abc", "onboarding"],
            "mwms-desktop: 'abc' is not an engagement id (a number; see `mwms-desktop list`).",
        ),
        (["99999999999999999999", "onboarding"], "mwms-desktop: No engagement with id 99999999999999999999."),
        (["1", "delivery"], f"mwms-desktop: Unknown stage 'delivery'; use one of: {STAGES}."),
        (["1", "Onboarding"], f"mwms-desktop: Unknown stage 'Onboarding'; use one of: {STAGES}."),
    ],
)
def test_move_unknown_id_or_stage_is_one_line(
    services: Services, db_path: Path, capsys, args: list[str], message: str
) -> None:
    """Unknown ids (negative, non-numeric, beyond 64 bits) and stages: exit 1, one line,
    no traceback, nothing changed."""
    services.portfolio.add("Acme Ltd")
    before = dump(db_path)
    assert cli(db_path, "move", *args) == EXIT_ERROR
    out, err = capsys.readouterr()
    assert out == ""
    assert one_error_line(err) == message
    assert dump(db_path) == before


def test_usage_errors_and_version_exit_like_argparse(capsys) -> None:
    """A missing argument is a usage error (status 2, usage on stderr); --version prints it."""
    with pytest.raises(SystemExit) as exc:
        main(["move", "1"])
    assert exc.value.code == 2
    assert "usage: mwms-desktop move" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out == f"mwms-desktop {__version__}\n"


# --- unusable database files -------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder of its own, so a test can check that nothing appears beside the file."""
    f = tmp_path / "work"
    f.mkdir()
    return f


@pytest.mark.parametrize("command", [["list"], ["move", "1", "onboarding"], ["demo"], ["add", "X"]])
def test_missing_parent_folder_is_one_line(folder: Path, capsys, command: list[str]) -> None:
    """--db in a folder that does not exist: exit 1, one line naming it; nothing created."""
    target = folder / "nowhere" / "p.sqlite"
    assert cli(target, *command) == EXIT_ERROR
    err = one_error_line(capsys.readouterr().err)
    reading = command[0] in ("list", "move")
    expected = f"{target} does not exist." if reading else f"Folder {target.parent.resolve()} does not exist."
    assert err == f"mwms-desktop: {expected}"
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("command", [["list"], ["move", "1", "onboarding"]])
def test_reading_commands_do_not_create_a_missing_file(folder: Path, capsys, command: list[str]) -> None:
    """A mistyped --db for list or move is reported, not silently created empty."""
    target = folder / "typo.sqlite"
    assert cli(target, *command) == EXIT_ERROR
    assert one_error_line(capsys.readouterr().err) == f"mwms-desktop: {target} does not exist."
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("command", [["list"], ["add", "X"], ["demo"]])
def test_a_folder_as_db_is_one_line(folder: Path, capsys, command: list[str]) -> None:
    """A directory passed as --db: exit 1, one line, the folder left empty."""
    assert cli(folder, *command) == EXIT_ERROR
    err = one_error_line(capsys.readouterr().err)
    assert err == f"mwms-desktop: {folder.resolve()} is a folder, not a database file."
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("command", [["list"], ["add", "X"], ["move", "1", "onboarding"]])
def test_non_sqlite_file_is_one_line_and_left_untouched(folder: Path, capsys, command: list[str]) -> None:
    """Random bytes as --db: exit 1, one line calling it damaged or not a database; its bytes
    are identical afterwards and nothing is written beside it."""
    junk = folder / "notes.sqlite"
    content = os.urandom(8192)
    junk.write_bytes(content)
    assert cli(junk, *command) == EXIT_ERROR
    err = one_error_line(capsys.readouterr().err)
    assert err == (
        f"mwms-desktop: {junk.resolve()} is damaged or not an MWMS Desktop database "
        "(it is not an SQLite file). No good backup of it was found."
    )
    assert junk.read_bytes() == content
    assert [p.name for p in folder.iterdir()] == ["notes.sqlite"]


def test_unreadable_file_is_one_line(
    services: Services, db_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file the user may not read: exit 1, one line naming it. (As root, permission bits
    do not stop reading, so the denial is simulated where the file is first read.)"""
    services.portfolio.add("Acme Ltd")
    services.close()
    db_path.chmod(0)
    try:
        if os.name == "posix" and os.geteuid() == 0:
            real_open = os.open

            def denied(file, *args, **kwargs):
                if Path(file) == db_path.resolve():
                    raise PermissionError(13, "Permission denied", str(file))
                return real_open(file, *args, **kwargs)

            monkeypatch.setattr(os, "open", denied)
        assert cli(db_path, "list") == EXIT_ERROR
    finally:
        db_path.chmod(0o600)
    err = one_error_line(capsys.readouterr().err)
    assert err == f"mwms-desktop: Cannot read {db_path.resolve()}: Permission denied."


def test_file_of_a_newer_version_is_one_line(services: Services, db_path: Path, capsys) -> None:
    """A database written by a newer MWMS Desktop: exit 1, one line telling to update."""
    services.portfolio.add("Acme Ltd")
    services.close()
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA user_version = 99")
    con.close()
    assert cli(db_path, "list") == EXIT_ERROR
    err = one_error_line(capsys.readouterr().err)
    assert err == (
        f"mwms-desktop: {db_path.name} was written by a newer MWMS Desktop (schema 99; this "
        f"version reads up to {migrations.SCHEMA_VERSION}). Update MWMS Desktop to open it."
    )


# --- the real entry point, in a process of its own -----------------------------------------


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ if env is None else env)
    environment["PYTHONPATH"] = str(ROOT)
    environment["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, "-m", "mwms_desktop", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=environment,
        timeout=120,
        check=False,
    )


def test_python_m_entry_point_exit_codes_without_traceback(folder: Path) -> None:
    """`python -m mwms_desktop`: 0 for an add, 2 for a refused move (requirements on stderr),
    1 for a non-SQLite file, each time without a traceback."""
    db = folder / "p.sqlite"
    added = run("--db", str(db), "add", "<b>Acme</b> & Co")
    assert (added.returncode, added.stdout, added.stderr) == (
        0,
        "Added engagement 1: <b>Acme</b> & Co (Consulting engagement), in Qualification.\n",
        "",
    )
    refused = run("--db", str(db), "move", "1", "onboarding")
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr.split("\n") == ["Move refused. Missing:", *QUALIFICATION_UNMET, ""]
    junk = folder / "junk.sqlite"
    junk.write_bytes(b"\x00not sqlite at all\xff" * 100)
    broken = run("--db", str(junk), "list")
    assert broken.returncode == 1
    assert one_error_line(broken.stderr).startswith(f"mwms-desktop: {junk} is damaged")


def test_list_never_loads_qt() -> None:
    """The board commands stay free of Qt (only the window commands import ``ui``)."""
    code = (
        "import sys\n"
        "from mwms_desktop.cli import main\n"
        "status = main(sys.argv[1:])\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'ui'))))\n"
        "sys.exit(status)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", code, "list", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n[]\n"  # the (empty) board, then the Qt and ui modules loaded: none


def test_screenshot_writes_a_png_of_the_asked_size(demo_services: Services, db_path: Path, tmp_path) -> None:
    """`screenshot FILE.png --size 800x600` from a fresh process, with no QT_QPA_PLATFORM set
    (the command goes headless by itself): exit 0 and a PNG whose IHDR says 800 × 600."""
    demo_services.close()
    target = tmp_path / "board.png"
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    done = run("--db", str(db_path), "screenshot", str(target), "--size", "800x600", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Saved {target}.\n"
    assert "Traceback" not in done.stderr
    png = target.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png[12:16] == b"IHDR"
    assert struct.unpack(">II", png[16:24]) == (800, 600)


def test_add_with_a_bad_type_creates_no_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A typo in --type is refused before the named database file is created."""
    target = tmp_path / "new.sqlite"
    assert main(["--db", str(target), "add", "Acme", "--type", "bogus"]) == 1
    assert "Engagement type must be one of" in capsys.readouterr().err
    assert not target.exists()
