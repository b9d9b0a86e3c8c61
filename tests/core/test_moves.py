"""Stage moves (issue 2): forward one stage at a time, never a skip, backward only with a
reason; every move in the history with its time from the clock; a refused move changes
nothing; "Not a fit" archives without deleting; archived engagements stay where they are."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from db.models import Engagement
from mwms_desktop import framework
from mwms_desktop.clock import FixedClock
from mwms_desktop.errors import MoveRefused, NotFound, ValidationError
from mwms_desktop.services import Services
from tests.factories import dump, engagement_at, satisfy
from tests.zones import local_zone

SLUGS = framework.STAGE_SLUGS
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # the clock fixture's instant


def state(services: Services, eid: int) -> tuple:
    """What a move could change on the engagement: stage, entry time, history, updated_at."""
    e = Engagement.get_by_id(eid)
    return (e.stage, e.stage_entered_at, e.position, e.updated_at, services.lifecycle.history(eid))


def skip_pairs() -> list[tuple[str, str]]:
    return [(a, b) for i, a in enumerate(SLUGS) for b in SLUGS[i + 2 :]]


# --- skipping is refused -----------------------------------------------------------------


@pytest.mark.parametrize(("here", "there"), skip_pairs(), ids=lambda s: s)
def test_skip_forward_refused_even_when_gates_hold(
    services: Services, db_path: Path, clock: FixedClock, here: str, there: str
) -> None:
    """Every non-adjacent forward move is refused with only the skip sentence, although the
    current stage's gate and every stage crossed are satisfied; nothing changes."""
    eid = engagement_at(services, here)
    for st in SLUGS[SLUGS.index(here) : SLUGS.index(there)]:
        satisfy(services, eid, st)
    nxt = framework.STAGES[SLUGS.index(here) + 1]
    expected = [
        f"Stages cannot be skipped: {framework.stage(there).label} comes after {nxt.label}; "
        "move one stage at a time."
    ]
    assert services.lifecycle.check_move(eid, there) == expected
    clock.at += timedelta(days=3)  # any write would now leave a different timestamp
    before, rows = state(services, eid), dump(db_path)
    with pytest.raises(MoveRefused) as caught:
        services.lifecycle.move(eid, there, "Client wants to go fast")
    assert caught.value.requirements == expected
    assert state(services, eid) == before
    assert dump(db_path) == rows
    services.lifecycle.move(eid, nxt.slug)  # the adjacent move is allowed
    assert services.lifecycle.detail(eid).stage == nxt.slug


def test_skip_message_literal(services: Services) -> None:
    """The skip sentence names the requested stage and the one that must come first."""
    eid = engagement_at(services, "qualification")
    satisfy(services, eid, "qualification")
    assert services.lifecycle.check_move(eid, "insight") == [
        "Stages cannot be skipped: Initial Insight Development comes after Onboarding; "
        "move one stage at a time."
    ]


def test_skip_with_unmet_gate_lists_the_skip_first_then_every_requirement(services: Services) -> None:
    """An empty engagement jumping to Structured Execution hears the skip and all seven
    qualification requirements together."""
    eid = services.portfolio.add("Hasty Ltd").id
    reasons = services.lifecycle.check_move(eid, "execution")
    assert reasons[0] == (
        "Stages cannot be skipped: Structured Execution comes after Onboarding; move one stage at a time."
    )
    assert reasons[1:] == services.lifecycle.exit_requirements(eid)
    assert len(reasons) == 8


# --- a refused move changes nothing ------------------------------------------------------

Setup = Callable[[Services], tuple[int, str, str]]


def _gate_unmet(s: Services) -> tuple[int, str, str]:
    return engagement_at(s, "onboarding"), "insight", ""


def _backward_no_reason(s: Services) -> tuple[int, str, str]:
    return engagement_at(s, "insight"), "onboarding", "   "


def _same_stage(s: Services) -> tuple[int, str, str]:
    return engagement_at(s, "execution"), "execution", "no-op"


def _archived(s: Services) -> tuple[int, str, str]:
    eid = engagement_at(s, "insight")
    satisfy(s, eid, "insight")
    s.portfolio.archive(eid)
    return eid, "execution", ""


def _disqualified(s: Services) -> tuple[int, str, str]:
    eid = engagement_at(s, "qualification")
    satisfy(s, eid, "qualification")
    s.lifecycle.set_verdict(eid, "not_a_fit")
    return eid, "onboarding", ""


