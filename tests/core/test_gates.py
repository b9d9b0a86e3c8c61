"""The stage gates (issue 2): every exit rule of every stage, both ways.

For each stage an engagement that satisfies it (``factories.satisfy``) moves on; taking away
any single requirement makes the move refused with :class:`MoveRefused` listing exactly the
sentence that requirement produces, and nothing else. Unmet requirements are all reported at
once; the checklist shows the same state as the gate; every rule quotes the framework.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from mwms_desktop import framework, gates
from mwms_desktop.clock import FixedClock
from mwms_desktop.errors import MoveRefused, ValidationError
from mwms_desktop.services import Services
from tests.factories import ALL_HEALTHY, engagement_at, satisfy

FRAMEWORK_FILE = Path(__file__).resolve().parents[3] / "shared" / "lifecycle-framework.txt"

NEXT = {s.slug: framework.STAGES[s.number].slug for s in framework.STAGES[:-1]}
GATED_STAGES = tuple(NEXT)  # qualification .. optimization: every stage that can be left forward


def ready(services: Services, stage: str) -> int:
    """An engagement in ``stage`` with everything that stage's exit gate asks for."""
    eid = engagement_at(services, stage)
    satisfy(services, eid, stage)
    return eid


def refused(services: Services, eid: int, to_stage: str | None = None) -> list[str]:
    """The reasons the forward move is refused (failing the test if it is allowed), after
    checking that ``check_move`` predicts exactly the same reasons and the stage is kept."""
    here = services.lifecycle.detail(eid).stage
    to_stage = to_stage or NEXT[here]
    predicted = services.lifecycle.check_move(eid, to_stage)
    with pytest.raises(MoveRefused) as caught:
        services.lifecycle.move(eid, to_stage)
    assert caught.value.requirements == predicted
    assert services.lifecycle.detail(eid).stage == here
    return caught.value.requirements


def moves_on(services: Services, eid: int) -> None:
    """The forward move is allowed (check says so) and done."""
    here = services.lifecycle.detail(eid).stage
    assert services.lifecycle.check_move(eid, NEXT[here]) == []
    assert services.lifecycle.exit_requirements(eid) == []
    services.lifecycle.move(eid, NEXT[here])
    assert services.lifecycle.detail(eid).stage == NEXT[here]


# --- every stage passes when satisfied ---------------------------------------------------


@pytest.mark.parametrize("stage", GATED_STAGES)
def test_satisfied_stage_moves_forward(services: Services, stage: str) -> None:
    """factories.satisfy(stage) is enough to leave each stage forward."""
    eid = ready(services, stage)
    moves_on(services, eid)
    assert services.lifecycle.history(eid)[-1].to_stage == NEXT[stage]


@pytest.mark.parametrize("stage", GATED_STAGES)
def test_unsatisfied_stage_is_refused(services: Services, stage: str) -> None:
    """Reaching a stage without recording its work: the move onward is refused, with reasons."""
    eid = engagement_at(services, stage)
    reasons = refused(services, eid)
    prefix = {
        "qualification": "Qualification: ",
        "onboarding": "Onboarding: ",
        "insight": "Initial Insight Development: ",
        "execution": "Structured Execution: ",
        "optimization": "Continuous Optimization: ",
    }[stage]
    assert reasons
    assert all(r.startswith(prefix) for r in reasons)


def test_outcome_stage_has_no_exit_gate(services: Services) -> None:
    """Expansion or Completion is the last stage: no exit rules, an empty checklist."""
    eid = engagement_at(services, "outcome")
    assert gates.EXIT_RULES["outcome"] == ()
    assert services.lifecycle.exit_requirements(eid) == []
    assert services.lifecycle.gate_checklist(eid) == []


# --- Qualification -> Onboarding ---------------------------------------------------------

QUALIFICATION_ALL = [
    "Qualification: the verdict is not “qualified”.",
    "Qualification: business scale not scored.",
    "Qualification: opportunity size not scored.",
    "Qualification: operational readiness not scored.",
    "Qualification: stakeholder alignment not scored.",
    "Qualification: economic leverage not scored.",
    "Qualification: no stakeholder recorded.",
]


