"""Build the one-folder app and pack it for handing out:

    python tools/package.py            # -> dist/mwms-desktop-<version>-linux-x86_64.tar.gz

Runs PyInstaller on build.spec, adds the desktop-entry installer at the top of the folder,
writes the archive and prints the folder's and the archive's size. ``--dist`` and ``--work``
move PyInstaller's output and work folders (the slow build test builds in a temporary one).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mwms_desktop import __version__  # noqa: E402

NAME = "mwms-desktop"
INSTALLER = ROOT / "resources" / "desktop" / "install-desktop-entry.sh"


def archive_name() -> str:
    system = {"linux": "linux", "darwin": "macos", "win32": "windows"}.get(sys.platform, sys.platform)
    return f"{NAME}-{__version__}-{system}-{platform.machine().lower()}.tar.gz"


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def build(dist: Path, work: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(work), str(ROOT / "build.spec")],
        check=True,
    )  # fmt: skip
    folder = dist / NAME
    shutil.copy2(INSTALLER, folder / INSTALLER.name)
    return folder


def pack(folder: Path, target: Path) -> Path:
    partial = target.with_name(target.name + ".partial")
    with tarfile.open(partial, "w:gz", compresslevel=9) as tar:
        tar.add(folder, arcname=f"{NAME}-{__version__}")
    os.replace(partial, target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="PyInstaller's output folder")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller's work folder")
    args = parser.parse_args(argv)
    folder = build(args.dist.resolve(), args.work.resolve())
    archive = pack(folder, args.dist.resolve() / archive_name())
    mb = 1024 * 1024
    print(f"folder   {folder}  {folder_size(folder) / mb:.1f} MB unpacked")
    print(f"archive  {archive}  {archive.stat().st_size / mb:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
