"""An engagement in the bundle format 2 form, both ways: from this laptop's file (the
bundle export) and from the server's rows; each record's digest (what says whether the
server has this version of it); and the rows of a record as the server stores them."""

from __future__ import annotations

import hashlib
import json
import uuid as _uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from db.models import Engagement
from mwms_desktop import health
from mwms_desktop.bundle.export import build_bundle
from mwms_desktop.bundle.schema import ENGAGEMENT_FIELDS, FORMAT, KIND_BY_KEY, KINDS, VERSION

TOMB = "~"  # a tombstone's digest key is its uuid after this mark (a record and its deletion differ)
LINKS = {"hypotheses": ("insights", "hypothesis_insight", "hypothesis", "insight"),
         "learnings": ("evidence", "learning_evidence", "learning", "cycle")}  # fmt: skip
REFS = {"cycles": ("hypothesis", "hypothesis")}  # kind -> (field, parent table): a uuid on the wire
_LINK_NS = _uuid.UUID("6c7f2f0e-5b1a-4d59-9a57-2f5d0c3e7a11")


@dataclass
class Entry:
    """One engagement as a bundle entry: the record with its lists, and its tombstones."""

    record: dict[str, Any]
    tombstones: list[dict[str, Any]] = field(default_factory=list)

    @property
    def uuid(self) -> str:
        return self.record["uuid"]

    def digests(self) -> dict[str, str]:
        """uuid -> digest of every version in the entry: the engagement's own fields, each
        record, each tombstone (its key marked)."""
        own = {k: v for k, v in self.record.items() if k not in KIND_BY_KEY}
        out = {self.uuid: _digest(own)}
        for kind in KINDS:
            for r in self.record.get(kind.key, []):
                out[r["uuid"]] = _digest(r)
        for t in self.tombstones:
            out[TOMB + t["uuid"]] = _digest(t)
        return out


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def local_entries(uuids: list[str], now: datetime) -> dict[str, Entry]:
    """The engagements with these uuids, as this laptop's bundle export writes them."""
    ids = [i for (i,) in Engagement.select(Engagement.id).where(Engagement.uuid.in_(uuids)).tuples()]
    if not ids:
        return {}
    bundle = build_bundle(ids, now)
    out = {e["uuid"]: Entry(e) for e in bundle["engagements"]}
    for t in bundle["tombstones"]:
        if t["engagement"] in out:
            out[t["engagement"]].tombstones.append(t)
    return out


def as_bundle(entries: list[Entry], now: datetime) -> bytes:
    """A bundle file's bytes holding ``entries``: what ``bundle.parse`` validates."""
    top = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now.isoformat(timespec="seconds"),
        "device": "",
        "engagements": [e.record for e in entries],
        "tombstones": [t for e in entries for t in e.tombstones],
    }
    return json.dumps(top, ensure_ascii=False, allow_nan=False).encode()


# --- from the server's rows -------------------------------------------------------------


def _clock(row: dict[str, Any], out: dict[str, Any]) -> dict[str, Any]:
    out["vv"], out["device"], out["dots"] = (
        row.get("vv") or {},
        row.get("device") or "",
        row.get("dots") or {},
    )
    return out


def engagement_from_row(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"uuid": row["uuid"], "updated_at": row["updated_at"]}
    out.update({k: row[k] for k in ENGAGEMENT_FIELDS})
    out["position"] = float(out["position"])  # JSON on the server writes 1.0 as 1
    return _clock(row, out)


def record_from_row(
    key: str, row: dict[str, Any], links: dict[str, list[str]], uuids: dict[int, str]
) -> dict:
    """A record of kind ``key`` from its server row; ``links``: its linked uuids (hypotheses'
    insights, learnings' evidence); ``uuids``: server id -> uuid of referenced records."""
    kind = KIND_BY_KEY[key]
    out: dict[str, Any] = {"uuid": row["uuid"], "updated_at": row["updated_at"]}
    for name in kind.fields:
        if key in LINKS and name == LINKS[key][0]:
            out[name] = sorted(links.get(row["uuid"], []))
        elif key in REFS and name == REFS[key][0]:
            ref = row.get(f"{name}_id")
            out[name] = uuids.get(ref) if ref is not None else None
        elif name == "ratings":
            out[name] = json.loads(row["ratings"])
        else:
            out[name] = row[name]
    return _clock(row, out)


# --- to the server's rows ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Write:
    """One statement of a push: ``table``, ``sql`` (psycopg placeholders) and its params.
    Writes with the same ``sql`` run together (``executemany``)."""

    engagement: str
    sql: str
    params: tuple[Any, ...]


def _upsert(table: str, columns: list[str], refs: dict[str, str]) -> str:
    """INSERT … ON CONFLICT (uuid) DO UPDATE; a column in ``refs`` takes the id of the
    parent table's row with the given uuid."""
    values = [f"(SELECT id FROM {refs[c]} WHERE uuid = %s)" if c in refs else "%s" for c in columns]
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c != "uuid")
    names = ", ".join(f'"{c}"' for c in columns)
    return (
        f"INSERT INTO {table} ({names}) VALUES ({', '.join(values)}) ON CONFLICT (uuid) DO UPDATE SET "
        + ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in columns if c != "uuid")
        if updates
        else ""
    )


