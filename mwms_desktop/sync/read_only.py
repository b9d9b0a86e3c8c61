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
from db.models import Engagement, RecordClock, Tombstone, database
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


def _file_name(uuid: str, at: datetime) -> str:
    return f"refused-{at:%Y%m%d-%H%M%S}-{uuid[:8]}.json"


def _forget(e: Engagement) -> None:
    """Remove the local engagement, its records, their clocks and its tombstones, writing no
    tombstone and marking nothing pending (the caller is inside ``local.applying()``)."""
    uuids = [e.uuid]
    for kind in KINDS:
        model = kind.model
        uuids += [u for (u,) in model.select(model.uuid).where(model.engagement == e.id).tuples()]
    for start in range(0, len(uuids), 500):
        RecordClock.delete().where(RecordClock.uuid.in_(uuids[start : start + 500])).execute()
    Tombstone.delete().where(Tombstone.engagement_uuid == e.uuid).execute()
    e.delete_instance()  # its records go with it (ON DELETE CASCADE)


def keep_and_reset(conn: psycopg.Connection, uuids: list[str], clock: Clock) -> dict[str, str]:
    """For each engagement of ``uuids`` (read-only on the server): keep its local version in
    a bundle file and take the server's. Returns uuid -> the sentence saying what was done."""
    with conn.transaction():
        query = "SELECT uuid, id FROM engagement WHERE uuid = ANY(%s)"
        found = dict(conn.execute(query, (uuids,)).fetchall())
        entries = server.read_entries(conn, list(found.values()))
    out: dict[str, str] = {}
    for uuid in uuids:
        pair = entries.get(found.get(uuid, -1))
        if pair is None:  # gone from the server meanwhile: left waiting, reported as refused
            continue
        now = clock.now()
        path = folder() / _file_name(uuid, now)
        try:
            with database.atomic("IMMEDIATE"):
                e = Engagement.get_or_none(Engagement.uuid == uuid)
                if e is None:
                    continue
                path.parent.mkdir(mode=0o700, exist_ok=True)
                export_bundle(path, [e.id], clock=FixedClock(now))
                with local.applying():
                    _forget(e)
                if merge_in.merge([pair], now).engagements != 1:  # the server's would not be taken
                    raise _Kept
                local.forget_pending([uuid])
        except _Kept:
            path.unlink(missing_ok=True)  # nothing was replaced: the changes stay waiting, here
            continue
        except (FileWriteError, OSError) as exc:  # nothing was replaced: they stay waiting
            why = str(exc) if isinstance(exc, FileWriteError) else f"{exc.strerror or exc}"
            out[uuid] = (
                f"its changes stay waiting here, as they could not be kept in a file ({why.rstrip('.')})"
            )
            continue
        out[uuid] = f"your changes are kept in {path} (its owner can import them); it is now the server's"
    return out


class _Kept(Exception):
    """The server's version could not be merged: undo the replacement."""
