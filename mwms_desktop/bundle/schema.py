"""The bundle format (version 2; version 1 still reads) and its validation, without the database.

A bundle is JSON: ``{"format": "mwms-desktop-bundle", "version": 1, "exported_at": ...,
"engagements": [...]}``; docs/bundle-format.md describes every field. :func:`parse` reads
the bytes and checks everything that needs no database: JSON syntax (NaN, Infinity and
integers no field can hold refused), format and version, every field present and read by
the same validator the services use (``mwms_desktop/fields.py``: this module only maps the
bundle's keys onto that table), each record's rules, unique uuids, and a stage history the
window could have written. Each refusal names its place, such as
``engagements[2].cycles[0].hypothesis``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from db.models import (
    CheckIn,
    Cycle,
    DossierExport,
    Hypothesis,
    Insight,
    Learning,
    LearningCitation,
    OnboardingItem,
    QualificationScore,
    StageMove,
    Stakeholder,
)
from mwms_desktop import fields
from mwms_desktop.errors import ValidationError

FORMAT = "mwms-desktop-bundle"
VERSION = 2
READS = (1, 2)  # version 1: no version vectors, tombstones or causal history
MOVE_KINDS = fields.MOVE_KINDS

Check = Callable[[Any, str, fields.Context], Any]


class Unusable:
    """Stands in for a number no field can hold (NaN, ±Infinity, an integer of thousands
    of digits) while parsing, so the refusal can name its place."""

    def __init__(self, text: str, why: str = "numbers must be finite") -> None:
        self.text = text
        self.why = why

    def __repr__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Spec:
    """How one key of a bundle record is read: ``check(value, key, context)``."""

    check: Check
    nullable: bool = False
    field: fields.Field | None = None  # the table's field it reads, when it is one


def _of(f: fields.Field) -> Spec:
    """A bundle key read by the table's field of the same name (the one validator)."""
    if isinstance(f.check, fields.Ratings):  # stored, and carried, as JSON text
        return Spec(lambda v, k, ctx: fields.stored_ratings(f.clean(v, ctx)), f.nullable, f)
    return Spec(lambda v, k, ctx: f.clean(v, ctx), f.nullable, f)


def _table(kind_name: str) -> dict[str, Spec]:
    return {f.name: _of(f) for f in fields.KINDS[kind_name].fields}


def _uuid(v: Any, k: str, ctx: fields.Context | None = None) -> str:
    return fields.UUID.check(v, k)


def _instant(v: Any, k: str, ctx: fields.Context | None = None) -> datetime:
    at = fields.UPDATED_AT.clean(v, ctx, k)
    assert at is not None
    return at


def _uuids(v: Any, k: str, ctx: fields.Context | None = None) -> tuple[str, ...]:
    if not isinstance(v, list):
        raise ValidationError(f"{k} must be a list of uuids.", k)
    items = tuple(_uuid(u, f"{k}[{n}]") for n, u in enumerate(v))
    if len(set(items)) != len(items):
        raise ValidationError(f"{k} lists a uuid twice.", k)
    return items


def _vector(v: Any, k: str, ctx: fields.Context | None = None) -> dict[str, int]:
    """A version vector: device uuid -> a positive counter."""
    if not isinstance(v, dict):
        raise ValidationError(f"{k} must be an object of device ids and counters.", k)
    out = {}
    for device, counter in v.items():
        _uuid(device, f"{k} device")
        if type(counter) is not int or not 0 < counter < 2**53:
            raise ValidationError(f"The counter of {device} must be a whole number from 1.", k)
        out[device] = counter
    return out


def _device(v: Any, k: str, ctx: fields.Context | None = None) -> str:
    """The device that made a version: a uuid, or "" (unknown: before version 2)."""
    return "" if v == "" else _uuid(v, k)


