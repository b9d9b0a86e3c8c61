"""The kinds of record a merge knows, and each record in its portable form: values by field
name as JSON (days and instants as ISO text, references as uuids), the same on every laptop
whatever its local integer ids. Conflicts keep versions in this form; resolving one writes
a version back through the models (so the write is stamped as a newer local change)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from db.models import (
    BaseModel,
    CheckIn,
    Cycle,
    DossierExport,
    Engagement,
    Hypothesis,
    HypothesisInsight,
    Insight,
    Learning,
    LearningCitation,
    LearningEvidence,
    OnboardingItem,
    QualificationScore,
    StageMove,
    Stakeholder,
)
from mwms_desktop import fields, health

# Fields merged like any other but not worth a conflict on their own: where a card sits in
# its column (every move sets it).
QUIET = frozenset({"position"})

# Engagement fields the merge derives from the merged stage history, never takes from a side.
DERIVED = ("stage", "stage_entered_at")


@dataclass(frozen=True)
class RecordKind:
    key: str  # the bundle's key, e.g. "insights"
    name: str  # the field table's kind, e.g. "insight"
    model: type[BaseModel]
    refs: Mapping[str, str] = field(default_factory=dict)  # field -> key of the kind it names
    natural: str | None = None  # unique per engagement (one score per criterion)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in fields.KINDS[self.name].fields) + tuple(self.refs)

    @property
    def label(self) -> str:
        return fields.KINDS[self.name].label


ENGAGEMENT = RecordKind("engagements", "engagement", Engagement)
KINDS: dict[str, RecordKind] = {
    k.key: k
    for k in (
        ENGAGEMENT,
        RecordKind("qualification_scores", "qualification_score", QualificationScore, natural="criterion"),
        RecordKind("onboarding_items", "onboarding_item", OnboardingItem, natural="element"),
        RecordKind("stakeholders", "stakeholder", Stakeholder),
        RecordKind("insights", "insight", Insight),
        RecordKind("hypotheses", "hypothesis", Hypothesis, {"insights": "insights"}),
        RecordKind("cycles", "cycle", Cycle, {"hypothesis": "hypotheses"}),
        RecordKind("learnings", "learning", Learning, {"evidence": "cycles"}),
        RecordKind("checkins", "checkin", CheckIn),
        RecordKind("stage_history", "stage_move", StageMove),
        RecordKind("dossier_exports", "dossier_export", DossierExport),
        RecordKind("citations", "learning_citation", LearningCitation),  # "built on" (the library)
    )
}
APPEND_ONLY = ("stage_history", "dossier_exports")


def to_json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def portable(kind: RecordKind, row: BaseModel) -> dict[str, Any]:
    """One row's values in portable form."""
    out: dict[str, Any] = {}
    for f in fields.KINDS[kind.name].fields:
        value = getattr(row, f.name)
        out[f.name] = json.loads(value) if f.name == "ratings" else to_json(value)
    if kind.key == "hypotheses":
        out["insights"] = sorted(
            i.uuid for i in Insight.select(Insight.uuid).join(HypothesisInsight)
            .where(HypothesisInsight.hypothesis == row.id)
        )  # fmt: skip
    elif kind.key == "learnings":
        out["evidence"] = sorted(
            c.uuid for c in Cycle.select(Cycle.uuid).join(LearningEvidence)
            .where(LearningEvidence.learning == row.id)
        )  # fmt: skip
    elif kind.key == "cycles":
        h = Hypothesis.get_or_none(Hypothesis.id == row.hypothesis_id) if row.hypothesis_id else None
        out["hypothesis"] = h.uuid if h is not None else None
    if kind is ENGAGEMENT:
        for name in DERIVED:
            out.pop(name, None)
    return out


def find(kind: RecordKind, uuid: str) -> BaseModel | None:
    return kind.model.get_or_none(kind.model.uuid == uuid)


def write(kind: RecordKind, uuid: str, values: Mapping[str, Any], engagement_uuid: str, at: datetime) -> None:
    """Write ``values`` (portable, some or all fields) to the record ``uuid``, creating it
    (in its engagement) when it is not there: a local change, stamped by the models."""
    own = {k: v for k, v in values.items() if k not in kind.refs and k not in DERIVED}
    clean = fields.clean(kind.name, own)
    if "ratings" in clean:
        clean["score"] = health.score(clean["ratings"])
        clean["ratings"] = fields.stored_ratings(clean["ratings"])
    row = find(kind, uuid)
    if row is None:
        e = Engagement.get(Engagement.uuid == engagement_uuid)
        row = kind.model(uuid=uuid, engagement=e)
        row._loaded = None
    for key, value in clean.items():
        setattr(row, key, value)
    row.updated_at = at
    if "hypothesis" in values:
        h = Hypothesis.get_or_none(Hypothesis.uuid == values["hypothesis"]) if values["hypothesis"] else None
        row.hypothesis = h.id if h is not None else None
    row.save(force_insert=row._loaded is None)
    for ref, (link, own_name, other_model, other_name) in _LINKS.items():
        if kind.refs.get(ref) and ref in values:
            link.delete().where(getattr(link, own_name) == row.id).execute()
            for u in values[ref] or ():
                other = other_model.get_or_none(other_model.uuid == u)
                if other is not None:
                    link.create(**{own_name: row.id, other_name: other.id})


_LINKS = {
    "insights": (HypothesisInsight, "hypothesis", Insight, "insight"),
    "evidence": (LearningEvidence, "learning", Cycle, "cycle"),
}
