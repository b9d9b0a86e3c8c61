"""An output file named on the command line that is not a plain file: a FIFO, a character
device (a private copy of /dev/null) or a symbolic link to a file elsewhere. Every command
that writes a file refuses it in one line (exit 1) and leaves the node as it was: the atomic
write renames a new file over the name, which would replace the device, the pipe or the
link itself (as root, ``export /dev/null`` turned /dev/null into a regular file).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from mwms_desktop.cli import main
from mwms_desktop.services import open_services

COMMANDS: dict[str, list[str]] = {
    "export": ["export", "{out}"],
    "export-csv": ["export-csv", "{out}"],
    "dossier": ["dossier", "1", "--out", "{out}"],
    "dossier --all": ["dossier", "--all", "--out", "{out}"],
    "screenshot": ["screenshot", "{out}", "--size", "640x400"],
}
KINDS = [
    *(["fifo"] if hasattr(os, "mkfifo") else []),
    *(["device"] if hasattr(os, "getuid") and os.getuid() == 0 else []),
    "symlink",
]


def make(kind: str, path: Path, elsewhere: Path) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":  # the node of /dev/null, made here so that nothing real is at risk
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    else:
        path.symlink_to(elsewhere)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_an_output_path_that_is_not_a_plain_file_is_refused_untouched(
    command: str, kind: str, tmp_path: Path, capsys
) -> None:
    db = tmp_path / "m.sqlite"
    s = open_services(db)
    s.portfolio.add("Acme")
    s.close()
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("someone else's file")
    elsewhere.chmod(0o644)
    out = tmp_path / "out"
    make(kind, out, elsewhere)
    before = out.lstat()
    capsys.readouterr()

    code = main(["--db", str(db), *(a.replace("{out}", str(out)) for a in COMMANDS[command])])

    err = capsys.readouterr().err
    assert code == 1
    assert len(err.strip().splitlines()) == 1, err
    assert str(out) in err
    after = out.lstat()
    assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode)
    assert after.st_ino == before.st_ino  # the very node, not a new file at its name
    assert elsewhere.read_text() == "someone else's file"
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o644
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")]
