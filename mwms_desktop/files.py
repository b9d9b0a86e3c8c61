"""Writing an output file that holds client data: owner-only and atomic, in one place.

Every file the app writes for the consultant (dossier PDFs, screenshots, CSV exports,
bundles) goes through :func:`write_private`: the bytes go to a temporary name in the same
folder (created 0600, unique per attempt), are synced to disk, and only then renamed over
the target, which ends up owner-only whatever it was before. A failure leaves neither a
partial file nor the temporary one, and raises :class:`FileWriteError` saying why in words.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from contextlib import suppress
from pathlib import Path

from db import identity
from mwms_desktop.errors import MwmsError

PRIVATE_MODE = 0o600


class FileWriteError(MwmsError):
    """An output file could not be written; nothing was left at its name."""


def reason(exc: OSError, folder: Path) -> str:
    """An operating-system error as the end of a sentence."""
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"no permission to write in {folder}"
    if exc.errno == errno.ENOENT:
        return f"folder {folder} does not exist"
    if exc.errno == errno.EROFS:
        return "the disk is read-only"
    return exc.strerror or str(exc)


def check_target(path: str | os.PathLike[str]) -> Path:
    """``path`` as an absolute path, refused (before any work) when it cannot be a file."""
    target = Path(path).expanduser().absolute()
    if target.is_dir():
        raise FileWriteError(f"{target} is a folder; give a file name.")
    if not target.parent.is_dir():
        raise FileWriteError(f"Folder {target.parent} does not exist.")
    # The write renames a new file over the name: over a device, a pipe or a symbolic link
    # that would replace the node itself (as root, /dev/null), not write where it points.
    try:
        st = target.lstat()
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise FileWriteError(f"Cannot write {target.name}: {reason(exc, target.parent)}.") from exc
    if stat.S_ISLNK(st.st_mode):
        raise FileWriteError(f"{target} is a symbolic link; give the file it points to, or a new name.")
    if not stat.S_ISREG(st.st_mode):
        raise FileWriteError(f"{target} is not a regular file (a pipe or a device); give a file name.")
    return target


def write_private(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` (text is UTF-8) to ``path`` owner-only and atomically; returns the path."""
    target = check_target(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    except OSError as exc:
        raise FileWriteError(f"Cannot write {target.name}: {reason(exc, target.parent)}.") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, PRIVATE_MODE)  # mkstemp's mode already, whatever the umask; said plainly
        os.replace(tmp, target)
    except BaseException as exc:
        with suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise FileWriteError(f"Cannot write {target.name}: {reason(exc, target.parent)}.") from exc
        raise
    fsync_folder(target.parent)
    return target


def fsync_folder(folder: Path) -> None:
    """Make a rename durable where the platform allows it (not on Windows)."""
    if os.name != "posix":
        return
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def read_regular(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes`` of them. A folder, a FIFO
    or a device is refused without blocking (a FIFO with no writer would hang a read for
    ever), and so is a larger file; raises :class:`MwmsError` saying which."""
    source = Path(path)
    st, data = identity.read_regular(source, max_bytes + 1, error=MwmsError, what="a file")
    if st.st_size > max_bytes or len(data) > max_bytes:
        raise MwmsError(f"{source.name} is larger than {max_bytes // 2**20} MB.")
    return data