def _dots(names: tuple[str, ...]) -> Check:
    """Each field's last change: ``{field: [device, counter, instant]}``."""

    def check(v: Any, k: str, ctx: fields.Context | None = None) -> dict[str, list]:
        if not isinstance(v, dict):
            raise ValidationError(f"{k} must be an object of fields.", k)
        out = {}
        for name, dot in v.items():
            if name not in names:
                raise ValidationError(f"{k}: {name!r} is not a field of this record.", k)
            if not isinstance(dot, list) or len(dot) != 3:
                raise ValidationError(f"{k}.{name} must be [device, counter, instant].", k)
            device, counter = _uuid(dot[0], f"{k}.{name}"), dot[1]
            if type(counter) is not int or not 0 < counter < 2**53:
                raise ValidationError(f"{k}.{name}: the counter must be a whole number from 1.", k)
            out[name] = [device, counter, _instant(dot[2], f"{k}.{name}", ctx).isoformat(timespec="seconds")]
        return out

    return check


ENGAGEMENT_FIELDS: dict[str, Spec] = _table("engagement")


@dataclass(frozen=True, slots=True)
class Kind:
    """One list of records inside an engagement: its JSON key, the table's kind, its model
    and fields. ``refs`` maps a field holding uuids to the kind it points at; ``natural``
    is a field that is unique per engagement (one score per criterion)."""

    key: str
    name: str
    model: type
    fields: dict[str, Spec]
    refs: dict[str, str] = field(default_factory=dict)
    natural: str | None = None


def _kind(key: str, name: str, model: type, refs: dict[str, Spec] | None = None, **kw: Any) -> Kind:
    specs = _table(name)
    targets = kw.pop("targets", {})
    if refs:
        specs.update(refs)
    return Kind(key, name, model, specs, targets, **kw)


KINDS: tuple[Kind, ...] = (
    _kind("qualification_scores", "qualification_score", QualificationScore, natural="criterion"),
    _kind("onboarding_items", "onboarding_item", OnboardingItem, natural="element"),
    _kind("stakeholders", "stakeholder", Stakeholder),
    _kind("insights", "insight", Insight),
    _kind("hypotheses", "hypothesis", Hypothesis, {"insights": Spec(_uuids)},
          targets={"insights": "insights"}),
    _kind("cycles", "cycle", Cycle, {"hypothesis": Spec(_uuid, nullable=True)},
          targets={"hypothesis": "hypotheses"}),
    _kind("learnings", "learning", Learning, {"evidence": Spec(_uuids)}, targets={"evidence": "cycles"}),
    _kind("checkins", "checkin", CheckIn),
    _kind("stage_history", "stage_move", StageMove,
          {"after": Spec(_uuid, nullable=True), "entered_at": Spec(_instant, nullable=True)}),
    _kind("dossier_exports", "dossier_export", DossierExport),
    _kind("citations", "learning_citation", LearningCitation),
)  # fmt: skip
KIND_BY_KEY = {k.key: k for k in KINDS}
V1_ONLY_ABSENT = {"stage_history": ("after", "entered_at")}  # fields version 1 did not carry
CLOCK_KEYS = ("vv", "device", "dots")  # every version-2 record's version


@dataclass(slots=True)
class TombstoneRecord:
    """A deletion carried by the bundle."""

    place: str
    uuid: str
    kind: str
    engagement: str
    deleted_at: datetime
    device: str
    who: str
    vv: dict[str, int]


# What bundles written before a field or a list existed leave out, and what it then means:
# such a bundle (format version 1 from an older MWMS Desktop) still imports as it was meant.
ADDED_FIELDS: dict[str, dict[str, Any]] = {
    "cycle": {"kind": "experimentation_cycle"},  # every cycle was an experiment then
    "learning": {"refinements": [], "private": False},  # private: schema 8
}
ADDED_LISTS: tuple[str, ...] = ("citations",)


@dataclass(slots=True)
class Record:
    """One validated record: clean values by field name (uuid references still as uuids)."""

    place: str
    uuid: str
    updated_at: datetime
    values: dict[str, Any]
    vv: dict[str, int] = field(default_factory=dict)  # empty: version 1
    device: str = ""
    dots: dict[str, list] = field(default_factory=dict)


@dataclass(slots=True)
class EngagementRecord(Record):
    children: dict[str, list[Record]] = field(default_factory=dict)


@dataclass(slots=True)
class Bundle:
    exported_at: datetime
    engagements: list[EngagementRecord]
    tombstones: list[TombstoneRecord] = field(default_factory=list)
    version: int = VERSION
    device: str = ""
