"""The bundle format (version 1) and its validation, without the database.

A bundle is JSON: ``{"format": "mwms-desktop-bundle", "version": 1, "exported_at": ...,
"engagements": [...]}``; docs/bundle-format.md describes every field. :func:`parse` reads
the bytes and checks everything that needs no database: JSON syntax (NaN and Infinity
refused), format and version, every field present with the right type and a value the
services would accept, unique uuids, and a stage history that never skips a stage. Each
refusal names its place, such as ``engagements[2].cycles[0].hypothesis``.
"""

from __future__ import annotations

import json
import math
import uuid as uuid_mod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from db.models import (
    CheckIn,
    Cycle,
    DossierExport,
    Hypothesis,
    Insight,
    Learning,
    OnboardingItem,
    QualificationScore,
    StageMove,
    Stakeholder,
)
from mwms_desktop import framework as fw
from mwms_desktop import health, validate
from mwms_desktop.errors import ValidationError

FORMAT = "mwms-desktop-bundle"
VERSION = 1
MOVE_KINDS = (fw.Term("created", ""), fw.Term("forward", ""), fw.Term("backward", ""), fw.Term("undo", ""))

Check = Callable[[Any, str], Any]


class NonFinite:
    """Stands in for NaN or ±Infinity while parsing, so the refusal can name its place."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Spec:
    check: Check
    nullable: bool = False


def _text(max_len: int = 20_000, *, required: bool = False, single_line: bool = False) -> Spec:
    return Spec(lambda v, k: validate.text(v, k, required=required, max_len=max_len, single_line=single_line))


def _choice(terms: tuple[fw.Term, ...], nullable: bool = False) -> Spec:
    return Spec(lambda v, k: validate.choice(v, terms, k), nullable)


def _whole(lo: int, hi: int, nullable: bool = False) -> Spec:
    def check(v: Any, k: str) -> int:
        if isinstance(v, float):
            raise ValidationError(f"{k} must be a whole number from {lo} to {hi}.", k)
        return validate.whole(v, k, lo, hi)

    return Spec(check, nullable)


def _day(nullable: bool = False) -> Spec:
    def check(v: Any, k: str) -> Any:
        if not isinstance(v, str):
            raise ValidationError(f"{k} must be a date (YYYY-MM-DD), got {v!r}.", k)
        return validate.day(v, k)

    return Spec(check, nullable)


def _instant(v: Any, k: str) -> datetime:
    try:
        at = datetime.fromisoformat(v) if isinstance(v, str) else None
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise ValidationError(f"{k} must be a date and time with its UTC offset, got {v!r}.", k)
    try:
        return at.astimezone(UTC).replace(microsecond=0)
    except OverflowError:  # 9999-12-31T23:00-05:00 is past the last representable instant
        raise ValidationError(f"{k} is out of range, got {v!r}.", k) from None


def _bool(v: Any, k: str) -> bool:
    if not isinstance(v, bool):
        raise ValidationError(f"{k} must be true or false.", k)
    return v


def _position(v: Any, k: str) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or abs(v) > 1e15:
        raise ValidationError(f"{k} must be a number.", k)
    return float(v)


def _uuid(v: Any, k: str) -> str:
    try:
        ok = isinstance(v, str) and str(uuid_mod.UUID(v)) == v
    except ValueError:
        ok = False
    if not ok:
        raise ValidationError(f"{k} must be a uuid in lower-case 8-4-4-4-12 form, got {v!r}.", k)
    return v


def _uuids(v: Any, k: str) -> tuple[str, ...]:
    if not isinstance(v, list):
        raise ValidationError(f"{k} must be a list of uuids.", k)
    items = tuple(_uuid(u, f"{k}[{n}]") for n, u in enumerate(v))
    if len(set(items)) != len(items):
        raise ValidationError(f"{k} lists a uuid twice.", k)
    return items


def _ratings(v: Any, k: str) -> str:
    if not isinstance(v, dict):
        raise ValidationError(f"{k} must map each indicator to 0–3.", k)
    return json.dumps(health.validate_ratings(v), sort_keys=True)


def _sha256(v: Any, k: str) -> str:
    if not (isinstance(v, str) and len(v) == 64 and all(c in "0123456789abcdef" for c in v)):
        raise ValidationError(f"{k} must be 64 lower-case hex digits.", k)
    return v


def _tags(v: Any, k: str) -> str:
    if not isinstance(v, str):
        raise ValidationError(f"{k} must be text.", k)
    return validate.tags(v, k)


ENGAGEMENT_FIELDS: dict[str, Spec] = {
    "client": _text(200, required=True, single_line=True),
    "engagement_type": _choice(fw.ENGAGEMENT_TYPES),
    "owner": _text(120, single_line=True),
    "stage": _choice(fw.STAGE_TERMS),
    "stage_entered_at": Spec(_instant),
    "position": Spec(_position),
    "status": _choice(fw.ENGAGEMENT_STATUSES),
    "created_at": Spec(_instant),
    "tags": Spec(_tags),
    "notes": _text(),
    "next_action": _text(500, single_line=True),
    "next_action_due": _day(nullable=True),
    "verdict": _choice(fw.VERDICTS),
    "verdict_note": _text(4000),
    "exp_scope": _text(4000),
    "exp_cadence": _text(1000),
    "exp_success_measures": _text(4000),
    "exp_agreed_on": _day(nullable=True),
    "outcome": _choice(fw.OUTCOMES, nullable=True),
    "outcome_on": _day(nullable=True),
    "outcome_summary": _text(8000),
}


@dataclass(frozen=True, slots=True)
class Kind:
    """One list of records inside an engagement: its JSON key, model and fields.
    ``refs`` maps a field holding uuids to the kind it points at; ``natural`` is a field
    that is unique per engagement (one score per criterion)."""

    key: str
    model: type
    fields: dict[str, Spec]
    refs: dict[str, str] = field(default_factory=dict)
    natural: str | None = None


KINDS: tuple[Kind, ...] = (
    Kind("qualification_scores", QualificationScore, {
        "criterion": _choice(fw.QUALIFICATION_CRITERIA),
        "score": _whole(fw.SCORE_MIN, fw.SCORE_MAX),
        "note": _text(2000),
    }, natural="criterion"),
    Kind("onboarding_items", OnboardingItem, {
        "element": _choice(fw.ONBOARDING_ELEMENTS),
        "done": Spec(_bool),
        "done_on": _day(nullable=True),
        "note": _text(2000),
    }, natural="element"),
    Kind("stakeholders", Stakeholder, {
        "name": _text(200, required=True, single_line=True),
        "role": _text(200, single_line=True),
        "influence": _choice(fw.STAKEHOLDER_INFLUENCE),
        "alignment": _choice(fw.ALIGNMENTS),
        "mitigation": _text(4000),
        "last_contact": _day(nullable=True),
        "note": _text(4000),
    }),
    Kind("insights", Insight, {
        "activity": _choice(fw.INSIGHT_ACTIVITIES),
        "statement": _text(4000, required=True),
        "detail": _text(),
        "recorded_on": _day(),
    }),
    Kind("hypotheses", Hypothesis, {
        "statement": _text(4000, required=True),
        "rationale": _text(),
        "impact": _whole(fw.ICE_MIN, fw.ICE_MAX, nullable=True),
        "confidence": _whole(fw.ICE_MIN, fw.ICE_MAX, nullable=True),
        "ease": _whole(fw.ICE_MIN, fw.ICE_MAX, nullable=True),
        "insights": Spec(_uuids),
    }, refs={"insights": "insights"}),
    Kind("cycles", Cycle, {
        "title": _text(500, required=True, single_line=True),
        "hypothesis": Spec(_uuid, nullable=True),
        "status": _choice(fw.CYCLE_STATUSES),
        "started_on": _day(nullable=True),
        "ended_on": _day(nullable=True),
        "result": _choice(fw.CYCLE_RESULTS, nullable=True),
        "evaluation": _text(),
    }, refs={"hypothesis": "hypotheses"}),
    Kind("learnings", Learning, {
        "statement": _text(4000, required=True),
        "confidence": _choice(fw.CONFIDENCE_LEVELS),
        "tags": Spec(_tags),
        "recorded_at": Spec(_instant),
        "evidence": Spec(_uuids),
    }, refs={"evidence": "cycles"}),
    Kind("checkins", CheckIn, {
        "held_on": _day(),
        "ratings": Spec(_ratings),
        "note": _text(),
    }),
    Kind("stage_history", StageMove, {
        "from_stage": _choice(fw.STAGE_TERMS, nullable=True),
        "to_stage": _choice(fw.STAGE_TERMS),
        "moved_at": Spec(_instant),
        "reason": _text(2000),
        "kind": _choice(MOVE_KINDS),
    }),
    Kind("dossier_exports", DossierExport, {
        "exported_at": Spec(_instant),
        "file_name": _text(1000, required=True),
        "sha256": Spec(_sha256),
    }),
)  # fmt: skip
KIND_BY_KEY = {k.key: k for k in KINDS}


@dataclass(slots=True)
class Record:
    """One validated record: clean values by field name (uuid references still as uuids)."""

    place: str
    uuid: str
    updated_at: datetime
    values: dict[str, Any]


@dataclass(slots=True)
class EngagementRecord(Record):
    children: dict[str, list[Record]] = field(default_factory=dict)


@dataclass(slots=True)
class Bundle:
    exported_at: datetime
    engagements: list[EngagementRecord]
