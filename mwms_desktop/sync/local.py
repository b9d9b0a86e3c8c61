"""What this laptop knows of the team server, in its own SQLite file (schema 6): engagements
with changes the server lacks (``sync_pending``), what the server last had of each record
(``sync_shadow``, a digest) and of each engagement (``sync_base``, its content version), the
pull cursor and when the last sync finished (settings). Reads are a few indexed queries."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from datetime import datetime

from db.migrations import SYNC_APPLYING
from db.models import Conflict, Setting, database
from mwms_desktop import settings

CURSOR_KEY = "sync_cursor"  # JSON [content_version, engagement server id]
LAST_KEY = "sync_last_at"
SERVER_KEY = "sync_server"  # the address the shadow and cursor are of
THRESHOLDS_KEY = "team_thresholds"  # JSON: what head office set, as last taken


def _get(key: str) -> str | None:
    row = database.execute_sql('SELECT "value" FROM "setting" WHERE "key" = ?', (key,)).fetchone()
    return None if row is None else row[0]


def _put(key: str, value: str | None) -> None:
    if _get(key) == value:
        return  # unchanged: no write (an open window would take it for an outside change)
    if value is None:
        database.execute_sql('DELETE FROM "setting" WHERE "key" = ?', (key,))
    else:
        Setting.replace(key=key, value=value).execute()


def joined() -> bool:
    return _get(settings.TEAM_ADDRESS.key) is not None


def last_sync_at() -> datetime | None:
    text = _get(LAST_KEY)
    try:
        return datetime.fromisoformat(json.loads(text)) if text else None
    except (ValueError, TypeError):
        return None


def set_last_sync_at(at: datetime) -> None:
    _put(LAST_KEY, json.dumps(at.isoformat(timespec="seconds")))


def waiting() -> int:
    return database.execute_sql('SELECT count(*) FROM "sync_pending"').fetchone()[0]


def open_conflicts() -> int:
    return Conflict.select().where(Conflict.resolved_at.is_null()).count()


# --- the cursor and the server these are of -------------------------------------------


def cursor() -> tuple[int, int]:
    text = _get(CURSOR_KEY)
    try:
        version, eid = json.loads(text) if text else (0, 0)
        return int(version), int(eid)
    except (ValueError, TypeError):
        return 0, 0


def set_cursor(value: tuple[int, int]) -> None:
    _put(CURSOR_KEY, json.dumps(list(value)))


def ensure_server(address_url: str) -> bool:
    """Make the sync state that of ``address_url``; True when it was another server's (or
    none): then the cursor starts again and every engagement is pending, one transaction."""
    if _get(SERVER_KEY) == json.dumps(address_url):
        return False
    with database.atomic():
        for key in (CURSOR_KEY,):
            _put(key, None)
        database.execute_sql('DELETE FROM "sync_shadow"')
        database.execute_sql('DELETE FROM "sync_base"')
        database.execute_sql(
            'INSERT INTO "sync_pending" ("engagement_uuid", "generation") SELECT "uuid", 1 FROM "engagement" '
            'WHERE true ON CONFLICT ("engagement_uuid") DO UPDATE SET "generation" = "generation" + 1'
        )
        _put(SERVER_KEY, json.dumps(address_url))
    return True


# --- pending ----------------------------------------------------------------------------


def pending(limit: int | None = None) -> list[tuple[str, int]]:
    """(engagement uuid, generation) of engagements with changes the server lacks."""
    query = 'SELECT "engagement_uuid", "generation" FROM "sync_pending" ORDER BY rowid'
    if limit is not None:
        query += f" LIMIT {int(limit)}"
    return [(u, g) for u, g in database.execute_sql(query).fetchall()]


def is_pending(uuid: str) -> bool:
    return (
        database.execute_sql('SELECT 1 FROM "sync_pending" WHERE "engagement_uuid" = ?', (uuid,)).fetchone()
        is not None
    )


def mark_pending(uuids: Iterable[str]) -> None:
    database.cursor().executemany(
        'INSERT INTO "sync_pending" ("engagement_uuid", "generation") VALUES (?, 1) '
        'ON CONFLICT ("engagement_uuid") DO UPDATE SET "generation" = "generation" + 1',
        ((u,) for u in uuids),
    )


def clear_pending(sent: Iterable[tuple[str, int]]) -> None:
    """Clear engagements whose changes the server now has, unless changed since they were sent."""
    database.cursor().executemany(
        'DELETE FROM "sync_pending" WHERE "engagement_uuid" = ? AND "generation" = ?', list(sent)
    )


def forget_pending(uuids: Iterable[str]) -> None:
    """Nothing of these engagements waits for the server any more, whatever changed (their
    local changes were kept elsewhere: ``read_only``)."""
    query = 'DELETE FROM "sync_pending" WHERE "engagement_uuid" = ?'
    database.cursor().executemany(query, [(u,) for u in uuids])


# --- what the server last had -------------------------------------------------------------


def bases(uuids: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for start in range(0, len(uuids), 500):
        chunk = uuids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        out.update(
            database.execute_sql(
                'SELECT "engagement_uuid", "content_version" FROM "sync_base" '
                f'WHERE "engagement_uuid" IN ({marks})',
                chunk,
            ).fetchall()
        )
    return out


def shadows(engagement_uuids: list[str]) -> dict[str, dict[str, str]]:
    """engagement uuid -> {uuid: digest} of every record (and tombstone) of it the server had."""
    out: dict[str, dict[str, str]] = {u: {} for u in engagement_uuids}
    for start in range(0, len(engagement_uuids), 500):
        chunk = engagement_uuids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for uuid, engagement, digest in database.execute_sql(
            'SELECT "uuid", "engagement_uuid", "digest" FROM "sync_shadow" '
            f'WHERE "engagement_uuid" IN ({marks})',
            chunk,
        ).fetchall():
            out[engagement][uuid] = digest
    return out


def remember(engagement_uuid: str, content_version: int, digests: dict[str, str]) -> None:
    """The server now holds exactly ``digests`` of this engagement, at ``content_version``."""
    database.execute_sql('DELETE FROM "sync_shadow" WHERE "engagement_uuid" = ?', (engagement_uuid,))
    database.cursor().executemany(
        'INSERT OR REPLACE INTO "sync_shadow" ("uuid", "engagement_uuid", "digest") VALUES (?, ?, ?)',
        ((u, engagement_uuid, d) for u, d in digests.items()),
    )
    database.execute_sql(
        'INSERT OR REPLACE INTO "sync_base" ("engagement_uuid", "content_version") VALUES (?, ?)',
        (engagement_uuid, content_version),
    )


@contextlib.contextmanager
def applying() -> Iterator[None]:
    """Inside the caller's transaction: writes made here (a pull's merge) mark nothing pending."""
    _put(SYNC_APPLYING, "1")
    try:
        yield
    finally:
        _put(SYNC_APPLYING, None)


def take_thresholds(values: dict[str, int]) -> None:
    """Head office's thresholds: the rule settings take them, the rest is kept as set."""
    for spec in settings.ALL:
        if spec.key in values:
            _put(spec.key, json.dumps(values[spec.key]))
    _put(THRESHOLDS_KEY, json.dumps(dict(sorted(values.items()))) if values else None)


def head_office_thresholds() -> dict[str, int]:
    """The thresholds head office set, as the last sync took them (empty: none)."""
    try:
        values = json.loads(_get(THRESHOLDS_KEY) or "{}")
    except ValueError:
        return {}
    return {str(k): int(v) for k, v in values.items()} if isinstance(values, dict) else {}
