"""The framework's vocabulary, as data.

Everything a consultant reads on screen or in a dossier about the lifecycle (stage names,
criteria, checklists, activities, outcomes, health signals) is declared here once, taken
from *Client Relationship Lifecycle Framework v1.0* (``shared/lifecycle-framework.txt``).
Widgets, the CLI and the dossier look names up here; they never spell them themselves.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Term:
    """One named item of the framework: a stable slug for storage, a label for people."""

    slug: str
    label: str


@dataclass(frozen=True, slots=True)
class Stage:
    slug: str
    label: str
    number: int
    purpose: str
    """The stage's one-line purpose, quoted from the framework."""


STAGES: tuple[Stage, ...] = (
    Stage("qualification", "Qualification", 1, "Determine whether the client is a strong fit."),
    Stage("onboarding", "Onboarding", 2, "Establish operational foundation."),
    Stage("insight", "Initial Insight Development", 3, "Develop baseline understanding."),
    Stage("execution", "Structured Execution", 4, "Implement structured work cycles."),
    Stage("optimization", "Continuous Optimization", 5, "Refine strategy through learning loops."),
    Stage(
        "outcome",
        "Expansion or Completion",
        6,
        "Expand the relationship or complete it with its learning preserved.",
    ),
)
STAGE_SLUGS: tuple[str, ...] = tuple(s.slug for s in STAGES)
STAGE_TERMS: tuple[Term, ...] = tuple(Term(s.slug, s.label) for s in STAGES)
_STAGE_BY_SLUG = {s.slug: s for s in STAGES}


def stage(slug: str) -> Stage:
    """The stage with this slug; ``KeyError`` for an unknown one."""
    return _STAGE_BY_SLUG[slug]


def stage_index(slug: str) -> int:
    """Zero-based position of a stage in the lifecycle."""
    return _STAGE_BY_SLUG[slug].number - 1


# Stage 1 — "Evaluate: business scale, opportunity size, operational readiness,
# stakeholder alignment, economic leverage."
QUALIFICATION_CRITERIA: tuple[Term, ...] = (
    Term("business_scale", "Business scale"),
    Term("opportunity_size", "Opportunity size"),
    Term("operational_readiness", "Operational readiness"),
    Term("stakeholder_alignment", "Stakeholder alignment"),
    Term("economic_leverage", "Economic leverage"),
)
SCORE_MIN, SCORE_MAX = 0, 3
SCORE_LABELS = {0: "Absent", 1: "Weak", 2: "Adequate", 3: "Strong"}

VERDICTS: tuple[Term, ...] = (
    Term("pending", "Not yet decided"),
    Term("qualified", "Qualified"),
    Term("not_a_fit", "Not a fit"),
)

# Stage 2 — "Key onboarding elements: ..."
ONBOARDING_ELEMENTS: tuple[Term, ...] = (
    Term("stakeholder_introductions", "Stakeholder introductions"),
    Term("communication_structure", "Communication structure"),
    Term("tool_access", "Tool access"),
    Term("data_access", "Data access"),
    Term("collaboration_workflows", "Collaboration workflows"),
    Term("project_structure", "Project structure"),
    Term("timeline_confirmation", "Timeline confirmation"),
)
# "Onboarding aligns expectations." — the expectations record's fields.
EXPECTATION_FIELDS: tuple[Term, ...] = (
    Term("scope", "Scope"),
    Term("cadence", "Cadence"),
    Term("success_measures", "Success measures"),
    Term("agreed_on", "Agreed on"),
)

# Stage 3 — "Activities may include: ..."
INSIGHT_ACTIVITIES: tuple[Term, ...] = (
    Term("research", "Research"),
    Term("data_review", "Data review"),
    Term("heuristic_analysis", "Heuristic analysis"),
    Term("opportunity_identification", "Opportunity identification"),
    Term("constraint_mapping", "Constraint mapping"),
    Term("hypothesis_development", "Hypothesis development"),
)
# "skipping research phases" is drift: these activities count as research for the gate.
RESEARCH_ACTIVITIES: frozenset[str] = frozenset({"research", "data_review"})

# Hypotheses are prioritised with ICE: impact, confidence, ease, each 1–10; the priority is
# their mean, so it reads on the same 1–10 scale.
PRIORITY_MODEL = "ICE"
ICE_FACTORS: tuple[Term, ...] = (
    Term("impact", "Impact"),
    Term("confidence", "Confidence"),
    Term("ease", "Ease"),
)
ICE_MIN, ICE_MAX = 1, 10

# Stage 4 — experiment / iteration cycles.
CYCLE_STATUSES: tuple[Term, ...] = (
    Term("planned", "Planned"),
    Term("running", "Running"),
    Term("evaluated", "Evaluated"),
    Term("abandoned", "Abandoned"),
)
CYCLE_RESULTS: tuple[Term, ...] = (
    Term("win", "Win"),
    Term("loss", "Loss"),
    Term("inconclusive", "Inconclusive"),
)

