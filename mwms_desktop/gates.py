"""Stage gates: what must hold before an engagement leaves each stage.

Pure functions over an :class:`EngagementDetail`. Each rule returns the unmet requirements
as sentences a consultant understands, prefixed with the stage they belong to; an empty list
means the rule holds. Each rule's docstring names the sentence of the framework it enforces.
``check_move`` applies them to a requested move, together with the movement rules: forward
one stage at a time, never a skip, backward only with a reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from mwms_desktop import framework
from mwms_desktop.views import EngagementDetail


@dataclass(frozen=True, slots=True)
class GateContext:
    today: date
    checkin_stale_days: int


Rule = Callable[[EngagementDetail, GateContext], list[str]]


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


# --- Qualification -> Onboarding ---------------------------------------------------------


def qualified_verdict(d: EngagementDetail, ctx: GateContext) -> list[str]:
    """ "Only qualified clients should enter delivery." """
    if d.verdict == "qualified":
        return []
    return ["Qualification: the verdict is not “qualified”."]


def criteria_scored(d: EngagementDetail, ctx: GateContext) -> list[str]:
    """ "Evaluate: business scale, opportunity size, operational readiness, stakeholder
    alignment, economic leverage." — every criterion carries a score."""
    return [
        f"Qualification: {_lower(c.label)} not scored."
        for c in framework.QUALIFICATION_CRITERIA
        if d.score_of(c.slug) is None
    ]


def has_stakeholder(d: EngagementDetail, ctx: GateContext) -> list[str]:
    """ "Stakeholder alignment is critical early in relationship lifecycle." — at least one
    stakeholder is known before onboarding introduces them."""
    return [] if d.stakeholders else ["Qualification: no stakeholder recorded."]


# --- Onboarding -> Initial Insight Development -------------------------------------------


def onboarding_elements_done(d: EngagementDetail, ctx: GateContext) -> list[str]:
    """ "Key onboarding elements: stakeholder introductions, communication structure, tool
    access, data access, collaboration workflows, project structure, timeline
    confirmation." — each one confirmed."""
    missing = []
    for e in framework.ONBOARDING_ELEMENTS:
        item = d.element(e.slug)
        if item is None or not item.done:
            subject = _lower(e.label).removesuffix(" confirmation")
            missing.append(f"Onboarding: {subject} not confirmed.")
    return missing


def expectations_agreed(d: EngagementDetail, ctx: GateContext) -> list[str]:
    """ "Onboarding aligns expectations." / drift: "skipping onboarding alignment" — scope,
    cadence and success measures written down, with the date they were agreed."""
    exp = d.expectations
    missing = [
        f"Onboarding: expectations — {_lower(label)} not recorded."
        for label, value in (
            ("Scope", exp.scope),
            ("Cadence", exp.cadence),
            ("Success measures", exp.success_measures),
        )
        if not value.strip()
    ]
    if exp.agreed_on is None:
        missing.append("Onboarding: expectations not agreed with the client (no agreement date).")
    return missing


def misalignment_mitigated(d: EngagementDetail, ctx: GateContext) -> list[str]:
    """ "Misaligned stakeholders create approval delays, conflicting priorities, inconsistent
    direction." — a misaligned stakeholder needs a mitigation note before delivery."""
    return [
        f"Onboarding: stakeholder {s.name} is misaligned and has no mitigation note."
        for s in d.stakeholders
        if s.alignment == "misaligned" and not s.mitigation.strip()
    ]


# --- Initial Insight Development -> Structured Execution ---------------------------------


def research_insight(d: EngagementDetail, ctx: GateContext) -> list[str]:
    """ "The course emphasizes research-driven experimentation rather than
    assumption-driven activity." / drift: "skipping research phases"."""
    if any(i.activity in framework.RESEARCH_ACTIVITIES for i in d.insights):
        return []
    return ["Initial Insight Development: no research or data-review insight recorded."]


def prioritised_hypothesis(d: EngagementDetail, ctx: GateContext) -> list[str]:
    """ "Strong early insights improve prioritization quality." — at least one hypothesis
    with a priority score, linked to a research insight."""
    research = {i.id for i in d.insights if i.activity in framework.RESEARCH_ACTIVITIES}
    for h in d.hypotheses:
        if h.priority is not None and research.intersection(h.insight_ids):
            return []
    return ["Initial Insight Development: no prioritised hypothesis linked to a research insight."]


