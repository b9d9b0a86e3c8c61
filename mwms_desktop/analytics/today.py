"""The Today list: what a consultant should do first, in order.

1. next actions overdue (the longest overdue first), then those due within a week (soonest
   first);
2. engagements that need a health check-in (the longest without one first);
3. drift signals, ordered by how much they matter (``DRIFT_WEIGHT``), then by days in stage;
4. gates one step from passing: exactly one requirement left before the next stage.

Each item names the workspace pane that resolves it (``pane``: a stable key the window maps
to its tab). The list is a pure function of the board's cards and, for the gates, of the
engagements' exit requirements.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from mwms_desktop import framework
from mwms_desktop.views import EngagementCard

if TYPE_CHECKING:
    from mwms_desktop.services import Services

DUE_WITHIN_DAYS = 7
GATE_CHECK_LIMIT = 100  # exit requirements read the whole engagement (~10 queries): this many at most

# How much a drift signal matters, highest first: a relationship cooling beats paperwork.
DRIFT_WEIGHT: Mapping[str, int] = {
    "health_falling": 6,
    "misaligned": 5,
    "stalled": 4,
    "undocumented_cycle": 3,
    "reactive": 2,
    "unprioritised": 1,
}
# The pane that resolves each signal (keys of the workspace's panes).
DRIFT_PANE: Mapping[str, str] = {
    "health_falling": "health",
    "misaligned": "stakeholders",
    "stalled": "overview",
    "undocumented_cycle": "learnings",
    "reactive": "cycles",
    "unprioritised": "research",
    "no_checkin": "health",
}
STAGE_PANE: Mapping[str, str] = {
    "qualification": "qualification",
    "onboarding": "onboarding",
    "insight": "research",
    "execution": "learnings",
    "optimization": "overview",
    "outcome": "overview",
}
# Words of a gate requirement (gates.py's sentences) -> the pane where it is met, checked in
# order; otherwise the pane of the stage (STAGE_PANE).
REQUIREMENT_PANE: tuple[tuple[str, str], ...] = (
    ("stakeholder", "stakeholders"),
    ("check-in", "health"),
    ("learning", "learnings"),
    ("cycle", "cycles"),
    ("hypothes", "research"),
    ("insight", "research"),
    ("outcome", "overview"),
    ("dossier", "overview"),
)
SECTIONS: tuple[tuple[str, str], ...] = (
    ("overdue", "Overdue"),
    ("due", "Due this week"),
    ("checkin", "Needs a health check-in"),
    ("drift", "Drift"),
    ("gate", "One step from the next stage"),
)


@dataclass(frozen=True, slots=True)
class TodayItem:
    section: str  # a SECTIONS key
    engagement_id: int
    client: str
    text: str
    pane: str


@dataclass(frozen=True, slots=True)
class TodayList:
    items: tuple[TodayItem, ...]
    gates_checked: int  # engagements whose gate was read
    gates_skipped: int  # engagements past GATE_CHECK_LIMIT, not read

    def section(self, key: str) -> tuple[TodayItem, ...]:
        return tuple(i for i in self.items if i.section == key)


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _actions(cards: list[EngagementCard], today: date) -> list[TodayItem]:
    dated = [c for c in cards if c.next_action_due is not None]
    overdue = sorted(
        (c for c in dated if c.next_action_due < today),  # type: ignore[operator]
        key=lambda c: (c.next_action_due, c.client),
    )
    due = sorted(
        (c for c in dated if 0 <= (c.next_action_due - today).days <= DUE_WITHIN_DAYS),  # type: ignore[operator]
        key=lambda c: (c.next_action_due, c.client),
    )
    out = []
    for c in overdue:
        late = (today - c.next_action_due).days  # type: ignore[operator]
        what = c.next_action or "Next action"
        out.append(TodayItem("overdue", c.id, c.client, f"{what} — overdue by {_days(late)}", "overview"))
    for c in due:
        left = (c.next_action_due - today).days  # type: ignore[operator]
        when = "today" if left == 0 else "tomorrow" if left == 1 else f"in {_days(left)}"
        what = c.next_action or "Next action"
        out.append(TodayItem("due", c.id, c.client, f"{what} — due {when}", "overview"))
    return out


def _checkins(cards: list[EngagementCard]) -> list[TodayItem]:
    needing = [(c, s) for c in cards for s in c.drift if s.code == "no_checkin"]
    needing.sort(key=lambda cs: (-cs[0].days_in_stage, cs[0].client))
    return [TodayItem("checkin", c.id, c.client, s.message, "health") for c, s in needing]


def _drift(cards: list[EngagementCard]) -> list[TodayItem]:
    found = [(c, s) for c in cards for s in c.drift if s.code in DRIFT_WEIGHT]
    found.sort(key=lambda cs: (-DRIFT_WEIGHT[cs[1].code], -cs[0].days_in_stage, cs[0].client))
    return [TodayItem("drift", c.id, c.client, s.message, DRIFT_PANE[s.code]) for c, s in found]


def requirement_pane(stage: str, requirement: str) -> str:
    """The workspace pane where ``requirement`` (a gate's sentence) is met."""
    text = requirement.lower()
    return next((pane for word, pane in REQUIREMENT_PANE if word in text), STAGE_PANE[stage])


def _next_stage(stage: str) -> str | None:
    n = framework.stage_index(stage)
    return framework.STAGES[n + 1].label if n + 1 < len(framework.STAGES) else None


def _gates(
    cards: list[EngagementCard], requirements: Callable[[int], list[str]]
) -> tuple[list[TodayItem], int, int]:
    movable = [c for c in cards if _next_stage(c.stage) is not None]
    movable.sort(key=lambda c: (-c.days_in_stage, c.id))
    checked, skipped = movable[:GATE_CHECK_LIMIT], max(0, len(movable) - GATE_CHECK_LIMIT)
    out = []
    for c in checked:
        missing = requirements(c.id)
        if len(missing) == 1:
            need = missing[0].removeprefix(f"{framework.stage(c.stage).label}: ")
            text = f"one step from {_next_stage(c.stage)} — {need[:1].lower()}{need[1:]}"
            out.append(TodayItem("gate", c.id, c.client, text, requirement_pane(c.stage, need)))
    out.sort(key=lambda i: i.client.casefold())
    return out, len(checked), skipped


def today_list(
    cards: Iterable[EngagementCard], today: date, requirements: Callable[[int], list[str]], owner: str = ""
) -> TodayList:
    """The Today list of the active ``cards`` (of ``owner`` only, if given); ``requirements``
    gives an engagement's unmet exit requirements (the gate panel's sentences)."""
    mine = [c for c in cards if c.status == "active" and (not owner or c.owner == owner)]
    gates, checked, skipped = _gates(mine, requirements)
    items = _actions(mine, today) + _checkins(mine) + _drift(mine) + gates
    return TodayList(tuple(items), checked, skipped)


def load_today(services: Services, owner: str = "", cards: list[EngagementCard] | None = None) -> TodayList:
    """The Today list read through the services: the board's cards (read here unless given)
    and each candidate's exit requirements (as the gate panel words them)."""
    cards = services.portfolio.cards() if cards is None else cards
    return today_list(cards, services.clock.today(), services.lifecycle.exit_requirements, owner)