def test_new_engagement_lists_every_qualification_requirement_at_once(services: Services) -> None:
    """An empty new engagement asking to leave Qualification hears all seven reasons in one go."""
    eid = services.portfolio.add("Empty Co").id
    assert refused(services, eid) == QUALIFICATION_ALL
    assert services.lifecycle.exit_requirements(eid) == QUALIFICATION_ALL


@pytest.mark.parametrize(
    ("criterion", "sentence"),
    [
        ("business_scale", "Qualification: business scale not scored."),
        ("opportunity_size", "Qualification: opportunity size not scored."),
        ("operational_readiness", "Qualification: operational readiness not scored."),
        ("stakeholder_alignment", "Qualification: stakeholder alignment not scored."),
        ("economic_leverage", "Qualification: economic leverage not scored."),
    ],
)
def test_one_unscored_criterion_refuses(services: Services, criterion: str, sentence: str) -> None:
    """Clearing one criterion's score refuses the move, naming only that criterion."""
    eid = ready(services, "qualification")
    services.lifecycle.score_criterion(eid, criterion, None)
    assert refused(services, eid) == [sentence]


def test_criteria_parametrisation_covers_the_framework() -> None:
    """The list above names every qualification criterion of the framework."""
    assert [c.slug for c in framework.QUALIFICATION_CRITERIA] == [
        "business_scale",
        "opportunity_size",
        "operational_readiness",
        "stakeholder_alignment",
        "economic_leverage",
    ]


def test_score_of_zero_counts_as_scored(services: Services) -> None:
    """The gate asks for a score on each criterion, not a high one: 0 ("Absent") is a score."""
    eid = ready(services, "qualification")
    for c in framework.QUALIFICATION_CRITERIA:
        services.lifecycle.score_criterion(eid, c.slug, 0)
    moves_on(services, eid)


def test_pending_verdict_refuses(services: Services) -> None:
    """A verdict still "not yet decided" refuses the move with the verdict sentence only."""
    eid = ready(services, "qualification")
    services.lifecycle.set_verdict(eid, "pending")
    assert refused(services, eid) == ["Qualification: the verdict is not “qualified”."]


def test_verdict_never_given_refuses(services: Services) -> None:
    """Scores and a stakeholder but no verdict at all: refused for the verdict only."""
    eid = services.portfolio.add("Undecided Ltd").id
    for c in framework.QUALIFICATION_CRITERIA:
        services.lifecycle.score_criterion(eid, c.slug, 3)
    services.records.add("stakeholder", eid, name="Sam", alignment="aligned")
    assert refused(services, eid) == ["Qualification: the verdict is not “qualified”."]


def test_not_a_fit_verdict_fails_the_gate_and_blocks_the_move(services: Services) -> None:
    """ "Not a fit": the verdict rule itself is unmet, and the move is refused because the
    engagement is now disqualified (off the board)."""
    eid = ready(services, "qualification")
    services.lifecycle.set_verdict(eid, "not_a_fit")
    assert services.lifecycle.exit_requirements(eid) == ["Qualification: the verdict is not “qualified”."]
    assert refused(services, eid) == ["The engagement is disqualified: restore it before moving it."]


def test_no_stakeholder_refuses(services: Services) -> None:
    """With the only stakeholder removed, the move is refused for that reason alone."""
    eid = ready(services, "qualification")
    (only,) = services.lifecycle.detail(eid).stakeholders
    services.records.delete("stakeholder", only.id)
    assert refused(services, eid) == ["Qualification: no stakeholder recorded."]


# --- Onboarding -> Initial Insight Development -------------------------------------------

ELEMENT_SENTENCES = {
    "stakeholder_introductions": "Onboarding: stakeholder introductions not confirmed.",
    "communication_structure": "Onboarding: communication structure not confirmed.",
    "tool_access": "Onboarding: tool access not confirmed.",
    "data_access": "Onboarding: data access not confirmed.",
    "collaboration_workflows": "Onboarding: collaboration workflows not confirmed.",
    "project_structure": "Onboarding: project structure not confirmed.",
    "timeline_confirmation": "Onboarding: timeline not confirmed.",
}


def test_element_sentences_cover_the_seven_elements() -> None:
    """The expected sentences name exactly the framework's seven onboarding elements."""
    assert [e.slug for e in framework.ONBOARDING_ELEMENTS] == list(ELEMENT_SENTENCES)


