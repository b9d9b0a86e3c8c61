"""peewee loads without PostgreSQL's driver (db/__init__.py), which team mode still imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json, sys
import mwms_desktop.cli
from mwms_desktop.services import open_services
before = "psycopg" in sys.modules
import peewee
import psycopg
from psycopg.types.json import Jsonb
print(json.dumps({"before": before, "peewee_driver": peewee.psycopg is not None,
                  "psycopg": psycopg.__name__, "connect": callable(psycopg.connect)}))
"""


def test_peewee_loads_without_psycopg_and_psycopg_imports_afterwards() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"before": False, "peewee_driver": False, "psycopg": "psycopg", "connect": True}
