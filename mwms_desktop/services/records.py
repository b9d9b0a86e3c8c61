"""Records kept per engagement: stakeholders, insights, hypotheses, cycles, learnings and
health check-ins. One generic service creates, edits, removes and restores them; each kind
declares its fields and how they are checked.

A removal returns a :class:`Snapshot` that :meth:`RecordService.restore` puts back exactly
(same uuid, same links), which is what undo needs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from db import clocks
from db.models import (
    BaseModel,
    CheckIn,
    Cycle,
    Engagement,
    Hypothesis,
    HypothesisInsight,
    Insight,
    Learning,
    LearningEvidence,
    Stakeholder,
    database,
)
from mwms_desktop import fields, health
from mwms_desktop.errors import ChangedElsewhere, NotFound, ValidationError
from mwms_desktop.merge import tombstones
from mwms_desktop.services import loading
from mwms_desktop.services.base import (
    _ID_MAX,
    _ID_MIN,
    ServiceBase,
    atomic,
    changed_elsewhere,
    changed_fields,
)

Cleaner = Callable[[dict[str, Any], "RecordService", int], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class RecordKind:
    name: str
    label: str
    model: type[BaseModel]
    defaults: Mapping[str, Any]
    clean: Cleaner
    view: Callable[[Any], Any]


@dataclass(frozen=True)
class Snapshot:
    """A removed record, complete enough to put back as it was."""

    kind: str
    engagement_id: int
    uuid: str
    values: dict[str, Any]
    dependents: dict[str, tuple[int, ...]] = field(default_factory=dict)
    id: int | None = None  # restored under the same id, so other snapshots' links still hold


def _ids(value: object, label: str) -> tuple[int, ...]:
    if value is None:
        return ()
    if not isinstance(value, (list, tuple, set, frozenset)) or not all(
        isinstance(v, int) and not isinstance(v, bool) and _ID_MIN <= v <= _ID_MAX for v in value
    ):
        raise ValidationError(f"{label} must be a list of record ids.", label)
    return tuple(sorted(set(value)))


def _owned(model: type[BaseModel], ids: tuple[int, ...], eid: int, label: str) -> tuple[int, ...]:
    if not ids:
        return ids
    found = {
        i for (i,) in model.select(model.id).where(model.id.in_(ids) & (model.engagement == eid)).tuples()
    }
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationError(f"{label}: no record {', '.join(missing)} in this engagement.", label)
    return ids


def _or(value: Any, default: Any) -> Any:
    """A value not given (None or empty text) takes the service's default."""
    return default if value is None or value == "" else value


def _table(name: str, v: dict[str, Any], svc: RecordService) -> dict[str, Any]:
    """The kind's own fields through the one table (mwms_desktop/fields.py)."""
    return fields.clean(name, v, fields.Context.local(svc.clock))


def _clean_stakeholder(v: dict[str, Any], svc: RecordService, eid: int) -> dict[str, Any]:
    return _table("stakeholder", v, svc)


def _clean_insight(v: dict[str, Any], svc: RecordService, eid: int) -> dict[str, Any]:
    return _table("insight", {**v, "recorded_on": _or(v["recorded_on"], svc.clock.today())}, svc)


def _clean_hypothesis(v: dict[str, Any], svc: RecordService, eid: int) -> dict[str, Any]:
    clean = _table("hypothesis", v, svc)
    clean["insight_ids"] = _owned(Insight, _ids(v["insight_ids"], "Linked insights"), eid, "Linked insights")
    return clean


def _clean_cycle(v: dict[str, Any], svc: RecordService, eid: int) -> dict[str, Any]:
    hyp = v["hypothesis_id"]
    if hyp is not None:
        (hyp,) = _owned(Hypothesis, _ids([hyp], "Hypothesis"), eid, "Hypothesis")
    return {**_table("cycle", v, svc), "hypothesis": hyp}


def _clean_learning(v: dict[str, Any], svc: RecordService, eid: int) -> dict[str, Any]:
    clean = _table("learning", {**v, "recorded_at": _or(v["recorded_at"], svc.clock.now())}, svc)
    clean["cycle_ids"] = _owned(Cycle, _ids(v["cycle_ids"], "Evidence"), eid, "Evidence")
    return clean


def _clean_checkin(v: dict[str, Any], svc: RecordService, eid: int) -> dict[str, Any]:
    clean = _table("checkin", {**v, "held_on": _or(v["held_on"], svc.clock.today())}, svc)
    return {
        **clean,
        "ratings": fields.stored_ratings(clean["ratings"]),
        "score": health.score(clean["ratings"]),
    }


