"""A restore killed (SIGKILL) while it keeps the current content aside.

Nothing was restored, so the live file is as it was; and no file may carry the name
``<name>.replaced-<stamp>``, which says "the content this restore replaced is here": a half
copy under that name (with a hot ``-journal`` beside it) was left by such a kill. The
attempt's own temporary copy is swept by a later restore once it is stale.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mwms_desktop import maintenance
from mwms_desktop.services import open_services

ROOT = Path(__file__).resolve().parents[2]

# The restore, in a child that kills itself as soon as the copy aside is written, before
# it is verified and before the backup's pages are committed into the live file.
CHILD = """
import os, signal, sys
from pathlib import Path
import db.backup
from mwms_desktop import maintenance

db_path = Path(sys.argv[1])
real_check = db.backup.check

def check(path, pragma="integrity_check"):
    if Path(path).parent == db_path.parent and Path(path) != db_path:
        os.kill(os.getpid(), signal.SIGKILL)
    return real_check(path, pragma)

db.backup.check = check
maintenance.restore(db_path, maintenance.find_backup(db_path, sys.argv[2]))
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="no SIGKILL here")
def test_a_restore_killed_while_keeping_the_content_aside_leaves_no_replaced_file(tmp_path: Path):
    db = tmp_path / "m.sqlite"
    s = open_services(db)
    s.portfolio.add("In the backup")
    s.close()
    backup = maintenance.backup_now(db)
    s = open_services(db)
    s.portfolio.add("Acknowledged after the backup")
    s.close()

    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(db), backup.name],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert child.returncode == -signal.SIGKILL, child.stderr

    assert not [p.name for p in tmp_path.iterdir() if ".replaced-" in p.name]
    s = open_services(db)
    try:
        assert {c.client for c in s.portfolio.cards()} == {"In the backup", "Acknowledged after the backup"}
    finally:
        s.close()
    assert maintenance.check(db).ok

    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".") and ".partial" in p.name]
    assert leftovers  # the killed attempt's own copy, under a temporary name
    hour_ago = time.time() - 3700
    for p in leftovers:
        os.utime(p, (hour_ago, hour_ago))
    result = maintenance.restore(db, backup)
    assert [p.name for p in tmp_path.iterdir() if ".partial" in p.name] == []
    (kept,) = result.moved_aside
    assert ".replaced-" in kept.name
