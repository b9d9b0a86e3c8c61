"""One whole sync: connect and check (versions, the five-minute clock, thresholds), pull
page by page, push batch by batch, and say what happened (:class:`SyncReport`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import psycopg
from peewee import PeeweeException as PeeweeError

from db.models import database
from mwms_desktop.clock import Clock
from mwms_desktop.services.base import storage_error
from mwms_desktop.sync import local
from mwms_desktop.team import clockcheck, membership, thresholds
from mwms_desktop.team.connection import describe
from mwms_desktop.team.credentials import Ask
from mwms_desktop.team.errors import TeamError

if TYPE_CHECKING:
    from mwms_desktop.sync import SyncReport

log = logging.getLogger(__name__)


def run(
    *,
    progress: Callable[[str, int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    ask: Ask | None = None,
    clock: Clock | None = None,
) -> SyncReport:
    from mwms_desktop.sync import SyncReport, pull, push

    clock = clock or Clock()
    conn, address = membership.open_connection(ask)
    stopped = cancelled or (lambda: False)
    try:
        try:  # psycopg's errors are the server's; peewee's (below) this laptop's file
            clockcheck.check_connection(conn, clock)
            with database.atomic():
                local.take_thresholds(thresholds.read(conn))
            local.ensure_server(address.url())
            pulled = pull.pull_all(conn, clock=clock, progress=progress, cancelled=stopped)
            pushed = push.push_all(conn, clock=clock, progress=progress, cancelled=stopped)
            if not stopped():
                # what the push met changed meanwhile (stale, merged): one more pull of it
                more = pull.pull_all(conn, clock=clock, progress=progress, cancelled=stopped)
                pulled = pulled.plus(more)
        except PeeweeError as exc:  # locked by another writer, disk full, read-only
            raise storage_error(exc) from exc
        except psycopg.OperationalError as exc:
            raise describe(exc, address) from None
        except psycopg.Error as exc:
            raise TeamError(
                f"The team server at {address.where} refused the sync: {exc.diag.message_primary or exc}"
            ) from None
    finally:
        conn.close()
    finished = clock.now()
    if not stopped():  # a cancelled sync did not finish: "last sync" stays the last whole one
        with database.atomic():
            local.set_last_sync_at(finished)
    report = SyncReport(
        pulled=pulled.engagements + pushed.merged,
        pushed=pushed.engagements,
        conflicts=pulled.conflicts + pushed.conflicts,
        refused=tuple(pulled.refused) + tuple(pushed.refused),
        waiting=local.waiting(),
        finished_at=finished,
        reset=tuple(pushed.reset),
    )
    log.info(
        "sync: %s pulled, %s pushed, %s conflicts, %s refused, %s waiting",
        report.pulled,
        report.pushed,
        report.conflicts,
        len(report.refused),
        report.waiting,
    )
    return report
