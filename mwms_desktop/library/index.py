"""The library's index, as ``check`` and the window see it: which search is in use, is the
index equal to its records, and rebuilding it when it is not."""

from __future__ import annotations

from dataclasses import dataclass

from db import fts
from db.models import database

SLOWER_NOTICE = "This SQLite has no full-text search (FTS5): the library scans every record, which is slower."


@dataclass(frozen=True, slots=True)
class IndexCheck:
    indexed: bool  # False: no FTS5, the library scans (nothing to check)
    problems: tuple[str, ...]  # what was wrong before the rebuild
    rebuilt: bool


def verify_and_repair() -> IndexCheck:
    """FTS5 ``integrity-check`` of every index; rebuild them all (one transaction) when one
    does not match its records."""
    if not fts.fts5_available(database) or not fts.tables_present(database):
        return IndexCheck(False, (), False)
    problems = tuple(fts.integrity_problems(database))
    if not problems and fts.triggers_present(database):
        return IndexCheck(True, (), False)
    fts.reconcile(database)  # puts back missing triggers
    with database.atomic():
        fts.rebuild(database)
    return IndexCheck(True, problems or ("the index's triggers were missing",), True)
