"""Causality for merging: this database's device id, each record's version vector, and the
stamp every local write leaves (schema 4).

A version vector ``{device id: counter}`` says which changes a version has seen: a local write
adds one to this device's counter. Each record's vector, and the *dot* ``[device, counter,
at]`` of the last change of each of its fields, are kept beside the data in ``record_clock``
(one row per record uuid), so the data tables keep their shape. A record without a row there
has the empty vector (records from before schema 4, or written in bulk by the merge, which
sets rows itself). The merge (``mwms_desktop/merge``) compares vectors; this module only
keeps them and knows no rule.

Timestamps are kept causal as well: a write never dates a record at or before the change it
replaces (``at = max(now, previous + 1 s)``), so the newer of two versions by ``updated_at``
is never the one that was overwritten; with that, "the newest wins" picks the same version on
every laptop in every exchange order.
"""

from __future__ import annotations

import json
import uuid as _uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

Vector = dict[str, int]
Dot = list  # [device, counter, at iso]

DEVICE_KEY = "device_id"
TICK = timedelta(seconds=1)  # instants are stored to the second

_devices: dict[str, str] = {}  # database file -> its device id, read once


def parse(text: str | None) -> Vector:
    return {} if not text else {str(k): int(v) for k, v in json.loads(text).items()}


def dump(vector: Mapping[str, int]) -> str:
    return json.dumps(dict(sorted(vector.items())), separators=(",", ":"))


def join(a: Mapping[str, int], b: Mapping[str, int]) -> Vector:
    """The pointwise maximum: every change either side has seen."""
    out = dict(a)
    for k, v in b.items():
        if v > out.get(k, 0):
            out[k] = v
    return out


def seen(vector: Mapping[str, int], dot: Dot | None) -> bool:
    """Whether a version with ``vector`` has seen the change ``dot`` (None: the creation)."""
    return dot is None or vector.get(dot[0], 0) >= int(dot[1])


def compare(a: Mapping[str, int], b: Mapping[str, int]) -> str:
    """``"equal"``, ``"before"`` (b has seen all of a and more), ``"after"`` or ``"concurrent"``."""
    keys = set(a) | set(b)
    less = any(a.get(k, 0) < b.get(k, 0) for k in keys)
    more = any(a.get(k, 0) > b.get(k, 0) for k in keys)
    if less and more:
        return "concurrent"
    if less:
        return "before"
    if more:
        return "after"
    return "equal"


def after(previous: datetime | None, now: datetime) -> datetime:
    """The instant of a change that replaces one dated ``previous``: now, or just after it."""
    at = now.replace(microsecond=0)
    if previous is not None and at <= previous:
        return previous + TICK
    return at


# --- this database ------------------------------------------------------------------------


def device_id(database: Any) -> str:
    """This database's device id: a uuid made once and kept in the ``setting`` table."""
    key = str(database.database)
    found = _devices.get(key)
    if found is None:
        row = database.execute_sql("SELECT value FROM setting WHERE key = ?", (DEVICE_KEY,)).fetchone()
        if row is None:
            found = str(_uuid.uuid4())
            database.execute_sql(
                "INSERT OR IGNORE INTO setting (key, value) VALUES (?, ?)", (DEVICE_KEY, found)
            )
            found = database.execute_sql("SELECT value FROM setting WHERE key = ?", (DEVICE_KEY,)).fetchone()[
                0
            ]
        else:
            found = row[0]
        _devices[key] = found
    return found


def forget_devices() -> None:
    """Read the device id afresh (another file may now be at the same path)."""
    _devices.clear()


def read(database: Any, uuid: str) -> tuple[Vector, dict[str, Dot]]:
    row = database.execute_sql("SELECT vv, dots FROM record_clock WHERE uuid = ?", (uuid,)).fetchone()
    if row is None:
        return {}, {}
    return parse(row[0]), json.loads(row[1])


def write(database: Any, uuid: str, vector: Mapping[str, int], dots: Mapping[str, Dot], device: str) -> None:
    database.execute_sql(
        "INSERT INTO record_clock (uuid, vv, dots, device) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (uuid) DO UPDATE SET vv = excluded.vv, dots = excluded.dots, device = excluded.device",
        (uuid, dump(vector), json.dumps(dict(dots), sort_keys=True, separators=(",", ":")), device),
    )


def stamp(
    database: Any, uuid: str, changed: Iterable[str], at: datetime, base: Vector | None = None
) -> Vector:
    """Record a local change of the fields ``changed`` of record ``uuid`` made at ``at``:
    this device's counter goes up by one and each field's dot names the change. ``base``
    (a tombstone's vector, when a deleted record comes back) replaces the stored vector."""
    device = device_id(database)
    vector, dots = read(database, uuid)
    if base is not None:
        vector, dots = join(vector, base), {}
    counter = vector.get(device, 0) + 1
    vector[device] = counter
    when = at.isoformat(timespec="seconds")
    for name in changed:
        dots[name] = [device, counter, when]
    write(database, uuid, vector, dots, device)
    return vector
