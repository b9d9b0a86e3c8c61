"""The demo portfolio: ``resources/demo/portfolio.json`` played through the real services.

Each engagement is walked from Qualification to its stage on a clock that starts months
ago, recording what each stage requires before moving on, so every gate it passed really
holds and its history, days in stage, check-ins and drift signals are genuine.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from mwms_desktop import framework
from mwms_desktop.clock import FixedClock
from mwms_desktop.errors import MwmsError
from mwms_desktop.paths import resources_dir
from mwms_desktop.services import Services
from mwms_desktop.services.citations import CitationService
from mwms_desktop.services.lifecycle import LifecycleService
from mwms_desktop.services.portfolio import PortfolioService
from mwms_desktop.services.records import RecordService

_HEALTHY = framework.slugs(framework.HEALTHY_INDICATORS)
_UNHEALTHY = framework.slugs(framework.UNHEALTHY_SIGNALS)


def load_script() -> dict[str, Any]:
    with (resources_dir() / "demo" / "portfolio.json").open(encoding="utf-8") as fh:
        return json.load(fh)


class _Player:
    def __init__(self, services: Services, script: dict[str, Any]) -> None:
        self.script = script
        self.today = services.clock.now()
        self.clock = FixedClock(self.today)
        self.portfolio = PortfolioService(self.clock)
        self.lifecycle = LifecycleService(self.clock)
        self.records = RecordService(self.clock)
        self.citations = CitationService(self.clock)
        # learning index -> (recorded at, learning id, engagement id) of each played so far
        self.learned: dict[int, list[tuple[Any, int, int]]] = {}

    def at(self, days_ago: float) -> None:
        self.clock.at = self.today - timedelta(days=days_ago)

    def ratings(self, profile: str, wobble: int) -> dict[str, int]:
        good, bad = self.script["health_profiles"][profile]
        ratings = {s: good for s in _HEALTHY} | {s: bad for s in _UNHEALTHY}
        # A little texture so no two check-ins read the same.
        k = _HEALTHY[wobble % len(_HEALTHY)]
        ratings[k] = max(0, min(3, ratings[k] - 1 if good == 3 else ratings[k] + 1))
        return ratings

    def play(self, spec: dict[str, Any]) -> None:
        target = framework.stage_index(spec["stage"])
        start, entered = spec["started_days_ago"], spec["stage_days"]
        span = (start - entered) / target if target else 0
        self.at(start)
        card = self.portfolio.add(
            spec["client"], spec["type"], owner=spec.get("owner", ""), tags=spec.get("tags", [])
        )
        eid = card.id
        pending = self.check_in_days(
            spec, start - span if target else start, entered + 1 if target == 5 else 2
        )
        steps = (self.qualify, self.onboard, self.research, self.execute, self.optimise)
        for number in range(target + 1):
            self.at(start - number * span)
            if number < len(steps):
                steps[number](eid, spec, partial=number == target)
            if number < target:
                moved = start - (number + 1) * span
                self.check_ins(eid, pending, until=moved)
                self.at(moved)
                self.lifecycle.move(eid, framework.STAGES[number + 1].slug)
        self.check_ins(eid, pending, until=0)
        if "next_action" in spec:
            text, due_in = spec["next_action"]
            self.portfolio.update(
                eid, next_action=text, next_action_due=(self.today + timedelta(days=due_in)).date()
            )
        if "verdict" in spec:
            self.at(0.5)
            self.lifecycle.set_verdict(eid, spec["verdict"][0], spec["verdict"][1])

    def qualify(self, eid: int, spec: dict[str, Any], partial: bool) -> None:
        scores = spec.get("scores", [3, 2, 2, 3, 2])
        for criterion, score in zip(framework.QUALIFICATION_CRITERIA, scores, strict=True):
            if score is not None:
                self.lifecycle.score_criterion(eid, criterion.slug, score)
        for name, role, influence, alignment, *mitigation in spec.get("stakeholders", []):
            self.records.add(
                "stakeholder", eid, name=name, role=role, influence=influence, alignment=alignment,
                mitigation=mitigation[0] if mitigation else "", last_contact=self.clock.today(),
            )  # fmt: skip
        if not partial:
            self.lifecycle.set_verdict(eid, "qualified", "Strong fit on scale and leverage.")

    def onboard(self, eid: int, spec: dict[str, Any], partial: bool) -> None:
        done = spec.get("onboarding_done", 7) if partial else 7
        for element in framework.ONBOARDING_ELEMENTS[:done]:
            self.lifecycle.set_onboarding(eid, element.slug, True)
        if not partial:
            self.lifecycle.set_expectations(
                eid,
                scope="Conversion optimisation of the storefront and checkout.",
                cadence="Fortnightly review; monthly steering with the sponsor.",
                success_measures="Checkout conversion +8% in two quarters; a documented test backlog.",
                agreed_on=self.clock.today(),
            )

    def research(self, eid: int, spec: dict[str, Any], partial: bool) -> None:
        insights = self.script["insights"][: 2 if partial else 5]
        ids = [self.records.add("insight", eid, activity=a, statement=s, detail=d).id for a, s, d in insights]
        hypotheses = self.script["hypotheses"][: 1 if partial else 3]
        for n, (statement, rationale, ice, links) in enumerate(hypotheses):
            impact, confidence, ease = (None, None, None) if partial else ice
            hypothesis = self.records.add(
                "hypothesis", eid, statement=statement, rationale=rationale, impact=impact,
                confidence=confidence, ease=ease, insight_ids=[ids[i] for i in links if i < len(ids)],
            )  # fmt: skip
            self.build_on(hypothesis.id, eid, self.script["built_on"].get(str(n)))

    def build_on(self, hypothesis_id: int, eid: int, learning: int | None) -> None:
        """Cite the newest learning of that kind another engagement recorded before now:
        the reuse the library traces ("built on", "reused in N engagements")."""
        now = self.clock.now()
        played = self.learned.get(learning, []) if learning is not None else []
        earlier = [(at, lid) for at, lid, owner in played if owner != eid and at < now]
        if earlier:
            self.citations.cite("hypothesis", hypothesis_id, max(earlier)[1])

    def execute(self, eid: int, spec: dict[str, Any], partial: bool) -> None:
        detail = self.lifecycle.detail(eid)
        hyps = [h.id for h in detail.hypotheses]
        flags = spec.get("flags", [])
        cycles = self.script["cycles"][: 2 if partial else 3]
        for n, (title, hyp, result, evaluation) in enumerate(cycles):
            cycle = self.records.add(
                "cycle", eid, title=title, hypothesis_id=hyps[hyp], status="evaluated", result=result,
                evaluation=evaluation, started_on=self.clock.today(), ended_on=self.clock.today(),
            )  # fmt: skip
            if not (partial and "undocumented_cycle" in flags and n == len(cycles) - 1):
                statement, confidence, tags, _ = self.script["learnings"][n]
                learning = self.records.add(
                    "learning",
                    eid,
                    statement=statement,
                    confidence=confidence,
                    tags=tags,
                    cycle_ids=[cycle.id],
                )
                self.learned.setdefault(n, []).append((self.clock.now(), learning.id, eid))
        if "reactive_cycle" in flags:
            self.records.add("cycle", eid, title="Homepage banner swap requested by sales", status="running")

    def optimise(self, eid: int, spec: dict[str, Any], partial: bool) -> None:
        if "outcome" in spec:
            outcome, summary = spec["outcome"]
            self.lifecycle.set_outcome(eid, outcome, summary=summary)

    def check_in_days(self, spec: dict[str, Any], since: float, until: float) -> list[tuple[float, str]]:
        """(days ago, health profile) of each check-in, spread evenly, oldest first."""
        profiles = spec.get("health", [])
        step = (since - until) / max(1, len(profiles) - 1) if len(profiles) > 1 else 0
        first = since - step if len(profiles) > 1 else until
        return [
            (max(until, first - n * step) if len(profiles) > 1 else until, p) for n, p in enumerate(profiles)
        ]

    def check_ins(self, eid: int, pending: list[tuple[float, str]], until: float) -> None:
        """Record the pending check-ins held at or before ``until`` days ago."""
        while pending and pending[0][0] >= until:
            days_ago, profile = pending.pop(0)
            self.at(days_ago)
            ratings = self.ratings(profile, len(pending) + eid)
            self.records.add("checkin", eid, ratings=ratings, note=f"{profile.title()} session.")


def load_demo(services: Services) -> int:
    """Fill an empty database with the demo portfolio; returns how many engagements."""
    if services.portfolio.count():
        raise MwmsError(f"{services.path.name} already holds engagements; the demo needs an empty database.")
    script = load_script()
    player = _Player(services, script)
    from peewee import OperationalError

    from db.models import database
    from mwms_desktop.services.base import storage_error

    try:
        with database.atomic("IMMEDIATE"):  # the whole portfolio, or nothing
            for spec in script["engagements"]:
                player.play(spec)
    except OperationalError as exc:
        raise storage_error(exc) from exc
    return len(script["engagements"])
