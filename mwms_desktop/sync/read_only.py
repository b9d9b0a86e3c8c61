"""Engagements this consultant may read on the team server but not change (head office reads
every engagement; a colleague's stays the colleague's to change): local changes to one can
never be pushed. Rather than leave them waiting for ever, reported on every sync, the sync
keeps them in a bundle file beside the database (the losing version, whole: send it to the
owner, whose import merges it) and makes the engagement again as the server has it, so this
laptop converges with the team and nothing is lost.

The file is written and the engagement replaced in one SQLite transaction, which holds the
write lock from the read of what is kept to the replacement: an edit made meanwhile waits,
and lands on the server's version. The file is written before the replacement commits: a
failure to write it changes nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import psycopg

from db.connection import database_path
from db.models import Conflict, Engagement, RecordClock, Tombstone, database
from mwms_desktop.bundle.export import export_bundle
from mwms_desktop.bundle.schema import KINDS
from mwms_desktop.clock import Clock, FixedClock
from mwms_desktop.files import FileWriteError
from mwms_desktop.sync import local, merge_in, server

FOLDER = "refused-changes"  # beside the database file


def folder() -> Path:
    """Where refused changes are kept: beside the database file."""
    path = database_path()
    assert path is not None, "the database is open during a sync"
    return path.parent / FOLDER


def _kept_file(uuid: str, at: datetime) -> Path:
    """A new file name: the time to the microsecond, and a number if even that is taken (a
    kept version is never written over)."""
    stem = f"refused-{at:%Y%m%d-%H%M%S-%f}-{uuid[:8]}"
    path, n = folder() / f"{stem}.json", 1
    while path.exists():
        n += 1
        path = folder() / f"{stem}-{n}.json"
    return path


def _forget(e: Engagement, now: datetime) -> None:
    """Remove the local engagement, its records, their clocks, its tombstones and the status
    log of its refused changes, writing no tombstone and marking nothing pending (the caller
    is inside ``local.applying()``). The conflicts it had open are settled as the server's:
    the local side of each is in the kept file."""
    uuids = [e.uuid]
    for kind in KINDS:
        model = kind.model
        uuids += [u for (u,) in model.select(model.uuid).where(model.engagement == e.id).tuples()]
    for start in range(0, len(uuids), 500):
        RecordClock.delete().where(RecordClock.uuid.in_(uuids[start : start + 500])).execute()
    Tombstone.delete().where(Tombstone.engagement_uuid == e.uuid).execute()
    Conflict.update(resolved_at=now, resolution="theirs").where(
        (Conflict.engagement_uuid == e.uuid) & Conflict.resolved_at.is_null()
    ).execute()
    e.delete_instance()  # its records and status log go with it (ON DELETE CASCADE)


def _renumber(uuid: str, local_id: int) -> None:
    """Give the engagement the server's version made its old local id back (an open
    workspace, the board's selection and the Today view name it by that id); its records
    follow. The foreign keys are checked at commit, when all of them agree again."""
    made = Engagement.get(Engagement.uuid == uuid).id
    if made == local_id:
        return
    database.execute_sql("PRAGMA defer_foreign_keys = ON")
    Engagement.update(id=local_id).where(Engagement.id == made).execute()
    for fk in Engagement._meta.backrefs:
        fk.model.update({fk: local_id}).where(fk == made).execute()


def keep_and_reset(conn: psycopg.Connection, uuids: list[str], clock: Clock) -> dict[str, tuple[bool, str]]:
    """For each engagement of ``uuids`` (read-only on the server): keep its local version in
    a bundle file and take the server's. Returns uuid -> (whether it was replaced, the
    sentence saying what was done)."""
    with conn.transaction():
        query = "SELECT uuid, id FROM engagement WHERE uuid = ANY(%s)"
        found = dict(conn.execute(query, (uuids,)).fetchall())
        entries = server.read_entries(conn, list(found.values()))
    out: dict[str, tuple[bool, str]] = {}
    for uuid in uuids:
        pair = entries.get(found.get(uuid, -1))
        if pair is None:  # gone from the server meanwhile: left waiting, reported as refused
            continue
        now = clock.now()
        path: Path | None = None
        try:
            with database.atomic("IMMEDIATE"):
                e = Engagement.get_or_none(Engagement.uuid == uuid)
                if e is None:
                    continue
                folder().mkdir(mode=0o700, exist_ok=True)
                path = _kept_file(uuid, now)
                export_bundle(path, [e.id], clock=FixedClock(now))
                local_id = e.id
                with local.applying():
                    _forget(e, now)
                if merge_in.merge([pair], now).engagements != 1:  # the server's would not be taken
                    raise _Kept
                with local.applying():
                    _renumber(uuid, local_id)
                local.forget_pending([uuid])
        except _Kept:
            if path is not None:
                path.unlink(missing_ok=True)  # nothing was replaced: the changes stay waiting, here
            continue
        except (FileWriteError, OSError) as exc:  # nothing was replaced: they stay waiting
            why = str(exc) if isinstance(exc, FileWriteError) else f"{exc.strerror or exc}"
            out[uuid] = (False, f"its changes stay waiting, as no file could keep them ({why.rstrip('.')})")
            continue
        kept = f"your changes are kept in {path} (its owner can import them); it is now the server's"
        out[uuid] = (True, kept)
    return out


class _Kept(Exception):
    """The server's version could not be merged: undo the replacement."""
