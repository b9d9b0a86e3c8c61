"""The Today list's order and links, the daily notice, and the report's filters and CLI."""

from __future__ import annotations

import json
from datetime import date, timedelta

from mwms_desktop.analytics import today as td
from mwms_desktop.analytics.notify import daily_notice
from mwms_desktop.analytics.report import compute
from mwms_desktop.analytics.source import Scope
from mwms_desktop.cli import main
from mwms_desktop.views import DriftSignal, EngagementCard, Health
from tests.core.analytics_log import engagement
from tests.factories import engagement_at

TODAY = date(2026, 11, 20)


def card(eid: int, client: str, *, due: date | None = None, action: str = "", drift: tuple[str, ...] = (),
         days: int = 3, stage: str = "onboarding", owner: str = "Maya") -> EngagementCard:  # fmt: skip
    signals = tuple(DriftSignal(code, f"{code} of {client}") for code in drift)
    return EngagementCard(eid, f"u{eid}", client, "consulting", owner, stage, "active", 1.0, days,
                          Health(None, "unknown", "unknown"), signals, action, due, ())  # fmt: skip


def test_today_orders_overdue_then_due_then_checkins_then_drift_by_weight_then_gates():
    cards = [
        card(1, "Due later", due=TODAY + timedelta(days=5), action="Send plan"),
        card(2, "Late a little", due=TODAY - timedelta(days=1), action="Call"),
        card(3, "Late a lot", due=TODAY - timedelta(days=9), action="Invoice"),
        card(4, "Due today", due=TODAY, action="Review"),
        card(5, "Far off", due=TODAY + timedelta(days=30)),
        card(6, "Paperwork", drift=("unprioritised",), days=40),
        card(7, "Cooling", drift=("health_falling", "no_checkin"), days=2),
        card(8, "Stuck long", drift=("stalled",), days=60),
        card(9, "Stuck less", drift=("stalled",), days=30),
        card(10, "Zed gate"),
        card(11, "Alpha gate"),
        card(12, "Someone else's", due=TODAY - timedelta(days=3), owner="Jonas"),
    ]
    missing = {10: ["Onboarding: A learning must cite cycle X."], 11: ["No stakeholder."], 1: ["a", "b"]}
    result = td.today_list(cards, TODAY, lambda eid: missing.get(eid, ["x", "y"]), owner="Maya")
    assert [(i.section, i.client) for i in result.items] == [
        ("overdue", "Late a lot"),
        ("overdue", "Late a little"),
        ("due", "Due today"),
        ("due", "Due later"),
        ("checkin", "Cooling"),
        ("drift", "Cooling"),  # health falling matters most
        ("drift", "Stuck long"),  # then stalls, longest first
        ("drift", "Stuck less"),
        ("drift", "Paperwork"),
        ("gate", "Alpha gate"),
        ("gate", "Zed gate"),
    ]
    assert result.items[0].text == "Invoice — overdue by 9 days"
    assert result.items[2].text == "Review — due today"
    # each line names the pane that resolves it
    assert [i.pane for i in result.items] == [
        "overview", "overview", "overview", "overview", "health", "health", "overview", "overview",
        "research", "stakeholders", "learnings",  # the gates: where each requirement is met
    ]  # fmt: skip
    last = result.items[-1].text
    assert last == "one step from Initial Insight Development — a learning must cite cycle X."


def test_a_gate_line_opens_the_pane_where_its_requirement_is_met():
    assert td.requirement_pane("optimization", "No health check-in in the last 30 days.") == "health"
    assert td.requirement_pane("optimization", "No outcome chosen (expansion or completion).") == "overview"
    assert td.requirement_pane("execution", "No evaluated cycle yet.") == "cycles"
    assert td.requirement_pane("execution", "Cycle “A” is evaluated but has no learning.") == "learnings"
    assert td.requirement_pane("qualification", "No stakeholder recorded.") == "stakeholders"
    assert td.requirement_pane("qualification", "The verdict is not “qualified”.") == "qualification"
    assert td.requirement_pane("onboarding", "Tool access not confirmed.") == "onboarding"