@pytest.mark.parametrize("element", framework.ONBOARDING_ELEMENTS, ids=lambda e: e.slug)
def test_one_unchecked_onboarding_element_refuses(services: Services, element: framework.Term) -> None:
    """Unticking any one of the seven elements refuses the move, naming only that element."""
    eid = ready(services, "onboarding")
    services.lifecycle.set_onboarding(eid, element.slug, False)
    assert refused(services, eid) == [ELEMENT_SENTENCES[element.slug]]


def test_onboarding_never_started_lists_every_element_and_expectation(services: Services) -> None:
    """Entering Onboarding and asking to leave at once: all seven elements and all four
    expectation fields are reported together, in the framework's order."""
    eid = engagement_at(services, "onboarding")
    assert refused(services, eid) == [
        *ELEMENT_SENTENCES.values(),
        "Onboarding: expectations — scope not recorded.",
        "Onboarding: expectations — cadence not recorded.",
        "Onboarding: expectations — success measures not recorded.",
        "Onboarding: expectations not agreed with the client (no agreement date).",
    ]


EXPECTATIONS = {
    "scope": "Checkout",
    "cadence": "Weekly",
    "success_measures": "+5% CR",
    "agreed_on": "2026-10-01",
}


@pytest.mark.parametrize(
    ("field", "blank", "sentence"),
    [
        ("scope", "", "Onboarding: expectations — scope not recorded."),
        ("scope", "   ", "Onboarding: expectations — scope not recorded."),
        ("cadence", "", "Onboarding: expectations — cadence not recorded."),
        ("success_measures", "", "Onboarding: expectations — success measures not recorded."),
        ("agreed_on", None, "Onboarding: expectations not agreed with the client (no agreement date)."),
    ],
)
def test_one_missing_expectation_field_refuses(
    services: Services, field: str, blank: str | None, sentence: str
) -> None:
    """Each expectation field left empty (spaces count as empty) refuses with its own sentence."""
    eid = ready(services, "onboarding")
    services.lifecycle.set_expectations(eid, **(EXPECTATIONS | {field: blank}))
    assert refused(services, eid) == [sentence]


def test_expectation_fields_are_all_covered() -> None:
    """The parametrisation above removes each of the framework's expectation fields."""
    assert [f.slug for f in framework.EXPECTATION_FIELDS] == list(EXPECTATIONS)


def test_misaligned_stakeholder_without_mitigation_refuses(services: Services) -> None:
    """A misaligned stakeholder with no mitigation note blocks the move, named in the reason;
    an aligned or neutral one does not."""
    eid = ready(services, "onboarding")
    services.records.add("stakeholder", eid, name="Neil Neutral", alignment="neutral")
    services.records.add("stakeholder", eid, name="Mo Blocker", role="CFO", alignment="misaligned")
    assert refused(services, eid) == [
        "Onboarding: stakeholder Mo Blocker is misaligned and has no mitigation note."
    ]


def test_blank_mitigation_note_does_not_count(services: Services) -> None:
    """A mitigation of spaces only is no mitigation."""
    eid = ready(services, "onboarding")
    services.records.add("stakeholder", eid, name="Mo Blocker", alignment="misaligned", mitigation="   ")
    assert refused(services, eid) == [
        "Onboarding: stakeholder Mo Blocker is misaligned and has no mitigation note."
    ]


def test_misaligned_stakeholder_with_mitigation_is_allowed(services: Services) -> None:
    """Writing the mitigation note on the misaligned stakeholder lets the engagement move on."""
    eid = ready(services, "onboarding")
    mo = services.records.add("stakeholder", eid, name="Mo Blocker", alignment="misaligned")
    refused(services, eid)
    services.records.update("stakeholder", mo.id, mitigation="Weekly 1:1 with the sponsor present")
    moves_on(services, eid)


def test_each_unmitigated_misaligned_stakeholder_is_listed(services: Services) -> None:
    """Two misaligned stakeholders, one mitigated: only the other is reported. The sponsor
    turning misaligned later is reported too."""
    eid = ready(services, "onboarding")
    services.records.add("stakeholder", eid, name="Ann", alignment="misaligned", mitigation="Pair on KPIs")
    services.records.add("stakeholder", eid, name="Bob", alignment="misaligned")
    sponsor = services.lifecycle.detail(eid).stakeholders[0]
    services.records.update("stakeholder", sponsor.id, alignment="misaligned")
    assert refused(services, eid) == [
        "Onboarding: stakeholder Dana Sponsor is misaligned and has no mitigation note.",
        "Onboarding: stakeholder Bob is misaligned and has no mitigation note.",
    ]


