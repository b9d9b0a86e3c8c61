"""``sync``: a two-way sync of this database with the team server it joined."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from mwms_desktop.commands.team import _ask, _team


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sync", help="sync this database with its team server, both ways")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(run=run_sync)


def _progress(what: str, done: int, total: int) -> None:
    if sys.stderr.isatty():
        print(f"\r{what}: {done}/{total}", end="", file=sys.stderr, flush=True)


def run_sync(ctx: Any) -> int:
    _team("membership")  # a build without team mode says so in one line
    from mwms_desktop import sync

    ctx.services()
    report = sync.run(progress=_progress, ask=_ask())
    if sys.stderr.isatty():
        print(file=sys.stderr)
    state = sync.status()
    if ctx.args.json:
        print(
            json.dumps(
                {
                    "pulled": report.pulled,
                    "pushed": report.pushed,
                    "conflicts": report.conflicts,
                    "refused": list(report.refused),
                    "waiting": report.waiting,
                    "open_conflicts": state.conflicts,
                    "finished_at": report.finished_at.isoformat(timespec="seconds"),
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0
    print(
        f"Synced: {report.pulled} engagement(s) brought in, {report.pushed} sent, "
        f"{report.conflicts} new conflict(s), {report.waiting} change(s) still waiting."
    )
    for line in report.refused:
        print(line)
    if state.conflicts:
        print(f"{state.conflicts} unresolved conflict(s): `mwms-desktop conflicts` lists them.")
    return 0
