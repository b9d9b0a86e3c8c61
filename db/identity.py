"""Is this file an MWMS Desktop database, and of which schema version?

Answered before anything is written to a file, so another program's SQLite file is refused
exactly as it was: not switched to WAL, not backed up, not migrated, nothing made beside it.

Since schema 3 every file carries ``PRAGMA application_id`` = :data:`APPLICATION_ID` in its
header (offset 68), set with the schema on new files and by the step to schema 3 on older
ones. Files of schema 1 and 2 predate it: they are recognised by their exact set of tables.

The path checks come first: a folder, a FIFO or a device is never opened (reading a FIFO
blocks for ever), and an empty file is reported as such.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from db.errors import DatabaseOpenError

SQLITE_HEADER = b"SQLite format 3\x00"
HEADER_SIZE = 100
APPLICATION_ID = 0x4D574D53  # b"MWMS", PRAGMA application_id of every file since schema 3
FIRST_VERSION_WITH_ID = 3

_V1_TABLES = frozenset(
    {
        "engagement",
        "check_in",
        "hypothesis",
        "cycle",
        "insight",
        "hypothesis_insight",
        "learning",
        "learning_evidence",
        "onboarding_item",
        "qualification_score",
        "setting",
        "stage_move",
        "stakeholder",
    }
)
# The tables of each schema version shipped before the application id: frozen, like the steps.
LEGACY_TABLES: dict[int, frozenset[str]] = {1: _V1_TABLES, 2: _V1_TABLES | {"dossier_export"}}

# What a connection must answer: application_id, user_version, the names of its tables.
IDENTITY_SQL = (
    "PRAGMA application_id",
    "PRAGMA user_version",
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
)


class ForeignFile(DatabaseOpenError):
    """Another program's SQLite file, or one recording a schema version no MWMS Desktop
    wrote: refused, untouched, by every command."""


@dataclass(frozen=True, slots=True)
class Header:
    """The first bytes of a regular file, read without SQLite."""

    size: int
    is_sqlite: bool
    user_version: int  # offset 60, signed big-endian
    application_id: int  # offset 68, signed big-endian (SQLite reports it signed)


def resolved(path: str | os.PathLike[str]) -> Path:
    """``path`` made absolute, with ``~`` and symbolic links followed. A loop of links (a
    link to itself) is refused in words: :meth:`Path.resolve` raises ``RuntimeError``
    (``OSError`` from Python 3.13) for it."""
    given = Path(path).expanduser()
    try:
        return given.resolve()
    except (RuntimeError, OSError) as exc:
        raise DatabaseOpenError(f"{given} is a symbolic link in a loop, not a database file.") from exc


def regular_file(path: Path) -> os.stat_result | None:
    """``stat`` of ``path`` (following links); None when it does not exist. A folder, FIFO,
    socket or device raises :class:`DatabaseOpenError` saying what it is."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DatabaseOpenError(f"Cannot read {path}: {exc.strerror}.") from exc
    _require_regular(path, st)
    return st


def _require_regular(
    path: Path,
    st: os.stat_result,
    error: Callable[[str], Exception] = DatabaseOpenError,
    what: str = "a database file",
) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise error(f"{path} is a folder, not {what}.")
    if not stat.S_ISREG(st.st_mode):
        raise error(f"{path} is not a regular file (a pipe or a device), not {what}.")


def read_regular(
    path: Path,
    limit: int,
    *,
    error: Callable[[str], Exception] = DatabaseOpenError,
    what: str = "a database file",
) -> tuple[os.stat_result, bytes]:
    """The first ``limit`` bytes of the regular file ``path``, and its ``stat``. Opened
    non-blocking and checked on the open descriptor, so a FIFO (whose read would wait for
    ever for a writer) or one swapped in after a ``stat`` is never read; a folder, FIFO or
    device raises ``error`` saying what it is, not ``what`` was expected."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except IsADirectoryError as exc:
        raise error(f"{path} is a folder, not {what}.") from exc
    except OSError as exc:
        raise error(f"Cannot read {path}: {exc.strerror}.") from exc
    try:
        st = os.fstat(fd)
        _require_regular(path, st, error, what)
        with os.fdopen(os.dup(fd), "rb") as fh:
            return st, fh.read(limit)
    except OSError as exc:
        raise error(f"Cannot read {path}: {exc.strerror}.") from exc
    finally:
        os.close(fd)


def read_header(path: Path) -> Header:
    """The header of the regular file ``path`` (:func:`read_regular`)."""
    st, data = read_regular(path, HEADER_SIZE)
    is_sqlite = data[:16] == SQLITE_HEADER
    full = is_sqlite and len(data) == HEADER_SIZE

    def field(offset: int) -> int:
        return int.from_bytes(data[offset : offset + 4], "big", signed=True) if full else 0

    return Header(st.st_size, is_sqlite, field(60), field(68))


def _newest() -> int:
    from db import migrations  # migrations imports backup, which imports this module

    return migrations.SCHEMA_VERSION


def classify(name: str, application_id: int, version: int, tables: Iterable[str]) -> int:
    """The schema version of a file with these header fields and tables (0: an SQLite file
    with no tables yet, to be created). Raises :class:`DatabaseOpenError` for another
    program's file, a file of a newer MWMS Desktop, or a version no MWMS Desktop wrote."""
    tables = frozenset(tables)
    newest = _newest()
    if application_id == APPLICATION_ID:
        if version > newest:
            raise DatabaseOpenError(
                f"{name} was written by a newer MWMS Desktop (schema {version}; this version "
                f"reads up to {newest}). Update MWMS Desktop to open it."
            )
        if version < FIRST_VERSION_WITH_ID:
            raise _unknown_version(name, version)
        return version
    if application_id != 0:
        raise _foreign(name)
    if version == 0 and not tables:
        return 0
    if LEGACY_TABLES.get(version) == tables:
        return version
    if tables in LEGACY_TABLES.values():  # our tables, a version no MWMS Desktop wrote
        raise _unknown_version(name, version)
    raise _foreign(name)


