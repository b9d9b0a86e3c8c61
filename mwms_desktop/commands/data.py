"""Data safety and portability commands: ``backup``, ``backups``, ``restore``, ``check``,
``export``, ``import`` and ``export-csv``.

``backup``, ``backups``, ``restore`` and ``check`` work on the file without opening it
through the services, so they still work on a database too damaged to open.
"""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
from typing import Any

from mwms_desktop import maintenance
from mwms_desktop.commands.board import id_argument
from mwms_desktop.errors import MwmsError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="make a verified backup of the database now")
    p.set_defaults(run=run_backup)

    p = sub.add_parser("backups", help="list the database's backups, newest first")
    p.set_defaults(run=run_backups)

    p = sub.add_parser("restore", help="put a backup in place (the current file is kept aside)")
    p.add_argument("backup", metavar="BACKUP", help="a backup's name as `backups` lists it, or its path")
    p.set_defaults(run=run_restore)

    p = sub.add_parser("check", help="run the full integrity and reference check (exit 1 on problems)")
    p.set_defaults(run=run_check)

    p = sub.add_parser("export", help="write engagements to a JSON bundle for another laptop")
    p.add_argument("file", type=Path, metavar="FILE.json")
    p.add_argument(
        "--engagement",
        action="append",
        type=id_argument,
        metavar="ID",
        help="only this engagement (repeatable)",
    )
    p.set_defaults(run=run_export)

    p = sub.add_parser("import", help="merge a JSON bundle into the database (newer records win)")
    p.add_argument("file", type=Path, metavar="FILE.json")
    p.set_defaults(run=run_import)

    p = sub.add_parser("export-csv", help="write the board to a CSV file for spreadsheets")
    p.add_argument("file", type=Path, metavar="FILE.csv")
    p.set_defaults(run=run_export_csv)


def db_path(ctx: Any) -> Path:
    return ctx.db_path()


def run_backup(ctx: Any) -> int:
    backup = maintenance.backup_now(db_path(ctx))
    print(f"Backed up to {backup.path}")
    return 0


def run_backups(ctx: Any) -> int:
    path = db_path(ctx)
    backups = maintenance.list_backups(path)
    if not backups:
        print(f"No backups of {path} yet. Make one with `mwms-desktop backup`.")
        return 0
    print(f"Backups of {path}, in {backups[0].path.parent}:")
    for b in backups:
        print(f"  {b.name}  {b.created:%Y-%m-%d %H:%M} UTC  {b.reason:<8}  {b.size / 1024:,.0f} KB")
    return 0


def run_restore(ctx: Any) -> int:
    path = db_path(ctx)
    result = maintenance.restore(path, maintenance.find_backup(path, ctx.args.backup))
    print(f"Restored {path.name} from {result.backup.name}.")
    for moved in result.moved_aside:
        print(f"The file it replaced was kept as {moved}.")
    return 0


def run_check(ctx: Any) -> int:
    report = maintenance.check(db_path(ctx))
    if report.ok:
        print(f"{report.path}: integrity and references are sound.")
        return 0
    print(f"{report.path}: {len(report.problems)} problem(s) found:")
    for problem in report.problems[:20]:
        print(f"  {problem}")
    good = report.newest_good_backup
    if good is not None:
        print(f"Newest good backup: {good.name}. Restore it with:")
        print(f"  {maintenance.restore_command(report.path, good.path)}")
    else:
        print("No good backup was found.")
    return 1


def run_export(ctx: Any) -> int:
    from mwms_desktop.bundle import export_bundle

    services = ctx.services()
    result = export_bundle(ctx.args.file, ctx.args.engagement, clock=services.clock)
    print(f"Exported {result.engagements} engagement(s) and {result.records} record(s) to {result.path}.")
    return 0


def run_import(ctx: Any) -> int:
    from mwms_desktop.bundle import describe_import, import_bundle, read_bundle

    bundle = read_bundle(ctx.args.file)  # a malformed bundle is refused before any file is made
    path = ctx.db_path()
    new = not path.exists()
    had = {b.path for b in maintenance.list_backups(path)}
    try:
        services = ctx.services(create=True)
        result = import_bundle(services.path, ctx.args.file, bundle=bundle)
    except MwmsError:
        if new:
            _remove_if_still_empty(ctx, path, had)
        raise
    print(f"Imported {ctx.args.file} into {services.path}.")
    for line in describe_import(result):
        print(line)
    return 0


def _remove_if_still_empty(ctx: Any, path: Path, had: set[Path]) -> None:
    """A refused import into a database it created leaves nothing behind: the new file (and
    a backup made of it), unless something was written to it meanwhile."""
    services = ctx.opened()
    try:
        if services is not None and services.portfolio.cards(statuses=None):
            return
    except MwmsError:  # cannot tell: leave it, and report the import's own error
        return
    ctx.close()
    for backup in maintenance.list_backups(path):
        if backup.path not in had:
            backup.path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # only when empty: it was made for this file
        maintenance.backup_folder(path).rmdir()
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def run_export_csv(ctx: Any) -> int:
    from mwms_desktop.csv_export import export_csv

    count = export_csv(ctx.services(), ctx.args.file)
    print(f"Wrote {count} engagement(s) to {ctx.args.file}.")
    return 0