# --- Initial Insight Development -> Structured Execution ---------------------------------

NO_RESEARCH = "Initial Insight Development: no research or data-review insight recorded."
NO_HYPOTHESIS = "Initial Insight Development: no prioritised hypothesis linked to a research insight."


@pytest.mark.parametrize("activity", ["research", "data_review"])
def test_research_or_data_review_insight_satisfies(services: Services, activity: str) -> None:
    """Both research activities of the framework count as the research the gate asks for."""
    eid = ready(services, "insight")
    (insight,) = services.lifecycle.detail(eid).insights
    services.records.update("insight", insight.id, activity=activity)
    moves_on(services, eid)


@pytest.mark.parametrize(
    "activity",
    ["heuristic_analysis", "opportunity_identification", "constraint_mapping", "hypothesis_development"],
)
def test_no_research_insight_refuses(services: Services, activity: str) -> None:
    """Only non-research insights: refused for the missing research, and — since the
    prioritised hypothesis is then linked to no research insight — for that as well."""
    eid = ready(services, "insight")
    (insight,) = services.lifecycle.detail(eid).insights
    services.records.update("insight", insight.id, activity=activity)
    assert refused(services, eid) == [NO_RESEARCH, NO_HYPOTHESIS]


def test_research_activities_partition_the_framework() -> None:
    """The two parametrisations above cover all six insight activities."""
    assert {"research", "data_review"} == framework.RESEARCH_ACTIVITIES
    assert len(framework.INSIGHT_ACTIVITIES) == 6


def test_no_insight_at_all_refuses(services: Services) -> None:
    """Deleting the research insight leaves the hypothesis unlinked: both insight reasons."""
    eid = ready(services, "insight")
    (insight,) = services.lifecycle.detail(eid).insights
    services.records.delete("insight", insight.id)
    assert services.lifecycle.detail(eid).hypotheses[0].insight_ids == ()
    assert refused(services, eid) == [NO_RESEARCH, NO_HYPOTHESIS]


@pytest.mark.parametrize("factor", ["impact", "confidence", "ease"])
def test_hypothesis_without_priority_refuses(services: Services, factor: str) -> None:
    """A linked hypothesis missing any ICE factor has no priority: refused for that only."""
    eid = ready(services, "insight")
    (hyp,) = services.lifecycle.detail(eid).hypotheses
    services.records.update("hypothesis", hyp.id, **{factor: None})
    assert services.lifecycle.detail(eid).hypotheses[0].priority is None
    assert refused(services, eid) == [NO_HYPOTHESIS]


def test_hypothesis_not_linked_refuses(services: Services) -> None:
    """A prioritised hypothesis linked to no insight: refused for the hypothesis only."""
    eid = ready(services, "insight")
    (hyp,) = services.lifecycle.detail(eid).hypotheses
    services.records.update("hypothesis", hyp.id, insight_ids=[])
    assert refused(services, eid) == [NO_HYPOTHESIS]


def test_hypothesis_linked_only_to_non_research_insight_refuses(services: Services) -> None:
    """A research insight exists, but the prioritised hypothesis cites a heuristic one."""
    eid = ready(services, "insight")
    (hyp,) = services.lifecycle.detail(eid).hypotheses
    heuristic = services.records.add(
        "insight", eid, activity="heuristic_analysis", statement="Cluttered cart"
    )
    services.records.update("hypothesis", hyp.id, insight_ids=[heuristic.id])
    assert refused(services, eid) == [NO_HYPOTHESIS]


def test_no_hypothesis_refuses(services: Services) -> None:
    """A research insight and no hypothesis: refused for the hypothesis only."""
    eid = ready(services, "insight")
    (hyp,) = services.lifecycle.detail(eid).hypotheses
    services.records.delete("hypothesis", hyp.id)
    assert refused(services, eid) == [NO_HYPOTHESIS]


def test_one_good_hypothesis_among_weak_ones_is_enough(services: Services) -> None:
    """Unprioritised or unlinked hypotheses beside one prioritised, linked one do not block."""
    eid = ready(services, "insight")
    services.records.add("hypothesis", eid, statement="Vague idea")
    services.records.add("hypothesis", eid, statement="Unlinked", impact=5, confidence=5, ease=5)
    moves_on(services, eid)