KINDS: dict[str, RecordKind] = {
    k.name: k
    for k in (
        RecordKind("stakeholder", "Stakeholder", Stakeholder,
                   {"name": "", "role": "", "influence": "medium", "alignment": "neutral",
                    "mitigation": "", "last_contact": None, "note": ""},
                   _clean_stakeholder, loading.stakeholder_view),
        RecordKind("insight", "Insight", Insight,
                   {"activity": "research", "statement": "", "detail": "", "recorded_on": None},
                   _clean_insight, loading.insight_view),
        RecordKind("hypothesis", "Hypothesis", Hypothesis,
                   {"statement": "", "rationale": "", "impact": None, "confidence": None,
                    "ease": None, "insight_ids": ()},
                   _clean_hypothesis, loading.hypothesis_view),
        RecordKind("cycle", "Cycle", Cycle,
                   {"title": "", "hypothesis_id": None, "status": "planned", "result": None,
                    "started_on": None, "ended_on": None, "evaluation": "",
                    "kind": "experimentation_cycle"},
                   _clean_cycle, loading.cycle_view),
        RecordKind("learning", "Learning", Learning,
                   {"statement": "", "confidence": "medium", "tags": "", "recorded_at": None,
                    "cycle_ids": (), "refinements": "", "private": False},
                   _clean_learning, loading.learning_view),
        RecordKind("checkin", "Health check-in", CheckIn,
                   {"held_on": None, "ratings": {}, "note": ""},
                   _clean_checkin, loading.checkin_view),
    )
}  # fmt: skip

# The bundle's key of each kind (a tombstone names it) and the field its links are.
_BUNDLE_KEYS = {
    "stakeholder": "stakeholders",
    "insight": "insights",
    "hypothesis": "hypotheses",
    "cycle": "cycles",
    "learning": "learnings",
    "checkin": "checkins",
}
_LINK_FIELDS = {"hypothesis": "insights", "learning": "evidence"}

# Link tables: kind -> (link model, own field, other field, value key)
_LINKS = {
    "hypothesis": (HypothesisInsight, "hypothesis", "insight", "insight_ids"),
    "learning": (LearningEvidence, "learning", "cycle", "cycle_ids"),
}