def test_today_finds_an_engagement_one_learning_away_from_the_next_stage(services):
    eid = engagement_at(services, "execution", client="Kestrel Analytics")
    hyp = services.lifecycle.detail(eid).hypotheses[0]
    services.records.add("cycle", eid, title="Test", hypothesis_id=hyp.id, status="evaluated", result="win")
    items = td.load_today(services).section("gate")
    assert [(i.engagement_id, i.pane) for i in items] == [(eid, "learnings")]
    assert items[0].text.startswith("one step from Continuous Optimization — ")
    assert "learning" in items[0].text.lower()


def test_daily_notice_only_says_what_is_new_and_only_once_a_day():
    cards = [
        card(1, "Old overdue", due=TODAY - timedelta(days=10)),
        card(2, "Newly overdue", due=TODAY - timedelta(days=1)),
        card(3, "New stall", days=23),  # over 21 by 2 days
        card(4, "Old stall", days=40),
        card(5, "Resting", days=90, stage="outcome"),
    ]
    first = daily_notice(cards, TODAY, None, 21)
    assert first.overdue == ("Newly overdue", "Old overdue")
    assert first.stalled == ("New stall", "Old stall")
    since_yesterday = daily_notice(cards, TODAY, TODAY - timedelta(days=2), 21)
    assert since_yesterday.overdue == ("Newly overdue",)
    assert since_yesterday.stalled == ("New stall",)
    assert since_yesterday.text == "1 next action newly overdue: Newly overdue. 1 new stall: New stall."
    assert daily_notice(cards, TODAY, TODAY, 21) is None  # already told today
    assert daily_notice([card(9, "Calm")], TODAY, TODAY - timedelta(days=1), 21) is None


def test_report_filters_by_type_and_owner(services):
    engagement("Mine", "2026-10-01 10:00", [("2026-10-02 10:00", "onboarding", "forward")],
               engagement_type="ai_advisory", owner="Maya")  # fmt: skip
    engagement("Theirs", "2026-10-01 10:00", engagement_type="ai_advisory", owner="Jonas")
    engagement("Other type", "2026-10-01 10:00", owner="Maya")
    period = (date(2026, 10, 1), date(2026, 10, 31))
    everyone = compute(services, Scope(*period))
    maya_ai = compute(services, Scope(*period, engagement_type="ai_advisory", owner="Maya"))
    assert everyone.engagements == 3
    assert everyone.flow.days[-1].counts[:2] == (2, 1)
    assert maya_ai.engagements == 1
    assert maya_ai.flow.days[-1].counts[:2] == (0, 1)
    assert maya_ai.health.on_board == 1
    nobody = compute(services, Scope(*period, owner="Nobody"))
    assert nobody.missing["flow"] == "No engagement matches these filters."


def test_report_command_prints_the_same_numbers_as_json(services, db_path, capsys):
    engagement("Mine", "2026-10-01 10:00", [("2026-10-02 10:00", "onboarding", "forward"),
                                            ("2026-10-05 10:00", "qualification", "backward")])  # fmt: skip
    services.close()
    argv = ["--db", str(db_path), "report", "--since", "2026-10-01", "--until", "2026-10-31", "--json"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["flow"]["rework"]["backward_moves"] == 1
    assert data["flow"]["end_of_period"]["qualification"] == 1
    assert data["outcomes"]["retention"]["share"] is None
    assert "not_computed" not in data  # every metric of the issue is computed
    assert data["execution"]["learnings_reused_across_engagements"]["share"] is None  # no learning
    assert main(["--db", str(db_path), "report", "--since", "2026-10-31", "--until", "2026-10-01"]) == 1
    assert "is after" in capsys.readouterr().err
    assert main(["--db", str(db_path), "report"]) == 0
    text = capsys.readouterr().out
    assert "(all engagements): 1 engagement." in text  # the default period: a year up to today