# --- Structured Execution -> Continuous Optimization -------------------------------------

NO_EVALUATED = "Structured Execution: no evaluated cycle yet."


@pytest.mark.parametrize("status", ["planned", "running", "abandoned"])
def test_no_evaluated_cycle_refuses(services: Services, status: str) -> None:
    """The only cycle not (or no longer) evaluated: refused for that reason alone."""
    eid = ready(services, "execution")
    (cycle,) = services.lifecycle.detail(eid).cycles
    services.records.update("cycle", cycle.id, status=status, result=None)
    assert refused(services, eid) == [NO_EVALUATED]


def test_no_cycle_at_all_refuses(services: Services) -> None:
    """Reaching Structured Execution with no cycle: refused for the missing evaluated cycle."""
    eid = engagement_at(services, "execution")
    assert refused(services, eid) == [NO_EVALUATED]


def test_evaluated_cycle_without_learning_refuses(services: Services) -> None:
    """Removing the learning that cites the evaluated cycle refuses, naming the cycle."""
    eid = ready(services, "execution")
    (learning,) = services.lifecycle.detail(eid).learnings
    services.records.delete("learning", learning.id)
    assert refused(services, eid) == [
        "Structured Execution: cycle “Shipping test” is evaluated but has no learning."
    ]


def test_learning_citing_no_cycle_does_not_document_it(services: Services) -> None:
    """A learning that cites no cycle leaves the evaluated cycle undocumented."""
    eid = ready(services, "execution")
    (learning,) = services.lifecycle.detail(eid).learnings
    services.records.update("learning", learning.id, cycle_ids=[])
    assert refused(services, eid) == [
        "Structured Execution: cycle “Shipping test” is evaluated but has no learning."
    ]


def test_only_the_undocumented_cycle_is_named(services: Services) -> None:
    """A second evaluated cycle without a learning is named; the documented one and a
    running one are not."""
    eid = ready(services, "execution")
    services.records.add("cycle", eid, title="Trust badges", status="evaluated", result="loss")
    services.records.add("cycle", eid, title="Still running", status="running")
    assert refused(services, eid) == [
        "Structured Execution: cycle “Trust badges” is evaluated but has no learning."
    ]


# --- Continuous Optimization -> Expansion or Completion ----------------------------------

NO_OUTCOME = "Continuous Optimization: no outcome chosen (expansion or completion)."


def test_no_checkin_refuses(services: Services) -> None:
    """Without any health check-in the move is refused for that alone."""
    eid = ready(services, "optimization")
    (checkin,) = services.lifecycle.detail(eid).checkins
    services.records.delete("checkin", checkin.id)
    assert refused(services, eid) == ["Continuous Optimization: no health check-in in the last 30 days."]


def test_checkin_exactly_at_the_limit_is_recent(services: Services, clock: FixedClock) -> None:
    """A check-in held checkin_stale_days (30) days ago still counts."""
    eid = ready(services, "optimization")
    clock.at += timedelta(days=30)
    moves_on(services, eid)


def test_checkin_older_than_the_limit_refuses(services: Services, clock: FixedClock) -> None:
    """One day past the checkin_stale_days setting, the check-in is stale: refused; a fresh
    check-in lets the engagement move on."""
    eid = ready(services, "optimization")
    clock.at += timedelta(days=31)
    assert refused(services, eid) == ["Continuous Optimization: no health check-in in the last 30 days."]
    services.records.add("checkin", eid, ratings=ALL_HEALTHY)
    moves_on(services, eid)


def test_stale_limit_follows_the_setting(services: Services, clock: FixedClock) -> None:
    """With checkin_stale_days set to 7, an 8-day-old check-in is stale and the sentence
    names 7 days; a 7-day-old one is not."""
    eid = ready(services, "optimization")
    services.lifecycle.set_setting("checkin_stale_days", 7)
    clock.at += timedelta(days=8)
    assert refused(services, eid) == ["Continuous Optimization: no health check-in in the last 7 days."]
    services.records.add("checkin", eid, ratings=ALL_HEALTHY, held_on=clock.today() - timedelta(days=7))
    moves_on(services, eid)