class RecordService(ServiceBase):
    def kind(self, name: str) -> RecordKind:
        try:
            return KINDS[name]
        except KeyError:
            raise ValidationError(f"Unknown kind of record {name!r}.", "kind") from None

    def _row(self, kind: RecordKind, rid: int) -> BaseModel:
        usable = isinstance(rid, int) and not isinstance(rid, bool) and _ID_MIN <= rid <= _ID_MAX
        row = kind.model.get_or_none(kind.model.id == rid) if usable else None
        if row is None:
            raise NotFound(f"No {kind.label.lower()} with id {rid!r}.")
        return row

    def values(self, name: str, rid: int) -> dict[str, Any]:
        """The record's editable values, in the form ``add`` and ``update`` take."""
        kind = self.kind(name)
        row = self._row(kind, rid)
        values = {
            k: getattr(row, k) for k in kind.defaults if k not in ("insight_ids", "cycle_ids", "ratings")
        }
        if name == "checkin":
            values["ratings"] = json.loads(row.ratings)
        if name == "learning":  # the refinements as the slugs a form ticks
            values["refinements"] = tuple(t for t in row.refinements.split(", ") if t)
        if name in _LINKS:
            link, own, other, key = _LINKS[name]
            values[key] = tuple(
                sorted(getattr(r, f"{other}_id") for r in link.select().where(getattr(link, own) == row))
            )
        return values

    def engagement_of(self, name: str, rid: int) -> int:
        """The id of the engagement a record belongs to."""
        return self._row(self.kind(name), rid).engagement_id

    def get(self, name: str, rid: int) -> Any:
        kind = self.kind(name)
        return kind.view(self._row(kind, rid))

    @atomic()
    def add(self, name: str, eid: int, /, **values: Any) -> Any:
        """Create a record of kind ``name`` on engagement ``eid``; returns its view."""
        kind = self.kind(name)
        e = self._engagement(eid)
        return self._write(kind, e, None, self._merge(kind, dict(kind.defaults), values))

    @atomic()
    def update(self, name: str, rid: int, /, expect: Mapping[str, Any] | None = None, **changes: Any) -> Any:
        """Change some fields of a record; every field is checked again as a whole. ``expect``
        (an undo's or redo's) names fields and the values they must still hold, or nothing
        is written (:class:`ChangedElsewhere`)."""
        kind = self.kind(name)
        row = self._row(kind, rid)
        current = self.values(name, rid)
        if expect and (changed := changed_fields(kind.name, current, expect)):
            raise changed_elsewhere(f"this {kind.label.lower()}", changed)
        e = Engagement.get_by_id(row.engagement_id)
        return self._write(kind, e, row, self._merge(kind, current, changes))

    @atomic()
    def delete(self, name: str, rid: int, *, expect_uuid: str | None = None) -> Snapshot:
        """Remove the record (its tombstone written in the same transaction); what it was,
        for :meth:`restore`. ``expect_uuid`` (an undo or redo): the record the command made
        or put back, refused with :class:`ChangedElsewhere` when that id now holds another
        (a sync or an import removed it, and the id was given to a new record)."""
        kind = self.kind(name)
        try:
            row = self._row(kind, rid)
        except NotFound:
            if expect_uuid is None:
                raise
            row = None
        if expect_uuid is not None and (row is None or row.uuid != expect_uuid):
            raise ChangedElsewhere(
                f"Not done: this {kind.label.lower()} was removed outside this window since (by a sync, "
                "an import or the command line). Nothing was removed; the window shows what is there now."
            )
        dependents: dict[str, tuple[int, ...]] = {}
        if name == "hypothesis":
            dependents["cycles"] = tuple(c.id for c in Cycle.select(Cycle.id).where(Cycle.hypothesis == row))
        elif name == "insight":
            dependents["hypotheses"] = tuple(
                link.hypothesis_id
                for link in HypothesisInsight.select().where(HypothesisInsight.insight == row)
            )
        elif name == "cycle":
            dependents["learnings"] = tuple(
                link.learning_id for link in LearningEvidence.select().where(LearningEvidence.cycle == row)
            )
        snap = Snapshot(name, row.engagement_id, row.uuid, self.values(name, rid), dependents, row.id)
        e = Engagement.get_by_id(row.engagement_id)
        # The deletion travels: its tombstone is written in this same transaction.
        tombstones.bury(_BUNDLE_KEYS[name], row.uuid, e.uuid, row.updated_at, self.clock.now())
        row.delete_instance()
        self._touch(e)
        e.save()
        return snap

    @atomic()
    def restore(self, snap: Snapshot) -> Any:
        """Put a removed record back with its uuid and links, and re-attach what cited it."""
        kind = self.kind(snap.kind)
        e = self._engagement(snap.engagement_id)
        if kind.model.get_or_none(kind.model.uuid == snap.uuid) is not None:
            raise ValidationError(f"This {kind.label.lower()} is already there; nothing to restore.", "uuid")
        # The same id when it is still free (it is, unless a newer record took the last id).
        rid = (
            snap.id
            if snap.id is not None and kind.model.get_or_none(kind.model.id == snap.id) is None
            else None
        )
        # Undoing a deletion removes its tombstone and is a newer change than the deletion.
        deleted_at = tombstones.unbury(snap.uuid)
        at = clocks.after(deleted_at, self.clock.now())
        view = self._write(kind, e, None, dict(snap.values), uuid=snap.uuid, rid=rid, at=at)
        deps = snap.dependents
        for c in Cycle.select().where(Cycle.id.in_(deps.get("cycles", ())) & (Cycle.engagement == e)):
            c.hypothesis, c.updated_at = view.id, at
            c.save()
        for dep, owner, link, own, other, ref in (
            ("hypotheses", Hypothesis, HypothesisInsight, "hypothesis", "insight", "insights"),
            ("learnings", Learning, LearningEvidence, "learning", "cycle", "evidence"),
        ):
            for oid in deps.get(dep, ()):
                found = owner.get_or_none(owner.id == oid)
                if found is not None:
                    link.create(**{own: oid, other: view.id})
                    clocks.stamp(database, found.uuid, (ref,), clocks.after(found.updated_at, at))
        return kind.view(kind.model.get_by_id(view.id))

    def _merge(self, kind: RecordKind, base: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(changes) - set(kind.defaults))
        if unknown:
            raise ValidationError(f"{kind.label} has no field {', '.join(unknown)}.", unknown[0])
        base.update(changes)
        return base

    def _write(
        self,
        kind: RecordKind,
        e: Engagement,
        row: BaseModel | None,
        values: dict[str, Any],
        uuid: str | None = None,
        rid: int | None = None,
        at: datetime | None = None,
    ) -> Any:
        clean = kind.clean(values, self, e.id)
        links = None
        if kind.name in _LINKS:
            links = clean.pop(_LINKS[kind.name][3])
        now = at or self.clock.now()
        if row is None:
            extra: dict[str, Any] = {"uuid": uuid} if uuid else {}
            if rid is not None:
                extra["id"] = rid
            row = kind.model.create(engagement=e, updated_at=now, **clean, **extra)
        else:
            for key, value in clean.items():
                setattr(row, key, value)
            row.updated_at = now
            row.save()
        if links is not None:
            link, own, other, _ = _LINKS[kind.name]
            before = sorted(getattr(r, f"{other}_id") for r in link.select().where(getattr(link, own) == row))
            if before != sorted(links):
                link.delete().where(getattr(link, own) == row).execute()
                for other_id in links:
                    link.create(**{own: row, other: other_id})
                # The links are a field of the record they start from: a change of it.
                clocks.stamp(database, row.uuid, (_LINK_FIELDS[kind.name],), row.updated_at)
        self._touch(e)
        e.save()
        return kind.view(row)
