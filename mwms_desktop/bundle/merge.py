"""Merging a parsed bundle into the database by uuid, record by record through the merge
rules (``mwms_desktop/merge``): the bundle only reads and writes in bulk.

For each record the local version and the bundle's meet in :func:`rules.decide` (version
vectors; field by field when both sides changed it; a deletion is a version too): the
result is kept, taken or merged, and a record changed on both sides goes to the conflicts
list with both versions. Deletions travel as tombstones; a tombstone for a record never seen
here is kept (so the record cannot come back from a third laptop) and counted. The stage
history is a union of moves by uuid, and each engagement's stage is derived from its merged
history (``merge/history.py``), never taken from one side. Scores and onboarding items are
one per criterion or element, so they also match on that. Everything the database must
confirm (references, uuids owned by another engagement) is checked by
:func:`check_against_db` before anything is written.

The work is done in bulk, so a bundle of a whole portfolio takes seconds, not minutes:
:func:`check_against_db` reads every local row, clock and tombstone the bundle can touch
(by uuid, a few ``IN (...)`` queries per kind) into a :class:`Snapshot`; :func:`apply`
decides each record's fate from it (reading a record's values only when both sides changed
it), then writes each kind with one ``executemany`` per kind of write.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from peewee import __exception_wrapper__  # sqlite3 errors as peewee's, as its own queries raise them

from db import clocks
from db.models import (
    BaseModel,
    Engagement,
    HypothesisInsight,
    LearningEvidence,
    RecordClock,
    StageMove,
    Tombstone,
    database,
    new_uuid,
    utcnow,
)
from mwms_desktop import fields, health
from mwms_desktop.bundle.schema import (
    ENGAGEMENT_FIELDS,
    KIND_BY_KEY,
    KINDS,
    Bundle,
    Kind,
    Record,
    TombstoneRecord,
)
from mwms_desktop.errors import BundleError, ValidationError
from mwms_desktop.merge import conflicts, history, kinds, lapsed
from mwms_desktop.merge.rules import KEEP, Decision, Version, decide

_APPEND_ONLY = kinds.APPEND_ONLY  # facts that never change once recorded
_LINKS = {  # kind key -> (link model, own field, other field, ref field)
    "hypotheses": (HypothesisInsight, "hypothesis", "insight", "insights"),
    "learnings": (LearningEvidence, "learning", "cycle", "evidence"),
}
_CHUNK = 500  # uuids or ids per IN (...) query, well under SQLite's variable limit

Progress = Callable[[int, int], None]

ADDED, UPDATED, SKIPPED, DELETED = 0, 1, 2, 3


@dataclass
class ImportReport:
    counts: dict[str, list[int]] = field(default_factory=dict)  # key -> [added, updated, skipped, deleted]
    added: list[str] = field(default_factory=list)  # clients of engagements added
    updated: list[str] = field(default_factory=list)  # clients of engagements updated
    conflicts: int = 0  # new entries in the conflicts list
    unknown_tombstones: int = 0  # deletions of records never seen here (kept, not applied)

    def count(self, key: str, outcome: int) -> None:
        self.counts.setdefault(key, [0, 0, 0, 0])[outcome] += 1

    def total(self, outcome: int) -> int:
        return sum(c[outcome] for c in self.counts.values())

    def summary(self) -> str:
        """``"3 added, 1 updated, 2 deleted, 90 skipped, 1 conflict"``: the CLI and the window."""
        n = self.conflicts
        return (
            f"{self.total(ADDED)} added, {self.total(UPDATED)} updated, {self.total(DELETED)} deleted, "
            f"{self.total(SKIPPED)} skipped, {n} conflict{'' if n == 1 else 's'}"
        )


@dataclass(frozen=True, slots=True)
class Row:
    """A local row as the snapshot read it: its id, engagement (None for an engagement),
    criterion or element (None for other kinds) and ``updated_at`` as stored."""

    id: int
    engagement_id: int | None
    natural: Any
    stored_at: str
    uuid: str = ""

    @property
    def at(self) -> datetime:
        return BaseModel.updated_at.python_value(self.stored_at)


@dataclass
class Snapshot:
    """The local rows a bundle can touch, by uuid: its engagements and, per kind of record,
    every row holding a uuid the bundle carries or refers to; their clocks, and the local
    tombstones of those uuids."""

    engagements: dict[str, Row]
    rows: dict[str, dict[str, Row]]  # kind key -> uuid -> row
    clocks: dict[str, tuple[dict, dict, str]] = field(default_factory=dict)  # uuid -> (vv, dots, device)
    tombs: dict[str, Tombstone] = field(default_factory=dict)  # uuid -> local tombstone
    engagement_uuids: dict[int, str] = field(default_factory=dict)  # local id -> uuid

    def owned(self, target: str, uuid: str, engagement_id: int | None) -> bool:
        """Whether ``uuid`` is a record of kind ``target`` of that local engagement."""
        row = self.rows[target].get(uuid)
        return row is not None and engagement_id is not None and row.engagement_id == engagement_id

    def clock(self, uuid: str) -> tuple[dict, dict, str]:
        """The local (vector, dots, device) of ``uuid``, parsed on first use."""
        found = self.clocks.get(uuid)
        if found is None:
            return {}, {}, ""
        if isinstance(found[0], str):
            found = self.clocks[uuid] = (clocks.parse(found[0]), json.loads(found[1]), found[2])
        return found

    def same_vector(self, uuid: str, vector: dict[str, int]) -> bool:
        """Whether the local vector of ``uuid`` is ``vector``, without parsing it if it can."""
        found = self.clocks.get(uuid)
        if found is not None and isinstance(found[0], str):
            return found[0] == clocks.dump(vector)
        return self.clock(uuid)[0] == vector


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _refs(value: Any) -> tuple[str, ...] | list[str]:
    """The uuids a reference field holds: one, a list, or none (a cycle without hypothesis)."""
    return (value,) if isinstance(value, str) else value or ()


def _read(bundle: Bundle) -> Snapshot:
    """The snapshot of the database for ``bundle``: a few queries per kind of record."""
    wanted: dict[str, set[str]] = {kind.key: set() for kind in KINDS}
    for e in bundle.engagements:
        for kind in KINDS:
            uuids = wanted[kind.key]
            for r in e.children[kind.key]:
                uuids.add(r.uuid)
                for ref, target in kind.refs.items():
                    wanted[target].update(_refs(r.values[ref]))
    for t in bundle.tombstones:
        wanted[t.kind].add(t.uuid)
    found = _where_in(Engagement, "uuid", [e.uuid for e in bundle.engagements], "uuid", "id", "updated_at")
    engagements = {uuid: Row(id_, None, None, at, uuid) for uuid, id_, at in found}
    rows: dict[str, dict[str, Row]] = {}
    for kind in KINDS:
        natural = [kind.natural] if kind.natural else []
        columns = ("uuid", "id", "engagement", "updated_at", *natural)
        found = _where_in(kind.model, "uuid", sorted(wanted[kind.key]), *columns)
        rows[kind.key] = {r[0]: Row(r[1], r[2], r[4] if natural else None, r[3], r[0]) for r in found}
    every = sorted({u for k in wanted.values() for u in k} | {e.uuid for e in bundle.engagements})
    snap = Snapshot(engagements, rows)
    # As stored: a vector is parsed only when the bundle's differs (see Snapshot.clock).
    snap.clocks = {u: (vv, dots, device) for u, vv, dots, device in
                   _where_in(RecordClock, "uuid", every, "uuid", "vv", "dots", "device")}  # fmt: skip
    if database.execute_sql('SELECT 1 FROM "tombstone" LIMIT 1').fetchone() is not None:
        columns = ("uuid", "kind", "engagement_uuid", "deleted_at", "device", "who", "vv")
        for row in _where_in(Tombstone, "uuid", every, *columns):
            stone = Tombstone(**dict(zip(columns, row, strict=True)))
            stone.deleted_at = Tombstone.deleted_at.python_value(row[3])
            snap.tombs[stone.uuid] = stone
    owners = sorted({r.engagement_id for k in rows.values() for r in k.values()} - {None})
    snap.engagement_uuids = {i: u for u, i in _where_in(Engagement, "id", owners, "uuid", "id")}
    snap.engagement_uuids.update({r.id: u for u, r in engagements.items()})
    return snap


def _where_in(model: type, key: str, values: Sequence[Any], *columns: str) -> list[tuple]:
    """The fields ``columns`` of the rows whose field ``key`` is one of ``values``, as
    stored (plain SQL: peewee would build a node for each of thousands of values)."""
    fields = model._meta.fields
    selected = ", ".join(f'"{fields[c].column_name}"' for c in columns)
    head = f'SELECT {selected} FROM "{model._meta.table_name}" WHERE "{fields[key].column_name}" IN '
    found: list[tuple] = []
    for chunk in _chunks(values):
        found.extend(database.execute_sql(head + f"({', '.join('?' * len(chunk))})", list(chunk)).fetchall())
    return found


def check_against_db(bundle: Bundle) -> Snapshot:
    """Refuse, naming the place, what only the database can reveal: a record whose uuid
    belongs to another engagement here, a deletion of another engagement's record, or a
    reference to a uuid neither in the bundle nor in this engagement's records here (nor
    deleted: a reference to a deleted record is dropped). Returns the snapshot it checked."""
    snap = _read(bundle)
    buried = {t.uuid for t in bundle.tombstones} | set(snap.tombs)
    for e in bundle.engagements:
        local = snap.engagements.get(e.uuid)
        local_id = None if local is None else local.id
        incoming = {key: {r.uuid for r in records} for key, records in e.children.items()}
        for kind in KINDS:
            rows = snap.rows[kind.key]
            for r in e.children[kind.key]:
                row = rows.get(r.uuid)
                if row is not None:
                    _check_owner(kind, r, row, local_id)
                for ref, target in kind.refs.items():
                    for u in _refs(r.values[ref]):
                        if (
                            u not in incoming[target]
                            and u not in buried
                            and not snap.owned(target, u, local_id)
                        ):
                            where = f"{r.place}.{ref}"
                            raise BundleError(f"{where}: unknown uuid {u} (not in this engagement).", where)
    for t in bundle.tombstones:
        row = snap.rows[t.kind].get(t.uuid)
        if row is not None and snap.engagement_uuids.get(row.engagement_id) != t.engagement:
            where = f"{t.place}.engagement"
            raise BundleError(f"{where}: {t.uuid} belongs to another engagement in this database.", where)
        for other in KINDS:
            if other.key != t.kind and t.uuid in snap.rows[other.key]:
                where = f"{t.place}.kind"
                raise BundleError(f"{where}: {t.uuid} is one of the {other.key} here, not {t.kind}.", where)
    return snap


def _check_owner(kind: Kind, r: Record, row: Row, local_id: int | None) -> None:
    if local_id is None or row.engagement_id != local_id:
        where = f"{r.place}.uuid"
        raise BundleError(f"{where}: {r.uuid} belongs to another engagement in this database.", where)
    if kind.natural and row.natural != r.values[kind.natural]:
        where = f"{r.place}.{kind.natural}"
        raise BundleError(f"{where}: {r.uuid} is the record of {row.natural} here.", where)


@dataclass
class _Writes:
    """One kind's share of the merge, in bundle order."""

    # (uuid, engagement id or, for an engagement this merge adds, its uuid, values, updated_at)
    inserts: list[tuple[str, int | str, dict[str, Any], datetime]] = field(default_factory=list)
    updates: list[tuple[int, dict[str, Any], datetime]] = field(
        default_factory=list
    )  # (local id, values, at)
    relinked: list[tuple[str, dict[str, Any]]] = field(
        default_factory=list
    )  # (uuid, values): links rewritten
    deletes: list[tuple[int, str]] = field(default_factory=list)  # (local id, uuid)


