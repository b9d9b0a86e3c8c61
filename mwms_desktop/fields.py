"""One validator per field, per kind of record, for every way a record arrives.

The services (what the window and the CLI write), the bundle importer and, later, sync
all check a record through this table, so nothing can arrive by bundle or sync that the
window could not create. The table knows values, not formats: a field is named as it is
stored (``recorded_on``), its label is the words a message uses ("Recorded on"), and the
bundle maps its own keys and places onto it. References between records (ids in the
services, uuids in a bundle) are resolved by each path; their shape is checked here.

Besides its fields, each kind has its record rules (a cycle does not end before it
starts, an evaluated cycle has a result, a check-in is not dated after today); an
engagement's stage history has its own (``stage_history.py``): what the window enforces
by moving one stage at a time through the gates.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from mwms_desktop import framework as fw
from mwms_desktop import health, validate
from mwms_desktop.clock import Clock
from mwms_desktop.errors import ValidationError

# What may cite a learning as "built on".
CITING_KINDS = (fw.Term("hypothesis", "Hypothesis"), fw.Term("insight", "Insight"))
MOVE_KINDS = (fw.Term("created", ""), fw.Term("forward", ""), fw.Term("backward", ""), fw.Term("undo", ""))

# --- what "now" is ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Context:
    """The latest day and instant a record may carry (nothing is recorded in the future)."""

    today: date
    now: datetime
    today_words: str = "today"  # how a refusal names ``today``

    @classmethod
    def local(cls, clock: Clock) -> Context:
        """For the services: this laptop's calendar day and clock."""
        return cls(clock.today(), clock.now())

    @classmethod
    def arriving(cls, clock: Clock) -> Context:
        """For records made on another laptop (bundle, sync): its day may already be
        tomorrow here (UTC+14 is ahead of every other zone) and its clock may run a little
        ahead of this one, so allow a day beyond this laptop's."""
        now = clock.now()
        return cls((now + timedelta(hours=14)).date(), now + timedelta(days=1), "today anywhere on Earth")


# --- one check per kind of value ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    max_len: int = 20_000
    required: bool = False
    single_line: bool = False

    def __call__(self, value: Any, label: str) -> str:
        return validate.text(
            value, label, required=self.required, max_len=self.max_len, single_line=self.single_line
        )


@dataclass(frozen=True, slots=True)
class Choice:
    terms: tuple[fw.Term, ...]

    def __call__(self, value: Any, label: str) -> str:
        return validate.choice(value, self.terms, label)


@dataclass(frozen=True, slots=True)
class Whole:
    low: int
    high: int

    def __call__(self, value: Any, label: str) -> int:
        return validate.whole(value, label, self.low, self.high)


@dataclass(frozen=True, slots=True)
class Day:
    def __call__(self, value: Any, label: str) -> date | None:
        return validate.day(value, label)


@dataclass(frozen=True, slots=True)
class Instant:
    def __call__(self, value: Any, label: str) -> datetime | None:
        return validate.instant(value, label)


@dataclass(frozen=True, slots=True)
class Flag:
    def __call__(self, value: Any, label: str) -> bool:
        if not isinstance(value, bool):
            raise ValidationError(f"{label} must be yes or no (true or false).", label)
        return value


@dataclass(frozen=True, slots=True)
class Choices:
    """None, one or several of ``terms``, stored as slugs joined by ", " in the terms' order."""

    terms: tuple[fw.Term, ...]

    def __call__(self, value: Any, label: str) -> str:
        if isinstance(value, str):
            items = [v.strip() for v in value.split(",") if v.strip()]
        elif isinstance(value, (list, tuple, set, frozenset)):
            items = list(value)
        else:
            raise ValidationError(f"{label} must be a list of {', '.join(fw.slugs(self.terms))}.", label)
        chosen = {validate.choice(v, self.terms, label) for v in items}
        return ", ".join(t.slug for t in self.terms if t.slug in chosen)


@dataclass(frozen=True, slots=True)
class Tags:
    def __call__(self, value: Any, label: str) -> str:
        return validate.tags(value, label)


@dataclass(frozen=True, slots=True)
class Ratings:
    def __call__(self, value: Any, label: str) -> dict[str, int]:
        if not isinstance(value, Mapping):
            raise ValidationError(f"{label} must map each indicator to 0–3.", label)
        try:
            return health.validate_ratings(value)
        except ValidationError as exc:
            raise ValidationError(str(exc), label) from None  # names the indicator


