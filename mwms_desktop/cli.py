"""``mwms-desktop``: the entry point and composition root.

With no command it opens the window; each command is a module of
:mod:`mwms_desktop.commands` that adds its sub-parser and runs against the services. Only
this module (and the window commands it dispatches to) may import ``ui``, and only lazily.

Exit status: 0 done, 1 an error (one line on stderr), 2 a refused move or a usage error.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from mwms_desktop import APP_NAME, __version__, logs, paths
from mwms_desktop.commands import COMMANDS, Context
from mwms_desktop.errors import MoveRefused, MwmsError
from mwms_desktop.streams import ensure_std_streams

log = logging.getLogger(__name__)

EXIT_OK, EXIT_ERROR, EXIT_REFUSED = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mwms-desktop",
        description=f"{APP_NAME}: client relationships through the six-stage lifecycle.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH",
        type=Path,
        help=f"database file (default: {paths.DEFAULT_DB_NAME} in the user's data folder)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    ctx = Context(args)
    try:
        if args.command in (None, "screenshot"):  # before Qt: name the package, not Qt's abort
            from mwms_desktop import platform_check

            platform_check.require_display_libraries(
                None if args.command is None else {"QT_QPA_PLATFORM": "offscreen", **os.environ}
            )
        if args.command is not None:
            ctx.db_path()  # refuses a folder, pipe or another program's file before anything
        if args.command is None:
            from mwms_desktop.commands import window

            return window.open_window(ctx)
        return args.run(ctx)
    except MoveRefused as exc:
        log.info("%s: move refused", args.command)
        print("Move refused. Missing:", file=sys.stderr)
        for requirement in exc.requirements:
            print(requirement, file=sys.stderr)
        return EXIT_REFUSED
    except MwmsError as exc:
        log.warning(
            "%s: %s", args.command or "window", logs.describe(exc)
        )  # no message: it may quote a client
        print(f"mwms-desktop: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `mwms-desktop list | head`: stop quietly, like other CLI tools
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    finally:
        ctx.close()


def entry() -> None:  # console/gui script target
    ensure_std_streams()  # a windowed build has no stderr: nothing may write to None
    logs.setup()
    try:
        status = main()
    except Exception as exc:
        log.error("unexpected error: %s", logs.describe(exc))
        raise
    finally:
        logging.shutdown()
    sys.exit(status)
