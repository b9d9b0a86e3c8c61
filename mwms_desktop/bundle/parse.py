"""Reading a bundle's bytes into validated records (see ``schema.py``); no database."""

from __future__ import annotations

import itertools
import json
from typing import Any

from mwms_desktop import framework
from mwms_desktop.bundle.schema import (
    ENGAGEMENT_FIELDS,
    FORMAT,
    KINDS,
    VERSION,
    Bundle,
    EngagementRecord,
    Kind,
    NonFinite,
    Record,
    Spec,
    _instant,
    _uuid,
)
from mwms_desktop.errors import BundleError, ValidationError

_TOP = ("format", "version", "exported_at", "engagements")
_OPTIONAL_TOP = ("app",)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise BundleError(f"The bundle repeats the key {key!r} within one object.", key)
        result[key] = value
    return result


def _float(text: str) -> float | NonFinite:
    value = float(text)
    return value if value not in (float("inf"), float("-inf")) else NonFinite(text)


def load_json(data: bytes) -> Any:
    """The bundle's JSON, refusing what Python's parser would let through (NaN, Infinity,
    numbers too large for a float, repeated keys)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BundleError(f"The bundle is not UTF-8 text (byte {exc.start}).") from None
    try:
        return json.loads(
            text, parse_constant=NonFinite, parse_float=_float, object_pairs_hook=_no_duplicate_keys
        )
    except json.JSONDecodeError as exc:
        raise BundleError(
            f"The bundle is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None
    except RecursionError:
        raise BundleError("The bundle is nested too deeply to be a bundle.") from None


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


def _field(value: Any, spec: Spec, place: str, key: str) -> Any:
    where = f"{place}.{key}"
    if isinstance(value, NonFinite):
        raise BundleError(f"{where}: {value!r} is not allowed (numbers must be finite).", where)
    if value is None:
        if spec.nullable:
            return None
        raise BundleError(f"{where}: must not be null.", where)
    try:
        return spec.check(value, key)
    except ValidationError as exc:
        raise BundleError(f"{where}: {exc}", where) from None
    except (TypeError, ValueError, OverflowError, RecursionError) as exc:  # no check expects it
        raise BundleError(f"{where}: unusable value ({type(exc).__name__}).", where) from None


def _record(value: Any, place: str, fields: dict[str, Spec], extra: tuple[str, ...] = ()) -> Record:
    obj = _object(value, place, ("uuid", "updated_at", *fields, *extra))
    return Record(
        place=place,
        uuid=_field(obj["uuid"], Spec(_uuid), place, "uuid"),
        updated_at=_field(obj["updated_at"], Spec(_instant), place, "updated_at"),
        values={k: _field(obj[k], spec, place, k) for k, spec in fields.items()},
    )


def _list(value: Any, where: str) -> list:
    if not isinstance(value, list):
        raise BundleError(f"{where}: must be a list, got {type(value).__name__}.", where)
    return value


def _engagement(value: Any, place: str) -> EngagementRecord:
    kinds = tuple(k.key for k in KINDS)
    base = _record(value, place, ENGAGEMENT_FIELDS, kinds)
    e = EngagementRecord(base.place, base.uuid, base.updated_at, base.values)
    for kind in KINDS:
        where = f"{place}.{kind.key}"
        items = _list(value[kind.key], where)
        e.children[kind.key] = [_record(item, f"{where}[{n}]", kind.fields) for n, item in enumerate(items)]
        if kind.natural:
            _unique_natural(e.children[kind.key], kind)
    _check_history(e)
    return e


def _unique_natural(records: list[Record], kind: Kind) -> None:
    seen: set[Any] = set()
    for r in records:
        key = r.values[kind.natural]
        if key in seen:
            raise BundleError(f"{r.place}.{kind.natural}: {key} appears twice.", r.place)
        seen.add(key)


def _check_history(e: EngagementRecord) -> None:
    """Each move must be one the gates allow: the history starts with the creation in
    Qualification, a forward move goes exactly one stage on, a backward one goes back (an
    undo may cross several), in time order.

    Consecutive moves need not chain (one's end, the next one's start), nor end in the
    engagement's stage: a history merged from two laptops interleaves both laptops' moves
    while the stage comes from the newer engagement record, and an export of any database
    this program wrote must import again."""
    moves = e.children["stage_history"]
    if not moves:
        raise BundleError(f"{e.place}.stage_history: is empty; it starts with the creation.", e.place)
    first = moves[0].values
    if first["kind"] != "created" or first["from_stage"] is not None or first["to_stage"] != "qualification":
        where = moves[0].place
        raise BundleError(f"{where}: the history must start with the creation in qualification.", where)
    for prev, m in itertools.pairwise(moves):
        v, where = m.values, m.place
        if v["kind"] == "created" or v["from_stage"] is None:
            raise BundleError(f"{where}: only the first move is the creation.", where)
        if v["moved_at"] < prev.values["moved_at"]:
            raise BundleError(f"{where}.moved_at: earlier than the move before it.", where)
        step = framework.stage_index(v["to_stage"]) - framework.stage_index(v["from_stage"])
        if step == 0 or (v["kind"] == "forward" and step != 1) or (v["kind"] == "backward" and step > 0):
            skip = v["kind"] == "forward" and step > 1
            problem = "skips a stage" if skip else f"is not a {v['kind']} move"
            raise BundleError(f"{where}: {v['from_stage']} to {v['to_stage']} {problem}.", where)


def parse(data: bytes) -> Bundle:
    """Validate a bundle completely, apart from what only the database can tell."""
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
    if type(version) is not int or version != VERSION:
        raise BundleError(f"version: must be {VERSION}, got {version!r}.", "version")
    _object(top, "bundle", _TOP, _OPTIONAL_TOP)
    exported_at = _field(top["exported_at"], Spec(_instant), "bundle", "exported_at")
    engagements = [
        _engagement(value, f"engagements[{n}]")
        for n, value in enumerate(_list(top["engagements"], "engagements"))
    ]
    seen: dict[str, str] = {}
    for e in engagements:
        for r in [e, *(r for records in e.children.values() for r in records)]:
            if r.uuid in seen:
                raise BundleError(f"{r.place}.uuid: {r.uuid} is also used by {seen[r.uuid]}.", r.place)
            seen[r.uuid] = r.place
    return Bundle(exported_at, engagements)
