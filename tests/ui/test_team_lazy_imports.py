"""Team mode costs the first paint nothing: keyring, the team and sync modules and
the join dialog load after it (the indicator's first look waits a second, on a worker;
peewee itself imports psycopg when it is installed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.ui.test_first_paint_imports import PROBE, ROOT

LATER = ("keyring", "mwms_desktop.team", "mwms_desktop.sync", "ui.team.join_dialog")


def test_the_first_paint_loads_nothing_of_team_mode(tmp_path: Path, services) -> None:
    db = services.path
    services.close()
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    env["MWMS_DESKTOP_DATA_DIR"] = str(tmp_path / "userdata")
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(db)], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    loaded = [m for m in result["modules"] if any(m == p or m.startswith(p + ".") for p in LATER)]
    assert loaded == []
    assert "ui.team.sync_indicator" in result["modules"]  # the indicator is there, hidden
