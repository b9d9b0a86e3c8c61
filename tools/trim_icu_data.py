"""Rebuild Qt's ICU data library without the ICU data Qt never reads (31 MB -> about 9 MB):

    python tools/trim_icu_data.py PySide6/Qt/lib/libicudata.so.73 OUT_FOLDER

build.spec calls it on Linux. Qt 6 calls ICU for four services only (the ICU functions its
libraries import, checked here on every run): collation (``ucol_*``: QCollator,
``localeAwareCompare``), converters (``ucnv_*``: QStringConverter's encodings beyond UTF and
Latin-1), case mapping (``u_strToUpper``/``u_strToLower``: ``QLocale::toUpper``; its data is
compiled into libicuuc) and time zones (``ucal_*``: QTimeZone's display names). Those read
``coll/``, the converters, ``zone/``, the time-zone tables, the supplemental data and the
locales' own resources, all of which stay. What goes is data only other ICU services open:
the display names of languages, regions, currencies and units (``lang/``, ``region/``,
``curr/``, ``unit/``: ``uloc_getDisplay*``, ``LocaleDisplayNames``, currency and measure
formats), the break iterators and their dictionaries (``brkitr/``: ``ubrk_*``; Qt finds text
boundaries with its own tables), transliterators (``translit/``), spelled-out numbers
(``rbnf/``) and Unicode character names (``unames.icu``: ``u_charName``).

ICU's own ``icupkg`` (package ``icu-devtools``) removes the items and checks that nothing
kept refers to them; ``genccode`` turns the package into assembly with the same entry point
(``icudt73_dat``) and ``gcc`` links it with the same soname. If Qt ever imports an ICU function
outside the four services, or a tool is missing, the script says so and exits 1: the caller
then keeps the original library. ``tests/test_packaging.py`` runs the same Qt calls with the
original and the trimmed library and compares every answer.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Subtrees and items of the package (names after "icudt73l/") that go.
UNUSED_ICU_DATA = ("lang/", "region/", "curr/", "unit/", "brkitr/", "translit/", "rbnf/", "unames.icu")
# The ICU functions (by name, without the _73 version suffix) Qt may import: the four services.
QT_ICU_SERVICES = re.compile(r"^(ucol_\w+|ucnv_\w+|UCNV_\w+|u_strTo(Upper|Lower)|ucal_\w+)$")
TOOLS = ("readelf", "nm", "icupkg", "genccode", "gcc")


class TrimError(Exception):
    """Why the library cannot be trimmed safely; the original is kept."""


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def icu_imports(qt_folder: Path, major: str) -> set[str]:
    """The ICU functions Qt's libraries and plugins import (the ICU libraries themselves aside)."""
    names: set[str] = set()
    for path in sorted(qt_folder.rglob("*.so*")):
        if path.is_symlink() or not path.is_file() or path.name.startswith("libicu"):
            continue
        for line in run("nm", "-D", "--undefined-only", str(path)).splitlines():
            symbol = line.split()[-1].split("@")[0]
            if symbol.endswith(f"_{major}"):
                names.add(symbol[: -len(major) - 1])
    return names


def data_blob(library: Path) -> tuple[str, bytes]:
    """The entry point's name and the ICU common data it holds."""
    symbols = run("readelf", "-sW", "--dyn-syms", str(library))
    found = re.search(
        r"\s([0-9a-f]+)\s+(\d+|0x[0-9a-f]+)\s+OBJECT\s+GLOBAL\s+\w+\s+(\d+)\s+(icudt\d+_dat)\s*$",
        symbols,
        re.MULTILINE,
    )
    if found is None:
        raise TrimError(f"{library.name} exports no icudt*_dat symbol")
    address, size, section, name = int(found[1], 16), int(found[2], 0), int(found[3]), found[4]
    sections = run("readelf", "-SW", str(library))
    row = re.search(rf"\[\s*{section}\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)", sections)
    if row is None:
        raise TrimError(f"{library.name}: section {section} not found")
    offset = address - int(row[1], 16) + int(row[2], 16)
    data = library.read_bytes()[offset : offset + size]
    if data[2:4] != b"\xda\x27":
        raise TrimError(f"{library.name}: {name} is not ICU data")
    return name, data


def trim(library: Path, out_folder: Path, qt_folder: Path) -> Path:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        raise TrimError(f"missing {', '.join(missing)} (Debian: apt-get install icu-devtools binutils gcc)")
    major = re.search(r"\.so\.(\d+)$", library.name)
    if major is None:
        raise TrimError(f"{library.name} is not a versioned ICU data library")
    unexpected = sorted(name for name in icu_imports(qt_folder, major[1]) if not QT_ICU_SERVICES.match(name))
    if unexpected:
        raise TrimError(f"Qt imports ICU functions this trim was not checked for: {', '.join(unexpected)}")
    entry, data = data_blob(library)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        package = f"icudt{major[1]}l"
        (work / f"{package}.dat").write_bytes(data)
        items = run("icupkg", "-l", str(work / f"{package}.dat")).split()
        gone = [item for item in items if item.startswith(UNUSED_ICU_DATA)]
        if not gone:
            raise TrimError("none of the unused ICU data was found in the package")
        (work / "remove.txt").write_text("\n".join(gone) + "\n", encoding="ascii")
        trimmed = work / "trimmed" / f"{package}.dat"
        trimmed.parent.mkdir()
        run("icupkg", "-r", str(work / "remove.txt"), str(work / f"{package}.dat"), str(trimmed))
        left = set(run("icupkg", "-l", str(trimmed)).split())
        if left != set(items) - set(gone):
            raise TrimError("icupkg did not write the expected items")
        run("genccode", "-a", "gcc", "-e", entry.removesuffix("_dat"), "-d", str(work), str(trimmed))
        (assembly,) = work.glob("*.S")
        out_folder.mkdir(parents=True, exist_ok=True)
        target = out_folder / library.name
        run(
            "gcc",
            "-shared",
            "-nostdlib",
            f"-Wl,-soname,{library.name}",
            "-Wl,-z,noexecstack",
            "-o",
            str(target),
            str(assembly),
        )
    if data_blob(target)[0] != entry:
        raise TrimError(f"the rebuilt library does not export {entry}")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", type=Path, help="libicudata.so.<major> (in PySide6/Qt/lib)")
    parser.add_argument("out", type=Path, help="the folder to write the trimmed library to")
    parser.add_argument("--qt", type=Path, help="Qt's folder, whose libraries' ICU imports are checked")
    args = parser.parse_args(argv)
    qt_folder = args.qt or args.library.resolve().parent.parent
    try:
        target = trim(args.library, args.out, qt_folder)
    except (TrimError, subprocess.CalledProcessError) as exc:
        detail = exc.stderr.strip() if isinstance(exc, subprocess.CalledProcessError) else str(exc)
        print(f"trim_icu_data: keeping the full ICU data: {detail}", file=sys.stderr)
        return 1
    mb = 1024 * 1024
    print(f"{target}  {args.library.stat().st_size / mb:.1f} MB -> {target.stat().st_size / mb:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