@dataclass
class _Plan:
    writes: dict[str, _Writes]
    added: list[Record] = field(default_factory=list)  # engagements to add
    updated: list[tuple[int, dict[str, Any], datetime]] = field(default_factory=list)
    clocks: list[tuple[str, str, str, str]] = field(default_factory=list)  # (uuid, vv, dots, device)
    stones: list[tuple] = field(default_factory=list)  # tombstone rows to write
    unburied: list[str] = field(default_factory=list)  # tombstones to remove (records back)
    conflicts: list[tuple] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)  # local engagements that changed
    moved: set[str] = field(default_factory=set)  # engagement uuids with new moves


def _portable(key: str, values: dict[str, Any]) -> dict[str, Any]:
    """A bundle record's values in portable form (as ``merge/kinds.py`` reads a row)."""
    out: dict[str, Any] = {}
    for k, v in values.items():
        if k == "ratings":
            out[k] = json.loads(v)
        elif k in ("insights", "evidence"):
            out[k] = sorted(v)
        else:
            out[k] = kinds.to_json(v)
    if key == "engagements":
        for name in kinds.DERIVED:
            out.pop(name, None)
    return out


def _specs(key: str) -> dict[str, Any]:
    return ENGAGEMENT_FIELDS if key == "engagements" else KIND_BY_KEY[key].fields