def test_latest_checkin_is_the_one_that_counts(services: Services, clock: FixedClock) -> None:
    """An old check-in recorded after the recent one does not hide the recent one."""
    eid = ready(services, "optimization")
    services.records.add("checkin", eid, ratings=ALL_HEALTHY, held_on=date(2025, 1, 1))
    moves_on(services, eid)


def test_no_outcome_refuses(services: Services) -> None:
    """Clearing the chosen outcome refuses the move for that alone."""
    eid = ready(services, "optimization")
    services.lifecycle.set_outcome(eid, None)
    assert refused(services, eid) == [NO_OUTCOME]


@pytest.mark.parametrize(
    "outcome",
    ["expanded_scope", "extended_retainer", "new_experimentation_areas", "strategic_advisory_extension"],
)
def test_expansion_outcomes_need_no_dossier(services: Services, outcome: str) -> None:
    """Each expansion outcome is enough on its own; only completion asks for a dossier."""
    eid = ready(services, "optimization")
    services.lifecycle.set_outcome(eid, outcome)
    moves_on(services, eid)


def test_completion_without_dossier_refuses(services: Services) -> None:
    """ "Completion should preserve learning documentation.": structured project completion
    with no dossier exported is refused; exporting one lets it through."""
    eid = ready(services, "optimization")
    services.lifecycle.set_outcome(eid, "project_completion")
    assert refused(services, eid) == [
        "Continuous Optimization: no learning-preservation dossier exported for completion."
    ]
    services.lifecycle.record_dossier_export(eid, "acme.pdf", "a" * 64)
    moves_on(services, eid)


def test_completion_with_learning_after_last_export_refuses(services: Services, clock: FixedClock) -> None:
    """A learning recorded after the last dossier export makes the dossier out of date."""
    eid = ready(services, "optimization")
    services.lifecycle.set_outcome(eid, "project_completion")
    clock.at += timedelta(hours=1)
    services.lifecycle.record_dossier_export(eid, "acme.pdf", "a" * 64)
    clock.at += timedelta(hours=1)
    services.records.add("learning", eid, statement="Late insight")
    assert refused(services, eid) == [
        "Continuous Optimization: learnings were recorded after the last dossier export; "
        "export the learning-preservation dossier again."
    ]
    clock.at += timedelta(hours=1)
    services.lifecycle.record_dossier_export(eid, "acme-2.pdf", "b" * 64)
    moves_on(services, eid)


def test_optimization_unmet_requirements_all_at_once(services: Services, clock: FixedClock) -> None:
    """Stale check-in, no outcome: both sentences, in rule order."""
    eid = ready(services, "optimization")
    services.lifecycle.set_outcome(eid, None)
    clock.at += timedelta(days=45)
    assert refused(services, eid) == [
        "Continuous Optimization: no health check-in in the last 30 days.",
        NO_OUTCOME,
    ]


# --- the checklist shows the gate's state ------------------------------------------------


@pytest.mark.parametrize("stage", GATED_STAGES)
def test_checklist_all_met_when_satisfied(services: Services, stage: str) -> None:
    """A satisfied stage's checklist has one met item per exit rule, titled from RULE_TITLES."""
    eid = ready(services, stage)
    items = services.lifecycle.gate_checklist(eid)
    assert [i.title for i in items] == [gates.RULE_TITLES[r] for r in gates.EXIT_RULES[stage]]
    assert all(i.met and i.missing == () for i in items)


@pytest.mark.parametrize("stage", GATED_STAGES)
def test_checklist_matches_the_gate_when_unsatisfied(services: Services, stage: str) -> None:
    """Unsatisfied: the unmet items' missing sentences are exactly the move's reasons."""
    eid = engagement_at(services, stage)
    items = services.lifecycle.gate_checklist(eid)
    assert [m for i in items for m in i.missing] == refused(services, eid)
    assert all(i.met == (i.missing == ()) for i in items)


def test_qualification_checklist_item_by_item(services: Services) -> None:
    """Scores done, no stakeholder, verdict pending: the checklist says exactly that."""
    eid = services.portfolio.add("Half Done").id
    for c in framework.QUALIFICATION_CRITERIA:
        services.lifecycle.score_criterion(eid, c.slug, 1)
    items = services.lifecycle.gate_checklist(eid)
    assert [(i.title, i.met, i.missing) for i in items] == [
        ("Verdict: qualified", False, ("Qualification: the verdict is not “qualified”.",)),
        ("All five criteria scored", True, ()),
        ("At least one stakeholder", False, ("Qualification: no stakeholder recorded.",)),
    ]


