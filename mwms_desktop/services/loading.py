"""Reading the database into views: board cards in bulk, one engagement in full.

Cards for the whole portfolio come from one engagement query and a few aggregate queries
(no per-card query), so the board opens fast on ten thousand engagements.
"""

from __future__ import annotations

import json
from collections.abc import Container, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from db.models import (
    CheckIn,
    Cycle,
    DossierExport,
    Engagement,
    Hypothesis,
    HypothesisInsight,
    Insight,
    Learning,
    LearningEvidence,
    OnboardingItem,
    QualificationScore,
    StageMove,
    Stakeholder,
    inconsistent_cycles_query,
    raw_rows,
    undocumented_cycles_query,
)
from db.prepared import Prepared
from mwms_desktop import drift, framework, health
from mwms_desktop.clock import Clock, local_day
from mwms_desktop.errors import NotFound
from mwms_desktop.merge import conflicts, history
from mwms_desktop.validate import split_tags
from mwms_desktop.views import (
    CheckInView,
    CriterionScore,
    CycleView,
    DossierExportView,
    EngagementCard,
    EngagementDetail,
    Expectations,
    Health,
    HypothesisView,
    InsightView,
    LearningView,
    OnboardingElement,
    OutcomeView,
    StageMoveView,
    StakeholderView,
)

E = Engagement
_CARD_COLUMNS = (
    E.id, E.uuid, E.client, E.engagement_type, E.owner, E.stage, E.status, E.position,
    E.stage_entered_at, E.created_at, E.next_action, E.next_action_due, E.tags, E.notes,
)  # fmt: skip


def _card_query():
    return E.select(*_CARD_COLUMNS, CheckIn.recent_column(3))


def drift_counts(scope) -> tuple:
    """The five per-engagement counts drift reads, each restricted by ``scope(model)``
    (where clauses on the model's engagement)."""
    return (
        Stakeholder.count_query(Stakeholder.alignment == "misaligned", *scope(Stakeholder)),
        Hypothesis.count_query(
            Hypothesis.impact.is_null() | Hypothesis.confidence.is_null() | Hypothesis.ease.is_null(),
            *scope(Hypothesis),
        ),
        Cycle.count_query(Cycle.hypothesis.is_null(), *scope(Cycle)),
        undocumented_cycles_query(*scope(Cycle)),
        inconsistent_cycles_query(*scope(Cycle)),
    )


def _prepared_count(n: int) -> Prepared:
    return Prepared(lambda eid: drift_counts(lambda model: (model.engagement == eid,))[n])


# One engagement's card is read again after every drop and edit: its queries are built once.
_ONE_CARD = Prepared(lambda eid: _card_query().where(E.id == eid))
_ONE_CARD_COUNTS = tuple(_prepared_count(n) for n in range(5))


@dataclass(frozen=True, slots=True)
class Thresholds:
    stall_days: int
    checkin_stale_days: int


