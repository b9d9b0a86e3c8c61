"""Every command, and the window, against a ``--db`` that is not a usable database: a FIFO,
a folder, a 0-byte file with a good backup beside it (a truncated database) and another
program's SQLite file. Each ends at once with one clear line on stderr (exit 1), no
traceback, and touches nothing: the foreign file keeps its bytes with no ``-wal``, ``-shm``,
lock file or ``backups/`` made beside it; the truncated file is not turned into a new empty
database and its backups are not rotated away.

Exceptions, on purpose: for a truncated file ``check`` prints its report on stdout (exit 1,
naming the backup), ``backups`` lists the backups to restore (exit 0) and ``restore`` of the
good backup is the recovery (exit 0).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mwms_desktop import maintenance
from mwms_desktop.cli import main
from mwms_desktop.services import open_services

ROOT = Path(__file__).resolve().parents[2]
KINDS = (*(("fifo",) if hasattr(os, "mkfifo") else ()), "folder", "truncated", "foreign", "foreign in WAL")

# Each command with arguments that would succeed on a sound database ({out}: a folder of
# its own for files the command writes; {backup}/{bundle}: made from a sound database).
COMMANDS: dict[str, list[str]] = {
    "window": [],
    "list": ["list"],
    "add": ["add", "Acme"],
    "move": ["move", "1", "onboarding"],
    "demo": ["demo"],
    "dossier": ["dossier", "1", "--out", "{out}/d.pdf"],
    "backup": ["backup"],
    "backups": ["backups"],
    "restore": ["restore", "{backup}"],
    "check": ["check"],
    "export": ["export", "{out}/x.json"],
    "import": ["import", "{bundle}"],
    "export-csv": ["export-csv", "{out}/x.csv"],
    "screenshot": ["screenshot", "{out}/s.png"],
}


@pytest.fixture(autouse=True)
def _no_hang() -> Iterator[None]:
    """A command that blocks (reading a FIFO) fails the test instead of hanging the run."""
    if not hasattr(signal, "SIGALRM"):  # Windows: no FIFOs to hang on either
        yield
        return

    def hung(signum, frame):
        raise TimeoutError("the command hung")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def sound(tmp_path: Path) -> dict[str, Path]:
    """A sound database elsewhere, with one engagement, a backup of it and a bundle of it."""
    folder = tmp_path / "sound"
    folder.mkdir()
    path = folder / "sound.sqlite"
    s = open_services(path)
    s.portfolio.add("Sound Ltd")
    s.close()
    backup = maintenance.backup_now(path).path
    bundle = folder / "bundle.json"
    assert main(["--db", str(path), "export", str(bundle)]) == 0
    return {"db": path, "backup": backup, "bundle": bundle}


def make(kind: str, path: Path) -> None:
    path.parent.mkdir(exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "truncated":
        s = open_services(path)
        s.portfolio.add("Truncated Ltd")
        s.close()
        maintenance.backup_now(path)
        path.write_bytes(b"")
    else:  # `sqlite3 o.sqlite "create table t(x); pragma user_version=2"`
        con = sqlite3.connect(path)
        if kind == "foreign in WAL":
            con.execute("PRAGMA journal_mode = wal")
        con.execute("CREATE TABLE t (x)")
        con.execute("PRAGMA user_version = 2")
        con.commit()
        con.close()


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry of ``folder`` (recursively): a file's bytes, None for anything else."""
    seen: dict[str, bytes | None] = {}
    for p in sorted(folder.rglob("*")):
        regular = p.is_file() and not p.is_fifo()
        seen[str(p.relative_to(folder))] = p.read_bytes() if regular else None
    return seen


def expected_error(kind: str, path: Path, backup_name: str) -> str:
    if kind == "fifo":
        return f"mwms-desktop: {path} is not a regular file (a pipe or a device), not a database file."
    if kind == "folder":
        return f"mwms-desktop: {path} is a folder, not a database file."
    if kind.startswith("foreign"):
        return f"mwms-desktop: {path.name} is an SQLite file of another program."
    return (
        f"mwms-desktop: {path} is damaged or not an MWMS Desktop database (it is empty: 0 bytes). "
        f"The newest good backup is {backup_name}"
    )


