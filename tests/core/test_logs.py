"""The log file: in the user's data folder, rotating, recording what happened (errors,
backups, imports, refused moves) and never a client's name; and a windowed build's missing
stderr is replaced before anything can write to it."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from mwms_desktop import logs
from mwms_desktop.errors import ValidationError
from mwms_desktop.streams import ensure_std_streams

ROOT = Path(__file__).resolve().parents[2]
CLIENT = "Zoë Ødegård Secret Client"
OWNER = "Ingrid Hushhush"


@pytest.fixture
def log_setup() -> Iterator[None]:
    yield
    logs.shutdown()


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), MWMS_DESKTOP_DATA_DIR=str(data_dir))
    return subprocess.run(
        [sys.executable, "-m", "mwms_desktop", *args], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.mark.slow
def test_a_session_is_logged_without_a_client_name(tmp_path: Path) -> None:
    data = tmp_path / "userdata"
    db, other, bundle = tmp_path / "a.sqlite", tmp_path / "b.sqlite", tmp_path / "handover.json"
    assert cli(data, "--db", str(db), "add", CLIENT, "--owner", OWNER).returncode == 0
    assert cli(data, "--db", str(db), "move", "1", "onboarding").returncode == 2  # refused
    assert cli(data, "--db", str(db), "backup").returncode == 0
    assert cli(data, "--db", str(db), "export", str(bundle)).returncode == 0
    assert cli(data, "--db", str(other), "import", str(bundle)).returncode == 0
    assert cli(data, "--db", str(db), "move", "99", "onboarding").returncode == 1  # unknown id
    assert CLIENT in bundle.read_text(encoding="utf-8")  # the name was there to leak

    log = (data / "logs" / logs.LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "move: move refused" in log
    assert "backup made (manual)" in log
    assert "backup made (import)" in log
    assert "bundle imported" in log
    assert "move: mwms_desktop.errors.NotFound" in log
    for secret in (CLIENT, "Zoë", "Ødegård", "Secret", OWNER, "Hushhush"):
        assert secret not in log
    assert (data / "logs" / logs.LOG_FILE_NAME).stat().st_mode & 0o077 == 0


def test_an_exception_is_described_without_its_message() -> None:
    try:
        raise ValidationError(f"{CLIENT} is already on the board.", "status")
    except ValidationError as exc:
        described = logs.describe(exc)
    assert "mwms_desktop.errors.ValidationError" in described
    assert "test_logs.py" in described
    assert "Zoë" not in described


def test_the_log_rotates_and_keeps_a_few_files(tmp_path: Path, log_setup: None) -> None:
    target = logs.setup(tmp_path / "logs")
    assert target == tmp_path / "logs" / logs.LOG_FILE_NAME
    assert logs.current_file() == target
    line = "x" * 1000
    for _ in range(6 * logs.MAX_BYTES // 1000):
        logging.getLogger("mwms_desktop.test").info(line)
    files = sorted(p.name for p in target.parent.iterdir() if p.name != logs.CRASH_FILE_NAME)
    assert files == [logs.LOG_FILE_NAME] + [
        f"{logs.LOG_FILE_NAME}.{n}" for n in range(1, logs.BACKUP_COUNT + 1)
    ]
    assert all(p.stat().st_size <= logs.MAX_BYTES + 2000 for p in target.parent.iterdir())


def test_an_unwritable_log_folder_leaves_the_app_running(tmp_path: Path, log_setup: None) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    assert logs.setup(blocker / "logs") is None
    assert logs.current_file() is None


def test_a_windowed_build_without_stderr_gets_a_sink(monkeypatch: pytest.MonkeyPatch) -> None:
    """PyInstaller's windowed build starts with sys.stderr None: traceback.print_exc and
    sys.stderr.write would raise. After the guard they write to a null device."""
    monkeypatch.setattr(sys, "stderr", None)
    monkeypatch.setattr(sys, "stdout", None)
    assert ensure_std_streams() == ["stdout", "stderr"]
    sinks = (sys.stdout, sys.stderr)
    try:
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            traceback.print_exc()  # AttributeError on None without the guard
        print("and print", file=sys.stderr, flush=True)
        sys.stderr.write("nothing may fail\n")
        assert ensure_std_streams() == []
    finally:
        for sink in sinks:
            sink.close()


def test_the_entry_point_runs_with_no_console(tmp_path: Path) -> None:
    """The whole CLI under a windowed build's streams: an error still exits 1, and is logged."""
    code = (
        "import sys; sys.stdout = None; sys.stderr = None; "
        f"sys.argv = ['mwms-desktop', '--db', {str(tmp_path / 'missing.sqlite')!r}, 'list']; "
        "from mwms_desktop.cli import entry; entry()"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT), MWMS_DESKTOP_DATA_DIR=str(tmp_path / "userdata"))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 1
    assert done.stderr == ""
    log = (tmp_path / "userdata" / "logs" / logs.LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "list: mwms_desktop.errors.DatabaseError" in log


def test_a_fatal_crash_leaves_every_threads_stack_in_crash_log(tmp_path: Path) -> None:
    """A segmentation fault (in Qt, in a C library) cannot be caught: the process would vanish
    without a word. The log folder's crash.log then holds where each thread was."""
    folder = tmp_path / "logs"
    code = (
        "import ctypes, sys; sys.path.insert(0, sys.argv[2]); from pathlib import Path; "
        "from mwms_desktop import logs; logs.setup(Path(sys.argv[1])); "
        "ctypes.string_at(0)"  # a read of address 0: SIGSEGV
    )
    root = str(Path(__file__).resolve().parents[2])
    done = subprocess.run([sys.executable, "-c", code, str(folder), root], capture_output=True, timeout=60)
    assert done.returncode != 0
    crash = (folder / "crash.log").read_text(encoding="utf-8")
    assert "Segmentation fault" in crash
    assert "most recent call first" in crash
    assert oct((folder / "crash.log").stat().st_mode & 0o777) == oct(0o600)
