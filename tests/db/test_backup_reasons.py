"""A backup refused by the operating system says why in words: not "[Errno 30] Read-only
file system: '/…/backups/.m.sqlite.….partial'", which names a temporary file the user never
sees."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from db import backup as db_backup
from db.errors import BackupError
from mwms_desktop.services import open_services


@pytest.mark.parametrize(
    ("code", "said"),
    [(errno.EROFS, "the disk is read-only"), (errno.EACCES, "no permission to write in "),
     (errno.ENOSPC, "the disk is full")],
)  # fmt: skip
def test_a_refused_backup_names_the_reason_not_the_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, said: str
) -> None:
    db = tmp_path / "m.sqlite"
    open_services(db).close()
    real_open = os.open

    def refusing(path, flags, *args, **kwargs):
        if str(path).endswith(".partial"):
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(db_backup.os, "open", refusing)
    with pytest.raises(BackupError) as info:
        db_backup.make_backup(db, "manual")
    message = str(info.value)
    assert message.startswith(f"Cannot copy m.sqlite: {said}")
    assert ".partial" not in message
    assert "Errno" not in message
