"""The checklist's third state: a rule about records that do not exist yet "does not apply
yet" (with why) instead of a tick; each item names the kind of record that fixes it; the
gate's refusal sentences do not change."""

from __future__ import annotations

from mwms_desktop import gates
from mwms_desktop.services import Services
from tests.factories import engagement_at, satisfy


def _state(services: Services, eid: int, title: str) -> tuple[str, str]:
    item = next(i for i in services.lifecycle.gate_checklist(eid) if i.title == title)
    return item.state, item.not_yet


def test_no_evaluated_cycle_means_the_learning_rule_does_not_apply_yet(services: Services) -> None:
    eid = engagement_at(services, "execution")
    assert _state(services, eid, "A learning for every evaluated cycle") == ("not_yet", "no evaluated cycle")
    assert services.lifecycle.check_move(eid, "optimization") == [
        "Structured Execution: no evaluated cycle yet."
    ]
    satisfy(services, eid, "execution")
    assert _state(services, eid, "A learning for every evaluated cycle") == ("met", "")


def test_completion_rule_waits_for_a_completion(services: Services) -> None:
    eid = engagement_at(services, "optimization")
    title = "Completion: dossier exported after the last learning"
    assert _state(services, eid, title) == ("not_yet", "no outcome chosen")
    services.lifecycle.set_outcome(eid, "expanded_scope")
    assert _state(services, eid, title) == ("not_yet", "the outcome is not a completion")
    services.lifecycle.set_outcome(eid, "project_completion")
    assert _state(services, eid, title)[0] == "missing"


def test_misalignment_rule_applies_only_to_a_misaligned_stakeholder(services: Services) -> None:
    eid = engagement_at(services, "onboarding")
    title = "Every misaligned stakeholder has a mitigation"
    assert _state(services, eid, title) == ("not_yet", "no stakeholder is misaligned")
    services.records.add("stakeholder", eid, name="Mo", alignment="misaligned", mitigation="Weekly call")
    assert _state(services, eid, title) == ("met", "")


def test_every_rule_names_the_record_that_fixes_it() -> None:
    rules = {r for stage_rules in gates.EXIT_RULES.values() for r in stage_rules}
    assert set(gates.RULE_FIXED_IN) == rules
    assert set(gates.RULE_NOT_YET) <= rules


def test_the_cli_gate_shows_the_three_states(services: Services, capsys, monkeypatch, clock) -> None:
    """`mwms-desktop gate ID` prints the checklist as the window shows it: a dash for a rule
    that does not apply yet, the refusal's own sentences under a missing one."""
    import mwms_desktop.commands as commands
    from mwms_desktop.cli import main

    real = commands.open_services
    monkeypatch.setattr(commands, "open_services", lambda path, **kw: real(path, clock=clock, **kw))
    eid = engagement_at(services, "execution", client="Fjord AS")
    for c in services.portfolio.detail(eid).cycles:
        services.records.delete("cycle", c.id)
    assert main(["--db", str(services.path), "gate", str(eid)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Fjord AS: leaving Structured Execution",
        "✗ At least one evaluated cycle",
        "    Structured Execution: no evaluated cycle yet.",
        "— A learning for every evaluated cycle",
        "    Not yet: no evaluated cycle.",
    ]