def _parse_form(key: str, portable: dict[str, Any], fallback: dict[str, Any]) -> dict[str, Any]:
    """Portable values back in the form the parser gives (what the writes take)."""
    specs = _specs(key)
    out = dict(fallback)
    for k, v in portable.items():
        out[k] = None if v is None else specs[k].check(v, k, None)
    return out


def _valid(key: str) -> Callable[[dict[str, Any]], bool]:
    """Whether a field-by-field mix is a record the window could make (its record rules)."""
    name = "engagement" if key == "engagements" else KIND_BY_KEY[key].name

    def check(values: dict[str, Any]) -> bool:
        try:
            fields.check_record(
                name, _parse_form(key, {k: v for k, v in values.items() if k in _specs(key)}, {})
            )
        except ValidationError:
            return False
        return True

    return check


def _local_values(key: str, row: Row) -> dict[str, Any]:
    kind = kinds.KINDS[key]
    return kinds.portable(kind, kind.model.get_by_id(row.id))


def _kept(snap: Snapshot, row: Row, vector: dict[str, int], at: datetime) -> bool:
    """Whether the local row is the incoming version, or one that has seen it (no values
    need reading): the same vector (without vectors, the same time), or a greater one."""
    if vector and snap.same_vector(row.uuid, vector):
        return True
    vv = snap.clock(row.uuid)[0]
    relation = clocks.compare(vv, vector)
    return (relation == "equal" and (bool(vv) or row.at == at)) or (relation == "after" and bool(vector))