def test_onboarding_checklist_item_by_item(services: Services) -> None:
    """One element unticked and a misaligned stakeholder: two unmet items, one met."""
    eid = ready(services, "onboarding")
    services.lifecycle.set_onboarding(eid, "data_access", False)
    services.records.add("stakeholder", eid, name="Mo", alignment="misaligned")
    items = services.lifecycle.gate_checklist(eid)
    assert [(i.title, i.met, i.missing) for i in items] == [
        ("All seven onboarding elements confirmed", False, ("Onboarding: data access not confirmed.",)),
        ("Expectations recorded and agreed", True, ()),
        (
            "Every misaligned stakeholder has a mitigation",
            False,
            ("Onboarding: stakeholder Mo is misaligned and has no mitigation note.",),
        ),
    ]


def test_every_rule_has_a_title() -> None:
    """Every exit rule has a checklist title, and no title belongs to a rule not in a gate."""
    rules = {r for stage_rules in gates.EXIT_RULES.values() for r in stage_rules}
    assert set(gates.RULE_TITLES) == rules
    assert set(gates.EXIT_RULES) == set(framework.STAGE_SLUGS)


# --- every rule quotes the framework -----------------------------------------------------


def _normalise(text: str) -> str:
    """Lower case, punctuation and bullets as spaces, whitespace collapsed: the framework
    file lists items one per line, the docstrings quote them as comma-separated sentences."""
    return " ".join(re.sub(r"[^\w\s-]", " ", text.lower()).split())


def _quotes(doc: str) -> list[str]:
    return [q for q in re.findall(r'"([^"]+)"', doc, flags=re.S) if q.strip()]


ALL_RULES = [r for stage_rules in gates.EXIT_RULES.values() for r in stage_rules]


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.__name__)
def test_rule_docstring_quotes_the_framework(rule: gates.Rule) -> None:
    """Each rule's docstring quotes the framework; every quotation (an ellipsis standing for
    omitted words) is found in shared/lifecycle-framework.txt when that file is present."""
    doc = rule.__doc__ or ""
    quotes = _quotes(doc)
    assert quotes, f"{rule.__name__} quotes nothing"
    if not FRAMEWORK_FILE.is_file():  # CI clones only the repository
        return
    source = _normalise(FRAMEWORK_FILE.read_text(encoding="utf-8"))
    for quote in quotes:
        for piece in quote.split("..."):
            if _normalise(piece):
                assert _normalise(piece) in source, f"{rule.__name__}: {piece!r} not in the framework"


def test_outcome_stage_keeps_its_gate_when_the_outcome_is_changed(services: Services) -> None:
    """In Expansion or Completion the outcome cannot be cleared, nor switched to structured
    project completion without a dossier exported after the last learning."""
    eid = engagement_at(services, "outcome")
    with pytest.raises(ValidationError, match="keeps an outcome"):
        services.lifecycle.set_outcome(eid, None)
    with pytest.raises(ValidationError, match="export the dossier first"):
        services.lifecycle.set_outcome(eid, "project_completion", summary="Done")
    assert services.portfolio.detail(eid).outcome.outcome == "extended_retainer"
    services.lifecycle.record_dossier_export(eid, "d.pdf", "0" * 64)
    services.lifecycle.set_outcome(eid, "project_completion", summary="Done")
    assert services.portfolio.detail(eid).outcome.outcome == "project_completion"


def test_a_decided_completion_keeps_its_summary_editable(services: Services) -> None:
    """A learning recorded after completion does not freeze the outcome's summary."""
    eid = engagement_at(services, "optimization")
    satisfy(services, eid, "optimization")  # a recent check-in
    services.lifecycle.set_outcome(eid, "project_completion", summary="Done")
    services.lifecycle.record_dossier_export(eid, "d.pdf", "0" * 64)
    services.lifecycle.move(eid, "outcome")
    services.clock.at += timedelta(hours=1)
    services.records.add("learning", eid, statement="One more thing")
    services.lifecycle.set_outcome(eid, "project_completion", summary="Done, with a coda")
    assert services.portfolio.detail(eid).outcome.summary == "Done, with a coda"
