"""A restore while other processes write: no acknowledged write is lost.

Real processes: a writer adds engagements through the services as fast as it can (one
transaction each) and says, with the time, which ones were acknowledged and which were
refused; meanwhile ``mwms-desktop restore`` runs in another process. Every acknowledged
write must be in the live file or in the file the restore kept aside, and one acknowledged
after the restore returned must be in the live file (before, a writer with the database
open went on writing into the renamed file). A refused write is in neither. Likewise a long
import running when the restore starts: all of it ends up in one of the two, never nowhere.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mwms_desktop import maintenance
from mwms_desktop.services import open_services

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

# Acknowledged means the service call returned, that is its transaction committed. Runs
# until the stop file appears, or 60 s at most.
_WRITER = """
import os, sys, time
from mwms_desktop.errors import MwmsError
from mwms_desktop.services import open_services

s = open_services(sys.argv[1])
stop = sys.argv[2]
end = time.monotonic() + 60
n = 0
while not os.path.exists(stop) and time.monotonic() < end:
    n += 1
    try:
        s.portfolio.add(f"Writer {n}")
    except MwmsError as exc:
        print(f"refused {n} {time.monotonic()} {exc}", flush=True)
    else:
        print(f"ok {n} {time.monotonic()}", flush=True)
s.close()
"""

_IMPORTER = """
import sys, time
from mwms_desktop.bundle import import_bundle
from mwms_desktop.errors import MwmsError
from mwms_desktop.services import open_services

s = open_services(sys.argv[1])
print("started", flush=True)
try:
    import_bundle(s.path, sys.argv[2])
except MwmsError as exc:
    print(f"refused {time.monotonic()} {exc}", flush=True)
else:
    print(f"ok {time.monotonic()}", flush=True)
s.close()
"""


def _clients(path: Path) -> set[str]:
    con = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return {row[0] for row in con.execute("SELECT client FROM engagement")}
    finally:
        con.close()


def _restore(path: Path, backup: Path) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "mwms_desktop", "--db", str(path), "restore", str(backup)],
        cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return started, time.monotonic(), done


def _after(line: str, instant: float) -> bool:
    """A writer's line ("ok N T" / "refused N T ...") for a write acknowledged after ``instant``."""
    parts = line.split()
    return len(parts) >= 3 and parts[0] == "ok" and float(parts[2]) > instant


def _kept(path: Path) -> Path:
    (aside,) = [p for p in path.parent.iterdir() if ".replaced-" in p.name and not p.name.endswith("-wal")
                and not p.name.endswith("-shm")]  # fmt: skip
    assert aside.stat().st_mode & 0o777 == 0o600
    assert maintenance.check(aside).ok
    return aside


def test_a_restore_while_another_process_writes_loses_no_acknowledged_write(services, tmp_path):
    services.portfolio.add("In the backup")
    backup = maintenance.backup_now(services.path).path
    services.portfolio.add("Not in the backup")
    path = services.path
    services.close()
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path), str(stop)],
        cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        first = writer.stdout.readline().strip()
        assert first.startswith("ok 1 "), writer.stderr.read()
        time.sleep(0.5)  # a burst of writes before the restore
        started, returned, done = _restore(path, backup)
        # And writes after it returned: a few of them acknowledged, however loaded the machine
        # (a fixed pause proved too short on a busy CI run).
        seen, deadline = [], time.monotonic() + 60
        while time.monotonic() < deadline and len([ln for ln in seen if _after(ln, returned)]) < 3:
            line = writer.stdout.readline()
            if not line:
                break
            seen.append(line.strip())
        stop.touch()
        # The rest through the same buffered reader (communicate() would read the pipe
        # beneath it and miss what readline had already buffered).
        out = writer.stdout.read()
        err = writer.stderr.read()
        writer.wait(timeout=60)
    finally:
        writer.kill()
        writer.wait()
        writer.stdout.close()
        writer.stderr.close()
    assert done.returncode == 0, done.stderr
    assert writer.returncode == 0, err
    lines = [first, *seen, *out.splitlines()]
    acked = {int(line.split()[1]): float(line.split()[2]) for line in lines if line.startswith("ok ")}
    refused = {int(line.split()[1]) for line in lines if line.startswith("refused ")}
    assert sorted(acked.keys() | refused) == list(range(1, len(lines) + 1))  # each one told
    live, kept = _clients(path), _clients(_kept(path))
    assert "In the backup" in live
    assert "Not in the backup" not in live
    assert "Not in the backup" in kept
    after = [n for n, at in acked.items() if at > returned]
    assert after, "the writer wrote nothing after the restore; the test proves nothing"
    assert [n for n in after if f"Writer {n}" not in live] == []
    assert [n for n in acked if f"Writer {n}" not in live | kept] == []
    assert [n for n in refused if f"Writer {n}" in live | kept] == []
    assert [n for n, at in acked.items() if at < started and f"Writer {n}" not in kept] == []
    assert maintenance.check(path).ok


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A bundle big enough that importing it takes a while (its own database)."""
    from db.models import database
    from mwms_desktop.bundle import export_bundle

    source = open_services(tmp_path / "source.sqlite")
    with database.atomic():
        for n in range(3000):
            source.portfolio.add(f"Imported {n}", notes="n" * 400)
    file = tmp_path / "b.json"
    export_bundle(file)
    source.close()
    return file


def test_an_import_running_while_restore_runs_loses_nothing(bundle: Path, services):  # this order
    services.portfolio.add("In the backup")
    backup = maintenance.backup_now(services.path).path
    path = services.path
    services.close()
    importer = subprocess.Popen(
        [sys.executable, "-c", _IMPORTER, str(path), str(bundle)],
        cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert importer.stdout.readline().strip() == "started", importer.stderr.read()
        # The import backs up first, then writes in one transaction: restore meanwhile.
        deadline = time.monotonic() + 60
        while not [b for b in maintenance.list_backups(path) if b.reason == "import"]:
            assert importer.poll() is None, importer.stderr.read()
            assert time.monotonic() < deadline
            time.sleep(0.005)
        maintenance.restore(path, backup)  # in this process: at once, mid-import
        returned = time.monotonic()
        out, err = importer.communicate(timeout=120)
    finally:
        importer.kill()
        importer.wait()
    assert importer.returncode == 0, err
    live, kept = _clients(path), _clients(_kept(path))
    imported = {f"Imported {n}" for n in range(3000)}
    verdict, at = out.split()[:2]
    if verdict == "ok":  # all of it, in one of the two files; after the restore: the live one
        assert imported <= live or imported <= kept
        if float(at) > returned:
            assert imported <= live
    else:  # told it failed, and indeed nothing of it is anywhere
        assert not imported & (live | kept)
    assert "In the backup" in live
