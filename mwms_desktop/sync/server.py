"""Reading whole engagements from the team server, as this consultant may see them."""

from __future__ import annotations

from typing import Any

import psycopg

from mwms_desktop.bundle.schema import KINDS
from mwms_desktop.sync.entries import LINKS, REFS, Entry, engagement_from_row, record_from_row


def changed_after(
    conn: psycopg.Connection, cursor: tuple[int, int], limit: int
) -> list[tuple[int, str, int]]:
    """(server id, uuid, content version) of engagements changed after ``cursor``, oldest first."""
    return conn.execute(
        "SELECT id, uuid, content_version FROM engagement WHERE (content_version, id) > (%s, %s)"
        " ORDER BY content_version, id LIMIT %s",
        (*cursor, limit),
    ).fetchall()


def count_after(conn: psycopg.Connection, cursor: tuple[int, int]) -> int:
    row = conn.execute(
        "SELECT count(*) FROM engagement WHERE (content_version, id) > (%s, %s)", cursor
    ).fetchone()
    return int(row[0]) if row else 0


def read_entries(conn: psycopg.Connection, ids: list[int]) -> dict[int, tuple[Entry, int]]:
    """server id -> (the engagement as a bundle entry, its content version)."""
    if not ids:
        return {}
    engagements = {
        r["id"]: r
        for (r,) in conn.execute("SELECT to_jsonb(e) FROM engagement e WHERE id = ANY(%s)", (ids,)).fetchall()
    }
    out: dict[int, tuple[Entry, int]] = {
        i: (Entry({**engagement_from_row(r), **{k.key: [] for k in KINDS}}), int(r["content_version"]))
        for i, r in engagements.items()
    }
    links: dict[str, dict[str, list[str]]] = {}
    for key, (_name, table, own, other) in LINKS.items():
        found: dict[str, list[str]] = {}
        for a, b in conn.execute(
            f"SELECT a.uuid, b.uuid FROM {table} l JOIN {own} a ON a.id = l.{own}_id"
            f" JOIN {other} b ON b.id = l.{other}_id WHERE a.engagement_id = ANY(%s)",
            (ids,),
        ).fetchall():
            found.setdefault(a, []).append(b)
        links[key] = found
    hypotheses: dict[int, str] = {}
    for kind in KINDS:
        table = kind.model._meta.table_name
        rows: list[dict[str, Any]] = [
            r
            for (r,) in conn.execute(
                f"SELECT to_jsonb(x) FROM {table} x WHERE engagement_id = ANY(%s) ORDER BY id", (ids,)
            ).fetchall()
        ]
        if kind.key == "hypotheses":
            hypotheses = {r["id"]: r["uuid"] for r in rows}
        for r in rows:
            uuids = hypotheses if kind.key in REFS else {}
            out[r["engagement_id"]][0].record[kind.key].append(
                record_from_row(kind.key, r, links.get(kind.key, {}), uuids)
            )
    for uuid, kind, eid, deleted_at, device, who, vv in conn.execute(
        "SELECT uuid, kind, engagement_id, deleted_at, device, who, vv FROM tombstone"
        " WHERE engagement_id = ANY(%s) ORDER BY deleted_at, uuid",
        (ids,),
    ).fetchall():
        out[eid][0].tombstones.append(
            {
                "uuid": uuid,
                "kind": kind,
                "engagement": out[eid][0].uuid,
                "deleted_at": deleted_at,
                "device": device,
                "who": who,
                "vv": vv,
            }
        )
    return out
