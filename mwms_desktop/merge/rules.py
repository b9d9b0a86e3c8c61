"""Deciding one record: the local version and the incoming one in, the merged one out.

The rule (issue 12): the newest change wins, whether an edit or a deletion, and the losing
version is never thrown away. "Newest" is causal first: each version carries a version
vector (``db/clocks.py``); a version that has seen everything the other has wins without a
conflict. Versions changed on both sides since they last agreed (concurrent vectors) are
merged field by field: a field changed on one side only takes that change; a field changed
on both sides takes the newer change (``updated_at``, then the device id, so every laptop
picks the same) and the merge is a conflict, keeping both versions. A deletion (a tombstone)
is a version without values: against a concurrent edit, the newer of the two wins, again
as a conflict.

Versions without vectors (bundle format 1, records from before schema 4) are the zero
vector of an unknown device: against a different local version they count as concurrent,
so the newer wins and the loser is kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from db import clocks

Values = Mapping[str, Any]


@dataclass(frozen=True)
class Version:
    """One side's version of a record: ``values`` by field (None: deleted), its version
    vector, the dot of each field's last change, when and on which device it was made."""

    values: Values | None
    vv: Mapping[str, int]
    at: datetime
    device: str = ""
    dots: Mapping[str, Any] = field(default_factory=dict)

    @property
    def deleted(self) -> bool:
        return self.values is None

    def stamp(self) -> tuple[datetime, str, str]:
        """The order of "newer": the instant, then the device id, then the content (so
        two laptops always pick the same one, even of versions made in the same second)."""
        return (self.at, self.device, _text(self.values))


KEEP, THEIRS, MERGED = "keep", "theirs", "merged"


@dataclass(frozen=True)
class Decision:
    """What to store: ``take`` is KEEP (nothing to write but perhaps the vector), THEIRS
    or MERGED; ``result`` the version to store; ``conflict`` when both sides changed it, with
    the fields that differ and which side lost (``mine``, ``theirs`` or ``both`` when each
    lost a field)."""

    take: str
    result: Version
    conflict: bool = False
    fields: tuple[str, ...] = ()
    loser: str | None = None


def _text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _newer(a: tuple, b: tuple) -> bool:
    return a > b


def _field_stamp(v: Version, name: str) -> tuple[datetime, str, str]:
    dot = v.dots.get(name)
    value = _text((v.values or {}).get(name))
    if dot is None:
        return (v.at, v.device, value)
    return (datetime.fromisoformat(dot[2]), str(dot[0]), value)


def decide(mine: Version | None, theirs: Version, valid: Callable[[Values], bool] | None = None) -> Decision:
    """The merge of the local version ``mine`` (None: never seen here) with ``theirs``.
    ``valid`` says whether a field-by-field mix is a record the window could make; when it
    is not, the newer version wins whole."""
    if mine is None:
        return Decision(THEIRS, theirs)
    relation = clocks.compare(mine.vv, theirs.vv)
    same = mine.values == theirs.values
    unknown = not mine.vv or not theirs.vv  # a side without a vector: no telling what it saw
    if (relation == "equal" and same) or (relation == "after" and (not unknown or same)):
        return Decision(KEEP, mine)
    if relation == "before" and (not unknown or same):
        return Decision(THEIRS, theirs)
    vv = clocks.join(mine.vv, theirs.vv)
    newest = theirs if _newer(theirs.stamp(), mine.stamp()) else mine
    if same:  # both deleted, or the same values reached on both sides
        dots = {n: _newest_dot(mine, theirs, n) for n in set(mine.dots) | set(theirs.dots)}
        merged = Version(newest.values, vv, newest.at, newest.device, {k: v for k, v in dots.items() if v})
        return Decision(KEEP if merged == mine else MERGED, merged)
    if mine.deleted or theirs.deleted or unknown:
        return _whole(mine, theirs, newest, vv, _differing(mine.values or {}, theirs.values or {}))
    return _by_field(mine, theirs, newest, vv, valid)


def _newest_dot(mine: Version, theirs: Version, name: str) -> Any:
    a, b = mine.dots.get(name), theirs.dots.get(name)
    if a is None or b is None:
        return a or b
    return b if _newer(_field_stamp(theirs, name), _field_stamp(mine, name)) else a


def _differing(a: Values, b: Values) -> tuple[str, ...]:
    return tuple(sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k)))


def _whole(mine: Version, theirs: Version, newest: Version, vv: Mapping[str, int], names: tuple) -> Decision:
    result = Version(newest.values, vv, newest.at, newest.device, dict(newest.dots))
    loser = "mine" if newest is theirs else "theirs"
    return Decision(THEIRS if newest is theirs else MERGED, result, True, names, loser)


def _by_field(
    mine: Version,
    theirs: Version,
    newest: Version,
    vv: Mapping[str, int],
    valid: Callable[[Values], bool] | None,
) -> Decision:
    assert mine.values is not None
    assert theirs.values is not None
    values: dict[str, Any] = {}
    dots: dict[str, Any] = {}
    both: list[str] = []
    lost: set[str] = set()
    for name in sorted(set(mine.values) | set(theirs.values)):
        a, b = mine.values.get(name), theirs.values.get(name)
        da, db = mine.dots.get(name), theirs.dots.get(name)
        if a == b:
            values[name], dots[name] = a, _newest_dot(mine, theirs, name)
            continue
        theirs_new = not clocks.seen(mine.vv, db)  # a change here has not seen theirs
        mine_new = not clocks.seen(theirs.vv, da)
        if theirs_new and not mine_new:
            values[name], dots[name] = b, db
        elif mine_new and not theirs_new:
            values[name], dots[name] = a, da
        else:  # changed on both sides (or, without vectors, no telling): the newer change
            both.append(name)
            if _newer(_field_stamp(theirs, name), _field_stamp(mine, name)):
                values[name], dots[name] = b, db
                lost.add("mine")
            else:
                values[name], dots[name] = a, da
                lost.add("theirs")
    if valid is not None and not valid(values):
        return _whole(mine, theirs, newest, vv, _differing(mine.values, theirs.values))
    result = Version(values, vv, newest.at, newest.device, {k: v for k, v in dots.items() if v})
    take = KEEP if values == dict(mine.values) else THEIRS if values == dict(theirs.values) else MERGED
    if take == KEEP and result.vv == mine.vv:
        result = mine
    if not both:
        return Decision(take if take != KEEP or result is mine else MERGED, result)
    loser = "both" if len(lost) == 2 else lost.pop()
    return Decision(take if take != KEEP else MERGED, result, True, tuple(both), loser)