def _jsonb(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


ENGAGEMENT_SQL = _upsert("engagement", ["uuid", "updated_at", *ENGAGEMENT_FIELDS, "vv", "dots", "device"], {})


def _kind_columns(key: str) -> tuple[list[str], dict[str, str]]:
    kind = KIND_BY_KEY[key]
    names: list[str] = []
    refs = {"engagement_id": "engagement"}
    for name in kind.fields:
        if key in LINKS and name == LINKS[key][0]:
            continue
        if key in REFS and name == REFS[key][0]:
            names.append(f"{name}_id")
            refs[f"{name}_id"] = REFS[key][1]
            continue
        names.append(name)
    if key == "checkins":
        names.append("score")
    return ["uuid", "updated_at", "engagement_id", *names, "vv", "dots", "device"], refs


KIND_SQL = {kind.key: _upsert(kind.model._meta.table_name, *_kind_columns(kind.key)) for kind in KINDS}
TOMBSTONE_SQL = (
    "INSERT INTO tombstone (uuid, kind, engagement_id, deleted_at, device, who, vv) VALUES "
    "(%s, %s, (SELECT id FROM engagement WHERE uuid = %s), %s, %s, %s, %s) ON CONFLICT (uuid) DO UPDATE SET "
    "kind = EXCLUDED.kind, deleted_at = EXCLUDED.deleted_at, device = EXCLUDED.device, who = EXCLUDED.who, "
    "vv = EXCLUDED.vv"
)


def _record_params(key: str, engagement_uuid: str, r: dict[str, Any]) -> tuple[Any, ...]:
    columns, _refs = _kind_columns(key)
    out: list[Any] = []
    for c in columns:
        if c == "engagement_id":
            out.append(engagement_uuid)
        elif c in ("vv", "dots"):
            out.append(_jsonb(r[c]))
        elif c == "ratings":
            out.append(_jsonb(r["ratings"]))
        elif c == "score" and key == "checkins":  # derived, as the merge derives it
            out.append(health.score(r["ratings"]))
        elif c.endswith("_id"):
            out.append(r[c.removesuffix("_id")])
        else:
            out.append(r[c])
    return tuple(out)


def writes(entry: Entry, shadow: dict[str, str]) -> list[Write]:
    """What the server needs to hold ``entry`` when it holds ``shadow`` (digests of what it
    had): the changed records, their links, deletions, and deletions undone."""
    e = entry.uuid
    now = entry.digests()
    out: list[Write] = []
    own = entry.record
    if shadow.get(e) != now[e]:
        out.append(Write(e, ENGAGEMENT_SQL, (
            own["uuid"], own["updated_at"], *(own[k] for k in ENGAGEMENT_FIELDS),
            _jsonb(own["vv"]), _jsonb(own["dots"]), own["device"])))  # fmt: skip
    links: list[Write] = []
    for kind in KINDS:
        for r in own.get(kind.key, []):
            if shadow.get(r["uuid"]) == now[r["uuid"]]:
                continue
            out.append(Write(e, KIND_SQL[kind.key], _record_params(kind.key, e, r)))
            if kind.key in LINKS:
                name, table, own_t, other_t = LINKS[kind.key]
                links.append(Write(e, f"DELETE FROM {table} WHERE {own_t}_id = "
                                   f"(SELECT id FROM {own_t} WHERE uuid = %s)", (r["uuid"],)))  # fmt: skip
                for other in r[name]:
                    links.append(Write(e, (
                        f"INSERT INTO {table} (uuid, updated_at, {own_t}_id, {other_t}_id) SELECT %s, %s, a.id, b.id"
                        f" FROM {own_t} a, {other_t} b WHERE a.uuid = %s AND b.uuid = %s ON CONFLICT DO NOTHING"),
                        (str(_uuid.uuid5(_LINK_NS, f"{r['uuid']}/{other}")), r["updated_at"], r["uuid"], other)))  # fmt: skip
    out += links
    for t in entry.tombstones:
        key = TOMB + t["uuid"]
        if shadow.get(key) == now[key]:
            continue
        table = KIND_BY_KEY[t["kind"]].model._meta.table_name
        out.append(Write(e, f"DELETE FROM {table} WHERE uuid = %s", (t["uuid"],)))
        out.append(Write(e, TOMBSTONE_SQL, (
            t["uuid"], t["kind"], e, t["deleted_at"], t["device"], t["who"], _jsonb(t["vv"]))))  # fmt: skip
    for key in shadow:
        if key.startswith(TOMB) and key not in now:  # a deletion undone here
            out.append(Write(e, "DELETE FROM tombstone WHERE uuid = %s", (key[len(TOMB) :],)))
    return out
