"""Window commands: opening the main window (no command) and ``screenshot``.

The only core module that reaches into ``ui``, lazily, so the CLI's other commands never
load Qt."""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from mwms_desktop import files
from mwms_desktop.commands.board import id_argument
from mwms_desktop.errors import DatabaseDamaged, MwmsError

DEFAULT_SIZE = (1440, 900)
LANES = {"type": "engagement_type", "owner": "owner"}  # --lanes -> the card field lanes follow
ANALYTICS = ("flow", "durations", "outcomes", "execution", "health")  # --analytics: its tabs


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("screenshot", help="render the main window to a PNG, headless, and exit")
    p.add_argument("file", type=Path, metavar="FILE.png")
    p.add_argument("--size", default="x".join(map(str, DEFAULT_SIZE)), metavar="WxH", help="window size")
    p.add_argument("--theme", choices=("light", "dark"), default="light", help="colour scheme")
    p.add_argument("--open", type=id_argument, metavar="ID", help="show this engagement's workspace")
    p.add_argument("--lanes", choices=tuple(LANES), help="show the board in swimlanes by type or owner")
    p.add_argument("--analytics", choices=ANALYTICS, metavar="SECTION",
                   help="the Portfolio analytics window on this tab: " + " ".join(ANALYTICS))  # fmt: skip
    p.add_argument("--today", action="store_true", help="the window on its Today view (beside the Board tab)")
    p.add_argument("--library", metavar="QUERY", help="show the learning library searching QUERY")
    p.add_argument(
        "--related",
        metavar="TEXT",
        help="with --open: the add-hypothesis dialog with TEXT typed, beside its related learnings",
    )
    p.set_defaults(run=run_screenshot)


def parse_size(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d{2,5})x(\d{2,5})", text.strip())
    if not m:
        raise MwmsError(f"Size must look like 1440x900, got {text!r}.")
    w, h = int(m[1]), int(m[2])
    if not (320 <= w <= 8000 and 240 <= h <= 8000):
        raise MwmsError("Size must be between 320x240 and 8000x8000.")
    return w, h


def open_window(ctx: Any) -> int:
    """Open the main window. A database that cannot be opened is explained in a dialog too
    (a desktop user sees no terminal); a damaged one with a good backup is offered recovery."""
    from mwms_desktop import collector

    collector.pause()  # until the first paint (ui.app.run_app), or the end of this
    try:
        return _open_window(ctx)
    finally:
        collector.resume()


def _open_window(ctx: Any) -> int:
    from mwms_desktop import maintenance
    from ui import startup

    lock = None
    try:
        # The lock first: a second window is refused before it opens, upgrades or backs up.
        path = ctx.db_path()
        if path.parent.is_dir():
            lock = maintenance.lock_window(path)  # DatabaseInUse: open in another window
        try:
            services = ctx.services(create=True, defer_check=True)
            services.portfolio.read_ahead()  # the board's read, on a worker beside the check's
            import ui.main_window  # noqa: F401  (the window's imports overlap the check and the read)

            services.checked()
        except DatabaseDamaged as exc:
            ctx.close()
            if exc.backup is None or exc.path is None:
                raise
            if not startup.offer_recovery(exc):  # the user chose to quit: already told
                print(f"mwms-desktop: {exc}", file=sys.stderr)
                if lock is not None:
                    lock.release()
                return 1
            result = maintenance.recover_from_backup(exc.path)
            aside = ", ".join(p.name for p in result.moved_aside)
            startup.recovered(f"Recovered from {result.backup.name}. The damaged file was kept as {aside}.")
            services = ctx.services(create=True)
        if lock is None:
            lock = maintenance.lock_window(services.path)
    except MwmsError as exc:
        if lock is not None:
            lock.release()
        startup.report(exc)
        raise  # and one line on stderr, for a terminal
    try:
        from ui.app import run_app

        return run_app(services)
    finally:
        lock.release()


def run_screenshot(ctx: Any) -> int:
    size = parse_size(ctx.args.size)
    target = files.check_target(ctx.args.file)
    services = ctx.services()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui.app import render_screenshot

    open_id = ctx.args.open
    if open_id is not None:
        services.portfolio.card(open_id)  # NotFound -> one clear line
    lanes = LANES.get(ctx.args.lanes or "", "")
    if ctx.args.related is not None and open_id is None:
        raise MwmsError("--related needs --open ID: the engagement the hypothesis is written in.")
    # Rendered into a private scratch folder, then written owner-only and atomically.
    with tempfile.TemporaryDirectory(prefix="mwms-shot-") as scratch:
        png = Path(scratch) / "shot.png"
        if ctx.args.library is not None or ctx.args.related is not None:
            from ui.library import screenshot

            if ctx.args.related is not None:
                screenshot.render_related(services, png, size, ctx.args.theme, open_id, ctx.args.related)
            else:
                screenshot.render_library(services, png, size, ctx.args.theme, ctx.args.library)
        else:
            render_screenshot(
                services, png, size, theme_name=ctx.args.theme, open_id=open_id, lanes=lanes,
                analytics=ctx.args.analytics or "", today_only=ctx.args.today,
            )  # fmt: skip
        files.write_private(target, png.read_bytes())
    print(f"Saved {ctx.args.file}.")
    return 0
