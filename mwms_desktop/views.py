"""Plain frozen records the services hand out.

The UI, the CLI and the dossier only ever see these: reading one never touches the database,
so a delegate may paint thousands of them without a query.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from mwms_desktop import framework


@dataclass(frozen=True, slots=True)
class DriftSignal:
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Health:
    score: int | None
    band: str  # framework.HEALTH_BANDS
    trend: str  # framework.TRENDS

    @property
    def band_label(self) -> str:
        return framework.label(framework.HEALTH_BANDS, self.band)


@dataclass(frozen=True, slots=True)
class EngagementCard:
    """What a board card shows; built in bulk for the whole portfolio."""

    id: int
    uuid: str
    client: str
    engagement_type: str
    owner: str
    stage: str
    status: str
    position: float
    days_in_stage: int
    health: Health
    drift: tuple[DriftSignal, ...]
    next_action: str
    next_action_due: date | None
    tags: tuple[str, ...]
    notes: str = ""

    @property
    def type_label(self) -> str:
        return framework.label(framework.ENGAGEMENT_TYPES, self.engagement_type)

    @property
    def stage_label(self) -> str:
        return framework.stage(self.stage).label


@dataclass(frozen=True, slots=True)
class CriterionScore:
    criterion: str
    score: int
    note: str


@dataclass(frozen=True, slots=True)
class OnboardingElement:
    element: str
    done: bool
    done_on: date | None
    note: str


@dataclass(frozen=True, slots=True)
class Expectations:
    scope: str = ""
    cadence: str = ""
    success_measures: str = ""
    agreed_on: date | None = None


@dataclass(frozen=True, slots=True)
class StakeholderView:
    id: int
    uuid: str
    name: str
    role: str
    influence: str
    alignment: str
    mitigation: str
    last_contact: date | None
    note: str


@dataclass(frozen=True, slots=True)
class InsightView:
    id: int
    uuid: str
    activity: str
    statement: str
    detail: str
    recorded_on: date


@dataclass(frozen=True, slots=True)
class HypothesisView:
    id: int
    uuid: str
    statement: str
    rationale: str
    impact: int | None
    confidence: int | None
    ease: int | None
    insight_ids: tuple[int, ...]

    @property
    def priority(self) -> float | None:
        """The ICE priority (mean of impact, confidence and ease), None until all three are set."""
        factors = (self.impact, self.confidence, self.ease)
        if any(f is None for f in factors):
            return None
        return round(sum(factors) / 3, 1)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class CycleView:
    id: int
    uuid: str
    title: str
    hypothesis_id: int | None
    status: str
    started_on: date | None
    ended_on: date | None
    result: str | None
    evaluation: str
    kind: str = "experimentation_cycle"


@dataclass(frozen=True, slots=True)
class LearningView:
    id: int
    uuid: str
    statement: str
    confidence: str
    tags: tuple[str, ...]
    recorded_at: datetime
    cycle_ids: tuple[int, ...]
    refinements: tuple[str, ...] = ()
    private: bool = False  # left out of the team library for those who may not see the engagement


@dataclass(frozen=True, slots=True)
class CheckInView:
    id: int
    uuid: str
    held_on: date
    ratings: Mapping[str, int]
    score: int
    band: str
    note: str


@dataclass(frozen=True, slots=True)
class StageMoveView:
    id: int
    uuid: str
    from_stage: str | None
    to_stage: str
    moved_at: datetime
    reason: str
    kind: str


@dataclass(frozen=True, slots=True)
class DossierExportView:
    id: int
    uuid: str
    exported_at: datetime
    file_name: str
    sha256: str


@dataclass(frozen=True, slots=True)
class OutcomeView:
    outcome: str | None = None
    decided_on: date | None = None
    summary: str = ""


@dataclass(frozen=True, slots=True)
class EngagementDetail:
    """Everything recorded about one engagement, for the workspace, the gates and the dossier."""

    card: EngagementCard
    created_at: datetime
    stage_entered_at: datetime
    verdict: str
    verdict_note: str
    scores: tuple[CriterionScore, ...]
    onboarding: tuple[OnboardingElement, ...]
    expectations: Expectations
    stakeholders: tuple[StakeholderView, ...] = ()
    insights: tuple[InsightView, ...] = ()
    hypotheses: tuple[HypothesisView, ...] = ()
    cycles: tuple[CycleView, ...] = ()
    learnings: tuple[LearningView, ...] = ()
    checkins: tuple[CheckInView, ...] = ()  # newest first
    history: tuple[StageMoveView, ...] = ()  # oldest first
    outcome: OutcomeView = field(default_factory=OutcomeView)
    dossier_exports: tuple[DossierExportView, ...] = ()  # oldest first
    unresolved_conflicts: int = 0  # records changed on two laptops, not yet decided (issue 12)

    @property
    def id(self) -> int:
        return self.card.id

    @property
    def stage(self) -> str:
        return self.card.stage

    def score_of(self, criterion: str) -> CriterionScore | None:
        return next((s for s in self.scores if s.criterion == criterion), None)

    def element(self, slug: str) -> OnboardingElement | None:
        return next((e for e in self.onboarding if e.element == slug), None)

    def undocumented_cycles(self) -> tuple[CycleView, ...]:
        """Evaluated cycles no learning cites as evidence (the gate and the screens agree)."""
        cited = {cid for learning in self.learnings for cid in learning.cycle_ids}
        return tuple(c for c in self.cycles if c.status == "evaluated" and c.id not in cited)