def _resolve(
    snap: Snapshot, key: str, row: Row | None, uuid: str, theirs: Version
) -> tuple[Decision, Version | None]:
    """The decision for one record: the local row (or tombstone) against ``theirs``."""
    tomb = snap.tombs.get(uuid) if row is None else None
    if row is None and tomb is None:
        return decide(None, theirs), None
    if row is not None:
        if _kept(snap, row, theirs.vv, theirs.at):
            return Decision(KEEP, theirs), None
        vv, dots, device = snap.clock(row.uuid)
        mine = Version(_local_values(key, row), vv, row.at, device, dots)
    else:
        mine = Version(None, clocks.parse(tomb.vv), tomb.deleted_at, tomb.device)
    return decide(mine, theirs, None if theirs.deleted else _valid(key)), mine


def _plan(bundle: Bundle, snap: Snapshot, report: ImportReport, now: datetime) -> _Plan:
    """Each record's fate, counted in bundle order."""
    naturals = {kind.key: _naturals(kind, bundle, snap) for kind in KINDS if kind.natural}
    plan = _Plan({kind.key: _Writes() for kind in KINDS})
    stones_by_kind: dict[str, list[TombstoneRecord]] = {}
    for t in bundle.tombstones:
        stones_by_kind.setdefault(t.kind, []).append(t)
    for e in bundle.engagements:
        local = snap.engagements.get(e.uuid)
        owner: int | str
        theirs = Version(_portable("engagements", e.values), e.vv, e.updated_at, e.device, e.dots)
        if local is None:
            plan.added.append(e)
            report.count("engagements", ADDED)
            report.added.append(e.values["client"])
            plan.clocks.append((e.uuid, clocks.dump(e.vv), json.dumps(e.dots, sort_keys=True), e.device))
            owner = e.uuid
        else:
            owner = local.id
            d, mine = _resolve(snap, "engagements", local, e.uuid, theirs)
            if d.take == KEEP:
                report.count("engagements", SKIPPED)
            else:
                values = (
                    e.values
                    if d.result is theirs
                    else _parse_form("engagements", dict(d.result.values), e.values)
                )
                plan.updated.append((local.id, values, d.result.at))
                plan.clocks.append(
                    (
                        e.uuid,
                        clocks.dump(d.result.vv),
                        json.dumps(d.result.dots, sort_keys=True),
                        d.result.device,
                    )
                )
                plan.touched.add(local.id)
                changed = mine is None or d.result.values != mine.values
                report.count("engagements", UPDATED if changed else SKIPPED)
                if changed:
                    report.updated.append(e.values["client"])
            _conflict(plan, d, mine, theirs, "engagements", e.uuid, e.uuid, now)
        for kind in KINDS:
            w, rows, by_natural = plan.writes[kind.key], snap.rows[kind.key], naturals.get(kind.key)
            for r in e.children[kind.key]:
                row = rows.get(r.uuid)
                if row is None and by_natural is not None and local is not None:
                    row = by_natural.get((local.id, r.values[kind.natural]))
                if kind.key in _APPEND_ONLY:
                    if row is None:
                        w.inserts.append((r.uuid, owner, r.values, r.updated_at))
                        report.count(kind.key, ADDED)
                        if kind.key == "stage_history":
                            plan.moved.add(e.uuid)
                            if local is not None:
                                plan.touched.add(local.id)
                    else:
                        report.count(kind.key, SKIPPED)
                    continue
                if row is not None and _kept(snap, row, r.vv, r.updated_at):
                    report.count(kind.key, SKIPPED)  # the version here (most of a re-import)
                    continue
                theirs = Version(_portable(kind.key, r.values), r.vv, r.updated_at, r.device, r.dots)
                d, mine = _resolve(snap, kind.key, row, r.uuid, theirs)
                _take(plan, kind, d, mine, theirs, r, row, owner, e.uuid, report, snap, now)
    for kind in KINDS:
        for t in stones_by_kind.get(kind.key, []):
            row = snap.rows[kind.key].get(t.uuid)
            theirs = Version(None, t.vv, t.deleted_at, t.device)
            d, mine = _resolve(snap, kind.key, row, t.uuid, theirs)
            owner = row.engagement_id if row is not None else t.engagement
            _take(plan, kind, d, mine, theirs, t, row, owner, t.engagement, report, snap, now)
    return plan


