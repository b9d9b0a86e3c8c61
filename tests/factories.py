"""Build engagements that really satisfy the gates, stage by stage, through the services."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from mwms_desktop import framework
from mwms_desktop.services import Services, open_services

ALL_HEALTHY = {t.slug: 3 for t in framework.HEALTHY_INDICATORS} | {
    t.slug: 0 for t in framework.UNHEALTHY_SIGNALS
}


def satisfy(services: Services, eid: int, stage: str) -> None:
    """Record the minimum that lets ``eid`` leave ``stage`` forward."""
    lc, rec = services.lifecycle, services.records
    if stage == "qualification":
        for criterion in framework.QUALIFICATION_CRITERIA:
            lc.score_criterion(eid, criterion.slug, 2)
        rec.add("stakeholder", eid, name="Dana Sponsor", role="Sponsor", alignment="aligned")
        lc.set_verdict(eid, "qualified")
    elif stage == "onboarding":
        for element in framework.ONBOARDING_ELEMENTS:
            lc.set_onboarding(eid, element.slug, True)
        lc.set_expectations(
            eid, scope="Checkout", cadence="Weekly", success_measures="+5% CR", agreed_on="2026-10-01"
        )
    elif stage == "insight":
        insight = rec.add("insight", eid, activity="research", statement="Users abandon at shipping")
        rec.add(
            "hypothesis",
            eid,
            statement="Show shipping early",
            impact=8,
            confidence=6,
            ease=7,
            insight_ids=[insight.id],
        )
    elif stage == "execution":
        hyp = services.lifecycle.detail(eid).hypotheses[0]
        cycle = rec.add(
            "cycle", eid, title="Shipping test", hypothesis_id=hyp.id, status="evaluated", result="win"
        )
        rec.add("learning", eid, statement="Early price clarity wins", cycle_ids=[cycle.id])
    elif stage == "optimization":
        rec.add("checkin", eid, ratings=ALL_HEALTHY)
        lc.set_outcome(eid, "extended_retainer", summary="Two more quarters")


def engagement_at(
    services: Services, stage: str, client: str = "Acme Ltd", engagement_type: str = "consulting"
) -> int:
    """A new engagement walked through the gates up to ``stage``; returns its id."""
    eid = services.portfolio.add(client, engagement_type).id
    for s in framework.STAGES[: framework.stage_index(stage)]:
        satisfy(services, eid, s.slug)
        nxt = framework.STAGES[s.number]
        services.lifecycle.move(eid, nxt.slug)
    return eid


def filled_database(path: Path, clients: int = 60) -> None:
    """A database file of ``clients`` engagements with long notes, spanning many pages."""
    s = open_services(path)
    for n in range(clients):
        s.portfolio.add(f"Client {n:03d}", notes="x" * 400)
    s.close()


def corrupt(path: Path) -> bytes:
    """Overwrite the middle of the file (table pages, not the header) with garbage."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for offset in range(2 * page, len(data) - page, page):
        data[offset : offset + 64] = b"\xa5" * 64
    path.write_bytes(bytes(data))
    return bytes(data)


def dump(path: Path) -> list[str]:
    """Every row of every table, as SQL text, read by a second connection: equal dumps mean
    an untouched database."""
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()
