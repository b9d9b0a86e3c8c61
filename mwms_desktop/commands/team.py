"""``team``: prepare a team server, add consultants, join, leave, share an engagement.

``init`` and ``add-consultant`` are the administrator's and take ``--admin-url`` (its
password in the address or, better, in ``PGPASSWORD``); ``join``, ``leave`` and ``share``
are a laptop's and work on ``--db``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from mwms_desktop.commands.board import id_argument


def register(sub: argparse._SubParsersAction) -> None:
    team = sub.add_parser("team", help="team mode: a shared PostgreSQL server every laptop syncs with")
    actions = team.add_subparsers(dest="team_command", metavar="ACTION", required=True)

    p = actions.add_parser("init", help="prepare a PostgreSQL database as the team server (administrator)")
    p.add_argument("--admin-url", required=True, metavar="URL", help="postgresql://ADMIN@HOST:PORT/DATABASE")
    p.add_argument("--upgrade", action="store_true", help="migrate an older team server to this version")
    p.set_defaults(run=run_init)

    p = actions.add_parser("add-consultant", help="create a consultant's login; prints a one-time password")
    p.add_argument("name", metavar="NAME")
    p.add_argument(
        "--head-office", action="store_true", help="head office: reads every engagement, sets thresholds"
    )
    p.add_argument("--admin-url", required=True, metavar="URL", help="postgresql://ADMIN@HOST:PORT/DATABASE")
    p.set_defaults(run=run_add_consultant)

    p = actions.add_parser("share", help="let a colleague read and work on one of your engagements")
    p.add_argument("engagement", type=id_argument, metavar="ENGAGEMENT_ID")
    p.add_argument("name", metavar="NAME", help="the colleague's consultant name")
    p.set_defaults(run=run_share)

    p = actions.add_parser("set-threshold", help="head office: set a lifecycle threshold for the whole team")
    p.add_argument("key", metavar="KEY", help="stall_days, checkin_stale_days or wip_<stage>")
    p.add_argument("value", type=int, metavar="VALUE")
    p.set_defaults(run=run_set_threshold)

    p = actions.add_parser("join", help="sync this database with a team server")
    p.add_argument("url", metavar="URL", help="postgresql://NAME@HOST[:PORT]/DATABASE[?sslmode=verify-full]")
    p.add_argument(
        "--ca-file", type=Path, metavar="FILE", help="the server's CA certificate (sslmode=verify-full)"
    )
    p.set_defaults(run=run_join)

    p = actions.add_parser("leave", help="stop syncing with the team server (local data stays)")
    p.set_defaults(run=run_leave)


def _team(name: str) -> Any:
    """A module of ``mwms_desktop.team``, imported when a team command runs (start-up never
    pays for psycopg or keyring); a build without them says so in one line."""
    import importlib

    try:
        return importlib.import_module(f"mwms_desktop.team.{name}")
    except ImportError as exc:
        from mwms_desktop.team.errors import TeamError

        raise TeamError(
            f"Team mode is not available in this build of MWMS Desktop ({exc.name} is missing)."
        ) from None


def _ask() -> Any:
    """Ask for a password on a terminal only; without one, say so rather than hang."""
    credentials = _team("credentials")

    return credentials.ask_terminal if sys.stdin is not None and sys.stdin.isatty() else None


def run_init(ctx: Any) -> int:
    admin = _team("admin")

    result = admin.init_server(ctx.args.admin_url, upgrade=ctx.args.upgrade)
    if result.schema_from is None:
        print(f"Prepared {result.database} on {result.host} as a team server (schema {result.schema_to}).")
        print(
            f"Group roles: {result.consultant_role} (consultants), {result.head_office_role} (head office)."
        )
        print("Next: `mwms-desktop team add-consultant NAME --admin-url …` for each consultant.")
    elif result.schema_from == result.schema_to:
        print(
            f"{result.database} on {result.host} is already at schema {result.schema_to}; nothing to upgrade."
        )
    else:
        print(
            f"Upgraded {result.database} on {result.host}: schema {result.schema_from} to {result.schema_to}."
        )
    return 0


def run_add_consultant(ctx: Any) -> int:
    admin = _team("admin")

    password = admin.add_consultant(ctx.args.admin_url, ctx.args.name, head_office=ctx.args.head_office)
    kind = "head-office consultant" if ctx.args.head_office else "consultant"
    print(f"Added {kind} {ctx.args.name}. One-time password (shown once, stored nowhere):")
    print(password)
    print(f"They join with `mwms-desktop team join postgresql://{ctx.args.name}@HOST:PORT/DATABASE`.")
    return 0


def run_join(ctx: Any) -> int:
    membership = _team("membership")

    if ctx.db_path().exists():
        ctx.services()  # a damaged or foreign file is refused before the server is asked
    address, password = membership.verify(ctx.args.url, ca_file=ctx.args.ca_file, ask=_ask())
    ctx.services(create=True)  # a new laptop may join before it has any data
    result = membership.remember(address, password)
    a = result.address
    print(f"Joined the team on {a.where}/{a.database} as {a.user}.")
    if result.in_keyring:
        print("The password is kept in the system keyring.")
    else:
        print("There is no keyring here: the password will be asked for each time (it is never stored).")
    if result.warning:
        print(result.warning, file=sys.stderr)
    return 0


def run_leave(ctx: Any) -> int:
    membership = _team("membership")

    ctx.services()
    address = membership.leave()
    if address is None:
        print("This database was not in a team; nothing changed.")
    else:
        print(f"Left the team on {address.where}/{address.database}; the local data stays.")
    return 0


def run_share(ctx: Any) -> int:
    membership = _team("membership")

    ctx.services()
    client = membership.share(ctx.args.engagement, ctx.args.name, ask=_ask())
    print(f"Shared {client} (engagement {ctx.args.engagement}) with {ctx.args.name}.")
    return 0


def run_set_threshold(ctx: Any) -> int:
    thresholds = _team("thresholds")

    ctx.services()
    value = thresholds.set_threshold(ctx.args.key, ctx.args.value, ask=_ask())
    print(f"{ctx.args.key} is now {value} for the whole team (laptops take it on their next sync).")
    return 0