def _take(
    plan: _Plan,
    kind: Kind,
    d: Decision,
    mine: Version | None,
    theirs: Version,
    r: Record | TombstoneRecord,
    row: Row | None,
    owner: int | str,
    engagement_uuid: str,
    report: ImportReport,
    snap: Snapshot,
    now: datetime,
) -> None:
    """Plan the writes of one record's decision and count it."""
    w = plan.writes[kind.key]
    uuid = row.uuid if row is not None else r.uuid
    _conflict(plan, d, mine, theirs, kind.key, engagement_uuid, uuid, now)
    if d.take == KEEP:
        if isinstance(r, TombstoneRecord) and row is None and mine is None:
            report.unknown_tombstones += 1
        report.count(kind.key, SKIPPED)
        return
    result = d.result
    plan.clocks.append(
        (uuid, clocks.dump(result.vv), json.dumps(dict(result.dots), sort_keys=True), result.device)
    )
    if isinstance(row, Row) and row.engagement_id is not None:
        plan.touched.add(row.engagement_id)
    if result.deleted:
        who = r.who if isinstance(r, TombstoneRecord) and result.device == r.device else ""
        local = snap.tombs.get(uuid)
        if local is not None and result.device == local.device:
            who = local.who
        at = result.at.isoformat(timespec="seconds")
        plan.stones.append((uuid, kind.key, engagement_uuid, at, result.device, who, clocks.dump(result.vv)))
        if row is not None:
            w.deletes.append((row.id, uuid))
            report.count(kind.key, DELETED)
        else:
            if mine is None:
                report.unknown_tombstones += 1
            report.count(kind.key, SKIPPED)
        return
    if isinstance(r, TombstoneRecord):  # a deletion lost to a newer edit here: the vector only
        report.count(kind.key, SKIPPED)
        return
    values = r.values if result is theirs else _parse_form(kind.key, dict(result.values), r.values)
    if row is None:
        if mine is not None:  # deleted here: the edit after it brings the record back
            plan.unburied.append(uuid)
        w.inserts.append((uuid, owner, values, result.at))
        report.count(kind.key, ADDED)
    else:
        w.updates.append((row.id, values, result.at))
        report.count(kind.key, UPDATED if mine is None or result.values != mine.values else SKIPPED)
    w.relinked.append((uuid, values))


