"""``report``: the portfolio analytics as text or JSON (the numbers the window's
*Portfolio analytics* shows)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from mwms_desktop import framework
from mwms_desktop.errors import MwmsError


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD.") from None


def _type(text: str) -> str:
    slugs = framework.slugs(framework.ENGAGEMENT_TYPES)
    if text not in slugs:
        raise argparse.ArgumentTypeError(f"unknown engagement type {text!r}; use one of: {' '.join(slugs)}.")
    return text


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="portfolio analytics: flow, times, outcomes, execution, health")
    p.add_argument(
        "--since", type=_day, metavar="DATE", help="first day (default: a year back, from the 1st)"
    )
    p.add_argument("--until", type=_day, metavar="DATE", help="last day (default: today)")
    p.add_argument("--type", type=_type, metavar="T", help="only this engagement type")
    p.add_argument("--owner", default="", metavar="NAME", help="only this consultant's engagements")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(run=run_report)


def run_report(ctx: Any) -> int:
    from mwms_desktop.analytics import report
    from mwms_desktop.analytics.source import Scope, default_scope

    args = ctx.args
    services = ctx.services()
    today = services.clock.today()
    until = args.until or today
    since = args.since or default_scope(until).since
    if since > until:
        raise MwmsError(f"--since {since.isoformat()} is after --until {until.isoformat()}.")
    scope = Scope(since, until, args.type or "", args.owner.strip())
    result = report.compute(services, scope)
    if args.json:
        json.dump(report.to_json(result), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(report.to_text(result))
    return 0
