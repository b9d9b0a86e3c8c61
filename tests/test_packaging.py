"""The one-folder build, as a user gets it: built with build.spec and packed by
tools/package.py, then its binary run headless (demo, list, screenshot, dossier) outside
the source tree. Slow: a PyInstaller build (about a minute)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from mwms_desktop import __version__

ROOT = Path(__file__).resolve().parent.parent
GOAL_MB = 140

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("build")
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "package.py"),
            "--dist",
            str(base / "dist"),
            "--work",
            str(base / "work"),
        ],
        capture_output=True,
        text=True,
        timeout=1200,
        cwd=base,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = {line.split()[0]: line for line in done.stdout.splitlines() if line.strip()}
    archive = Path(lines["archive"].split()[1])
    return {"folder": base / "dist" / "mwms-desktop", "archive": archive, "stdout": done.stdout, "base": base}


def run(built: dict[str, Path], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(QT_QPA_PLATFORM="offscreen", MWMS_DESKTOP_DATA_DIR=str(built["base"] / "userdata"))
    return subprocess.run(
        [str(built["folder"] / "mwms-desktop"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=built["base"],
    )


def test_the_folder_is_small_and_the_archive_is_named_and_sized(built) -> None:
    size = sum(p.stat().st_size for p in built["folder"].rglob("*") if p.is_file() and not p.is_symlink())
    assert size <= GOAL_MB * 1024 * 1024, f"{size / 2**20:.0f} MB unpacked"
    archive = built["archive"]
    assert archive.name == f"mwms-desktop-{__version__}-linux-x86_64.tar.gz"
    assert f"{archive.stat().st_size / 2**20:.1f} MB" in built["stdout"]
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    top = f"mwms-desktop-{__version__}"
    assert {f"{top}/mwms-desktop", f"{top}/install-desktop-entry.sh"} <= names


def test_it_keeps_what_users_need_and_leaves_out_the_rest(built) -> None:
    qt = built["folder"] / "_internal" / "PySide6" / "Qt"
    platforms = {p.name for p in (qt / "plugins" / "platforms").iterdir()}
    assert platforms == {"libqxcb.so", "libqwayland.so", "libqoffscreen.so"}
    assert not (qt / "translations").exists()
    assert not (qt / "lib" / "libQt6Network.so.6").exists()
    for absent in ("libavif*", "psycopg*", "numpy*", "libQt6Network*", "libcrypto*"):
        assert not list(built["folder"].rglob(absent)), absent  # others' drivers, Pillow's AVIF, ssl
    assert [p for p in built["folder"].rglob("*") if p.is_symlink() and not p.exists()] == []
    icons = built["folder"] / "_internal" / "resources" / "icons"
    assert (icons / "mwms-desktop-512.png").is_file()


def test_the_built_binary_works_headless(built) -> None:
    db = built["base"] / "check.sqlite"
    assert run(built, "--version").stdout.strip() == f"mwms-desktop {__version__}"
    demo = run(built, "--db", str(db), "demo")
    assert demo.returncode == 0, demo.stderr
    listed = run(built, "--db", str(db), "list", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert "Fjord Fintech" in {row["client"] for row in rows}
    assert {row["stage"] for row in rows} >= {"qualification", "onboarding", "execution"}
    shot = built["base"] / "board.png"
    done = run(built, "--db", str(db), "screenshot", str(shot), "--size", "1200x800")
    assert done.returncode == 0, done.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(shot.read_bytes()[16:20], "big") == 1200
    pdf = built["base"] / "dossier.pdf"
    done = run(built, "--db", str(db), "dossier", "1", "--out", str(pdf))
    assert done.returncode == 0, done.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-"
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    assert len(reader.pages) >= 3
    assert "Learning" in "".join(page.extract_text() for page in reader.pages)
    log = built["base"] / "userdata" / "logs" / "mwms-desktop.log"
    assert "ERROR" not in log.read_text(encoding="utf-8")
