"""Reading a bundle's bytes into validated records (see ``schema.py``); no database."""

from __future__ import annotations

import json
from typing import Any

from mwms_desktop import fields, stage_history
from mwms_desktop.bundle.schema import (
    ADDED_FIELDS,
    ADDED_LISTS,
    CLOCK_KEYS,
    ENGAGEMENT_FIELDS,
    FORMAT,
    KINDS,
    READS,
    V1_ONLY_ABSENT,
    VERSION,
    Bundle,
    EngagementRecord,
    Kind,
    Record,
    Spec,
    TombstoneRecord,
    Unusable,
    _device,
    _dots,
    _instant,
    _uuid,
    _vector,
)
from mwms_desktop.clock import Clock
from mwms_desktop.errors import BundleError, ValidationError
from mwms_desktop.merge import history, tombstones

_INT_DIGITS = 30  # longer integers fit no field (SQLite's hold 19 digits) and slow Python down

_TOP = ("format", "version", "exported_at", "engagements")
_TOP_V2 = (*_TOP, "device", "tombstones")
_OPTIONAL_TOP = ("app",)
_TOMBSTONE = ("uuid", "kind", "engagement", "deleted_at", "device", "who", "vv")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise BundleError(f"The bundle repeats the key {key!r} within one object.", key)
        result[key] = value
    return result


def _float(text: str) -> float | Unusable:
    value = float(text)  # 1e309 is inf
    return value if value not in (float("inf"), float("-inf")) else Unusable(text)


def _int(text: str) -> int | Unusable:
    digits = len(text.lstrip("-"))
    if digits > _INT_DIGITS:
        return Unusable(f"an integer of {digits} digits", "numbers must fit in 19 digits")
    return int(text)


def load_json(data: bytes) -> Any:
    """The bundle's JSON, refusing what Python's parser would let through (NaN, Infinity,
    numbers too large for a float, repeated keys)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BundleError(f"The bundle is not UTF-8 text (byte {exc.start}).") from None
    try:
        return json.loads(
            text,
            parse_constant=Unusable,
            parse_float=_float,
            parse_int=_int,
            object_pairs_hook=_no_duplicate_keys,
        )
    except json.JSONDecodeError as exc:
        raise BundleError(
            f"The bundle is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None
    except RecursionError:
        raise BundleError("The bundle is nested too deeply to be a bundle.") from None
    except (ValueError, MemoryError) as exc:  # what the parser itself could not hold
        raise BundleError(f"The bundle cannot be read ({type(exc).__name__}).") from None


def _object(value: Any, place: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict:
    if not isinstance(value, dict):
        raise BundleError(f"{place}: must be an object, got {type(value).__name__}.", place)
    for key in required:
        if key not in value:
            raise BundleError(f"{place}: missing field {key!r}.", f"{place}.{key}")
    unknown = [k for k in value if k not in required and k not in optional]
    if unknown:
        raise BundleError(f"{place}: unknown field {unknown[0]!r}.", f"{place}.{unknown[0]}")
    return value


def _field(value: Any, spec: Spec, place: str, key: str, ctx: fields.Context) -> Any:
    # A bundle holds a million fields: the place is spelled out only for a refusal.
    if isinstance(value, Unusable):
        where = f"{place}.{key}"
        raise BundleError(f"{where}: {value!r} is not allowed ({value.why}).", where)
    if value is None:
        if spec.nullable:
            return None
        where = f"{place}.{key}"
        raise BundleError(f"{where}: must not be null.", where)
    try:
        return spec.check(value, key, ctx)
    except ValidationError as exc:
        where = f"{place}.{key}"
        raise BundleError(f"{where}: {exc}", where) from None
    except (TypeError, ValueError, OverflowError, RecursionError) as exc:  # no check expects it
        where = f"{place}.{key}"
        raise BundleError(f"{where}: unusable value ({type(exc).__name__}).", where) from None


def _rules(kind_name: str, record: Record) -> None:
    """The kind's record rules (mwms_desktop/fields.py), naming the field they fault."""
    try:
        fields.check_record(kind_name, record.values)
    except ValidationError as exc:
        names = {f.label: f.name for f in fields.KINDS[kind_name].fields}
        where = f"{record.place}.{names.get(exc.field or '', exc.field)}"
        raise BundleError(f"{where}: {exc}", where) from None