# Stage 4 — "Implement structured work cycles. Examples: experimentation cycles, iterative
# improvements, prioritized initiatives, implementation cycles, structured evaluation".
CYCLE_KINDS: tuple[Term, ...] = (
    Term("experimentation_cycle", "Experimentation cycle"),
    Term("iterative_improvement", "Iterative improvement"),
    Term("prioritized_initiative", "Prioritized initiative"),
    Term("implementation_cycle", "Implementation cycle"),
    Term("structured_evaluation", "Structured evaluation"),
)
# Where a win or a loss means something: a test or an improvement measured against what was
# there; an implementation or an initiative is delivered, and an evaluation concludes.
CYCLE_KINDS_WITH_WIN_LOSS: frozenset[str] = frozenset({"experimentation_cycle", "iterative_improvement"})

# Stage 5 — "Continuous optimization may include: ..." — what a learning refines.
REFINEMENTS: tuple[Term, ...] = (
    Term("prioritization_refinement", "Prioritization refinement"),
    Term("improved_hypothesis_quality", "Improved hypothesis quality"),
    Term("refined_measurement_clarity", "Refined measurement clarity"),
    Term("deeper_customer_insight", "Deeper customer insight"),
    Term("expanded_opportunity_identification", "Expanded opportunity identification"),
)

# Stage 5 — learnings.
CONFIDENCE_LEVELS: tuple[Term, ...] = (
    Term("low", "Low"),
    Term("medium", "Medium"),
    Term("high", "High"),
)

# Stage 6 — "Relationship outcome may include: ..."
OUTCOMES: tuple[Term, ...] = (
    Term("expanded_scope", "Expanded engagement scope"),
    Term("extended_retainer", "Extended retainer structure"),
    Term("new_experimentation_areas", "New experimentation areas"),
    Term("strategic_advisory_extension", "Strategic advisory extension"),
    Term("project_completion", "Structured project completion"),
)

# Scope — "This framework applies to: ..."
ENGAGEMENT_TYPES: tuple[Term, ...] = (
    Term("consulting", "Consulting engagement"),
    Term("optimization_retainer", "Optimization retainer"),
    Term("ai_advisory", "AI system advisory"),
    Term("ecommerce_growth", "Ecommerce growth"),
    Term("experimentation_partnership", "Experimentation partnership"),
    Term("strategic_advisory", "Strategic advisory"),
)

STAKEHOLDER_INFLUENCE: tuple[Term, ...] = (
    Term("low", "Low"),
    Term("medium", "Medium"),
    Term("high", "High"),
)
ALIGNMENTS: tuple[Term, ...] = (
    Term("aligned", "Aligned"),
    Term("neutral", "Neutral"),
    Term("misaligned", "Misaligned"),
)

# Relationship Health Indicators — each rated 0 (absent) to 3 (strongly present).
HEALTHY_INDICATORS: tuple[Term, ...] = (
    Term("clear_communication", "Clear communication"),
    Term("realistic_expectations", "Realistic expectations"),
    Term("structured_iteration", "Structured iteration"),
    Term("collaborative_decisions", "Collaborative decision making"),
    Term("learning_continuity", "Learning continuity"),
    Term("stable_prioritization", "Stable prioritization logic"),
)
UNHEALTHY_SIGNALS: tuple[Term, ...] = (
    Term("scope_confusion", "Frequent scope confusion"),
    Term("unrealistic_expectations", "Unrealistic expectations"),
    Term("unclear_priorities", "Unclear priorities"),
    Term("inconsistent_communication", "Inconsistent communication"),
    Term("stalled_decisions", "Stalled decision making"),
)
RATING_MIN, RATING_MAX = 0, 3

HEALTH_BANDS: tuple[Term, ...] = (
    Term("healthy", "Healthy"),
    Term("watch", "Watch"),
    Term("at_risk", "At risk"),
    Term("unknown", "No check-in"),
)
TRENDS: tuple[Term, ...] = (
    Term("rising", "Rising"),
    Term("steady", "Steady"),
    Term("falling", "Falling"),
    Term("unknown", "Not enough check-ins"),
)

ENGAGEMENT_STATUSES: tuple[Term, ...] = (
    Term("active", "Active"),
    Term("archived", "Archived"),
    Term("disqualified", "Disqualified"),
)


def slugs(terms: tuple[Term, ...]) -> tuple[str, ...]:
    return tuple(t.slug for t in terms)


def label(terms: tuple[Term, ...], slug: str) -> str:
    """The label of ``slug`` among ``terms``; the slug itself when unknown."""
    for term in terms:
        if term.slug == slug:
            return term.label
    return slug
