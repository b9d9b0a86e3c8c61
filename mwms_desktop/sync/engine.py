"""One whole sync: connect and check (versions, the five-minute clock, thresholds), pull
page by page, push batch by batch, and say what happened (:class:`SyncReport`)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import psycopg

from db.models import database
from mwms_desktop.clock import Clock
from mwms_desktop.sync import local
from mwms_desktop.team import clockcheck, credentials, membership, thresholds
from mwms_desktop.team.connection import describe
from mwms_desktop.team.credentials import Ask
from mwms_desktop.team.errors import TeamError

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Asked to stop between pages or batches."""


def run(
    *,
    progress: Callable[[str, int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    ask: Ask | None = None,
    clock: Clock | None = None,
):
    from mwms_desktop.sync import SyncReport, pull, push

    clock = clock or Clock()
    conn, address = membership.open_connection(ask)
    stopped = cancelled or (lambda: False)
    try:
        try:
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
        except psycopg.OperationalError as exc:
            raise describe(exc, address) from None
        except psycopg.Error as exc:
            raise TeamError(
                f"The team server at {address.where} refused the sync: {exc.diag.message_primary or exc}"
            ) from None
    finally:
        conn.close()
    finished = clock.now()
    with database.atomic():
        local.set_last_sync_at(finished)
    report = SyncReport(
        pulled=pulled.engagements + pushed.merged,
        pushed=pushed.engagements,
        conflicts=pulled.conflicts + pushed.conflicts,
        refused=tuple(pulled.refused) + tuple(pushed.refused),
        waiting=local.waiting(),
        finished_at=finished,
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


__all__ = ["Cancelled", "credentials", "run"]