class CardSource:
    """The board's raw material, read in bulk; each card is built when first asked for.

    Building a card (days in stage, health, drift) is pure Python over data already in
    memory, so a view may ask for the cards it paints without any query; the ten thousand
    cards nobody looks at yet cost nothing until a filter or a count needs them.
    """

    def __init__(self, clock: Clock, limits: Thresholds, ids: Iterable[int] | None = None,
                 statuses: Iterable[str] | None = ("active",)) -> None:  # fmt: skip
        ids = list(ids) if ids is not None else None
        if ids is not None and len(ids) == 1 and statuses is None:  # one card, as after an edit
            rows = _ONE_CARD.rows(ids[0])
            counts = [dict(count.rows(ids[0])) for count in _ONE_CARD_COUNTS] if rows else [{}] * 5
        else:
            query = _card_query()
            if ids is not None:
                query = query.where(E.id.in_(ids))
            if statuses is not None:
                query = query.where(E.status.in_(list(statuses)))
            rows = raw_rows(query)

            def scope(model):  # aggregates only for the engagements asked for
                return (model.engagement.in_(ids),) if ids is not None else ()

            counts = [dict(raw_rows(q)) for q in drift_counts(scope)] if rows else [{}] * 5
        stage_idx = {slug: n for n, slug in enumerate(framework.STAGE_SLUGS)}
        rows.sort(key=lambda r: (stage_idx[r[5]], r[7], r[0]))
        self.rows: dict[int, tuple] = {r[0]: r for r in rows}
        self.order: list[int] = [r[0] for r in rows]
        self.by_stage: dict[str, list[int]] = {slug: [] for slug in framework.STAGE_SLUGS}  # board order
        for r in rows:
            self.by_stage[r[5]].append(r[0])
        self._cards: dict[int, EngagementCard] = {}
        self._today = clock.today()
        self._limits = limits
        self._days = _LocalDays()
        self._misaligned, self._unprioritised, self._reactive, self._undocumented, self._inconsistent = counts
        # Passed gates a merge left unmet (unresolved "gate" conflicts): a drift signal each.
        # Only the engagements read (one card after an edit, a merged page): never all of them.
        scope = [r[1] for r in rows] if ids is not None else None
        self._lapsed = conflicts.lapsed_gates(scope) if rows else {}

    def changed_since(self, older: CardSource) -> set[int]:
        """The ids whose card differs between ``older`` and this read: added, gone, or built
        from other data (its row or a drift count). Builds no card: a comparison of plain
        rows, a few milliseconds for 10,000 (it only reads both, so any thread may ask).
        Another day or other thresholds change every card."""
        if (self._today, self._limits) != (older._today, older._limits):
            return set(self.rows) | set(older.rows)
        before = older.rows
        changed = {eid for eid, row in self.rows.items() if before.get(eid) != row}
        changed.update(eid for eid in before if eid not in self.rows)
        for mine, theirs in zip(self._counts(), older._counts(), strict=True):
            changed.update(eid for eid in mine.keys() | theirs.keys() if mine.get(eid) != theirs.get(eid))
        return changed

    def _counts(self) -> tuple[dict[int, int], ...]:
        return self._misaligned, self._unprioritised, self._reactive, self._undocumented, self._inconsistent

    # Raw fields, no card built: what filtering by stage, type, owner or text needs.
    def stage(self, eid: int) -> str:
        return self.rows[eid][5]

    def position(self, eid: int) -> float:
        return self.rows[eid][7]

    def engagement_type(self, eid: int) -> str:
        return self.rows[eid][3]

    def owner(self, eid: int) -> str:
        return self.rows[eid][4]

    def owners(self, skip: Container[int] = ()) -> set[str]:
        """The owners of every engagement read, but those in ``skip`` (no card built)."""
        if not skip:
            return {r[4] for r in self.rows.values()}
        return {r[4] for eid, r in self.rows.items() if eid not in skip}

    def search_text(self, eid: int) -> str:
        """Client, tags, notes, next action and owner, case-folded, for the search box."""
        r = self.rows[eid]
        return "\n".join((r[2], r[12], r[13], r[10], r[4])).casefold()

    def cards(self) -> list[EngagementCard]:
        """Every card, in board order (stage, then position)."""
        return [self.card(eid) for eid in self.order]

    def card(self, eid: int) -> EngagementCard:
        built = self._cards.get(eid)
        if built is None:
            built = self._cards[eid] = self._build(self.rows[eid])
        return built

    def _build(self, row: tuple) -> EngagementCard:
        (eid, uuid, client, etype, owner, stage, status, position, entered, created,
         next_action, due, tags, notes, recent) = row  # fmt: skip
        today, limits = self._today, self._limits
        days_in_stage = max(0, (today - self._days(entered)).days)
        last = CheckIn.parse_recent(recent)
        scores = [s for _, s in last]
        facts = drift.DriftFacts(
            stage=stage,
            status=status,
            days_in_stage=days_in_stage,
            days_since_checkin=(today - last[0][0]).days if last else None,
            days_since_created=(today - self._days(created)).days,
            misaligned_stakeholders=self._misaligned.get(eid, 0),
            evaluated_cycles_without_learning=self._undocumented.get(eid, 0),
            hypotheses_without_priority=self._unprioritised.get(eid, 0),
            cycles_without_hypothesis=self._reactive.get(eid, 0),
            inconsistent_cycles=self._inconsistent.get(eid, 0),
            recent_scores=scores,
            lapsed_gates=tuple(self._lapsed.get(uuid, ())),
        )
        latest = scores[0] if scores else None
        return EngagementCard(
            id=eid,
            uuid=uuid,
            client=client,
            engagement_type=etype,
            owner=owner,
            stage=stage,
            status=status,
            position=position,
            days_in_stage=days_in_stage,
            health=Health(latest, health.band(latest), health.trend(scores)),
            drift=drift.signals(
                facts, stall_days=limits.stall_days, checkin_stale_days=limits.checkin_stale_days
            ),
            next_action=next_action,
            next_action_due=date.fromisoformat(due) if due else None,
            tags=split_tags(tags),
            notes=notes,
        )


