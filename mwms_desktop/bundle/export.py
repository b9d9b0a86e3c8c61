"""Writing engagements, with everything recorded about them, to a bundle file."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from db.clocks import device_id
from db.models import (
    Cycle,
    Engagement,
    Hypothesis,
    HypothesisInsight,
    Insight,
    Learning,
    LearningEvidence,
    RecordClock,
    Tombstone,
    database,
)
from mwms_desktop import __version__, files
from mwms_desktop.bundle.schema import ENGAGEMENT_FIELDS, FORMAT, KINDS, VERSION, Kind
from mwms_desktop.clock import Clock
from mwms_desktop.errors import NotFound

_CHUNK = 500  # engagement ids per IN (...) query, well under SQLite's variable limit


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    engagements: int
    records: int


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _chunks(ids: list[int] | None) -> Iterable[list[int] | None]:
    if ids is None:
        yield None
        return
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _rows(kind: Kind, ids: list[int] | None) -> dict[int, list[Any]]:
    model = kind.model
    order = (model.moved_at, model.id) if kind.key == "stage_history" else (model.id,)
    grouped: dict[int, list[Any]] = {}
    for chunk in _chunks(ids):
        query = model.select().order_by(*order)
        if chunk is not None:
            query = query.where(model.engagement.in_(chunk))
        for row in query:
            grouped.setdefault(row.engagement_id, []).append(row)
    return grouped


def _links(link: type, own: Any, other_model: type, other: Any, owners: Any = None) -> dict[int, list[str]]:
    """own id -> sorted uuids of the records it links to (of the ``owners`` subquery's ids only)."""
    result: dict[int, list[str]] = {}
    query = link.select(own, other_model.uuid).join(other_model, on=(other == other_model.id))
    if owners is not None:
        query = query.where(own.in_(owners))
    for own_id, uuid in query.tuples():
        result.setdefault(own_id, []).append(uuid)
    return {k: sorted(v) for k, v in result.items()}


def _clocks(uuids: list[str] | None) -> dict[str, tuple[dict, dict, str]]:
    """uuid -> (version vector, field dots, device) of every record that has them."""
    query = RecordClock.select(RecordClock.uuid, RecordClock.vv, RecordClock.dots, RecordClock.device)
    if uuids is not None:
        found: dict[str, tuple[dict, dict, str]] = {}
        for start in range(0, len(uuids), _CHUNK):
            chunk = query.where(RecordClock.uuid.in_(uuids[start : start + _CHUNK]))
            found.update({u: (json.loads(v), json.loads(d), dev) for u, v, d, dev in chunk.tuples()})
        return found
    return {u: (json.loads(v), json.loads(d), dev) for u, v, d, dev in query.tuples()}


def _version(out: dict[str, Any], uuid: str, clocks: dict[str, tuple[dict, dict, str]]) -> dict[str, Any]:
    vv, dots, device = clocks.get(uuid, ({}, {}, ""))
    out["vv"], out["device"], out["dots"] = vv, device, dots
    return out


def _tombstones(engagement_uuids: set[str] | None) -> list[dict[str, Any]]:
    query = Tombstone.select().order_by(Tombstone.deleted_at, Tombstone.uuid)
    if engagement_uuids is not None and len(engagement_uuids) <= _CHUNK:  # indexed, not all of them
        query = query.where(Tombstone.engagement_uuid.in_(sorted(engagement_uuids)))
    return [
        {
            "uuid": t.uuid,
            "kind": t.kind,
            "engagement": t.engagement_uuid,
            "deleted_at": _json(t.deleted_at),
            "device": t.device,
            "who": t.who,
            "vv": json.loads(t.vv),
        }
        for t in query
        if engagement_uuids is None or t.engagement_uuid in engagement_uuids
    ]


def _record(row: Any, kind: Kind, refs: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"uuid": row.uuid, "updated_at": _json(row.updated_at)}
    for key in kind.fields:
        if key == "insights":
            out[key] = refs["insights"].get(row.id, [])
        elif key == "evidence":
            out[key] = refs["evidence"].get(row.id, [])
        elif key == "hypothesis":
            out[key] = refs["hypothesis"].get(row.hypothesis_id)
        elif key == "ratings":
            out[key] = json.loads(row.ratings)
        else:
            out[key] = _json(getattr(row, key))
    return out


def build_bundle(engagement_ids: Sequence[int] | None, now: datetime) -> dict[str, Any]:
    """The bundle of the given engagements (all when None) as a JSON-ready dict."""
    ids = None if engagement_ids is None else sorted(set(engagement_ids))
    query = Engagement.select().order_by(Engagement.id)
    engagements = [e for chunk in _chunks(ids) for e in
                   (query.where(Engagement.id.in_(chunk)) if chunk is not None else query)]  # fmt: skip
    if ids is not None:
        missing = sorted(set(ids) - {e.id for e in engagements})
        if missing:
            raise NotFound(f"No engagement with id {missing[0]}.")
    # A few engagements (a sync's batch) read only their own links, not every one in the file.
    few = ids is not None and len(ids) <= _CHUNK
    hypotheses = Hypothesis.select(Hypothesis.id).where(Hypothesis.engagement.in_(ids)) if few else None
    learnings = Learning.select(Learning.id).where(Learning.engagement.in_(ids)) if few else None
    named = Hypothesis.select(Hypothesis.id, Hypothesis.uuid)
    refs = {
        "insights": _links(
            HypothesisInsight, HypothesisInsight.hypothesis, Insight, HypothesisInsight.insight, hypotheses
        ),
        "evidence": _links(
            LearningEvidence, LearningEvidence.learning, Cycle, LearningEvidence.cycle, learnings
        ),
        "hypothesis": dict((named.where(Hypothesis.engagement.in_(ids)) if few else named).tuples()),
    }
    children = {kind.key: _rows(kind, ids) for kind in KINDS}
    wanted = None
    if ids is not None:
        wanted = [e.uuid for e in engagements]
        wanted += [r.uuid for kind in KINDS for rows in children[kind.key].values() for r in rows]
    clocks = _clocks(wanted)
    out = []
    for e in engagements:
        record: dict[str, Any] = {"uuid": e.uuid, "updated_at": _json(e.updated_at)}
        record.update({key: _json(getattr(e, key)) for key in ENGAGEMENT_FIELDS})
        _version(record, e.uuid, clocks)
        for kind in KINDS:
            record[kind.key] = [
                _version(_record(row, kind, refs), row.uuid, clocks)
                for row in children[kind.key].get(e.id, [])
            ]
        out.append(record)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _json(now),
        "app": f"MWMS Desktop {__version__}",
        "device": device_id(database),
        "engagements": out,
        "tombstones": _tombstones(None if ids is None else {e.uuid for e in engagements}),
    }


def bundle_text(bundle: dict[str, Any]) -> str:
    """The bundle as JSON text, one engagement (with all its records) or tombstone a line:
    still read and compared by engagement, and written by the json module's C encoder (an
    indented dump runs its pure-Python one, several times slower on a whole portfolio)."""
    dump = functools.partial(json.dumps, ensure_ascii=False, allow_nan=False, separators=(",", ":"))

    def value(v: Any) -> str:
        return "[\n" + ",\n".join(dump(item) for item in v) + "\n]" if isinstance(v, list) and v else dump(v)

    return "{\n" + ",\n".join(f"{dump(k)}: {value(v)}" for k, v in bundle.items()) + "\n}\n"


def export_bundle(
    path: str | os.PathLike[str], engagement_ids: Sequence[int] | None = None, *, clock: Clock | None = None
) -> ExportResult:
    """Write the bundle of ``engagement_ids`` (all engagements when None) to ``path``."""
    files.check_target(path)  # before reading everything
    bundle = build_bundle(engagement_ids, (clock or Clock()).now())
    files.write_private(path, bundle_text(bundle))
    records = sum(len(e[k.key]) for e in bundle["engagements"] for k in KINDS)
    return ExportResult(Path(path), len(bundle["engagements"]), records)