def _record(
    value: Any,
    place: str,
    specs: dict[str, Spec],
    ctx: fields.Context,
    extra: tuple[str, ...] = (),
    version: int = VERSION,
    later: dict[str, Any] | None = None,
) -> Record:
    """One record; ``later``: fields an older bundle may leave out, with what that means."""
    later = later or {}
    clock_keys = CLOCK_KEYS if version >= 2 else ()
    required = tuple(k for k in ("uuid", "updated_at", *specs, *extra, *clock_keys) if k not in later)
    obj = _object(value, place, required, tuple(later))
    obj = {**later, **obj}
    record = Record(
        place=place,
        uuid=_field(obj["uuid"], Spec(_uuid), place, "uuid", ctx),
        updated_at=_field(obj["updated_at"], Spec(_instant), place, "updated_at", ctx),
        values={k: _field(obj[k], spec, place, k, ctx) for k, spec in specs.items()},
    )
    if clock_keys:
        record.vv = _field(obj["vv"], Spec(_vector), place, "vv", ctx)
        record.device = _field(obj["device"], Spec(_device), place, "device", ctx)
        record.dots = _field(obj["dots"], Spec(_dots(tuple(specs))), place, "dots", ctx)
    return record


def _list(value: Any, where: str) -> list:
    if not isinstance(value, list):
        raise BundleError(f"{where}: must be a list, got {type(value).__name__}.", where)
    return value


def _engagement(value: Any, place: str, ctx: fields.Context, version: int) -> EngagementRecord:
    kinds = tuple(k.key for k in KINDS)
    base = _record(value, place, ENGAGEMENT_FIELDS, ctx, kinds, version, dict.fromkeys(ADDED_LISTS, ()))
    _rules("engagement", base)
    e = EngagementRecord(base.place, base.uuid, base.updated_at, base.values, base.vv, base.device, base.dots)
    for kind in KINDS:
        where = f"{place}.{kind.key}"
        items = _list(value.get(kind.key, []) if kind.key in ADDED_LISTS else value[kind.key], where)
        specs = kind.fields
        if version < 2 and kind.key in V1_ONLY_ABSENT:
            specs = {k: v for k, v in specs.items() if k not in V1_ONLY_ABSENT[kind.key]}
        later = ADDED_FIELDS.get(kind.name)
        records = [
            _record(item, f"{where}[{n}]", specs, ctx, (), version, later) for n, item in enumerate(items)
        ]
        for r in records:
            _rules(kind.name, r)
        e.children[kind.key] = records
        if kind.natural:
            _unique_natural(records, kind)
    if version < 2:  # no causal chain yet: the moves follow each other in the order written
        moves = e.children["stage_history"]
        after = {
            m["uuid"]: m["after"] for m in history.chained([{"uuid": m.uuid, **m.values} for m in moves])
        }
        for r in moves:
            r.values["after"], r.values["entered_at"] = after[r.uuid], None
    _check_history(e)
    return e


def _tombstone(value: Any, place: str, ctx: fields.Context) -> TombstoneRecord:
    obj = _object(value, place, _TOMBSTONE)
    kind = obj["kind"]
    uuid = _field(obj["uuid"], Spec(_uuid), place, "uuid", ctx)
    if kind == "stage_history":
        raise BundleError(
            f"{place}.kind: {uuid} is a stage move; a stage history is append-only, its moves are "
            "never deleted.",
            f"{place}.kind",
        )
    if kind not in tombstones.DELETABLE:
        allowed = ", ".join(tombstones.DELETABLE)
        raise BundleError(
            f"{place}.kind: {kind!r} records are never deleted (one of {allowed}).", f"{place}.kind"
        )
    who = obj["who"]
    if not isinstance(who, str) or len(who) > 200:
        raise BundleError(f"{place}.who: must be a name of at most 200 characters.", f"{place}.who")
    return TombstoneRecord(
        place=place,
        uuid=uuid,
        kind=kind,
        engagement=_field(obj["engagement"], Spec(_uuid), place, "engagement", ctx),
        deleted_at=_field(obj["deleted_at"], Spec(_instant), place, "deleted_at", ctx),
        device=_field(obj["device"], Spec(_device), place, "device", ctx),
        who=who,
        vv=_field(obj["vv"], Spec(_vector), place, "vv", ctx),
    )