# --- Structured Execution -> Continuous Optimization -------------------------------------


def evaluated_cycle(d: EngagementDetail, ctx: GateContext) -> list[str]:
    """ "Implement structured work cycles." / "structured evaluation" — at least one cycle
    run and evaluated."""
    if any(c.status == "evaluated" for c in d.cycles):
        return []
    return ["Structured Execution: no evaluated cycle yet."]


def cycles_documented(d: EngagementDetail, ctx: GateContext) -> list[str]:
    """ "The course emphasizes documenting experiment learnings to build institutional
    knowledge." — every evaluated cycle is cited by a learning."""
    return [
        f"Structured Execution: cycle “{c.title}” is evaluated but has no learning."
        for c in d.undocumented_cycles()
    ]


# --- Continuous Optimization -> Expansion or Completion ----------------------------------


def recent_checkin(d: EngagementDetail, ctx: GateContext) -> list[str]:
    """ "Lifecycle structure supports relationship health monitoring." — the relationship's
    health is known before its outcome is decided."""
    if d.checkins and (ctx.today - d.checkins[0].held_on).days <= ctx.checkin_stale_days:
        return []
    return [f"Continuous Optimization: no health check-in in the last {ctx.checkin_stale_days} days."]


def outcome_chosen(d: EngagementDetail, ctx: GateContext) -> list[str]:
    """ "Relationship outcome may include: expanded engagement scope, ... structured project
    completion." — one of them is chosen."""
    if d.outcome.outcome:
        return []
    return ["Continuous Optimization: no outcome chosen (expansion or completion)."]


def completion_documented(d: EngagementDetail, ctx: GateContext) -> list[str]:
    """ "Completion should preserve learning documentation." — choosing structured project
    completion needs a learning-preservation dossier exported after the last learning."""
    if d.outcome.outcome != "project_completion":
        return []
    last_learning = max((lr.recorded_at for lr in d.learnings), default=None)
    if any(last_learning is None or x.exported_at >= last_learning for x in d.dossier_exports):
        return []
    if d.dossier_exports:
        return [
            "Continuous Optimization: learnings were recorded after the last dossier export; "
            "export the learning-preservation dossier again."
        ]
    return ["Continuous Optimization: no learning-preservation dossier exported for completion."]


EXIT_RULES: dict[str, tuple[Rule, ...]] = {
    "qualification": (qualified_verdict, criteria_scored, has_stakeholder),
    "onboarding": (onboarding_elements_done, expectations_agreed, misalignment_mitigated),
    "insight": (research_insight, prioritised_hypothesis),
    "execution": (evaluated_cycle, cycles_documented),
    "optimization": (recent_checkin, outcome_chosen, completion_documented),
    "outcome": (),
}


RULE_TITLES: dict[Rule, str] = {
    qualified_verdict: "Verdict: qualified",
    criteria_scored: "All five criteria scored",
    has_stakeholder: "At least one stakeholder",
    onboarding_elements_done: "All seven onboarding elements confirmed",
    expectations_agreed: "Expectations recorded and agreed",
    misalignment_mitigated: "Every misaligned stakeholder has a mitigation",
    research_insight: "A research or data-review insight",
    prioritised_hypothesis: "A prioritised hypothesis linked to research",
    evaluated_cycle: "At least one evaluated cycle",
    cycles_documented: "A learning for every evaluated cycle",
    recent_checkin: "A recent health check-in",
    outcome_chosen: "An outcome chosen",
    completion_documented: "Completion: dossier exported after the last learning",
}


# Which kind of record fixes each rule: the window links a checklist item to the pane that
# edits that kind ("dossier" is the learning-preservation dossier's export).
RULE_FIXED_IN: dict[Rule, str] = {
    qualified_verdict: "qualification",
    criteria_scored: "qualification",
    has_stakeholder: "stakeholder",
    onboarding_elements_done: "onboarding",
    expectations_agreed: "expectations",
    misalignment_mitigated: "stakeholder",
    research_insight: "insight",
    prioritised_hypothesis: "hypothesis",
    evaluated_cycle: "cycle",
    cycles_documented: "learning",
    recent_checkin: "checkin",
    outcome_chosen: "outcome",
    completion_documented: "dossier",
}


