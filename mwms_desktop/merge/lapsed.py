"""A merged engagement whose passed gate no longer holds.

One laptop deletes the only research insight while the other moves the engagement on to
Structured Execution: after the merge the engagement sits past a gate whose facts are gone.
Nothing is undone silently: each such fact becomes an entry in the conflicts list (kind
``gate``), which the engagement shows as a drift signal until someone resolves it. Only
facts that cannot lapse with time are checked (not the 30-day check-in).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from mwms_desktop import framework, gates
from mwms_desktop.clock import FixedClock
from mwms_desktop.merge import conflicts

# Exit rules whose facts can lapse with time or with ordinary later work (a check-in grows
# old; a new cycle, a newly misaligned stakeholder or a later learning are drift signals of
# their own): not a merge's doing, so not checked here.
_LATER_WORK = (
    gates.recent_checkin,
    gates.cycles_documented,
    gates.misalignment_mitigated,
    gates.completion_documented,
)


def lapsed(detail: object, ctx: gates.GateContext) -> list[str]:
    """What the gates the engagement has passed no longer have, each a sentence."""
    stage = framework.stage_index(detail.card.stage)  # type: ignore[attr-defined]
    missing: list[str] = []
    for s in framework.STAGES[:stage]:
        for rule in gates.EXIT_RULES.get(s.slug, ()):
            if rule in _LATER_WORK:
                continue
            missing.extend(rule(detail, ctx))  # type: ignore[arg-type]
    return missing


def check(engagement_ids: Sequence[int], now: datetime) -> list[tuple]:
    """Conflict rows (``conflicts.row``) for the lapsed gates of these engagements."""
    from mwms_desktop.services.base import ServiceBase
    from mwms_desktop.services.loading import load_detail

    if not engagement_ids:
        return []
    clock = FixedClock(now)
    limits = ServiceBase(clock).thresholds()
    ctx = gates.GateContext(clock.today(), limits.checkin_stale_days)
    rows = []
    for eid in engagement_ids:
        detail = load_detail(eid, clock, limits)
        card = detail.card
        if card.status != "active":
            continue
        for sentence in lapsed(detail, ctx):
            text = f"In {card.stage_label} after a merge, but no longer: {sentence}"
            rows.append(
                conflicts.row(conflicts.GATE, card.uuid, card.uuid, None, None, (), "none", text, now)
            )
    return rows
