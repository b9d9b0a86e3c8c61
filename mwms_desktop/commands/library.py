"""``library``: search the learning library, or print its playbook.

mwms-desktop library search "checkout trust" --kind learning --result win --json
mwms-desktop library search checkout --from 2026-03 --to 2026-06
mwms-desktop library search "free shipping" --team --json
mwms-desktop library playbook --out playbook.pdf --type ecommerce_growth --tag checkout
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from mwms_desktop import framework as fw
from mwms_desktop.errors import MwmsError


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if not 1 <= value <= 10_000:
        raise argparse.ArgumentTypeError("must be from 1 to 10000")
    return value


def _date(text: str) -> str:
    from mwms_desktop.library.query import date_value

    value = date_value("date_from", text)
    if value is None:
        raise argparse.ArgumentTypeError(f"must be a date like 2026-03-14, 2026-03 or 2026, got {text!r}")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("library", help="search every engagement's learnings, or print the playbook")
    lib = p.add_subparsers(dest="library_command", metavar="search|playbook", required=True)
    s = lib.add_parser("search", help="ranked learnings, insights, hypotheses and evaluated cycles")
    s.add_argument("query", nargs="*", help="words, and tokens such as is:win tag:checkout kind:learning")
    s.add_argument("--kind", action="append", choices=["learning", "insight", "hypothesis", "cycle"])
    s.add_argument("--type", action="append", choices=fw.slugs(fw.ENGAGEMENT_TYPES), metavar="TYPE")
    s.add_argument("--tag", action="append", metavar="TAG")
    s.add_argument("--result", action="append", choices=fw.slugs(fw.CYCLE_RESULTS))
    s.add_argument("--from", dest="date_from", type=_date, metavar="DATE",
                   help="dated on or after DATE (2026, 2026-03 or 2026-03-14)")  # fmt: skip
    s.add_argument("--to", dest="date_to", type=_date, metavar="DATE",
                   help="dated on or before DATE (2026, 2026-03 or 2026-03-14: its last day)")  # fmt: skip
    s.add_argument("--limit", type=_limit, default=20, metavar="N", help="at most N results (default 20)")
    s.add_argument("--json", action="store_true", help="kind, id, engagement id, client, snippet, score")
    s.add_argument("--team", action="store_true",
                   help="the team's learnings, on the team server (others' clients by type)")  # fmt: skip
    s.set_defaults(run=run_search)
    b = lib.add_parser("playbook", help="a PDF of learnings by refinement and tag, with evidence and reuse")
    b.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    b.add_argument("--type", choices=fw.slugs(fw.ENGAGEMENT_TYPES), metavar="TYPE")
    b.add_argument("--tag", metavar="TAG")
    b.set_defaults(run=run_playbook)


def _plain(snippet: str) -> str:
    from mwms_desktop.library.search import MARK_END, MARK_START

    return " ".join(snippet.replace(MARK_START, "[").replace(MARK_END, "]").split())


def run_search(ctx: Any) -> int:
    from mwms_desktop.library import SLOWER_NOTICE, search

    args = ctx.args
    if args.team:
        return run_team_search(ctx)
    ctx.services()
    result = search(" ".join(args.query), limit=args.limit, kind=args.kind or [], type=args.type or [],
                    tag=args.tag or [], result=args.result or [], date_from=[args.date_from or ""],
                    date_to=[args.date_to or ""])  # fmt: skip
    for problem in result.query.problems:
        print(problem, file=sys.stderr)
    if args.json:
        rows = [{"kind": h.kind, "id": h.id, "engagement_id": h.engagement_id, "client": h.client,
                 "snippet": _plain(h.snippet), "score": round(h.score, 6)} for h in result.hits]  # fmt: skip
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not result.indexed:
        print(SLOWER_NOTICE)
    if not result.hits:
        print("Nothing found.")
        return 0
    for h in result.hits:
        print(f"{h.kind:<10} {h.id:>6}  #{h.engagement_id} {h.client}: {_plain(h.snippet)}")
    if result.total > len(result.hits):
        print(f"… {result.total - len(result.hits)} more (use --limit).")
    return 0


# Options of the local search the team library cannot apply (the server's view holds learnings only).
_LOCAL_ONLY = {"kind": "--kind", "result": "--result", "date_from": "--from", "date_to": "--to"}


def run_team_search(ctx: Any) -> int:
    """``--team``: the team's learnings on the server, as this consultant may see them."""
    from mwms_desktop.commands.team import _ask, _team

    args = ctx.args
    unusable = [
        flag for key, flag in _LOCAL_ONLY.items() if getattr(args, key) and getattr(args, key) != ["learning"]
    ]
    if unusable:
        raise MwmsError(f"--team searches learnings only: {', '.join(unusable)} cannot be used with it.")
    ctx.services()
    found = _team("library").search(
        " ".join(args.query), limit=args.limit, ask=_ask(), types=args.type or (), tags=args.tag or ()
    )
    if args.json:
        rows = [{"uuid": t.uuid, "statement": t.statement, "confidence": t.confidence, "tags": list(t.tags),
                 "recorded_at": t.recorded_at.isoformat(), "client": t.client,
                 "engagement_type": t.engagement_type, "visible": t.visible} for t in found]  # fmt: skip
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not found:
        print("Nothing found in the team library.")
        return 0
    for t in found:
        day = t.recorded_at.astimezone().date().isoformat()
        print(f"{day}  {t.client} ({t.engagement_type}): {' '.join(t.statement.split())}")
    if len(found) == args.limit:
        print("… there may be more (use --limit).")
    return 0


def run_playbook(ctx: Any) -> int:
    from mwms_desktop.library.playbook import export_playbook

    args = ctx.args
    if args.tag is not None and not args.tag.strip():
        raise MwmsError("--tag needs a tag name.")
    result = export_playbook(ctx.services(), args.out, engagement_type=args.type, tag=args.tag)
    pages = "1 page" if result.pages == 1 else f"{result.pages} pages"
    print(f"Wrote {result.path} ({pages}).")
    return 0
