"""Merging a parsed bundle into the database by uuid.

Per record the newer ``updated_at`` wins (a tie keeps the local one); the stage history is
a union of moves by uuid, and the engagement's current stage comes with whichever
engagement record is newer. Scores and onboarding items are one per criterion or element,
so they also match on that. Everything the database must confirm (references, uuids owned
by another engagement) is checked by :func:`check_against_db` before anything is written.

The work is done in bulk, so a bundle of a whole portfolio takes seconds, not minutes:
:func:`check_against_db` reads every local row the bundle can touch (by uuid, a few
``IN (...)`` queries per kind of record) into a :class:`Snapshot` and validates against it
in memory; :func:`apply` decides each record's fate from that snapshot, then writes each
kind with one ``executemany`` for its new rows and one for its newer ones. The snapshot
stays true while the merge writes: uuids are unique in a bundle, a record never changes
its uuid or its criterion (element), and a bundle names each criterion once per engagement.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from peewee import __exception_wrapper__  # sqlite3 errors as peewee's, as its own queries raise them

from db.models import (
    BaseModel,
    Engagement,
    HypothesisInsight,
    LearningEvidence,
    database,
    new_uuid,
    utcnow,
)
from mwms_desktop import health
from mwms_desktop.bundle.schema import ENGAGEMENT_FIELDS, KINDS, Bundle, Kind, Record
from mwms_desktop.errors import BundleError

_APPEND_ONLY = ("stage_history", "dossier_exports")  # facts that never change once recorded
_LINKS = {  # kind key -> (link model, own field, other field, ref field)
    "hypotheses": (HypothesisInsight, "hypothesis", "insight", "insights"),
    "learnings": (LearningEvidence, "learning", "cycle", "evidence"),
}
_CHUNK = 500  # uuids or ids per IN (...) query, well under SQLite's variable limit

Progress = Callable[[int, int], None]


@dataclass
class ImportReport:
    counts: dict[str, list[int]] = field(default_factory=dict)  # key -> [added, updated, skipped]
    added: list[str] = field(default_factory=list)  # clients of engagements added
    updated: list[str] = field(default_factory=list)  # clients of engagements updated

    def count(self, key: str, outcome: int) -> None:
        self.counts.setdefault(key, [0, 0, 0])[outcome] += 1

    def total(self, outcome: int) -> int:
        return sum(c[outcome] for c in self.counts.values())


ADDED, UPDATED, SKIPPED = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Row:
    """A local row as the snapshot read it: its id, engagement (None for an engagement),
    criterion or element (None for other kinds) and ``updated_at`` as stored."""

    id: int
    engagement_id: int | None
    natural: Any
    stored_at: str

    def older_than(self, at: datetime) -> bool:
        return at > BaseModel.updated_at.python_value(self.stored_at)


@dataclass
class Snapshot:
    """The local rows a bundle can touch, by uuid: its engagements and, per kind of record,
    every row holding a uuid the bundle carries or refers to."""

    engagements: dict[str, Row]
    rows: dict[str, dict[str, Row]]  # kind key -> uuid -> row

    def owned(self, target: str, uuid: str, engagement_id: int | None) -> bool:
        """Whether ``uuid`` is a record of kind ``target`` of that local engagement."""
        row = self.rows[target].get(uuid)
        return row is not None and engagement_id is not None and row.engagement_id == engagement_id


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
    found = _where_in(Engagement, "uuid", [e.uuid for e in bundle.engagements], "uuid", "id", "updated_at")
    engagements = {uuid: Row(id_, None, None, at) for uuid, id_, at in found}
    rows: dict[str, dict[str, Row]] = {}
    for kind in KINDS:
        natural = [kind.natural] if kind.natural else []
        columns = ("uuid", "id", "engagement", "updated_at", *natural)
        found = _where_in(kind.model, "uuid", sorted(wanted[kind.key]), *columns)
        rows[kind.key] = {r[0]: Row(r[1], r[2], r[4] if natural else None, r[3]) for r in found}
    return Snapshot(engagements, rows)


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
    belongs to another engagement here, or a reference to a uuid neither in the bundle
    nor in this engagement's records here. Returns the snapshot it checked against."""
    snap = _read(bundle)
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
                        if u not in incoming[target] and not snap.owned(target, u, local_id):
                            where = f"{r.place}.{ref}"
                            raise BundleError(f"{where}: unknown uuid {u} (not in this engagement).", where)
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

    # (record, engagement id or, for an engagement this merge adds, its uuid)
    inserts: list[tuple[Record, int | str]] = field(default_factory=list)
    updates: list[tuple[Record, int]] = field(default_factory=list)  # (record, local id)
    relinked: list[Record] = field(default_factory=list)  # added or updated: links rewritten