@dataclass(frozen=True, slots=True)
class Sha256:
    def __call__(self, value: Any, label: str) -> str:
        if not (isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)):
            raise ValidationError(f"{label} must be 64 lower-case hex digits.", label)
        return value


@dataclass(frozen=True, slots=True)
class Position:
    def __call__(self, value: Any, label: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValidationError(f"{label} must be a number.", label)
        if abs(value) > 1e15:
            raise ValidationError(f"{label} must be a number within ±10^15.", label)
        return float(value)


_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True, slots=True)
class Uuid:
    def __call__(self, value: Any, label: str) -> str:
        # The form str(uuid.UUID(x)) gives, and only it (a bundle checks a hundred thousand).
        if not isinstance(value, str) or _CANONICAL_UUID.fullmatch(value) is None:
            raise ValidationError(
                f"{label} must be a uuid in lower-case 8-4-4-4-12 form, got {validate.shown(value)}.", label
            )
        return value


Check = Text | Choice | Choices | Whole | Day | Instant | Flag | Tags | Ratings | Sha256 | Position | Uuid


@dataclass(frozen=True, slots=True)
class Field:
    """A stored field: its name, the label messages use, its check. ``nullable``: it may be
    empty (None). ``by_app``: the app sets it (clock, board position, lifecycle), no form
    enters it. ``not_future``: a day not after today, an instant not after now."""

    name: str
    label: str
    check: Check
    nullable: bool = False
    by_app: bool = False
    not_future: bool = False

    def clean(self, value: Any, ctx: Context | None = None, label: str | None = None) -> Any:
        label = label or self.label
        if value is None or (value == "" and isinstance(self.check, Day | Instant)):
            if self.nullable:
                return None
            if not isinstance(self.check, Text):
                raise ValidationError(f"{label} is required.", label)
        clean = self.check(value, label)
        if self.not_future and ctx is not None:
            if isinstance(clean, datetime) and clean > ctx.now:
                raise ValidationError(f"{label} cannot be in the future ({clean.isoformat()}).", label)
            if isinstance(clean, date) and not isinstance(clean, datetime) and clean > ctx.today:
                raise ValidationError(
                    f"{label} cannot be after {ctx.today_words} ({ctx.today.isoformat()}).", label
                )
        return clean


Rule = Callable[[Mapping[str, Any]], None]


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of record: its fields (uuid and updated_at, common to all, excluded) and the
    rules over a whole record's clean values."""

    name: str
    label: str
    fields: tuple[Field, ...]
    rules: tuple[Rule, ...] = ()
    by_name: dict[str, Field] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})


# --- record rules --------------------------------------------------------------------------


def _cycle_result(v: Mapping[str, Any]) -> None:
    """The window's cycle form: a result exactly when the cycle is evaluated."""
    if v.get("status") == "evaluated" and v.get("result") is None:
        raise ValidationError("An evaluated cycle needs a result (win, loss or inconclusive).", "Result")
    if v.get("status") != "evaluated" and v.get("result") is not None:
        raise ValidationError("Only an evaluated cycle has a result.", "Result")


def _cycle_kind_result(v: Mapping[str, Any]) -> None:
    """A win or a loss applies where it means something for the cycle's kind."""
    kind, result = v.get("kind"), v.get("result")
    if result in ("win", "loss") and kind is not None and kind not in fw.CYCLE_KINDS_WITH_WIN_LOSS:
        raise ValidationError(
            f"A {fw.label(fw.CYCLE_KINDS, kind).lower()} is not won or lost: its result is inconclusive "
            "or it is evaluated in words.",
            "Result",
        )


def _cycle_dates(v: Mapping[str, Any]) -> None:
    started, ended = v.get("started_on"), v.get("ended_on")
    if started is not None and ended is not None and ended < started:
        raise ValidationError("A cycle cannot end before it starts.", "Ended on")


def _outcome_dated(v: Mapping[str, Any]) -> None:
    """An outcome is decided on a day; no day without an outcome."""
    if (v.get("outcome") is None) != (v.get("outcome_on") is None):
        missing = "Decided on" if v.get("outcome") is not None else "Outcome"
        raise ValidationError(
            f"An outcome and the day it was decided go together: {missing} is missing.", missing
        )


def _done_dated(v: Mapping[str, Any]) -> None:
    """An onboarding element is confirmed on a day; an open one has no day."""
    if "done" in v and bool(v.get("done")) != (v.get("done_on") is not None):
        raise ValidationError(
            "A confirmed onboarding element has the day it was done, an open one none.", "Done on"
        )


