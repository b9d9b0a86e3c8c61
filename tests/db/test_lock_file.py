"""The window's lock file is written only as a plain file of its own: a symbolic link at its
name had the file it points to truncated to a process id, and a FIFO there ended in an
``OSError`` traceback (``ftruncate`` on a pipe)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from db.errors import DatabaseLocked
from db.lock import DatabaseLock, lock_path
from mwms_desktop import maintenance
from mwms_desktop.cli import main
from mwms_desktop.services import open_services

KINDS = ["symlink", *(["fifo"] if hasattr(os, "mkfifo") else [])]


@pytest.mark.parametrize("kind", KINDS)
def test_a_lock_file_that_is_not_a_plain_file_is_refused_and_left_alone(tmp_path: Path, kind: str, capsys):
    db = tmp_path / "m.sqlite"
    open_services(db).close()
    backup = maintenance.backup_now(db)
    precious = tmp_path / "precious.txt"
    precious.write_text("the consultant's notes")
    lock = lock_path(db)
    if kind == "symlink":
        lock.symlink_to(precious)
    else:
        os.mkfifo(lock)

    with pytest.raises(DatabaseLocked):
        DatabaseLock(db).acquire()
    capsys.readouterr()
    assert main(["--db", str(db), "restore", backup.path.name]) == 1
    err = capsys.readouterr().err
    assert err.startswith("mwms-desktop: Cannot ")
    assert str(lock) in err
    assert err.count("\n") == 1
    assert precious.read_text() == "the consultant's notes"
    assert lock.is_symlink() == (kind == "symlink")