def _no_misaligned(d: EngagementDetail) -> str | None:
    if any(s.alignment == "misaligned" for s in d.stakeholders):
        return None
    return "no stakeholder is misaligned"


def _no_evaluated_cycle(d: EngagementDetail) -> str | None:
    return None if any(c.status == "evaluated" for c in d.cycles) else "no evaluated cycle"


def _not_completion(d: EngagementDetail) -> str | None:
    if d.outcome.outcome is None:
        return "no outcome chosen"
    if d.outcome.outcome != "project_completion":
        return "the outcome is not a completion"
    return None


# A rule about records that do not exist yet holds without saying anything (no evaluated
# cycle: every evaluated cycle has a learning). The checklist says so instead of a tick:
# each of these gives the reason the rule does not apply yet, or None when it applies.
RULE_NOT_YET: dict[Rule, Callable[[EngagementDetail], str | None]] = {
    misalignment_mitigated: _no_misaligned,
    cycles_documented: _no_evaluated_cycle,
    completion_documented: _not_completion,
}

MET, MISSING, NOT_YET = "met", "missing", "not_yet"  # the states of a checklist item


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One rule of a gate. ``met``: the rule holds (the gate does not block on it);
    ``state`` tells a real tick (MET) from a rule that does not apply yet (NOT_YET, with
    ``not_yet`` saying why) and from one that blocks (MISSING, with the ``missing``
    sentences a refused move gives). ``fixed_in``: the kind of record that fixes it."""

    title: str
    met: bool
    missing: tuple[str, ...]
    state: str = MET
    not_yet: str = ""
    fixed_in: str = ""


def checklist(d: EngagementDetail, ctx: GateContext) -> list[ChecklistItem]:
    """The current stage's gate as a checklist: every rule, met, missing (with what is
    missing) or not applying yet (with why)."""
    items = []
    for rule in EXIT_RULES[d.stage]:
        missing = tuple(rule(d, ctx))
        why = RULE_NOT_YET[rule](d) if rule in RULE_NOT_YET else None
        state = MISSING if missing else (NOT_YET if why else MET)
        items.append(
            ChecklistItem(RULE_TITLES[rule], not missing, missing, state, why or "", RULE_FIXED_IN[rule])
        )
    return items


def exit_requirements(d: EngagementDetail, ctx: GateContext) -> list[str]:
    """Every unmet requirement for leaving the engagement's current stage forward."""
    return [msg for rule in EXIT_RULES[d.stage] for msg in rule(d, ctx)]


def check_move(
    d: EngagementDetail, to_stage: str, reason: str, ctx: GateContext, *, restoring: bool = False
) -> list[str]:
    """Why moving ``d`` to ``to_stage`` is refused; empty when the move is allowed.

    ``restoring`` is for undoing a backward move: the engagement returns to a stage it had
    already reached, so it may cross several stages at once, but only if the exit
    requirements of every stage it crosses hold now (as a chain of single moves would)."""
    here = d.stage
    if d.card.status != "active":
        return [f"The engagement is {d.card.status}: restore it before moving it."]
    if to_stage == here:
        return [f"The engagement is already in {framework.stage(here).label}."]
    current, target = framework.stage_index(here), framework.stage_index(to_stage)
    if target < current:
        if not reason.strip():
            return ["A backward move needs a reason."]
        return []
    if restoring:
        if not any(m.to_stage == to_stage for m in d.history):
            label = framework.stage(to_stage).label
            return [f"The engagement never reached {label}: an undo cannot take it there."]
        crossed = framework.STAGES[current:target]
        return [msg for st in crossed for rule in EXIT_RULES[st.slug] for msg in rule(d, ctx)]
    unmet = exit_requirements(d, ctx)
    if target > current + 1:
        nxt = framework.STAGES[current + 1]
        unmet.insert(
            0,
            f"Stages cannot be skipped: {framework.stage(to_stage).label} comes after "
            f"{nxt.label}; move one stage at a time.",
        )
    return unmet