def _unique_natural(records: list[Record], kind: Kind) -> None:
    seen: set[Any] = set()
    for r in records:
        key = r.values[kind.natural]
        if key in seen:
            raise BundleError(f"{r.place}.{kind.natural}: {key} appears twice.", r.place)
        seen.add(key)


def _check_history(e: EngagementRecord) -> None:
    """The stage history must be one the window writes and explain the stage
    (:func:`stage_history.check_history`)."""
    moves = e.children["stage_history"]
    try:
        stage_history.check_history([{"uuid": m.uuid, **m.values} for m in moves], e.values["stage"])
        exports = len(e.children["dossier_exports"])
        stage_history.check_completion(e.values["stage"], e.values["outcome"], exports)
    except stage_history.HistoryProblem as exc:
        where = f"{e.place}.{exc.field or 'stage_history'}"
        if exc.index is not None:
            where = f"{moves[exc.index].place}.{exc.field}" if exc.field else moves[exc.index].place
        raise BundleError(f"{where}: {exc}", where) from None


def parse(data: bytes, ctx: fields.Context | None = None) -> Bundle:
    """Validate a bundle completely, apart from what only the database can tell, through
    the same field validators and record rules as the services. ``ctx`` says how late a
    record may be dated (default: from this laptop's clock, allowing for another's)."""
    ctx = ctx or fields.Context.arriving(Clock())
    top = load_json(data)
    if not isinstance(top, dict) or top.get("format") != FORMAT:
        raise BundleError(
            "This is not an MWMS Desktop bundle (format must be 'mwms-desktop-bundle').", "format"
        )
    version = top.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        raise BundleError(
            f"version: the bundle is version {version}, written by a newer MWMS Desktop; "
            f"this one reads version {VERSION}.",
            "version",
        )
    if type(version) is not int or version not in READS:
        raise BundleError(
            f"version: must be one of {', '.join(map(str, READS))}, got {version!r}.", "version"
        )
    _object(top, "bundle", _TOP_V2 if version >= 2 else _TOP, _OPTIONAL_TOP)
    exported_at = _field(top["exported_at"], Spec(_instant), "bundle", "exported_at", ctx)
    engagements = [
        _engagement(value, f"engagements[{n}]", ctx, version)
        for n, value in enumerate(_list(top["engagements"], "engagements"))
    ]
    stones = []
    device = ""
    if version >= 2:
        device = _field(top["device"], Spec(_device), "bundle", "device", ctx)
        stones = [
            _tombstone(v, f"tombstones[{n}]", ctx)
            for n, v in enumerate(_list(top["tombstones"], "tombstones"))
        ]
    seen: dict[str, str] = {}
    for e in engagements:
        for r in [e, *(r for records in e.children.values() for r in records)]:
            if r.uuid in seen:
                raise BundleError(f"{r.place}.uuid: {r.uuid} is also used by {seen[r.uuid]}.", r.place)
            seen[r.uuid] = r.place
    buried: set[str] = set()
    for t in stones:
        if t.uuid in seen:
            raise BundleError(
                f"{t.place}.uuid: {t.uuid} is also a record in this bundle ({seen[t.uuid]}); a bundle "
                "carries a record or its deletion, not both.",
                t.place,
            )
        if t.uuid in buried:
            raise BundleError(f"{t.place}.uuid: {t.uuid} is deleted twice in this bundle.", t.place)
        buried.add(t.uuid)
    return Bundle(exported_at, engagements, stones, version, device)
