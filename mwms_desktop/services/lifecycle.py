"""The lifecycle: stage moves through the gates, and the per-stage records the gates read
(qualification scorecard and verdict, onboarding checklist, expectations, outcome)."""

from __future__ import annotations

import uuid as uuid_mod
from dataclasses import replace
from datetime import date, datetime

from db import clocks
from db.models import DossierExport, OnboardingItem, QualificationScore, StageMove
from mwms_desktop import fields, framework, gates, validate
from mwms_desktop.errors import MoveRefused, ValidationError
from mwms_desktop.merge import history, tombstones
from mwms_desktop.services.base import ServiceBase, atomic, changed_elsewhere
from mwms_desktop.services.loading import Thresholds, load_detail, move_view
from mwms_desktop.services.portfolio import PortfolioService
from mwms_desktop.services.status_log import change_status
from mwms_desktop.views import EngagementDetail, StageMoveView


def natural_uuid(engagement_uuid: str, key: str) -> str:
    """The uuid of an engagement's record that exists once per criterion (element): the same
    on every laptop, so two laptops scoring one criterion edit one record, and a score
    cleared and given again is the record its tombstone names."""
    return str(uuid_mod.uuid5(uuid_mod.UUID(engagement_uuid), key))


def _last_move(eid: int) -> tuple[str | None, datetime | None]:
    """The move a new move follows (the last of the engagement's history in causal order),
    and when it was made."""
    moves = [
        {"uuid": m.uuid, "after": m.after, "moved_at": m.moved_at}
        for m in StageMove.select(StageMove.uuid, StageMove.after, StageMove.moved_at).where(
            StageMove.engagement == eid
        )
    ]
    if not moves:
        return None, None
    last = history.ordered(moves)[-1]
    return last["uuid"], last["moved_at"]