def load_cards(
    clock: Clock,
    limits: Thresholds,
    ids: Iterable[int] | None = None,
    statuses: Iterable[str] | None = ("active",),
) -> list[EngagementCard]:
    """Cards ordered by stage then position; restricted to ``ids`` and ``statuses`` if given."""
    return CardSource(clock, limits, ids, statuses).cards()


class _LocalDays:
    """Stored UTC instants (ISO text) to the consultant's local calendar day, memoised:
    thousands of cards share few distinct instants' days."""

    def __init__(self) -> None:
        self._cache: dict[str, date] = {}

    def __call__(self, stored: str) -> date:
        day = self._cache.get(stored)
        if day is None:
            day = self._cache[stored] = local_day(datetime.fromisoformat(stored))
        return day


def stakeholder_view(s: Stakeholder) -> StakeholderView:
    return StakeholderView(
        s.id, s.uuid, s.name, s.role, s.influence, s.alignment, s.mitigation, s.last_contact, s.note
    )


def insight_view(i: Insight) -> InsightView:
    return InsightView(i.id, i.uuid, i.activity, i.statement, i.detail, i.recorded_on)


def hypothesis_view(h: Hypothesis, insight_ids: Iterable[int] | None = None) -> HypothesisView:
    if insight_ids is None:
        insight_ids = [link.insight_id for link in h.insight_links]
    return HypothesisView(
        h.id, h.uuid, h.statement, h.rationale, h.impact, h.confidence, h.ease, tuple(sorted(insight_ids))
    )


def cycle_view(c: Cycle) -> CycleView:
    return CycleView(
        c.id,
        c.uuid,
        c.title,
        c.hypothesis_id,
        c.status,
        c.started_on,
        c.ended_on,
        c.result,
        c.evaluation,
        c.kind,
    )


def learning_view(lr: Learning, cycle_ids: Iterable[int] | None = None) -> LearningView:
    if cycle_ids is None:
        cycle_ids = [ev.cycle_id for ev in lr.evidence]
    return LearningView(
        lr.id,
        lr.uuid,
        lr.statement,
        lr.confidence,
        split_tags(lr.tags),
        lr.recorded_at,
        tuple(sorted(cycle_ids)),
        split_tags(lr.refinements),
        lr.private,
    )


def checkin_view(c: CheckIn) -> CheckInView:
    return CheckInView(c.id, c.uuid, c.held_on, json.loads(c.ratings), c.score, health.band(c.score), c.note)


def _causal(moves: list[StageMove]) -> list[StageMove]:
    """The stage history in causal order (each move after the one it followed), not by the
    laptops' clocks (``merge/history.py``)."""
    if not moves:
        return moves
    keyed = [{"uuid": m.uuid, "after": m.after, "moved_at": m.moved_at} for m in moves]
    return [moves[n] for n in history.order(keyed)]


def move_view(m: StageMove) -> StageMoveView:
    return StageMoveView(m.id, m.uuid, m.from_stage, m.to_stage, m.moved_at, m.reason, m.kind)


def _links(model, left, right, engagement_field) -> Prepared:
    """(left id, right id) pairs of a link table, for one engagement's records."""
    return Prepared(
        lambda eid: (
            model.select(left, right)
            .join_from(model, engagement_field.model, on=(left == engagement_field.model.id))
            .where(engagement_field == eid)
        )
    )


def _records(model, *order) -> Prepared:
    """One engagement's records of ``model`` in ``order``."""
    return Prepared(lambda eid: model.select().where(model.engagement == eid).order_by(*order))


