"""Take out the zero padding auditwheel's patchelf leaves in a wheel's vendored libraries:

    python tools/compact_elf.py LIBRARY OUT_FOLDER

When auditwheel renames a library's dependencies it adds a segment for the new names at the
next 2-MB boundary of the file, so Pillow's libXau (12.6 KB of code and data) ships as a
2.1-MB file of zeros (and a stale copy of its section headers, which nothing points at).
Here the bytes no header points at go, the segments after them move down to the next page
(their in-memory addresses unchanged, so the library maps exactly as before), the offsets in
the program and section headers follow, and the segments' alignment becomes the page size.
``strip`` cannot be used on these files (it moves their segments, and numpy's OpenBLAS then
fails to load). The result is loaded in a fresh process before it is kept; a file with no such
gap, or one this cannot rewrite safely, is left alone (exit 1). x86-64 ELF64 only.
"""

from __future__ import annotations

import argparse
import struct
import subprocess
import sys
from pathlib import Path

PAGE = 0x1000
MIN_GAP = 64 * 1024
PT_LOAD = 1
SHT_NOBITS = 8
PHDR = struct.Struct("<IIQQQQQQ")  # type, flags, offset, vaddr, paddr, filesz, memsz, align
SHDR = struct.Struct("<IIQQQQIIQQ")  # name, type, flags, addr, offset, size, link, info, align, entsize


class NotCompactable(Exception):
    pass


def compacted(data: bytes) -> bytes:
    if data[:6] != b"\x7fELF\x02\x01" or struct.unpack_from("<H", data, 0x12)[0] != 62:
        raise NotCompactable("not a little-endian x86-64 ELF64 file")
    out = bytearray(data)
    while (gap := _first_gap(out)) is not None:
        start, end = gap
        out = _close(out, start, end)
    if len(out) == len(data):
        raise NotCompactable("no padding gap")
    return bytes(out)


def _headers(data: bytearray) -> tuple[int, int, int, int, int, int]:
    phoff, shoff = struct.unpack_from("<QQ", data, 0x20)
    phentsize, phnum, shentsize, shnum = struct.unpack_from("<HHHH", data, 0x36)
    if phentsize != PHDR.size or (shnum and shentsize != SHDR.size):
        raise NotCompactable("unexpected header sizes")
    return phoff, phnum, shoff, shnum, phentsize, shentsize


def _extents(data: bytearray) -> list[tuple[int, int]]:
    """(start, end) of every byte range the file's headers point at."""
    phoff, phnum, shoff, shnum, _pe, _se = _headers(data)
    ranges = [(0, 0x40), (phoff, phoff + phnum * PHDR.size), (shoff, shoff + shnum * SHDR.size)]
    for i in range(phnum):
        _t, _f, offset, _v, _p, filesz, _m, _a = PHDR.unpack_from(data, phoff + i * PHDR.size)
        ranges.append((offset, offset + filesz))
    for i in range(shnum):
        fields = SHDR.unpack_from(data, shoff + i * SHDR.size)
        if fields[1] != SHT_NOBITS:
            ranges.append((fields[4], fields[4] + fields[5]))
    return ranges


def _first_gap(data: bytearray) -> tuple[int, int] | None:
    """The first run of at least MIN_GAP bytes before a loaded segment that no header points at."""
    phoff, phnum, *_ = _headers(data)
    loads = sorted(
        PHDR.unpack_from(data, phoff + i * PHDR.size)[2]
        for i in range(phnum)
        if PHDR.unpack_from(data, phoff + i * PHDR.size)[0] == PT_LOAD
    )
    ranges = _extents(data)
    for segment in loads:
        used = max((end for start, end in ranges if start < segment), default=0)
        if used > segment:
            continue  # something straddles the segment's start: not a plain gap
        start = used + (segment - used) % PAGE  # keeps offset == address (mod page)
        if segment - start >= MIN_GAP:
            return start, segment
    return None


def _close(data: bytearray, start: int, end: int) -> bytearray:
    """Remove data[start:end] and move every header offset past it down."""
    delta = end - start
    phoff, phnum, shoff, shnum, *_ = _headers(data)
    for i in range(phnum):
        at = phoff + i * PHDR.size
        kind, flags, offset, vaddr, paddr, filesz, memsz, align = PHDR.unpack_from(data, at)
        if offset >= end:
            offset -= delta
        if kind == PT_LOAD:
            align = PAGE
            if (offset - vaddr) % PAGE:
                raise NotCompactable("a segment would lose its page alignment")
        PHDR.pack_into(data, at, kind, flags, offset, vaddr, paddr, filesz, memsz, align)
    for i in range(shnum):
        at = shoff + i * SHDR.size
        fields = list(SHDR.unpack_from(data, at))
        if fields[4] >= end:
            fields[4] -= delta
        SHDR.pack_into(data, at, *fields)
    if shoff >= end:
        struct.pack_into("<Q", data, 0x28, shoff - delta)
    if phoff >= end:
        raise NotCompactable("program headers after the gap")
    return data[:start] + data[end:]


def loads(library: Path, beside: Path) -> bool:
    """The library loads in a fresh process (its dependencies from ``beside``)."""
    code = "import ctypes, sys; ctypes.CDLL(sys.argv[1])"
    env = {"LD_LIBRARY_PATH": f"{library.parent}:{beside}"}
    done = subprocess.run([sys.executable, "-c", code, str(library)], env=env, capture_output=True)
    return done.returncode == 0


def compact(library: Path, out_folder: Path) -> Path:
    data = compacted(library.read_bytes())
    out_folder.mkdir(parents=True, exist_ok=True)
    target = out_folder / library.name
    target.write_bytes(data)
    target.chmod(library.stat().st_mode)
    if not loads(target, library.parent):
        target.unlink()
        raise NotCompactable("the rewritten library does not load")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", type=Path)
    parser.add_argument("out", type=Path, help="the folder to write the compacted copy to")
    args = parser.parse_args(argv)
    try:
        target = compact(args.library, args.out)
    except NotCompactable as exc:
        print(f"compact_elf: {args.library.name} left as it is: {exc}", file=sys.stderr)
        return 1
    print(f"{target}  {args.library.stat().st_size / 1024:.0f} KB -> {target.stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
