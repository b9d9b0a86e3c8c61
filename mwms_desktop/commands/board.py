"""Board commands: ``demo``, ``list``, ``add``, ``move``, ``gate``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from mwms_desktop import framework
from mwms_desktop.errors import MwmsError, NotFound
from mwms_desktop.views import EngagementCard


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="fill an empty database with a realistic demo portfolio")
    p.set_defaults(run=run_demo)

    p = sub.add_parser("list", help="list engagements with stage, health and drift signals")
    p.add_argument("--stage", metavar="SLUG", help="only this stage: " + " ".join(framework.STAGE_SLUGS))
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(run=run_list)

    p = sub.add_parser("add", help="add an engagement (it starts in Qualification)")
    p.add_argument("client")
    p.add_argument(
        "--type",
        default="consulting",
        metavar="TYPE",
        help="engagement type: " + " ".join(framework.slugs(framework.ENGAGEMENT_TYPES)),
    )
    p.add_argument("--owner", default="", help="the consultant who owns it")
    p.set_defaults(run=run_add)

    p = sub.add_parser("move", help="move an engagement to a stage, through its gates")
    p.add_argument("id", help="engagement id (see list)")
    p.add_argument("stage", help="target stage: " + " ".join(framework.STAGE_SLUGS))
    p.add_argument("--reason", default="", help="why (required for a backward move)")
    p.set_defaults(run=run_move)

    p = sub.add_parser("gate", help="the checklist of an engagement's current stage gate")
    p.add_argument("id", help="engagement id (see list)")
    p.add_argument("--json", action="store_true", help="print JSON instead of lines")
    p.set_defaults(run=run_gate)


def parse_stage(slug: str) -> str:
    if slug not in framework.STAGE_SLUGS:
        raise MwmsError(f"Unknown stage {slug!r}; use one of: {' '.join(framework.STAGE_SLUGS)}.")
    return slug


MAX_ID = 2**63 - 1  # SQLite's largest integer: a larger one cannot even be looked up


def parse_id(text: str) -> int:
    """The one parser of every id the CLI takes: a whole number SQLite can hold, or
    :class:`NotFound` saying what an id is (never an ``OverflowError`` later)."""
    shown = text if len(text) <= 40 else text[:37] + "..."
    try:
        value = int(text)
    except ValueError:  # also a number too long to convert
        raise NotFound(f"{shown!r} is not an engagement id (a number; see `mwms-desktop list`).") from None
    if not 1 <= value <= MAX_ID:
        raise NotFound(f"No engagement with id {shown.strip()}.")
    return value


def id_argument(text: str) -> int:
    """``parse_id`` for argparse ``type=``: a bad id is a usage error, not a traceback."""
    try:
        return parse_id(text)
    except NotFound as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def run_demo(ctx: Any) -> int:
    from mwms_desktop import demo

    services = ctx.services(create=True)
    count = demo.load_demo(services)
    print(f"Added {count} demo engagements to {services.path}.")
    return 0


def card_record(card: EngagementCard) -> dict[str, Any]:
    return {
        "id": card.id,
        "uuid": card.uuid,
        "client": card.client,
        "type": card.engagement_type,
        "owner": card.owner,
        "stage": card.stage,
        "days_in_stage": card.days_in_stage,
        "health": card.health.band,
        "health_score": card.health.score,
        "trend": card.health.trend,
        "drift": [signal.message for signal in card.drift],
    }


def run_list(ctx: Any) -> int:
    stage = parse_stage(ctx.args.stage) if ctx.args.stage else None
    cards = ctx.services().portfolio.cards()
    if stage:
        cards = [c for c in cards if c.stage == stage]
    records = [card_record(c) for c in cards]
    if ctx.args.json:
        json.dump(records, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not records:
        print("No engagements." + ("" if stage else " Add one with `mwms-desktop add CLIENT`."))
        return 0
    width = min(32, max(len(r["client"]) for r in records))
    print(f"{'ID':>5}  {'CLIENT':<{width}}  {'STAGE':<13}  {'DAYS':>4}  {'HEALTH':<11}  DRIFT")
    for r in records:
        client = r["client"] if len(r["client"]) <= width else r["client"][: width - 1] + "…"
        health = framework.label(framework.HEALTH_BANDS, r["health"])
        drift = "; ".join(m.rstrip(".") for m in r["drift"]) or "-"
        print(
            f"{r['id']:>5}  {client:<{width}}  {r['stage']:<13}  "
            f"{r['days_in_stage']:>4}  {health:<11}  {drift}"
        )
    return 0


def run_add(ctx: Any) -> int:
    from mwms_desktop import validate

    # Checked before the database is opened, so a typo never creates an empty file.
    validate.name(ctx.args.client, "Client")
    validate.choice(ctx.args.type, framework.ENGAGEMENT_TYPES, "Engagement type")
    card = ctx.services(create=True).portfolio.add(ctx.args.client, ctx.args.type, owner=ctx.args.owner)
    print(f"Added engagement {card.id}: {card.client} ({card.type_label}), in {card.stage_label}.")
    return 0


def run_move(ctx: Any) -> int:
    eid, stage = parse_id(ctx.args.id), parse_stage(ctx.args.stage)
    services = ctx.services()
    move = services.lifecycle.move(eid, stage, ctx.args.reason)
    card = services.portfolio.card(eid)
    print(
        f"Moved {card.client} from {framework.stage(move.from_stage or stage).label} "
        f"to {framework.stage(move.to_stage).label}."
    )
    return 0


GATE_MARKS = {"met": "✓", "missing": "✗", "not_yet": "—"}


def run_gate(ctx: Any) -> int:
    """The gate as the workspace's panel shows it: ✓ met, ✗ missing (with the sentences a
    refused move gives), — not yet (with why)."""
    eid = parse_id(ctx.args.id)
    services = ctx.services()
    card = services.portfolio.card(eid)
    items = services.lifecycle.gate_checklist(eid)
    if ctx.args.json:
        records = [
            {"title": i.title, "state": i.state, "missing": list(i.missing), "not_yet": i.not_yet,
             "fixed_in": i.fixed_in}
            for i in items
        ]  # fmt: skip
        gate = {"id": eid, "stage": card.stage, "items": records}
        json.dump(gate, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not items:
        print(f"{card.client}: {card.stage_label} is the final stage; no further gate.")
        return 0
    print(f"{card.client}: leaving {card.stage_label}")
    for i in items:
        print(f"{GATE_MARKS[i.state]} {i.title}")
        for sentence in i.missing:
            print(f"    {sentence}")
        if i.state == "not_yet":
            print(f"    Not yet: {i.not_yet}.")
    return 0
