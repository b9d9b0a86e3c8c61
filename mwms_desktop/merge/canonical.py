"""A canonical dump of a database's engagement data: every engagement with every record in
portable form (uuids, never local integer ids), records in uuid order, and the tombstones.
Two databases that hold the same data dump the same, whatever their ids or insertion
order: what "the laptops converged" means. The conflicts list is each laptop's own record of
what its merges met, and is not part of it."""

from __future__ import annotations

from typing import Any

from db.models import Engagement, Tombstone
from mwms_desktop.merge import kinds


def dump(*, with_times: bool = True) -> list[dict[str, Any]]:
    """The engagements (uuid order), each with its fields and records; then the tombstones."""
    out: list[dict[str, Any]] = []
    for e in Engagement.select().order_by(Engagement.uuid):
        record: dict[str, Any] = {"uuid": e.uuid, **kinds.portable(kinds.ENGAGEMENT, e)}
        for name in kinds.DERIVED:
            record[name] = kinds.to_json(getattr(e, name))
        if with_times:
            record["updated_at"] = kinds.to_json(e.updated_at)
        for key, kind in kinds.KINDS.items():
            if kind is kinds.ENGAGEMENT:
                continue
            rows = kind.model.select().where(kind.model.engagement == e.id).order_by(kind.model.uuid)
            items = []
            for row in rows:
                item = {"uuid": row.uuid, **kinds.portable(kind, row)}
                if key == "stage_history":
                    item["after"] = row.after
                    item["entered_at"] = kinds.to_json(row.entered_at)
                if with_times:
                    item["updated_at"] = kinds.to_json(row.updated_at)
                items.append(item)
            record[key] = items
        out.append(record)
    stones = [
        {
            "uuid": t.uuid,
            "kind": t.kind,
            "engagement": t.engagement_uuid,
            "deleted_at": kinds.to_json(t.deleted_at),
        }
        for t in Tombstone.select().order_by(Tombstone.uuid)
    ]
    out.append({"tombstones": stones})
    return out