@pytest.fixture
def window_dialogs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The window's start-up dialogs, answered as a user who quits; no event loop."""
    from ui import startup

    shown: list[str] = []
    monkeypatch.setattr(startup, "report", lambda exc: shown.append(str(exc)))
    monkeypatch.setattr(startup, "offer_recovery", lambda exc: shown.append(str(exc)) and False)
    monkeypatch.setattr("ui.app.run_app", lambda services: pytest.fail("the window opened"))
    return shown


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("kind", KINDS)
def test_every_command_refuses_a_bad_database_file_at_once(
    tmp_path: Path, sound: dict[str, Path], kind: str, command: str, capsys, window_dialogs
) -> None:
    folder = tmp_path / "data"
    path = folder / "mwms.sqlite"
    make(kind, path)
    out = tmp_path / "out"
    out.mkdir()
    backups_before = [b.name for b in maintenance.list_backups(path)] if kind == "truncated" else []
    before = snapshot(folder)
    argv = [a.format(out=out, backup=sound["backup"], bundle=sound["bundle"]) for a in COMMANDS[command]]

    status = main(["--db", str(path), *argv])

    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    if kind == "truncated" and command == "restore":  # the recovery itself
        assert status == 0
        assert [c.client for c in open_services(path).portfolio.cards()] == ["Sound Ltd"]
        return
    if kind == "truncated" and command == "backups":  # what there is to restore
        assert status == 0
        assert backups_before[0] in captured.out
        assert snapshot(folder) == before
        return
    assert status == 1
    if kind == "truncated" and command == "check":  # a report, on stdout
        assert captured.err == ""
        assert "it is empty: 0 bytes" in captured.out
        assert f"restore {backups_before[0]}" in captured.out
    else:
        assert captured.err.count("\n") == 1, captured.err
        assert captured.err.startswith(
            expected_error(kind, path, backups_before[0] if backups_before else "")
        )
    if kind == "truncated":
        assert path.stat().st_size == 0  # never re-created as a new, empty database
        assert [b.name for b in maintenance.list_backups(path)] == backups_before
    else:
        assert snapshot(folder) == before  # same bytes, nothing beside it
    if command == "window":
        assert len(window_dialogs) == 1  # a desktop user is told in a dialog too
    assert list(out.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
@pytest.mark.parametrize("command", ["list", "check", "backup", "backups", "import", "restore"])
def test_a_fifo_database_never_blocks_a_real_process(
    tmp_path: Path, sound: dict[str, Path], command: str
) -> None:
    """The real entry point, in a process of its own: a FIFO named with --db is refused at
    once (nothing ever opens it for writing, so any read of it would block for ever)."""
    fifo = tmp_path / "pipe.sqlite"
    os.mkfifo(fifo)
    argv = [a.format(out=tmp_path, backup=sound["backup"], bundle=sound["bundle"]) for a in COMMANDS[command]]
    done = subprocess.run(
        [sys.executable, "-m", "mwms_desktop", "--db", str(fifo), *argv],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert (
        done.stderr
        == f"mwms-desktop: {fifo} is not a regular file (a pipe or a device), not a database file.\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "userdata") == ["pipe.sqlite", "sound"]


def test_restore_of_another_programs_file_is_refused(sound: dict[str, Path], tmp_path: Path, capsys) -> None:
    """`restore o.sqlite` over a real database: refused with one line; the database and the
    other program's file are exactly as they were."""
    other = tmp_path / "o.sqlite"
    make("foreign", other)
    other_bytes, db_bytes = other.read_bytes(), sound["db"].read_bytes()
    assert main(["--db", str(sound["db"]), "restore", str(other)]) == 1
    err = capsys.readouterr().err
    assert err == "mwms-desktop: Not restored: o.sqlite is an SQLite file of another program.\n"
    assert other.read_bytes() == other_bytes
    assert sound["db"].read_bytes() == db_bytes
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "userdata") == ["o.sqlite", "sound"]
    assert main(["--db", str(sound["db"]), "check"]) == 0


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "{out}/x.json", "--engagement", "99999999999999999999999"],
        ["export", "{out}/x.json", "--engagement", "9223372036854775808"],
        ["export", "{out}/x.json", "--engagement", "0"],
        ["export", "{out}/x.json", "--engagement", "9" * 5000],
        ["screenshot", "{out}/s.png", "--open", "99999999999999999999999"],
    ],
    ids=["23 digits", "2**63", "zero", "5000 digits", "screenshot --open"],
)
def test_an_id_argument_out_of_range_is_a_usage_error(
    sound: dict[str, Path], tmp_path: Path, capsys, argv
) -> None:
    """Ids beyond what SQLite can hold are refused by the argument's type: exit 2, a usage
    message naming the id (shortened), never an OverflowError; nothing written."""
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(SystemExit) as exited:
        main(["--db", str(sound["db"]), *[a.format(out=out) for a in argv]])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    last = err.rstrip("\n").splitlines()[-1]
    assert "is not an engagement id" in last or "No engagement with id" in last
    assert len(last) < 200
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["move", "99999999999999999999999", "onboarding"], "No engagement with id 99999999999999999999999."),
        (
            ["dossier", "99999999999999999999999", "--out", "{out}/d.pdf"],
            "No engagement with id 99999999999999999999999.",
        ),
        (["move", "9" * 5000, "onboarding"], f"'{'9' * 37}...' is not an engagement id"),
    ],
    ids=["move", "dossier", "move, 5000 digits"],
)
def test_positional_ids_out_of_range_are_one_line(
    sound: dict[str, Path], tmp_path: Path, capsys, argv, message
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert main(["--db", str(sound["db"]), *[a.format(out=out) for a in argv]]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"mwms-desktop: {message}")
    assert list(out.iterdir()) == []


# The files a command reads besides the database: the bundle of `import`, the backup of
# `restore`. Given a FIFO or a folder, each is refused at once in one line, and the database
# (a sound one here) is left exactly as it was.
INPUTS = {"import": ["import", "{given}"], "restore": ["restore", "{given}"]}


@pytest.mark.parametrize("command", list(INPUTS))
@pytest.mark.parametrize("kind", [k for k in KINDS if k in ("fifo", "folder")])
def test_an_input_file_that_is_a_fifo_or_a_folder_is_refused_at_once(
    tmp_path: Path, sound: dict[str, Path], kind: str, command: str, capsys
) -> None:
    given = tmp_path / "input" / "given.json"
    make(kind, given)
    before = snapshot(sound["db"].parent)
    status = main(["--db", str(sound["db"]), *(a.format(given=given) for a in INPUTS[command])])
    captured = capsys.readouterr()
    assert status == 1
    assert "Traceback" not in captured.err
    assert captured.err.count("\n") == 1, captured.err
    assert str(given) in captured.err
    assert snapshot(sound["db"].parent) == before