def _entered_after_creation(v: Mapping[str, Any]) -> None:
    """An engagement enters its stage at or after its creation (an undo gives back an
    earlier entry into a stage, never one before the engagement existed)."""
    created, entered = v.get("created_at"), v.get("stage_entered_at")
    if created is not None and entered is not None and entered < created:
        raise ValidationError(
            "The engagement cannot enter its stage before it was created.", "Entered the stage at"
        )


def _stage_facts(v: Mapping[str, Any]) -> None:
    """What the gates leave behind for good: past Qualification the verdict is "qualified"
    (it is decided only in Qualification, and only a qualified client leaves it); in
    Expansion or Completion an outcome is chosen (it cannot be cleared there); "not a fit"
    and disqualified go together, in Qualification."""
    stage, verdict, status = v.get("stage"), v.get("verdict"), v.get("status")
    if stage is not None and stage != "qualification" and verdict != "qualified":
        raise ValidationError(
            f"An engagement in {fw.stage(stage).label} has passed Qualification: its verdict must be "
            f"“qualified”, got {verdict!r}.",
            "Verdict",
        )
    if stage == "outcome" and v.get("outcome") is None:
        raise ValidationError("An engagement in Expansion or Completion has an outcome chosen.", "Outcome")
    if (status == "disqualified") != (verdict == "not_a_fit"):
        raise ValidationError("“Not a fit” and the disqualified status go together.", "Status")


# --- the table -------------------------------------------------------------------------------

UUID = Field("uuid", "Uuid", Uuid(), by_app=True)
UPDATED_AT = Field("updated_at", "Updated at", Instant(), by_app=True, not_future=True)
COMMON = (UUID, UPDATED_AT)

_ICE = Whole(fw.ICE_MIN, fw.ICE_MAX)

KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("engagement", "Engagement", (
        Field("client", "Client", Text(200, required=True, single_line=True)),
        Field("engagement_type", "Engagement type", Choice(fw.ENGAGEMENT_TYPES)),
        Field("owner", "Owner", Text(120, single_line=True)),
        Field("stage", "Stage", Choice(fw.STAGE_TERMS), by_app=True),
        Field("stage_entered_at", "Entered the stage at", Instant(), by_app=True, not_future=True),
        Field("position", "Position", Position(), by_app=True),
        Field("status", "Status", Choice(fw.ENGAGEMENT_STATUSES), by_app=True),
        Field("created_at", "Created at", Instant(), by_app=True, not_future=True),
        Field("tags", "Tags", Tags()),
        Field("notes", "Notes", Text()),
        Field("next_action", "Next action", Text(500, single_line=True)),
        Field("next_action_due", "Next action due", Day(), nullable=True),
        Field("verdict", "Verdict", Choice(fw.VERDICTS)),
        Field("verdict_note", "Verdict note", Text(4000)),
        Field("exp_scope", "Scope", Text(4000)),
        Field("exp_cadence", "Cadence", Text(1000)),
        Field("exp_success_measures", "Success measures", Text(4000)),
        Field("exp_agreed_on", "Agreed on", Day(), nullable=True),
        Field("outcome", "Outcome", Choice(fw.OUTCOMES), nullable=True),
        Field("outcome_on", "Decided on", Day(), nullable=True),
        Field("outcome_summary", "Outcome summary", Text(8000)),
    ), (_outcome_dated, _stage_facts, _entered_after_creation)),
    Kind("qualification_score", "Qualification score", (
        Field("criterion", "Criterion", Choice(fw.QUALIFICATION_CRITERIA)),
        Field("score", "Score", Whole(fw.SCORE_MIN, fw.SCORE_MAX)),
        Field("note", "Note", Text(2000)),
    )),
    Kind("onboarding_item", "Onboarding item", (
        Field("element", "Onboarding element", Choice(fw.ONBOARDING_ELEMENTS)),
        Field("done", "Done", Flag()),
        Field("done_on", "Done on", Day(), nullable=True),
        Field("note", "Note", Text(2000)),
    ), (_done_dated,)),
    Kind("stakeholder", "Stakeholder", (
        Field("name", "Name", Text(200, required=True, single_line=True)),
        Field("role", "Role", Text(200, single_line=True)),
        Field("influence", "Influence", Choice(fw.STAKEHOLDER_INFLUENCE)),
        Field("alignment", "Alignment", Choice(fw.ALIGNMENTS)),
        Field("mitigation", "Mitigation", Text(4000)),
        Field("last_contact", "Last contact", Day(), nullable=True),
        Field("note", "Note", Text(4000)),
    )),
    Kind("insight", "Insight", (
        Field("activity", "Activity", Choice(fw.INSIGHT_ACTIVITIES)),
        Field("statement", "Statement", Text(4000, required=True)),
        Field("detail", "Detail", Text()),
        Field("recorded_on", "Recorded on", Day()),
    )),
    Kind("hypothesis", "Hypothesis", (
        Field("statement", "Statement", Text(4000, required=True)),
        Field("rationale", "Rationale", Text()),
        Field("impact", "Impact", _ICE, nullable=True),
        Field("confidence", "Confidence", _ICE, nullable=True),
        Field("ease", "Ease", _ICE, nullable=True),
    )),
    Kind("cycle", "Cycle", (
        Field("title", "Title", Text(500, required=True, single_line=True)),
        Field("status", "Status", Choice(fw.CYCLE_STATUSES)),
        Field("started_on", "Started on", Day(), nullable=True),
        Field("ended_on", "Ended on", Day(), nullable=True),
        Field("result", "Result", Choice(fw.CYCLE_RESULTS), nullable=True),
        Field("evaluation", "Evaluation", Text()),
        Field("kind", "Kind of cycle", Choice(fw.CYCLE_KINDS)),
    ), (_cycle_result, _cycle_dates, _cycle_kind_result)),
    Kind("learning", "Learning", (
        Field("statement", "Statement", Text(4000, required=True)),
        Field("confidence", "Confidence", Choice(fw.CONFIDENCE_LEVELS)),
        Field("tags", "Tags", Tags()),
        Field("recorded_at", "Recorded at", Instant(), not_future=True),
        Field("refinements", "Refines", Choices(fw.REFINEMENTS)),
        Field("private", "Private", Flag()),
    )),
    Kind("learning_citation", "Built on", (
        Field("citing_kind", "Citing record", Choice(CITING_KINDS), by_app=True),
        Field("citing_uuid", "Citing record's uuid", Uuid(), by_app=True),
        Field("learning_uuid", "Cited learning's uuid", Uuid(), by_app=True),
        Field("statement", "Cited statement", Text(4000, required=True), by_app=True),
        Field("cited_at", "Cited at", Instant(), by_app=True, not_future=True),
    )),
    Kind("checkin", "Health check-in", (
        Field("held_on", "Held on", Day(), not_future=True),
        Field("ratings", "Ratings", Ratings()),
        Field("note", "Note", Text()),
    )),
    Kind("stage_move", "Stage move", (
        Field("from_stage", "From stage", Choice(fw.STAGE_TERMS), nullable=True, by_app=True),
        Field("to_stage", "To stage", Choice(fw.STAGE_TERMS), by_app=True),
        Field("moved_at", "Moved at", Instant(), by_app=True, not_future=True),
        Field("reason", "Reason", Text(2000)),
        Field("kind", "Kind of move", Choice(MOVE_KINDS), by_app=True),
    )),
    Kind("dossier_export", "Dossier export", (
        Field("exported_at", "Exported at", Instant(), by_app=True, not_future=True),
        Field("file_name", "File name", Text(1000, required=True)),
        Field("sha256", "SHA-256", Sha256()),
    )),
)}  # fmt: skip


def kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValidationError(f"Unknown kind of record {name!r}.", "kind") from None


def check(
    kind_name: str, name: str, value: Any, ctx: Context | None = None, *, label: str | None = None
) -> Any:
    """One field's clean value, or :class:`ValidationError` naming it."""
    return kind(kind_name).by_name[name].clean(value, ctx, label)


def clean(kind_name: str, values: Mapping[str, Any], ctx: Context | None = None) -> dict[str, Any]:
    """The clean values of the fields given (a field absent is not checked), then the
    kind's record rules over them. ``ctx`` None skips the not-in-the-future checks."""
    k = kind(kind_name)
    out = {name: k.by_name[name].clean(value, ctx) for name, value in values.items() if name in k.by_name}
    check_record(kind_name, out)
    return out


def check_record(kind_name: str, clean_values: Mapping[str, Any]) -> None:
    """The kind's rules over a record's clean values (fields absent count as None)."""
    for rule in kind(kind_name).rules:
        rule(clean_values)


def stored_ratings(ratings: Mapping[str, int]) -> str:
    """Ratings as the text a check-in stores (and a bundle carries)."""
    return json.dumps(dict(ratings), sort_keys=True)