def _conflict(
    plan: _Plan,
    d: Decision,
    mine: Version | None,
    theirs: Version,
    key: str,
    engagement_uuid: str,
    record_uuid: str,
    now: datetime,
) -> None:
    if not d.conflict or set(d.fields) <= kinds.QUIET:
        return
    winner = {"mine": "theirs", "theirs": "mine", "both": "merged"}.get(d.loser or "", "merged")
    what = "deleted" if (mine is not None and mine.deleted) or theirs.deleted else "changed"
    detail = f"{kinds.KINDS[key].label} {what} on both sides: " + (", ".join(d.fields) or "the record")
    plan.conflicts.append(
        conflicts.row(key, engagement_uuid, record_uuid, mine, theirs, d.fields, winner, detail, now)
    )


def _naturals(kind: Kind, bundle: Bundle, snap: Snapshot) -> dict[tuple[int, Any], Row]:
    """(engagement id, criterion or element) -> the local row, for the local engagements
    that bring a record of ``kind`` whose uuid is not here."""
    rows = snap.rows[kind.key]
    engagement_ids = sorted(
        snap.engagements[e.uuid].id
        for e in bundle.engagements
        if e.uuid in snap.engagements and any(r.uuid not in rows for r in e.children[kind.key])
    )
    found = _where_in(
        kind.model, "engagement", engagement_ids, "id", "engagement", kind.natural, "updated_at", "uuid"
    )
    missing = sorted({u for *_, u in found} - set(snap.clocks))
    for u, vv, dots, device in _where_in(RecordClock, "uuid", missing, "uuid", "vv", "dots", "device"):
        snap.clocks[u] = (vv, dots, device)
    return {(eid, value): Row(id_, eid, value, at, u) for id_, eid, value, at, u in found}


