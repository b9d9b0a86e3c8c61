"""The conflicts list: what a merge kept of the losing side, per engagement.

A conflict is recorded with both versions (portable values, None for a deletion), when and
on which device each was made, the fields that differ and which side won. The same
conflict is recorded once (a digest of both versions), so importing a bundle again adds
none. Conflicts never block a merge; they wait here until someone keeps one version:
:func:`resolve` writes the kept version as a newer local change (so it wins the next merge
everywhere) and marks the conflict resolved; :func:`reopen` takes that back (undo).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from db.models import Conflict, Engagement, Tombstone, database
from mwms_desktop.errors import NotFound, ValidationError
from mwms_desktop.merge import kinds, tombstones
from mwms_desktop.merge.rules import Version

GATE, FORK = "gate", "stage_history"
_COLUMNS = (
    "uuid", "engagement_uuid", "record_uuid", "kind", "fields", "mine", "theirs", "mine_at",
    "mine_device", "theirs_at", "theirs_device", "winner", "detail", "digest", "created_at",
    "resolved_at", "resolution",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ConflictView:
    """One conflict as the window and the CLI show it."""

    id: int
    engagement_id: int | None
    client: str
    kind: str  # bundle key of the record's kind, "stage_history" or "gate"
    kind_label: str
    record_uuid: str
    fields: tuple[str, ...]
    mine: Mapping[str, Any] | None  # None: deleted here
    theirs: Mapping[str, Any] | None
    mine_at: datetime | None
    mine_device: str
    theirs_at: datetime | None
    theirs_device: str
    winner: str  # mine | theirs | merged | none
    detail: str
    created_at: datetime
    resolved: bool
    resolution: str

    @property
    def resolvable(self) -> bool:
        """Whether keeping one side writes anything (a fork or a lapsed gate is only seen)."""
        return self.kind in kinds.KINDS and self.kind not in kinds.APPEND_ONLY


def digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def row(
    kind: str,
    engagement_uuid: str,
    record_uuid: str,
    mine: Version | None,
    theirs: Version | None,
    names: Sequence[str],
    winner: str,
    detail: str,
    now: datetime,
) -> tuple:
    """A conflict as a row for :func:`add_rows` (the merge records them in bulk)."""
    from db.models import new_uuid

    def side(v: Version | None) -> tuple[str | None, str | None, str]:
        if v is None:
            return None, None, ""
        values = None if v.values is None else json.dumps(dict(v.values), sort_keys=True, default=str)
        return values, v.at.isoformat(timespec="seconds"), v.device

    m, t = side(mine), side(theirs)
    key = digest(
        kind, record_uuid, m[0], mine.vv if mine else None, t[0], theirs.vv if theirs else None, detail
    )
    return (
        new_uuid(), engagement_uuid, record_uuid, kind, json.dumps(list(names)), m[0], t[0], m[1], m[2],
        t[1], t[2], winner, detail, key, now.isoformat(timespec="seconds"), None, "",
    )  # fmt: skip


def add_rows(rows: Iterable[tuple]) -> int:
    """Record conflicts (rows from :func:`row`), each once; returns how many were new."""
    marks = ", ".join("?" * len(_COLUMNS))
    columns = ", ".join(f'"{c}"' for c in _COLUMNS)
    before = database.execute_sql("SELECT COUNT(*) FROM conflict").fetchone()[0]
    database.cursor().executemany(f"INSERT OR IGNORE INTO conflict ({columns}) VALUES ({marks})", list(rows))
    return database.execute_sql("SELECT COUNT(*) FROM conflict").fetchone()[0] - before


def unresolved_count(engagement_uuid: str | None = None) -> int:
    query = Conflict.select().where(Conflict.resolved_at.is_null())
    if engagement_uuid is not None:
        query = query.where(Conflict.engagement_uuid == engagement_uuid)
    return query.count()


def lapsed_gates(engagement_uuids: Sequence[str] | None = None) -> dict[str, list[str]]:
    """engagement uuid -> what its passed gates no longer have (unresolved gate conflicts),
    of the given engagements (all when None)."""
    out: dict[str, list[str]] = {}
    query = Conflict.select(Conflict.engagement_uuid, Conflict.detail).where(
        (Conflict.kind == GATE) & Conflict.resolved_at.is_null()
    )
    chunks = [None] if engagement_uuids is None else [
        engagement_uuids[i : i + 500] for i in range(0, len(engagement_uuids), 500)]  # fmt: skip
    for chunk in chunks:
        scoped = query if chunk is None else query.where(Conflict.engagement_uuid.in_(chunk))
        for e_uuid, detail in scoped.tuples():
            out.setdefault(e_uuid, []).append(detail)
    return out


def _label(kind: str) -> str:
    if kind == GATE:
        return "Gate"
    if kind == FORK:
        return "Stage move"
    return kinds.KINDS[kind].label if kind in kinds.KINDS else kind


def _view(c: Conflict, engagements: Mapping[str, tuple[int, str]]) -> ConflictView:
    eid, client = engagements.get(c.engagement_uuid, (None, "(engagement not here)"))
    return ConflictView(
        id=c.id,
        engagement_id=eid,
        client=client,
        kind=c.kind,
        kind_label=_label(c.kind),
        record_uuid=c.record_uuid,
        fields=tuple(json.loads(c.fields)),
        mine=None if c.mine is None else json.loads(c.mine),
        theirs=None if c.theirs is None else json.loads(c.theirs),
        mine_at=c.mine_at,
        mine_device=c.mine_device,
        theirs_at=c.theirs_at,
        theirs_device=c.theirs_device,
        winner=c.winner,
        detail=c.detail,
        created_at=c.created_at,
        resolved=c.resolved_at is not None,
        resolution=c.resolution,
    )


def list_conflicts(engagement_id: int | None = None, *, resolved: bool = False) -> list[ConflictView]:
    """The conflicts (unresolved unless ``resolved``), oldest first; of one engagement when
    ``engagement_id`` is given."""
    query = Conflict.select().order_by(Conflict.id)
    if not resolved:
        query = query.where(Conflict.resolved_at.is_null())
    if engagement_id is not None:
        e = Engagement.get_or_none(Engagement.id == engagement_id)
        if e is None:
            raise NotFound(f"No engagement with id {engagement_id}.")
        query = query.where(Conflict.engagement_uuid == e.uuid)
    rows = list(query)
    uuids = sorted({c.engagement_uuid for c in rows})
    engagements = {
        u: (i, client)
        for u, i, client in Engagement.select(Engagement.uuid, Engagement.id, Engagement.client)
        .where(Engagement.uuid.in_(uuids))
        .tuples()
    }
    return [_view(c, engagements) for c in rows]


def get(conflict_id: int) -> ConflictView:
    for view in list_conflicts(resolved=True):
        if view.id == conflict_id:
            return view
    raise NotFound(f"No conflict with id {conflict_id}.")


@dataclass(frozen=True, slots=True)
class Resolution:
    """What :func:`resolve` replaced, so :func:`reopen` can put it back."""

    conflict_id: int
    previous: Mapping[str, Any] | None  # the record's values before (None: it was deleted)
    wrote: bool


def _current(kind: kinds.RecordKind, uuid: str) -> dict[str, Any] | None:
    found = kinds.find(kind, uuid)
    return None if found is None else kinds.portable(kind, found)


def _apply(kind: kinds.RecordKind, c: Conflict, values: Mapping[str, Any] | None, now: datetime) -> None:
    """Make the record hold ``values`` (None: deleted) as a newer local change."""
    current = kinds.find(kind, c.record_uuid)
    if values is None:
        if current is not None:
            tombstones.bury(kind.key, c.record_uuid, c.engagement_uuid, current.updated_at, now)
            current.delete_instance()
        return
    at = now
    if current is None:
        if Engagement.get_or_none(Engagement.uuid == c.engagement_uuid) is None:
            raise ValidationError("Its engagement is no longer here; nothing to keep.", "engagement")
        deleted = tombstones.unbury(c.record_uuid)
        if deleted is not None and deleted >= now:
            from db.clocks import after

            at = after(deleted, now)
    kinds.write(kind, c.record_uuid, values, c.engagement_uuid, at)


def resolve(conflict_id: int, keep: str, now: datetime) -> Resolution:
    """Keep ``mine`` or ``theirs`` of an unresolved conflict; the caller holds the
    transaction. A fork of the stage history or a lapsed gate has nothing to write: keeping
    either marks it seen."""
    if keep not in ("mine", "theirs"):
        raise ValidationError("Keep 'mine' or 'theirs'.", "keep")
    c = Conflict.get_or_none(Conflict.id == conflict_id)
    if c is None:
        raise NotFound(f"No conflict with id {conflict_id}.")
    if c.resolved_at is not None:
        raise ValidationError(f"Conflict {conflict_id} is already resolved ({c.resolution} kept).", "id")
    previous: dict[str, Any] | None = None
    wrote = False
    kind = kinds.KINDS.get(c.kind)
    if kind is not None and c.kind not in kinds.APPEND_ONLY:
        previous = _current(kind, c.record_uuid)
        text = c.mine if keep == "mine" else c.theirs
        chosen = None if text is None else json.loads(text)
        if chosen is not None and previous is not None:  # the differing fields, on what is here
            names = json.loads(c.fields) or list(chosen)
            chosen = {**previous, **{k: chosen[k] for k in names if k in chosen and k not in kinds.DERIVED}}
        if chosen != previous:
            _apply(kind, c, chosen, now)
            wrote = True
    c.resolved_at, c.resolution = now, keep
    c.save()
    return Resolution(conflict_id, previous, wrote)


def reopen(resolution: Resolution, now: datetime) -> None:
    """Take a resolution back: the record's values before it, and the conflict open again."""
    c = Conflict.get_by_id(resolution.conflict_id)
    kind = kinds.KINDS.get(c.kind)
    if resolution.wrote and kind is not None:
        _apply(kind, c, resolution.previous, now)
    c.resolved_at, c.resolution = None, ""
    c.save()


def tombstone_count() -> int:
    return Tombstone.select().count()
