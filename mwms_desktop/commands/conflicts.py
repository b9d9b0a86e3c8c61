"""``conflicts``: records changed on two laptops, as merges listed them; ``conflicts resolve
ID --keep mine|theirs`` keeps one version."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import Any

from mwms_desktop.errors import NotFound
from mwms_desktop.merge.conflicts import ConflictView


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("conflicts", help="list records changed on two laptops (resolve one with `resolve`)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--all", action="store_true", help="resolved ones too")
    p.set_defaults(run=run_list)
    inner = p.add_subparsers(dest="conflicts_command", metavar="resolve")
    r = inner.add_parser("resolve", help="keep one version of a conflict")
    r.add_argument("id", type=_conflict_id, help="conflict id (see `conflicts`)")
    r.add_argument("--keep", required=True, choices=("mine", "theirs"), help="the version to keep")
    r.set_defaults(run=run_resolve)


def _conflict_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a conflict id (a number).") from None
    if not 1 <= value <= 2**63 - 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a conflict id.")
    return value


def _when(at: datetime | None) -> str:
    return "-" if at is None else f"{at:%Y-%m-%d %H:%M} UTC"


def _device(device: str) -> str:
    return device[:8] if device else "unknown device"


def _side(values: Any, fields: tuple[str, ...]) -> str:
    if values is None:
        return "deleted"
    shown = {k: values.get(k) for k in fields} if fields else {}
    return ", ".join(f"{k}={v!r}" for k, v in shown.items()) or "kept"


def as_json(c: ConflictView) -> dict[str, Any]:
    return {
        "id": c.id,
        "engagement_id": c.engagement_id,
        "client": c.client,
        "kind": c.kind,
        "record_uuid": c.record_uuid,
        "fields": list(c.fields),
        "mine": c.mine,
        "theirs": c.theirs,
        "mine_at": None if c.mine_at is None else c.mine_at.isoformat(),
        "mine_device": c.mine_device,
        "theirs_at": None if c.theirs_at is None else c.theirs_at.isoformat(),
        "theirs_device": c.theirs_device,
        "winner": c.winner,
        "detail": c.detail,
        "created_at": c.created_at.isoformat(),
        "resolved": c.resolved,
        "resolution": c.resolution or None,
    }


def run_list(ctx: Any) -> int:
    services = ctx.services()
    found = services.conflicts.list(resolved=ctx.args.all)
    if ctx.args.json:
        print(json.dumps([as_json(c) for c in found], ensure_ascii=False, indent=1))
        return 0
    if not found:
        print("No conflicts." if not ctx.args.all else "No conflicts, resolved or not.")
        return 0
    open_ = sum(1 for c in found if not c.resolved)
    print(f"{open_} unresolved conflict(s):" if not ctx.args.all else f"{len(found)} conflict(s):")
    for c in found:
        where = f"{c.client} (engagement {c.engagement_id})" if c.engagement_id else c.client
        state = f" [resolved: {c.resolution} kept]" if c.resolved else ""
        print(f"  #{c.id}  {where}: {c.detail}{state}")
        if c.resolvable:
            print(f"      mine:   {_side(c.mine, c.fields)}  ({_when(c.mine_at)}, {_device(c.mine_device)})")
            print(
                f"      theirs: {_side(c.theirs, c.fields)}  "
                f"({_when(c.theirs_at)}, {_device(c.theirs_device)})"
            )
            print(f"      now: {c.winner} kept")
    print("Keep one: mwms-desktop conflicts resolve ID --keep mine|theirs")
    return 0


def run_resolve(ctx: Any) -> int:
    services = ctx.services()
    try:
        conflict = services.conflicts.get(ctx.args.id)
    except NotFound:
        raise NotFound(f"No conflict with id {ctx.args.id} (see `mwms-desktop conflicts`).") from None
    result = services.conflicts.resolve(conflict.id, ctx.args.keep)
    what = "written as the newest version" if result.wrote else "already the version here"
    print(f"Conflict #{conflict.id} resolved: {ctx.args.keep} kept ({what}).")
    return 0
