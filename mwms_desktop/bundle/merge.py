"""Merging a parsed bundle into the database by uuid.

Per record the newer ``updated_at`` wins (a tie keeps the local one); the stage history is
a union of moves by uuid, and the engagement's current stage comes with whichever
engagement record is newer. Scores and onboarding items are one per criterion or element,
so they also match on that. Everything the database must confirm (references, uuids owned
by another engagement) is checked by :func:`check_against_db` before anything is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from db.models import BaseModel, Engagement, HypothesisInsight, LearningEvidence
from mwms_desktop import health
from mwms_desktop.bundle.schema import KIND_BY_KEY, KINDS, Bundle, EngagementRecord, Kind, Record
from mwms_desktop.errors import BundleError

_APPEND_ONLY = ("stage_history", "dossier_exports")  # facts that never change once recorded
_LINKS = {  # kind key -> (link model, own field, other field, ref field)
    "hypotheses": (HypothesisInsight, "hypothesis", "insight", "insights"),
    "learnings": (LearningEvidence, "learning", "cycle", "evidence"),
}


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


def _local(kind: Kind, r: Record, engagement: Engagement | None) -> BaseModel | None:
    """The local row an incoming record merges into: same uuid, or (scores, onboarding)
    the same criterion or element of the same engagement."""
    row = kind.model.get_or_none(kind.model.uuid == r.uuid)
    if row is None and kind.natural and engagement is not None:
        natural = getattr(kind.model, kind.natural)
        row = kind.model.get_or_none(
            (kind.model.engagement == engagement.id) & (natural == r.values[kind.natural])
        )
    return row


def check_against_db(bundle: Bundle) -> None:
    """Refuse, naming the place, what only the database can reveal: a record whose uuid
    belongs to another engagement here, or a reference to a uuid neither in the bundle
    nor in this engagement's records here."""
    for e in bundle.engagements:
        local = Engagement.get_or_none(Engagement.uuid == e.uuid)
        incoming = {key: {r.uuid for r in records} for key, records in e.children.items()}
        for kind in KINDS:
            for r in e.children[kind.key]:
                _check_owner(kind, r, local)
                for ref, target in kind.refs.items():
                    value = r.values[ref]
                    for u in (value,) if isinstance(value, str) else value or ():
                        if u not in incoming[target] and _owned_id(target, u, local) is None:
                            where = f"{r.place}.{ref}"
                            raise BundleError(f"{where}: unknown uuid {u} (not in this engagement).", where)


def _check_owner(kind: Kind, r: Record, local: Engagement | None) -> None:
    row = kind.model.get_or_none(kind.model.uuid == r.uuid)
    if row is None:
        return
    if local is None or row.engagement_id != local.id:
        where = f"{r.place}.uuid"
        raise BundleError(f"{where}: {r.uuid} belongs to another engagement in this database.", where)
    if kind.natural and getattr(row, kind.natural) != r.values[kind.natural]:
        where = f"{r.place}.{kind.natural}"
        raise BundleError(f"{where}: {r.uuid} is the record of {getattr(row, kind.natural)} here.", where)


def _owned_id(target: str, uuid: str, engagement: Engagement | None) -> int | None:
    if engagement is None:
        return None
    model = KIND_BY_KEY[target].model
    return model.select(model.id).where((model.uuid == uuid) & (model.engagement == engagement.id)).scalar()


def apply(bundle: Bundle) -> ImportReport:
    """Write the merge; the caller holds the transaction."""
    report = ImportReport()
    for e in bundle.engagements:
        _apply_engagement(e, report)
    return report


def _apply_engagement(e: EngagementRecord, report: ImportReport) -> None:
    local = Engagement.get_or_none(Engagement.uuid == e.uuid)
    if local is None:
        local = Engagement.create(uuid=e.uuid, updated_at=e.updated_at, **e.values)
        report.count("engagements", ADDED)
        report.added.append(local.client)
    elif e.updated_at > local.updated_at:
        _assign(local, e.updated_at, e.values)
        report.count("engagements", UPDATED)
        report.updated.append(local.client)
    else:
        report.count("engagements", SKIPPED)
    for kind in KINDS:
        for r in e.children[kind.key]:
            _apply_record(kind, r, local, report)


def _assign(row: BaseModel, updated_at: Any, values: dict[str, Any]) -> None:
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = updated_at
    row.save()


def _apply_record(kind: Kind, r: Record, engagement: Engagement, report: ImportReport) -> None:
    values = dict(r.values)
    links = values.pop(_LINKS[kind.key][3]) if kind.key in _LINKS else None
    if kind.key == "cycles" and values["hypothesis"] is not None:
        values["hypothesis"] = _owned_id("hypotheses", values["hypothesis"], engagement)
    if kind.key == "checkins":
        values["score"] = health.score(json.loads(values["ratings"]))
    row = _local(kind, r, engagement)
    if row is None:
        row = kind.model.create(engagement=engagement, uuid=r.uuid, updated_at=r.updated_at, **values)
        report.count(kind.key, ADDED)
    elif kind.key not in _APPEND_ONLY and r.updated_at > row.updated_at:
        _assign(row, r.updated_at, values)
        report.count(kind.key, UPDATED)
    else:
        report.count(kind.key, SKIPPED)
        return
    if links is not None:
        link, own, other, _ = _LINKS[kind.key]
        target = KIND_BY_KEY[kind.key].refs[_LINKS[kind.key][3]]
        link.delete().where(getattr(link, own) == row.id).execute()
        for u in links:
            link.create(**{own: row.id, other: _owned_id(target, u, engagement)})