def apply(
    bundle: Bundle,
    snapshot: Snapshot | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Write the merge; the caller holds the transaction. ``snapshot`` is the one
    :func:`check_against_db` returned in that transaction (read afresh when None).
    ``progress(done, total)`` hears of the records merged so far, a kind at a time."""
    now = now or utcnow()
    snap = snapshot if snapshot is not None else _read(bundle)
    report = ImportReport()
    plan = _plan(bundle, snap, report, now)
    total = sum(1 + sum(len(records) for records in e.children.values()) for e in bundle.engagements)
    if progress is not None:
        progress(0, total)

    names = list(ENGAGEMENT_FIELDS)
    _insert(Engagement, ["uuid", "updated_at", *names],
            ((e.uuid, e.updated_at, *(e.values[n] for n in names)) for e in plan.added))  # fmt: skip
    _update(Engagement, [*names, "updated_at"],
            ((*(values[n] for n in names), at, id_) for id_, values, at in plan.updated))  # fmt: skip
    engagement_ids = {u: row.id for u, row in snap.engagements.items()}
    engagement_ids.update(_ids(Engagement, [e.uuid for e in plan.added]))
    done = len(bundle.engagements)
    if progress is not None:
        progress(done, total)

    if plan.unburied:
        _executemany('DELETE FROM "tombstone" WHERE "uuid" = ?', ((u,) for u in plan.unburied))
    ids = {kind.key: {u: row.id for u, row in snap.rows[kind.key].items()} for kind in KINDS}
    for kind in KINDS:
        _write_kind(kind, plan.writes[kind.key], engagement_ids, ids)
        done += sum(len(e.children[kind.key]) for e in bundle.engagements)
        if progress is not None:
            progress(done, total)
    _executemany(
        'INSERT INTO "record_clock" ("uuid", "vv", "dots", "device") VALUES (?, ?, ?, ?) '
        'ON CONFLICT ("uuid") DO UPDATE SET "vv" = excluded."vv", "dots" = excluded."dots", '
        '"device" = excluded."device"',
        plan.clocks,
    )
    _executemany(
        'INSERT OR REPLACE INTO "tombstone" ("uuid", "kind", "engagement_uuid", "deleted_at", "device", '
        '"who", "vv") VALUES (?, ?, ?, ?, ?, ?, ?)',
        plan.stones,
    )
    _derive_stages(bundle, engagement_ids, plan, now)
    plan.conflicts.extend(lapsed.check(sorted(plan.touched), now))
    report.conflicts = conflicts.add_rows(plan.conflicts)
    return report


def _derive_stages(bundle: Bundle, engagement_ids: dict[str, int], plan: _Plan, now: datetime) -> None:
    """Each engagement's stage (and since when) from its merged history; forks recorded."""
    wanted = sorted(engagement_ids[e.uuid] for e in bundle.engagements)
    moves: dict[int, list[dict[str, Any]]] = {}
    columns = ("engagement", "uuid", "after", "moved_at", "to_stage", "from_stage", "entered_at", "kind")
    convert = BaseModel.updated_at.python_value
    for row in _where_in(StageMove, "engagement", wanted, *columns):
        m = dict(zip(columns, row, strict=True))
        m["moved_at"] = convert(m["moved_at"])
        m["entered_at"] = convert(m["entered_at"]) if m["entered_at"] else None
        moves.setdefault(m["engagement"], []).append(m)
    stored = {
        i: (stage, at)
        for i, stage, at in _where_in(Engagement, "id", wanted, "id", "stage", "stage_entered_at")
    }
    changes = []
    for eid, history_moves in moves.items():
        stage, entered = history.current(history_moves)
        entered_text = entered.isoformat(timespec="seconds")
        if stored.get(eid) != (stage, entered_text):
            changes.append((stage, entered_text, eid))
    _executemany('UPDATE "engagement" SET "stage" = ?, "stage_entered_at" = ? WHERE "id" = ?', changes)
    uuids = {v: k for k, v in engagement_ids.items()}
    for eid, history_moves in moves.items():
        if uuids[eid] not in plan.moved:
            continue
        for group in history.forks(history_moves):
            a, b = group[0], group[-1]
            parent = a["after"]
            text = ", ".join(
                f"{m['from_stage']} to {m['to_stage']} ({m['moved_at']:%Y-%m-%d %H:%M})" for m in group
            )
            detail = f"Moved on two laptops after the same move: {text}; the history keeps every move."

            def version(m: dict[str, Any]) -> Version:
                values = {k: kinds.to_json(m[k]) for k in ("from_stage", "to_stage", "moved_at", "kind")}
                return Version(values, {}, m["moved_at"], "")

            plan.conflicts.append(
                conflicts.row(
                    "stage_history",
                    uuids[eid],
                    parent,
                    version(a),
                    version(b),
                    ("to_stage",),
                    "merged",
                    detail,
                    now,
                )
            )


def _write_kind(
    kind: Kind, w: _Writes, engagement_ids: dict[str, int], ids: dict[str, dict[str, int]]
) -> None:
    """Delete a kind's rows that a newer deletion removed, insert its new rows, update its
    newer ones, rewrite their links. A reference to a record no longer here is dropped."""
    link = _LINKS.get(kind.key)
    names = [n for n in kind.fields if link is None or n != link[3]]
    stored = [*names, "score"] if kind.key == "checkins" else names  # a check-in's score is derived
    if w.deletes:
        _executemany(
            f'DELETE FROM "{kind.model._meta.table_name}" WHERE "id" = ?', ((i,) for i, _ in w.deletes)
        )
        for _, u in w.deletes:
            ids[kind.key].pop(u, None)

    def values(v: dict[str, Any]) -> list[Any]:
        out = [v[n] for n in names]
        if kind.key == "cycles":
            out[names.index("hypothesis")] = (
                ids["hypotheses"].get(v["hypothesis"]) if v["hypothesis"] else None
            )
        if kind.key == "checkins":
            out.append(health.score(json.loads(v["ratings"])))
        return out

    _insert(kind.model, ["engagement", "uuid", "updated_at", *stored],
            ((engagement_ids[e] if isinstance(e, str) else e, u, at, *values(v))
             for u, e, v, at in w.inserts))  # fmt: skip
    _update(kind.model, [*stored, "updated_at"], ((*values(v), at, id_) for id_, v, at in w.updates))
    if w.inserts and (link is not None or any(kind.key in k.refs.values() for k in KINDS)):
        ids[kind.key].update(_ids(kind.model, [u for u, *_ in w.inserts]))
    if link is None or not w.relinked:
        return
    model, own, other, ref = link
    target = ids[kind.refs[ref]]
    own_ids = [ids[kind.key][u] for u, _ in w.relinked]
    own_column = model._meta.fields[own].column_name
    _executemany(f'DELETE FROM "{model._meta.table_name}" WHERE "{own_column}" = ?', ((i,) for i in own_ids))
    _insert(model, [own, other, "uuid", "updated_at"],
            ((i, target[u], new_uuid(), utcnow()) for i, (_, v) in zip(own_ids, w.relinked, strict=True)
             for u in v[ref] if u in target))  # fmt: skip


def _ids(model: type, uuids: list[str]) -> dict[str, int]:
    return dict(_where_in(model, "uuid", uuids, "uuid", "id"))


def _executemany(sql: str, rows: Iterable[Sequence[Any]]) -> None:
    with __exception_wrapper__:
        database.cursor().executemany(sql, rows)


def _converters(model: type, names: list[str]) -> tuple[list[str], list[Callable[[Any], Any]]]:
    fields = [model._meta.fields[n] for n in names]
    return [f'"{f.column_name}"' for f in fields], [f.db_value for f in fields]


def _insert(model: type, names: list[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert ``rows`` (values of the fields ``names``), converted as peewee would."""
    columns, convert = _converters(model, names)
    marks = ", ".join("?" * len(names))
    sql = f'INSERT INTO "{model._meta.table_name}" ({", ".join(columns)}) VALUES ({marks})'
    _executemany(sql, ([c(v) for c, v in zip(convert, row, strict=True)] for row in rows))


def _update(model: type, names: list[str], rows: Iterable[Sequence[Any]]) -> None:
    """Set the fields ``names`` of each row whose id ends the values, as ``save`` would."""
    columns, convert = _converters(model, names)
    sql = f'UPDATE "{model._meta.table_name}" SET {", ".join(f"{c} = ?" for c in columns)} WHERE "id" = ?'
    _executemany(sql, ([*(c(v) for c, v in zip(convert, row[:-1], strict=True)), row[-1]] for row in rows))