class LifecycleService(ServiceBase):
    def gate_context(self, limits: Thresholds | None = None) -> gates.GateContext:
        limits = limits or self.thresholds()
        return gates.GateContext(self.clock.today(), limits.checkin_stale_days)

    def exit_requirements(self, eid: int) -> list[str]:
        """What is still missing before the engagement may leave its current stage."""
        self._engagement(eid)
        return gates.exit_requirements(load_detail(eid, self.clock, self.thresholds()), self.gate_context())

    def gate_checklist(self, eid: int) -> list[gates.ChecklistItem]:
        """The current stage's exit gate as a checklist of what is done and what is missing."""
        return gates.checklist(self.detail(eid), self.gate_context())

    def check_move(self, eid: int, to_stage: str, reason: str = "") -> list[str]:
        """Why a move would be refused; empty when it would be allowed. Changes nothing."""
        validate.choice(to_stage, framework.STAGE_TERMS, "Stage")
        self._engagement(eid)
        detail = load_detail(eid, self.clock, self.thresholds())
        return gates.check_move(detail, to_stage, reason, self.gate_context())

    @atomic()
    def move(
        self,
        eid: int,
        to_stage: str,
        reason: str = "",
        *,
        before_id: int | None = None,
        kind: str | None = None,
        entered_at: datetime | None = None,
        expect_stage: str | None = None,
    ) -> StageMoveView:
        """Move an engagement to ``to_stage`` or raise :class:`MoveRefused` listing every unmet
        requirement. The move is recorded in the stage history; the card goes above
        ``before_id`` in the target column, or to its bottom. ``kind="undo"`` marks a move that
        takes back an earlier one (see ``gates.check_move(restoring=...)``); it may give back
        the time the engagement had entered that stage (``entered_at``), so an undone move
        does not reset its days in stage. ``expect_stage`` (an undo's or redo's) is where the
        engagement must still be: moved elsewhere outside the window since, it stays there
        (:class:`ChangedElsewhere`)."""
        reason = fields.check("stage_move", "reason", reason)
        if kind not in (None, "undo"):
            raise ValidationError(f"Unknown kind of move {kind!r}.", "kind")
        now = self.clock.now()
        if entered_at is not None:
            entered_at = fields.check("engagement", "stage_entered_at", entered_at, label="Entered at")
            if kind != "undo":
                raise ValidationError("Only an undo gives back an earlier time in a stage.", "entered_at")
        validate.choice(to_stage, framework.STAGE_TERMS, "Stage")
        e = self._engagement(eid)
        if expect_stage is not None and e.stage != expect_stage:
            raise changed_elsewhere(e.client, [f"it is now in {framework.stage(e.stage).label}"])
        # A move is dated after the move it follows, even on a laptop whose clock runs behind
        # the one that made that move: the history's times never contradict its order.
        follows, previous_at = _last_move(e.id)
        if previous_at is not None and now <= previous_at:
            now = clocks.after(previous_at, now)
        if entered_at is not None and entered_at > now:  # type: ignore[operator]
            raise ValidationError("Only an undo gives back an earlier time in a stage.", "entered_at")
        limits = self.thresholds()
        detail = load_detail(eid, self.clock, limits, row=e)
        restoring = kind == "undo"
        unmet = gates.check_move(detail, to_stage, reason, self.gate_context(limits), restoring=restoring)
        if unmet:
            raise MoveRefused(unmet)
        from_stage = e.stage
        backward = framework.stage_index(to_stage) < framework.stage_index(from_stage)
        e.stage = to_stage
        e.stage_entered_at = entered_at or now
        e.position = PortfolioService(self.clock)._position_before(to_stage, before_id, exclude=eid)
        self._touch(e)
        e.save()
        move = StageMove.create(
            engagement=e,
            from_stage=from_stage,
            to_stage=to_stage,
            moved_at=now,
            reason=reason,
            kind=kind or ("backward" if backward else "forward"),
            updated_at=now,
            after=follows,  # the history's causal chain, whatever the clocks say
            entered_at=entered_at,
        )
        return move_view(move)

    def history(self, eid: int) -> tuple[StageMoveView, ...]:
        return self.detail(eid).history

    def detail(self, eid: int) -> EngagementDetail:
        self._engagement(eid)
        return load_detail(eid, self.clock, self.thresholds())

    # --- Qualification -------------------------------------------------------------------

    @atomic()
    def score_criterion(self, eid: int, criterion: str, score: int | None, note: str = "") -> None:
        """Score one of the five qualification criteria 0–3 (None clears the score)."""
        e = self._engagement(eid)
        label = framework.label(framework.QUALIFICATION_CRITERIA, criterion)
        fields.check("qualification_score", "criterion", criterion)
        note = fields.check("qualification_score", "note", note, label=f"{label} note")
        now = self.clock.now()
        if score is None:
            row = QualificationScore.get_or_none(engagement=e, criterion=criterion)
            if row is not None:  # a deletion travels: its tombstone, in this transaction
                tombstones.bury("qualification_scores", row.uuid, e.uuid, row.updated_at, now)
                row.delete_instance()
        else:
            score = fields.check("qualification_score", "score", score, label=label)
            row = QualificationScore.get_or_none(engagement=e, criterion=criterion)
            if row is None:
                uuid = natural_uuid(e.uuid, criterion)
                QualificationScore.create(
                    uuid=uuid,
                    engagement=e,
                    criterion=criterion,
                    score=score,
                    note=note,
                    updated_at=clocks.after(tombstones.unbury(uuid), now),
                )
            else:
                row.score, row.note, row.updated_at = score, note, now
                row.save()
        self._touch(e)
        e.save()

    @atomic()
    def set_verdict(self, eid: int, verdict: str, note: str = "", *, before_id: int | None = None) -> None:
        """Record the qualification verdict. "Not a fit" archives the engagement as
        disqualified ("Only qualified clients should enter delivery."); nothing is deleted.
        Another verdict on a disqualified engagement brings it back to the board, above
        ``before_id`` (or at the bottom of Qualification), in the same transaction."""
        e = self._engagement(eid)
        verdict = fields.check("engagement", "verdict", verdict)
        note = fields.check("engagement", "verdict_note", note)
        if e.stage != "qualification":
            raise ValidationError(
                "The verdict is decided in Qualification; archive the engagement instead.", "verdict"
            )
        if verdict != "not_a_fit" and e.status == "disqualified":
            change_status(e, "active", self.clock.now())
            portfolio = PortfolioService(self.clock)
            below = portfolio._still_beside(e.stage, before_id)
            e.position = portfolio._position_before(e.stage, below, exclude=eid)
        e.verdict = verdict
        e.verdict_note = note
        if verdict == "not_a_fit":
            change_status(e, "disqualified", self.clock.now())
        self._touch(e)
        e.save()

    # --- Onboarding ----------------------------------------------------------------------

    @atomic()
    def set_onboarding(
        self, eid: int, element: str, done: bool, note: str = "", done_on: date | str | None = None
    ) -> None:
        """Tick (or untick) one of the seven onboarding elements."""
        e = self._engagement(eid)
        fields.check("onboarding_item", "element", element)
        done = fields.check("onboarding_item", "done", done)
        note = fields.check("onboarding_item", "note", note)
        when = fields.check("onboarding_item", "done_on", done_on) or (self.clock.today() if done else None)
        now = self.clock.now()
        row = OnboardingItem.get_or_none(engagement=e, element=element)
        if row is None:
            OnboardingItem.create(
                uuid=natural_uuid(e.uuid, element),
                engagement=e,
                element=element,
                done=done,
                done_on=when if done else None,
                note=note,
                updated_at=now,
            )
        else:
            row.done, row.done_on, row.note, row.updated_at = done, when if done else None, note, now
            row.save()
        self._touch(e)
        e.save()

    @atomic()
    def set_expectations(
        self,
        eid: int,
        *,
        scope: str = "",
        cadence: str = "",
        success_measures: str = "",
        agreed_on: date | str | None = None,
    ) -> None:
        """The expectations record: what was agreed with the client, and when."""
        e = self._engagement(eid)
        e.exp_scope = fields.check("engagement", "exp_scope", scope)
        e.exp_cadence = fields.check("engagement", "exp_cadence", cadence)
        e.exp_success_measures = fields.check("engagement", "exp_success_measures", success_measures)
        e.exp_agreed_on = fields.check("engagement", "exp_agreed_on", agreed_on)
        self._touch(e)
        e.save()

    @atomic()
    def record_dossier_exports(self, eids: list[int], file_name: str, sha256: str) -> None:
        """Note one portfolio dossier on each of its engagements, in one transaction."""
        for eid in eids:
            self.record_dossier_export(eid, file_name, sha256)

    @atomic()
    def record_dossier_export(self, eid: int, file_name: str, sha256: str) -> None:
        """Note that a dossier of this engagement was written (when, file name, content hash)."""
        e = self._engagement(eid)
        sha256 = fields.check(
            "dossier_export", "sha256", sha256.lower() if isinstance(sha256, str) else sha256
        )
        now = self.clock.now()
        DossierExport.create(
            engagement=e,
            exported_at=now,
            file_name=fields.check("dossier_export", "file_name", file_name),
            sha256=sha256,
            updated_at=now,
        )

    # --- Expansion or Completion ---------------------------------------------------------

    @atomic()
    def set_outcome(
        self, eid: int, outcome: str | None, *, decided_on: date | str | None = None, summary: str = ""
    ) -> None:
        """Choose one of the framework's five outcomes (None clears the choice). Once in
        Expansion or Completion the outcome cannot be cleared, and structured project
        completion still needs the dossier exported after the last learning (the gate that
        let the engagement in must not be sidestepped by changing the choice afterwards)."""
        e = self._engagement(eid)
        chosen = fields.check("engagement", "outcome", None if outcome == "" else outcome)
        if e.stage == "outcome":
            if chosen is None:
                raise ValidationError(
                    "An engagement in Expansion or Completion keeps an outcome; choose another one, "
                    "or move it back to Continuous Optimization first.",
                    "outcome",
                )
            # Checked when completion is chosen here; editing the summary of a completion
            # already decided is not held up by a learning recorded since.
            if chosen == "project_completion" and e.outcome != chosen:
                detail = load_detail(eid, self.clock, self.thresholds(), row=e)
                planned = replace(detail, outcome=replace(detail.outcome, outcome=chosen))
                if gates.completion_documented(planned, self.gate_context()):
                    raise ValidationError(
                        "Structured project completion needs the learning-preservation dossier "
                        "exported after the last learning: export the dossier first.",
                        "outcome",
                    )
        e.outcome = chosen
        e.outcome_on = fields.check("engagement", "outcome_on", decided_on) or (
            self.clock.today() if e.outcome else None
        )
        e.outcome_summary = fields.check("engagement", "outcome_summary", summary)
        if e.outcome is None:
            e.outcome_on = None
        self._touch(e)
        e.save()