def _undo_over_unmet_gate(s: Services) -> tuple[int, str, str]:
    """Undoing a backward move, after the stage it crosses stopped meeting its gate."""
    eid = engagement_at(s, "execution")
    s.lifecycle.move(eid, "onboarding", reason="Data access revoked")
    s.lifecycle.set_onboarding(eid, "data_access", False)
    return eid, "execution", ""


REFUSALS: dict[str, tuple[Setup, list[str], str | None]] = {
    "gate-unmet": (_gate_unmet, ["Onboarding: data access not confirmed."], None),
    "backward-without-reason": (_backward_no_reason, ["A backward move needs a reason."], None),
    "same-stage": (_same_stage, ["The engagement is already in Structured Execution."], None),
    "archived": (_archived, ["The engagement is archived: restore it before moving it."], None),
    "disqualified": (_disqualified, ["The engagement is disqualified: restore it before moving it."], None),
    "undo-over-unmet-gate": (_undo_over_unmet_gate, ["Onboarding: data access not confirmed."], "undo"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_refused_move_leaves_database_unchanged(
    services: Services, db_path: Path, clock: FixedClock, case: str
) -> None:
    """Whatever the reason for refusing, the database is byte-for-byte the same SQL after:
    stage, stage entry time, position, updated_at and history all kept."""
    setup, expected_sentence, kind = REFUSALS[case]
    eid, to_stage, reason = setup(services)
    clock.at += timedelta(days=2)
    before, rows = state(services, eid), dump(db_path)
    with pytest.raises(MoveRefused) as caught:
        services.lifecycle.move(eid, to_stage, reason, kind=kind)
    assert set(expected_sentence) <= set(caught.value.requirements)
    if case != "gate-unmet" and case != "undo-over-unmet-gate":
        assert caught.value.requirements == expected_sentence
    assert state(services, eid) == before
    assert dump(db_path) == rows


# --- backward moves ----------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_backward_move_without_reason_refused(services: Services, reason: str) -> None:
    """A backward move with no reason (or only blanks) is refused with that one sentence."""
    eid = engagement_at(services, "execution")
    assert services.lifecycle.check_move(eid, "insight", reason) == ["A backward move needs a reason."]
    with pytest.raises(MoveRefused) as caught:
        services.lifecycle.move(eid, "insight", reason)
    assert caught.value.requirements == ["A backward move needs a reason."]
    assert services.lifecycle.detail(eid).stage == "execution"


def test_backward_move_with_reason_recorded(services: Services, clock: FixedClock) -> None:
    """With a reason the backward move is allowed and recorded: from, to, when, reason, kind."""
    eid = engagement_at(services, "execution")
    clock.at += timedelta(days=4, hours=2)
    view = services.lifecycle.move(eid, "insight", "  New research contradicts the hypothesis  ")
    last = services.lifecycle.history(eid)[-1]
    assert last == view
    assert (last.from_stage, last.to_stage, last.moved_at, last.reason, last.kind) == (
        "execution",
        "insight",
        START + timedelta(days=4, hours=2),
        "New research contradicts the hypothesis",
        "backward",
    )
    assert services.lifecycle.detail(eid).stage == "insight"
    assert services.lifecycle.detail(eid).stage_entered_at == clock.now()


def test_backward_move_may_cross_several_stages_and_ignores_gates(services: Services) -> None:
    """From Expansion or Completion back to Qualification in one move, with a reason, even
    though the onboarding gate it crosses no longer holds (backward moves are not gated)."""
    eid = engagement_at(services, "outcome")
    services.lifecycle.set_onboarding(eid, "data_access", False)
    services.lifecycle.move(eid, "qualification", "Client restructured; requalify")
    assert services.lifecycle.detail(eid).stage == "qualification"
    assert services.lifecycle.history(eid)[-1].from_stage == "outcome"


def test_forward_again_after_backward_needs_the_gate_and_no_skip(services: Services) -> None:
    """Back from Structured Execution to Onboarding: returning forward goes one stage at a
    time, through the gates (the records kept still satisfy them)."""
    eid = engagement_at(services, "execution")
    services.lifecycle.move(eid, "onboarding", "Data access was revoked")
    with pytest.raises(MoveRefused) as caught:
        services.lifecycle.move(eid, "execution")
    assert caught.value.requirements == [
        "Stages cannot be skipped: Structured Execution comes after Initial Insight Development; "
        "move one stage at a time."
    ]
    services.lifecycle.set_onboarding(eid, "data_access", False)
    with pytest.raises(MoveRefused) as caught:
        services.lifecycle.move(eid, "insight")
    assert caught.value.requirements == ["Onboarding: data access not confirmed."]
    services.lifecycle.set_onboarding(eid, "data_access", True)
    services.lifecycle.move(eid, "insight")
    services.lifecycle.move(eid, "execution")
    assert services.lifecycle.detail(eid).stage == "execution"


def test_undo_of_a_backward_move_crosses_stages_when_gates_hold(services: Services) -> None:
    """kind="undo" returns over several stages at once if every crossed gate holds now, and
    is recorded as an undo."""
    eid = engagement_at(services, "execution")
    services.lifecycle.move(eid, "onboarding", "Oops")
    services.lifecycle.move(eid, "execution", kind="undo")
    last = services.lifecycle.history(eid)[-1]
    assert (last.from_stage, last.to_stage, last.kind) == ("onboarding", "execution", "undo")


def test_unknown_kind_of_move_rejected(services: Services) -> None:
    """Only an ordinary move or an undo exists."""
    eid = engagement_at(services, "qualification")
    satisfy(services, eid, "qualification")
    with pytest.raises(ValidationError):
        services.lifecycle.move(eid, "onboarding", kind="teleport")
    assert services.lifecycle.detail(eid).stage == "qualification"


# --- history and days in stage -----------------------------------------------------------


def test_every_forward_move_recorded_with_clock_time_and_reason(
    services: Services, clock: FixedClock
) -> None:
    """Walking an engagement through all six stages, a day apart: the history holds the
    creation and the five forward moves, each with from, to, the clock's time and reason."""
    eid = services.portfolio.add("Walker Inc").id
    expected = [(None, "qualification", START, "", "created")]
    for n, (here, there) in enumerate(itertools.pairwise(SLUGS), start=1):
        satisfy(services, eid, here)
        clock.at = START + timedelta(days=n)
        reason = f"Gate {n} passed" if n % 2 else ""
        view = services.lifecycle.move(eid, there, reason)
        assert view.moved_at == clock.now()
        expected.append((here, there, START + timedelta(days=n), reason, "forward"))
    history = services.lifecycle.history(eid)
    assert [(h.from_stage, h.to_stage, h.moved_at, h.reason, h.kind) for h in history] == expected
    assert all(h.moved_at.tzinfo is not None for h in history)


@pytest.fixture
def utc_local_time() -> Iterator[None]:
    """Days in stage count local calendar days; pin the local zone so the fixed clock's UTC
    day is also the local one."""
    with local_zone("UTC"):
        yield


@pytest.mark.usefixtures("utc_local_time")
def test_days_in_stage_follow_the_clock(services: Services, clock: FixedClock) -> None:
    """Days in stage start at 0 on the move and grow with the clock; another move resets them."""
    eid = engagement_at(services, "onboarding")
    assert services.portfolio.card(eid).days_in_stage == 0
    clock.at += timedelta(days=5)
    assert services.portfolio.card(eid).days_in_stage == 5
    satisfy(services, eid, "onboarding")
    clock.at += timedelta(days=7)
    assert services.lifecycle.detail(eid).card.days_in_stage == 12
    services.lifecycle.move(eid, "insight")
    assert services.lifecycle.detail(eid).stage_entered_at == START + timedelta(days=12)
    assert services.portfolio.card(eid).days_in_stage == 0
    clock.at += timedelta(days=1)
    assert services.portfolio.card(eid).days_in_stage == 1


@pytest.mark.usefixtures("utc_local_time")
def test_refused_move_does_not_reset_days_in_stage(services: Services, clock: FixedClock) -> None:
    """The stall counter keeps running through refused moves."""
    eid = engagement_at(services, "onboarding")
    clock.at += timedelta(days=9)
    with pytest.raises(MoveRefused):
        services.lifecycle.move(eid, "insight")
    assert services.portfolio.card(eid).days_in_stage == 9


# --- "Not a fit" and archived engagements ------------------------------------------------


def test_not_a_fit_disqualifies_and_deletes_nothing(services: Services) -> None:
    """ "Not a fit" takes the engagement off the board as disqualified; its scores, verdict
    note, stakeholders and history are all kept, and it is listed with the archived ones."""
    eid = engagement_at(services, "qualification")
    satisfy(services, eid, "qualification")
    services.records.add("stakeholder", eid, name="Ola Owner", alignment="misaligned")
    before = services.lifecycle.detail(eid)
    services.lifecycle.set_verdict(eid, "not_a_fit", "Too small for CRO")
    after = services.lifecycle.detail(eid)
    assert after.card.status == "disqualified"
    assert (after.verdict, after.verdict_note) == ("not_a_fit", "Too small for CRO")
    assert after.scores == before.scores
    assert len(after.scores) == 5
    assert after.stakeholders == before.stakeholders
    assert len(after.stakeholders) == 2
    assert after.history == before.history
    assert after.stage == "qualification"
    assert eid not in [c.id for c in services.portfolio.cards()]
    off_board = services.portfolio.cards(statuses=("archived", "disqualified"))
    assert [(c.id, c.status) for c in off_board] == [(eid, "disqualified")]


def test_disqualified_engagement_cannot_move_until_restored(services: Services) -> None:
    """Not forward, not backward with a reason; restoring reopens the verdict, and after a
    new "qualified" verdict the engagement moves on."""
    eid = engagement_at(services, "qualification")
    satisfy(services, eid, "qualification")
    services.lifecycle.set_verdict(eid, "not_a_fit")
    sentence = ["The engagement is disqualified: restore it before moving it."]
    assert services.lifecycle.check_move(eid, "onboarding") == sentence
    services.portfolio.restore(eid)
    assert services.lifecycle.detail(eid).verdict == "pending"
    services.lifecycle.set_verdict(eid, "qualified")
    services.lifecycle.move(eid, "onboarding")
    assert services.lifecycle.detail(eid).stage == "onboarding"


@pytest.mark.parametrize(("to_stage", "reason"), [("execution", ""), ("onboarding", "Go back")])
def test_archived_engagement_cannot_move(services: Services, to_stage: str, reason: str) -> None:
    """An archived engagement is refused forward and backward (even with a reason)."""
    eid = engagement_at(services, "insight")
    satisfy(services, eid, "insight")
    services.portfolio.archive(eid)
    with pytest.raises(MoveRefused) as caught:
        services.lifecycle.move(eid, to_stage, reason)
    assert caught.value.requirements == ["The engagement is archived: restore it before moving it."]
    services.portfolio.restore(eid)
    services.lifecycle.move(eid, to_stage, reason)
    assert services.lifecycle.detail(eid).stage == to_stage


def test_verdict_only_in_qualification(services: Services) -> None:
    """Once past Qualification the verdict cannot be changed (archive instead)."""
    eid = engagement_at(services, "onboarding")
    with pytest.raises(ValidationError):
        services.lifecycle.set_verdict(eid, "not_a_fit")
    detail = services.lifecycle.detail(eid)
    assert (detail.verdict, detail.card.status) == ("qualified", "active")


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize("bad_id", [999_999, 0, -1, 2**70, "1", None, True])
def test_unknown_engagement_is_not_found(services: Services, bad_id: object) -> None:
    """Moving, checking or reading an engagement that does not exist raises NotFound."""
    services.portfolio.add("Real Co")
    with pytest.raises(NotFound):
        services.lifecycle.move(bad_id, "onboarding")  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        services.lifecycle.check_move(bad_id, "onboarding")  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        services.lifecycle.history(bad_id)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad_stage", ["Onboarding", "delivery", "", None, 2])
def test_unknown_stage_is_a_validation_error(services: Services, db_path: Path, bad_stage: object) -> None:
    """A stage that is not one of the six slugs is a ValidationError on the Stage field,
    for move and check_move alike, and writes nothing."""
    eid = engagement_at(services, "qualification")
    satisfy(services, eid, "qualification")
    rows = dump(db_path)
    with pytest.raises(ValidationError) as caught:
        services.lifecycle.move(eid, bad_stage)  # type: ignore[arg-type]
    assert caught.value.field == "Stage"
    with pytest.raises(ValidationError):
        services.lifecycle.check_move(eid, bad_stage)  # type: ignore[arg-type]
    assert dump(db_path) == rows


def test_reason_must_be_clean_text(services: Services) -> None:
    """A reason with control characters is refused as invalid input, not stored."""
    eid = engagement_at(services, "insight")
    with pytest.raises(ValidationError):
        services.lifecycle.move(eid, "onboarding", "bad\x00reason")
    assert services.lifecycle.detail(eid).stage == "insight"


# --- same stage --------------------------------------------------------------------------


@pytest.mark.parametrize("stage", SLUGS)
def test_moving_to_the_same_stage_is_refused(services: Services, stage: str) -> None:
    """Moving to the stage it is already in is refused with a plain sentence, even when the
    gate holds and a reason is given; no history entry is added."""
    eid = engagement_at(services, stage)
    if stage != "outcome":
        satisfy(services, eid, stage)
    history = services.lifecycle.history(eid)
    with pytest.raises(MoveRefused) as caught:
        services.lifecycle.move(eid, stage, "Just because")
    assert caught.value.requirements == [f"The engagement is already in {framework.stage(stage).label}."]
    assert services.lifecycle.history(eid) == history


def test_card_placed_beside_a_card_of_another_stage_is_rejected_without_writing(
    services: Services, db_path: Path, clock: FixedClock
) -> None:
    """A move whose gates hold but whose drop position is beside a card of another stage is
    rejected as invalid input, and the transaction leaves nothing behind."""
    other = engagement_at(services, "qualification", client="Elsewhere")
    eid = engagement_at(services, "qualification")
    satisfy(services, eid, "qualification")
    clock.at += timedelta(days=1)
    rows = dump(db_path)
    with pytest.raises(ValidationError):
        services.lifecycle.move(eid, "onboarding", before_id=other)
    assert dump(db_path) == rows


def test_undo_cannot_jump_to_a_stage_never_reached(services: Services) -> None:
    """An "undo" move returns to a stage the engagement already reached; used on a new
    engagement it must not carry it over stages it never entered (that is a skip)."""
    eid = services.portfolio.add("Never There").id
    for st in ("qualification", "onboarding", "insight"):
        satisfy(services, eid, st)
    with pytest.raises(MoveRefused) as refused:
        services.lifecycle.move(eid, "execution", kind="undo")
    assert refused.value.requirements == [
        "The engagement never reached Structured Execution: an undo cannot take it there."
    ]
    assert services.portfolio.card(eid).stage == "qualification"


def test_only_an_undo_may_give_back_an_earlier_time_in_stage(services: Services, clock) -> None:
    """``entered_at`` belongs to undo moves, and never lies in the future."""
    from datetime import timedelta

    eid = engagement_at(services, "onboarding")
    earlier = clock.now() - timedelta(days=9)
    with pytest.raises(ValidationError, match="Only an undo"):
        services.lifecycle.move(eid, "qualification", "Back", entered_at=earlier)
    with pytest.raises(ValidationError, match="Only an undo"):
        services.lifecycle.move(
            eid, "qualification", "Back", kind="undo", entered_at=clock.now() + timedelta(days=1)
        )
    services.lifecycle.move(eid, "qualification", "Back", kind="undo", entered_at=earlier)
    assert services.portfolio.card(eid).days_in_stage == 9


def test_reopening_a_disqualified_engagement_is_one_transaction(services: Services, db_path) -> None:
    """ "Qualified" after "Not a fit" brings the card back above the given card, in one
    write; a bad note refuses it all and changes nothing."""
    keep = services.portfolio.add("Stays").id
    eid = services.portfolio.add("Comes back").id
    services.lifecycle.set_verdict(eid, "not_a_fit", "Too small")
    rows = dump(db_path)
    with pytest.raises(ValidationError):
        services.lifecycle.set_verdict(eid, "qualified", "bad\x0bnote", before_id=keep)
    assert dump(db_path) == rows
    services.lifecycle.set_verdict(eid, "qualified", "Budget found", before_id=keep)
    card = services.portfolio.card(eid)
    assert (card.status, card.stage) == ("active", "qualification")
    assert services.portfolio.card_below(eid) == keep


def test_many_drops_into_one_gap_keep_the_order(services: Services) -> None:
    """Sixty cards each dropped just above the same card: the column renumbers itself when
    halving runs out of room, and every card stays where it was dropped."""
    target = services.portfolio.add("Target").id
    services.portfolio.add("Above")
    services.portfolio.reorder(target, None)  # now: Above, Target
    dropped = []
    for n in range(60):
        eid = services.portfolio.add(f"Dropped {n}").id
        services.portfolio.reorder(eid, target)
        dropped.append(eid)
    order = [c.id for c in services.portfolio.cards() if c.stage == "qualification"]
    assert order[-1] == target
    assert order[1:-1] == dropped


def test_reopening_ignores_a_neighbour_that_has_moved_on(services: Services) -> None:
    """Undoing "Not a fit" asks to go back above a card that has since left the column: the
    engagement returns at the bottom instead of the undo being refused."""
    x = services.portfolio.add("X").id
    y = engagement_at(services, "qualification", client="Y")
    services.lifecycle.set_verdict(x, "not_a_fit")
    satisfy(services, y, "qualification")
    services.lifecycle.move(y, "onboarding")
    services.lifecycle.set_verdict(x, "pending", before_id=y)
    assert services.portfolio.card(x).status == "active"
    assert services.portfolio.card_below(x) is None