# An engagement in full, as the gates and the workspace read it (after every drop and edit):
# its queries are built once (db/prepared.py).
_ENGAGEMENT = Prepared(lambda eid: E.select().where(E.id == eid))
_SCORES = _records(QualificationScore)
_ONBOARDING = _records(OnboardingItem)
_STAKEHOLDERS = _records(Stakeholder, Stakeholder.id)
_INSIGHTS = _records(Insight, Insight.recorded_on, Insight.id)
_HYPOTHESES = _records(Hypothesis, Hypothesis.id)
_CYCLES = _records(Cycle, Cycle.started_on.asc(nulls="LAST"), Cycle.id)
_LEARNINGS = _records(Learning, Learning.recorded_at, Learning.id)
_CHECKINS = _records(CheckIn, CheckIn.held_on.desc(), CheckIn.id.desc())
_MOVES = _records(StageMove, StageMove.moved_at, StageMove.id)
_EXPORTS = _records(DossierExport, DossierExport.exported_at, DossierExport.id)
_INSIGHT_LINKS = _links(
    HypothesisInsight, HypothesisInsight.hypothesis, HypothesisInsight.insight, Hypothesis.engagement
)
_EVIDENCE = _links(LearningEvidence, LearningEvidence.learning, LearningEvidence.cycle, Learning.engagement)


def engagement_row(eid: int) -> E | None:
    """The engagement's model row, or None."""
    return _ENGAGEMENT.first(eid)  # type: ignore[return-value]


def _pairs(links: Prepared, eid: int) -> dict[int, list[int]]:
    result: dict[int, list[int]] = {}
    for a, b in links.rows(eid):
        result.setdefault(a, []).append(b)
    return result


def load_detail(eid: int, clock: Clock, limits: Thresholds, row: E | None = None) -> EngagementDetail:
    """Everything about one engagement; ``row`` is its model row when already read."""
    e = row if row is not None else engagement_row(eid)
    if e is None:
        raise NotFound(f"No engagement with id {eid}.")
    (card,) = load_cards(clock, limits, ids=[eid], statuses=None)
    order = {t.slug: n for n, t in enumerate(framework.QUALIFICATION_CRITERIA)}
    scores = sorted(_SCORES.models(eid), key=lambda s: order.get(s.criterion, 99))
    elements = {o.element: o for o in _ONBOARDING.models(eid)}
    insight_links = _pairs(_INSIGHT_LINKS, eid)
    evidence = _pairs(_EVIDENCE, eid)
    return EngagementDetail(
        card=card,
        created_at=e.created_at,
        stage_entered_at=e.stage_entered_at,
        verdict=e.verdict,
        verdict_note=e.verdict_note,
        scores=tuple(CriterionScore(s.criterion, s.score, s.note) for s in scores),
        onboarding=tuple(
            OnboardingElement(t.slug, elements[t.slug].done, elements[t.slug].done_on, elements[t.slug].note)
            if t.slug in elements
            else OnboardingElement(t.slug, False, None, "")
            for t in framework.ONBOARDING_ELEMENTS
        ),
        expectations=Expectations(e.exp_scope, e.exp_cadence, e.exp_success_measures, e.exp_agreed_on),
        stakeholders=tuple(stakeholder_view(s) for s in _STAKEHOLDERS.models(eid)),
        insights=tuple(insight_view(i) for i in _INSIGHTS.models(eid)),
        hypotheses=tuple(hypothesis_view(h, insight_links.get(h.id, ())) for h in _HYPOTHESES.models(eid)),
        cycles=tuple(cycle_view(c) for c in _CYCLES.models(eid)),
        learnings=tuple(learning_view(lr, evidence.get(lr.id, ())) for lr in _LEARNINGS.models(eid)),
        checkins=tuple(checkin_view(c) for c in _CHECKINS.models(eid)),
        history=tuple(move_view(m) for m in _causal(_MOVES.models(eid))),
        outcome=OutcomeView(e.outcome, e.outcome_on, e.outcome_summary),
        dossier_exports=tuple(
            DossierExportView(x.id, x.uuid, x.exported_at, x.file_name, x.sha256)
            for x in _EXPORTS.models(eid)
        ),
        unresolved_conflicts=conflicts.unresolved_count(e.uuid),
    )