def _foreign(name: str) -> ForeignFile:
    return ForeignFile(f"{name} is an SQLite file of another program.")


def _unknown_version(name: str, version: int) -> ForeignFile:
    return ForeignFile(
        f"{name} records a schema version no MWMS Desktop wrote ({version}); it was left as it was."
    )


def version_of(query: Callable[[str], list[tuple]], name: str) -> int:
    """:func:`classify` of an open connection; ``query(sql)`` returns the rows of ``sql``.
    Reads only."""
    app_id = int(query(IDENTITY_SQL[0])[0][0])
    version = int(query(IDENTITY_SQL[1])[0][0])
    tables = [str(r[0]) for r in query(IDENTITY_SQL[2])]
    return classify(name, app_id, version, tables)


def connect_readonly(path: Path, *, glance: bool = False) -> sqlite3.Connection:
    """A read-only connection that leaves nothing behind when it can. With no ``-wal``
    beside the file, the file alone is the whole database; when this process cannot write
    the file or its folder, no writer of it can be running either, so it is read as
    immutable (no ``-shm``/``-wal`` created, which a read-only connection could not remove,
    and none needed in a read-only folder). ``glance``: a look at the header and schema
    only (what :func:`file_version` reads), immutable whenever there is no ``-wal``, so
    another program's file gets nothing made beside it. Otherwise a plain ``mode=ro``
    connection, which reads the WAL."""
    path = path.resolve()
    uri = path.as_uri() + "?mode=ro"
    writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)
    if not Path(f"{path}-wal").exists() and (glance or not writable):
        uri += "&immutable=1"
    return sqlite3.connect(uri, uri=True)


def file_version(path: Path) -> int:
    """:func:`classify` of the file at ``path`` (0 for an empty one), read without writing.
    Raises :class:`DatabaseOpenError` for a file that is not an MWMS Desktop database this
    version can read; ``sqlite3.DatabaseError`` when SQLite cannot read it (damage)."""
    if regular_file(path) is None:
        raise DatabaseOpenError(f"{path} does not exist.")
    header = read_header(path)
    if header.size == 0:
        return 0
    if not header.is_sqlite:
        raise sqlite3.DatabaseError("file is not a database")
    if header.application_id not in (0, APPLICATION_ID):
        raise _foreign(path.name)  # known from the header alone: SQLite never opens it
    con = connect_readonly(path, glance=True)
    try:
        return version_of(lambda sql: con.execute(sql).fetchall(), path.name)
    finally:
        con.close()


def foreign(path: Path) -> ForeignFile | None:
    """The refusal for an existing file known to be another program's, else None: missing,
    empty, damaged and MWMS Desktop files (even newer ones) are for the command to handle;
    a damaged file is restored, not refused."""
    try:
        header = read_header(path) if regular_file(path) is not None else None
        if header is None or header.size == 0 or not header.is_sqlite:
            return None
        if header.application_id == APPLICATION_ID:  # ours, whatever its version
            return None
        if not _readable(path):  # damage (a header of garbage too): restored, not refused
            return None
        file_version(path)
    except ForeignFile as exc:
        return exc
    except (DatabaseOpenError, sqlite3.Error):
        return None
    return None


def _readable(path: Path) -> bool:
    """Whether SQLite can read the schema of ``path`` at all."""
    try:
        con = connect_readonly(path, glance=True)
        try:
            con.execute(IDENTITY_SQL[2]).fetchall()
        finally:
            con.close()
    except sqlite3.Error:
        return False
    return True


def check_restore(db_path: Path, backup_path: Path) -> None:
    """Refuse a restore that would put something other than an MWMS Desktop database this
    version reads in place, or move another program's file aside; raises
    :class:`DatabaseOpenError` saying which. A damaged target may be restored over (that is
    recovery); a damaged backup is left to the restore's own integrity check."""
    try:
        found = file_version(backup_path)
    except DatabaseOpenError as exc:
        raise DatabaseOpenError(f"Not restored: {exc}") from exc
    except sqlite3.Error:
        found = None
    if found == 0:
        raise DatabaseOpenError(f"Not restored: {backup_path.name} holds no MWMS Desktop database.")
    refusal = foreign(db_path)
    if refusal is not None:
        raise DatabaseOpenError(f"Not restored: {refusal}") from refusal