def apply(bundle: Bundle, snapshot: Snapshot | None = None, progress: Progress | None = None) -> ImportReport:
    """Write the merge; the caller holds the transaction. ``snapshot`` is the one
    :func:`check_against_db` returned in that transaction (read afresh when None).
    ``progress(done, total)`` hears of the records merged so far, a kind at a time."""
    snap = snapshot if snapshot is not None else _read(bundle)
    report = ImportReport()
    added, updated, writes = _plan(bundle, snap, report)
    total = sum(1 + sum(len(records) for records in e.children.values()) for e in bundle.engagements)
    if progress is not None:
        progress(0, total)

    names = list(ENGAGEMENT_FIELDS)
    _insert(Engagement, ["uuid", "updated_at", *names],
            ((e.uuid, e.updated_at, *(e.values[n] for n in names)) for e in added))  # fmt: skip
    _update(Engagement, [*names, "updated_at"],
            ((*(e.values[n] for n in names), e.updated_at, id_) for e, id_ in updated))  # fmt: skip
    engagement_ids = {u: row.id for u, row in snap.engagements.items()}
    engagement_ids.update(_ids(Engagement, [e.uuid for e in added]))
    done = len(bundle.engagements)
    if progress is not None:
        progress(done, total)

    ids = {kind.key: {u: row.id for u, row in snap.rows[kind.key].items()} for kind in KINDS}
    for kind in KINDS:
        _write_kind(kind, writes[kind.key], engagement_ids, ids)
        done += sum(len(e.children[kind.key]) for e in bundle.engagements)
        if progress is not None:
            progress(done, total)
    return report


def _plan(bundle: Bundle, snap: Snapshot, report: ImportReport) -> tuple[list, list, dict[str, _Writes]]:
    """Each record's fate (added, updated or skipped), counted in bundle order: the
    engagements to add, the engagements to update, and each kind's writes."""
    naturals = {kind.key: _naturals(kind, bundle, snap) for kind in KINDS if kind.natural}
    added, updated = [], []
    writes = {kind.key: _Writes() for kind in KINDS}
    for e in bundle.engagements:
        local = snap.engagements.get(e.uuid)
        owner: int | str
        if local is None:
            added.append(e)
            report.count("engagements", ADDED)
            report.added.append(e.values["client"])
            owner = e.uuid
        else:
            if local.older_than(e.updated_at):
                updated.append((e, local.id))
                report.count("engagements", UPDATED)
                report.updated.append(e.values["client"])
            else:
                report.count("engagements", SKIPPED)
            owner = local.id
        for kind in KINDS:
            w, rows, by_natural = writes[kind.key], snap.rows[kind.key], naturals.get(kind.key)
            for r in e.children[kind.key]:
                row = rows.get(r.uuid)
                if row is None and by_natural is not None and local is not None:
                    row = by_natural.get((local.id, r.values[kind.natural]))
                if row is None:
                    w.inserts.append((r, owner))
                    report.count(kind.key, ADDED)
                elif kind.key not in _APPEND_ONLY and row.older_than(r.updated_at):
                    w.updates.append((r, row.id))
                    report.count(kind.key, UPDATED)
                else:
                    report.count(kind.key, SKIPPED)
                    continue
                w.relinked.append(r)
    return added, updated, writes


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
        kind.model, "engagement", engagement_ids, "id", "engagement", kind.natural, "updated_at"
    )
    return {(eid, value): Row(id_, eid, value, at) for id_, eid, value, at in found}


def _write_kind(
    kind: Kind, w: _Writes, engagement_ids: dict[str, int], ids: dict[str, dict[str, int]]
) -> None:
    """Insert a kind's new rows, update its newer ones, rewrite their links."""
    link = _LINKS.get(kind.key)
    names = [n for n in kind.fields if link is None or n != link[3]]
    stored = [*names, "score"] if kind.key == "checkins" else names  # a check-in's score is derived

    def values(r: Record) -> list[Any]:
        out = [r.values[n] for n in names]
        if kind.key == "cycles" and r.values["hypothesis"] is not None:
            out[names.index("hypothesis")] = ids["hypotheses"][r.values["hypothesis"]]
        if kind.key == "checkins":
            out.append(health.score(json.loads(r.values["ratings"])))
        return out

    _insert(kind.model, ["engagement", "uuid", "updated_at", *stored],
            ((engagement_ids[e] if isinstance(e, str) else e, r.uuid, r.updated_at, *values(r))
             for r, e in w.inserts))  # fmt: skip
    _update(kind.model, [*stored, "updated_at"], ((*values(r), r.updated_at, id_) for r, id_ in w.updates))
    if w.inserts and (link is not None or any(kind.key in k.refs.values() for k in KINDS)):
        ids[kind.key].update(_ids(kind.model, [r.uuid for r, _ in w.inserts]))
    if link is None or not w.relinked:
        return
    model, own, other, ref = link
    target = ids[kind.refs[ref]]
    own_ids = [ids[kind.key][r.uuid] for r in w.relinked]
    own_column = model._meta.fields[own].column_name
    _executemany(f'DELETE FROM "{model._meta.table_name}" WHERE "{own_column}" = ?', ((i,) for i in own_ids))
    _insert(model, [own, other, "uuid", "updated_at"],
            ((i, target[u], new_uuid(), utcnow()) for i, r in zip(own_ids, w.relinked, strict=True)
             for u in r.values[ref]))  # fmt: skip


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
