"""``dossier``: write the learning-preservation dossier of one engagement, or of the whole
portfolio with ``--all``, to a PDF file.

    mwms-desktop dossier 7 --out acme.pdf
    mwms-desktop dossier --all --out portfolio.pdf
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mwms_desktop.commands.board import parse_id
from mwms_desktop.errors import MwmsError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "dossier",
        help="export the learning-preservation dossier (PDF) of an engagement, or of all with --all",
    )
    p.add_argument("id", nargs="?", help="engagement id (see list)")
    p.add_argument("--all", action="store_true", help="every engagement, with a portfolio summary first")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.pdf", help="the PDF file to write")
    p.set_defaults(run=run_dossier)


def run_dossier(ctx: Any) -> int:
    from mwms_desktop.dossier import export_dossier, export_portfolio

    args = ctx.args
    if args.all == (args.id is not None):
        raise MwmsError("Name one engagement id, or --all for every engagement.")
    services = ctx.services()
    if args.all:
        result = export_portfolio(services, None, args.out)
    else:
        result = export_dossier(services, parse_id(args.id), args.out)
    pages = "1 page" if result.pages == 1 else f"{result.pages} pages"
    print(f"Wrote {result.path} ({pages}).")
    return 0
