"""A process killed with SIGKILL in the middle of a burst of writes loses nothing it had
acknowledged, and leaves a file that passes the full integrity check."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from db.models import Insight, StageMove
from mwms_desktop import maintenance
from mwms_desktop.services import open_services
from tests.factories import engagement_at

# Each write goes through the services; its line is printed only after the call returned,
# that is after its transaction committed.
_BURST = """
import sys
from mwms_desktop.services import open_services

s = open_services(sys.argv[1])
eid = int(sys.argv[2])
n = 0
while True:
    n += 1
    if n % 3 == 0:
        to = "qualification" if s.portfolio.card(eid).stage == "onboarding" else "onboarding"
        s.lifecycle.move(eid, to, f"burst {n}")
        print(f"move {n}", flush=True)
    elif n % 3 == 1:
        s.records.add("insight", eid, activity="research", statement=f"burst {n}")
        print(f"insight {n}", flush=True)
    else:
        s.portfolio.update(eid, notes=f"edit {n}")
        print(f"edit {n}", flush=True)
"""

ACKS_BEFORE_KILL = 90


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX only")
def test_sigkill_mid_burst_keeps_every_acknowledged_write(services):
    """Kill the writer after it acknowledged a burst of insights, edits and moves: the
    reopened file is sound and holds every acknowledged write (the latest edit at least
    as new as the last acknowledged one)."""
    eid = engagement_at(services, "onboarding")
    path = services.path
    services.close()
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-c", _BURST, str(path), str(eid)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    acks: list[tuple[str, int]] = []
    try:
        while len(acks) < ACKS_BEFORE_KILL:
            line = proc.stdout.readline()
            assert line, proc.stderr.read().decode()
            kind, n = line.decode().split()
            acks.append((kind, int(n)))
        os.kill(proc.pid, signal.SIGKILL)
        rest = proc.stdout.read().decode()  # lines printed before the kill landed
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    for line in rest.splitlines(keepends=True):
        if line.endswith("\n"):
            kind, n = line.split()
            acks.append((kind, int(n)))

    report = maintenance.check(path)
    assert report.ok, report.problems
    reopened = open_services(path)
    try:
        statements = {i.statement for i in Insight.select().where(Insight.engagement == eid)}
        reasons = {m.reason for m in StageMove.select().where(StageMove.engagement == eid)}
        notes = reopened.portfolio.card(eid).notes
    finally:
        reopened.close()
    for kind, n in acks:
        if kind == "insight":
            assert f"burst {n}" in statements
        elif kind == "move":
            assert f"burst {n}" in reasons
    last_edit = max(n for kind, n in acks if kind == "edit")
    assert notes.startswith("edit ")
    assert int(notes.split()[1]) >= last_edit
