"""The record service, for every kind it knows (stakeholder, insight, hypothesis, cycle,
learning, check-in): add, update, delete and restore; refusals with a typed error, a clear
message and nothing written; text stored exactly; every write one transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from db.models import Engagement, HypothesisInsight, LearningEvidence
from mwms_desktop import framework
from mwms_desktop.errors import MwmsError, NotFound, ValidationError
from mwms_desktop.services import Services, Snapshot
from mwms_desktop.services.records import KINDS
from tests.factories import dump

ALL_HEALTHY = {t.slug: 3 for t in framework.HEALTHY_INDICATORS} | {
    t.slug: 0 for t in framework.UNHEALTHY_SIGNALS
}
ALL_UNHEALTHY = {t.slug: 0 for t in framework.HEALTHY_INDICATORS} | {
    t.slug: 3 for t in framework.UNHEALTHY_SIGNALS
}
DETAIL_FIELD = {
    "stakeholder": "stakeholders",
    "insight": "insights",
    "hypothesis": "hypotheses",
    "cycle": "cycles",
    "learning": "learnings",
    "checkin": "checkins",
}
UNKNOWN = 424242


@dataclass(frozen=True)
class World:
    """Two engagements, each with an insight, a hypothesis citing it and a cycle testing it."""

    eid: int
    other: int
    insight: int
    hypothesis: int
    cycle: int
    other_insight: int
    other_hypothesis: int
    other_cycle: int


@pytest.fixture
def world(services: Services) -> World:
    rec = services.records
    ids = []
    for client in ("Acme Ltd", "Other Co"):
        eid = services.portfolio.add(client).id
        ins = rec.add("insight", eid, activity="research", statement="Users abandon at shipping")
        hyp = rec.add(
            "hypothesis",
            eid,
            statement="Show shipping early",
            impact=8,
            confidence=6,
            ease=7,
            insight_ids=[ins.id],
        )
        cyc = rec.add(
            "cycle", eid, title="Shipping test", hypothesis_id=hyp.id, status="evaluated", result="win"
        )
        ids.append((eid, ins.id, hyp.id, cyc.id))
    (eid, i, h, c), (other, oi, oh, oc) = ids
    return World(eid, other, i, h, c, oi, oh, oc)


def valid(kind: str, w: World) -> dict[str, Any]:
    """A complete, valid set of values for ``kind`` on ``w.eid``, in the form ``values`` returns."""
    return {
        "stakeholder": {
            "name": "Dana Sponsor",
            "role": "Head of Ecommerce",
            "influence": "high",
            "alignment": "misaligned",
            "mitigation": "Weekly 20-minute sync agreed.",
            "last_contact": date(2026, 10, 30),
            "note": "Met at kick-off.",
        },
        "insight": {
            "activity": "data_review",
            "statement": "Returning customers convert at 3x new ones",
            "detail": "Twelve months of analytics.",
            "recorded_on": date(2026, 10, 15),
        },
        "hypothesis": {
            "statement": "A fast lane raises repeat conversion",
            "rationale": "Returning customers already convert well.",
            "impact": 6,
            "confidence": 5,
            "ease": 4,
            "insight_ids": (w.insight,),
        },
        "cycle": {
            "title": "Fast lane test",
            "hypothesis_id": w.hypothesis,
            "status": "evaluated",
            "result": "loss",
            "started_on": date(2026, 10, 1),
            "ended_on": date(2026, 10, 29),
            "evaluation": "Repeat conversion fell 3%.",
            "kind": "iterative_improvement",
        },
        "learning": {
            "statement": "Shortcuts must respect saved carts",
            "confidence": "high",
            "tags": "retention, checkout",
            "recorded_at": datetime(2026, 10, 30, 12, 0, tzinfo=UTC),
            "cycle_ids": (w.cycle,),
            "refinements": ("improved_hypothesis_quality", "deeper_customer_insight"),
            "private": True,
        },
        "checkin": {"held_on": date(2026, 10, 28), "ratings": ALL_HEALTHY, "note": "Good session."},
    }[kind]


CHANGES: dict[str, dict[str, Any]] = {
    "stakeholder": {"alignment": "aligned", "mitigation": "", "influence": "low"},
    "insight": {"statement": "Returning customers convert at 2.5x", "recorded_on": date(2026, 10, 20)},
    "hypothesis": {"impact": 9, "insight_ids": ()},
    "cycle": {"status": "running", "result": None, "ended_on": None},
    "learning": {"confidence": "low", "cycle_ids": (), "tags": "retention", "private": False},
    "checkin": {"ratings": ALL_UNHEALTHY, "note": "Rough month."},
}


def test_every_kind_is_covered():
    """A new kind of record must get valid values and changes here."""
    assert set(KINDS) == set(CHANGES) == set(DETAIL_FIELD)
    for kind in KINDS:
        assert set(CHANGES[kind]) <= set(KINDS[kind].defaults)


# --- add, update, delete, restore --------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_add_stores_every_value(services, world, kind):
    """A record added with valid values reads back exactly, belongs to its engagement and
    shows in that engagement's detail only."""
    values = valid(kind, world)
    view = services.records.add(kind, world.eid, **values)
    assert services.records.values(kind, view.id) == values
    assert services.records.get(kind, view.id) == view
    assert services.records.engagement_of(kind, view.id) == world.eid
    assert view in getattr(services.portfolio.detail(world.eid), DETAIL_FIELD[kind])
    assert view not in getattr(services.portfolio.detail(world.other), DETAIL_FIELD[kind])


def test_added_views_carry_derived_fields(services, world):
    """The views a consultant sees: the ICE priority, the check-in's score and band, the
    learning's tags as a tuple."""
    rec = services.records
    h = rec.add("hypothesis", world.eid, **valid("hypothesis", world))
    assert (h.priority, h.insight_ids) == (5.0, (world.insight,))
    c = rec.add("checkin", world.eid, **valid("checkin", world))
    assert (c.score, c.band, dict(c.ratings)) == (100, "healthy", ALL_HEALTHY)
    lr = rec.add("learning", world.eid, **valid("learning", world))
    assert (lr.tags, lr.cycle_ids) == (("retention", "checkout"), (world.cycle,))


def test_defaults_fill_what_is_not_given(services, world, clock):
    """Only the required text is needed; the rest takes the kind's defaults, dates today."""
    rec = services.records
    s = rec.add("stakeholder", world.eid, name="Dana")
    assert (s.influence, s.alignment, s.role, s.last_contact) == ("medium", "neutral", "", None)
    i = rec.add("insight", world.eid, statement="Seen")
    assert (i.activity, i.recorded_on) == ("research", clock.today())
    c = rec.add("cycle", world.eid, title="T")
    assert (c.status, c.result, c.hypothesis_id) == ("planned", None, None)
    lr = rec.add("learning", world.eid, statement="L")
    assert (lr.confidence, lr.tags, lr.recorded_at, lr.cycle_ids) == ("medium", (), clock.now(), ())
    k = rec.add("checkin", world.eid, ratings=ALL_HEALTHY)
    assert k.held_on == clock.today()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_update_changes_only_the_given_fields(services, world, kind):
    """An update keeps the record's id and uuid, applies the changes and leaves every other
    value as it was."""
    rec = services.records
    before = rec.add(kind, world.eid, **valid(kind, world))
    after = rec.update(kind, before.id, **CHANGES[kind])
    assert (after.id, after.uuid) == (before.id, before.uuid)
    assert rec.values(kind, before.id) == valid(kind, world) | CHANGES[kind]
    assert rec.get(kind, before.id) == after


def test_checkin_update_rescores(services, world):
    rec = services.records
    k = rec.add("checkin", world.eid, **valid("checkin", world))
    k = rec.update("checkin", k.id, ratings=ALL_UNHEALTHY)
    assert (k.score, k.band) == (0, "at_risk")
    assert services.portfolio.card(world.eid).health.score == 0


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_delete_removes_and_restore_brings_back(services, world, kind):
    """Delete returns a snapshot and the record is gone; restoring the snapshot brings it
    back with the same uuid and the same values (links included)."""
    rec = services.records
    view = rec.add(kind, world.eid, **valid(kind, world))
    values = rec.values(kind, view.id)
    snap = rec.delete(kind, view.id)
    assert isinstance(snap, Snapshot)
    assert (snap.kind, snap.engagement_id, snap.uuid) == (kind, world.eid, view.uuid)
    label = KINDS[kind].label.lower()
    with pytest.raises(NotFound, match=f"^No {label} with id {view.id}\\.$"):
        rec.get(kind, view.id)
    assert view.uuid not in {
        r.uuid for r in getattr(services.portfolio.detail(world.eid), DETAIL_FIELD[kind])
    }

    back = rec.restore(snap)
    assert back.uuid == view.uuid
    assert rec.values(kind, back.id) == values
    assert rec.get(kind, back.id) == back
    assert back in getattr(services.portfolio.detail(world.eid), DETAIL_FIELD[kind])


def test_restored_hypothesis_regains_its_insights_and_cycles(services, world):
    """Deleting a hypothesis unlinks its insights and leaves its cycle without one;
    restoring it re-links both."""
    rec = services.records
    snap = rec.delete("hypothesis", world.hypothesis)
    assert rec.get("cycle", world.cycle).hypothesis_id is None
    assert HypothesisInsight.select().where(HypothesisInsight.insight == world.insight).count() == 0
    back = rec.restore(snap)
    assert back.insight_ids == (world.insight,)
    assert rec.get("cycle", world.cycle).hypothesis_id == back.id
    assert (back.impact, back.confidence, back.ease, back.statement) == (8, 6, 7, "Show shipping early")


def test_restored_insight_is_cited_again_by_its_hypotheses(services, world):
    rec = services.records
    second = rec.add("hypothesis", world.eid, statement="Second", insight_ids=[world.insight])
    snap = rec.delete("insight", world.insight)
    assert rec.get("hypothesis", world.hypothesis).insight_ids == ()
    assert rec.get("hypothesis", second.id).insight_ids == ()
    back = rec.restore(snap)
    assert rec.get("hypothesis", world.hypothesis).insight_ids == (back.id,)
    assert rec.get("hypothesis", second.id).insight_ids == (back.id,)


def test_restored_cycle_is_evidence_again_and_tests_its_hypothesis(services, world):
    rec = services.records
    lr = rec.add("learning", world.eid, statement="Early price clarity wins", cycle_ids=[world.cycle])
    snap = rec.delete("cycle", world.cycle)
    assert rec.get("learning", lr.id).cycle_ids == ()
    back = rec.restore(snap)
    assert rec.get("learning", lr.id).cycle_ids == (back.id,)
    assert back.hypothesis_id == world.hypothesis


def test_restore_skips_dependents_removed_meanwhile(services, world):
    """An insight restored after the hypothesis that cited it was removed comes back alone;
    the hypothesis stays removed."""
    rec = services.records
    snap_i = rec.delete("insight", world.insight)
    rec.delete("hypothesis", world.hypothesis)
    back = rec.restore(snap_i)
    assert back.statement == "Users abandon at shipping"
    assert services.portfolio.detail(world.eid).hypotheses == ()


def test_undoing_two_removals_in_reverse_order_restores_both_with_their_link(services, world):
    """Undo of "remove hypothesis" then "remove its insight": restoring the insight, then
    the hypothesis, puts both back linked as before. (The world's insight is not the newest
    row, so a re-inserted insight gets a new id; the hypothesis's snapshot still names the
    old one.)"""
    rec = services.records
    rec.add("insight", world.eid, statement="A later insight")  # the insight is not the last row
    snap_h = rec.delete("hypothesis", world.hypothesis)
    snap_i = rec.delete("insight", world.insight)
    insight = rec.restore(snap_i)
    hypothesis = rec.restore(snap_h)
    assert hypothesis.uuid == snap_h.uuid
    assert hypothesis.insight_ids == (insight.id,)


def test_restoring_the_same_snapshot_twice_is_a_typed_error(services, world, db_path):
    """A snapshot already restored (a double undo) is refused with a typed error, not a
    raw database error, and nothing changes."""
    rec = services.records
    snap = rec.delete("stakeholder", rec.add("stakeholder", world.eid, name="Dana").id)
    rec.restore(snap)
    before = dump(db_path)
    with pytest.raises(MwmsError):
        rec.restore(snap)
    assert dump(db_path) == before


def test_restore_into_removed_engagement_is_not_found(services, world, db_path):
    rec = services.records
    snap = rec.delete("stakeholder", rec.add("stakeholder", world.eid, name="Dana").id)
    ghost = Snapshot("stakeholder", UNKNOWN, snap.uuid, snap.values)
    before = dump(db_path)
    with pytest.raises(NotFound, match=f"^No engagement with id {UNKNOWN}\\.$"):
        rec.restore(ghost)
    assert dump(db_path) == before


def test_write_touches_the_engagement(services, world, clock):
    """Adding, editing and removing a record marks its engagement as updated (what a
    bundle merge compares)."""
    rec = services.records
    for step, act in enumerate(
        (
            lambda: rec.add("stakeholder", world.eid, name="Dana"),
            lambda: rec.update("insight", world.insight, statement="Changed"),
            lambda: rec.delete("cycle", world.cycle),
        ),
        start=1,
    ):
        clock.at += timedelta(hours=1)
        act()
        assert Engagement.get_by_id(world.eid).updated_at == clock.now(), step
        assert Engagement.get_by_id(world.other).updated_at < clock.now()


# --- refusals ----------------------------------------------------------------------------


INVALID = [
    ("stakeholder", lambda w: {"name": ""}, "Name is required."),
    ("stakeholder", lambda w: {"name": "  \n "}, "Name is required."),
    ("stakeholder", lambda w: {"name": "x" * 201}, "Name is longer than 200 characters."),
    (
        "stakeholder",
        lambda w: {"influence": "huge"},
        "Influence must be one of: low, medium, high (got 'huge').",
    ),
    (
        "stakeholder",
        lambda w: {"alignment": "hostile"},
        "Alignment must be one of: aligned, neutral, misaligned (got 'hostile').",
    ),
    (
        "stakeholder",
        lambda w: {"last_contact": "31/10/2026"},
        "Last contact must be a date (YYYY-MM-DD), got '31/10/2026'.",
    ),
    ("stakeholder", lambda w: {"note": "bell\x07"}, "Note contains control characters."),
    ("stakeholder", lambda w: {"colour": "red"}, "Stakeholder has no field colour."),
    ("insight", lambda w: {"statement": ""}, "Statement is required."),
    (
        "insight",
        lambda w: {"activity": "guesswork"},
        "Activity must be one of: research, data_review, heuristic_analysis, opportunity_identification, "
        "constraint_mapping, hypothesis_development (got 'guesswork').",
    ),
    ("insight", lambda w: {"statement": 42}, "Statement must be text."),
    ("hypothesis", lambda w: {"statement": "\t"}, "Statement is required."),
    ("hypothesis", lambda w: {"impact": 11}, "Impact must be from 1 to 10 (got 11)."),
    ("hypothesis", lambda w: {"confidence": 0}, "Confidence must be from 1 to 10 (got 0)."),
    ("hypothesis", lambda w: {"ease": "high"}, "Ease must be a whole number from 1 to 10."),
    ("hypothesis", lambda w: {"ease": 5.5}, "Ease must be a whole number from 1 to 10."),
    (
        "hypothesis",
        lambda w: {"insight_ids": [w.other_insight]},
        "Linked insights: no record {other_insight} in this engagement.",
    ),
    (
        "hypothesis",
        lambda w: {"insight_ids": [w.insight, w.other_insight]},
        "Linked insights: no record {other_insight} in this engagement.",
    ),
    (
        "hypothesis",
        lambda w: {"insight_ids": [UNKNOWN]},
        f"Linked insights: no record {UNKNOWN} in this engagement.",
    ),
    ("hypothesis", lambda w: {"insight_ids": "1"}, "Linked insights must be a list of record ids."),
    ("cycle", lambda w: {"title": ""}, "Title is required."),
    (
        "cycle",
        lambda w: {"status": "done"},
        "Status must be one of: planned, running, evaluated, abandoned (got 'done').",
    ),
    ("cycle", lambda w: {"result": "draw"}, "Result must be one of: win, loss, inconclusive (got 'draw')."),
    ("cycle", lambda w: {"result": None}, "An evaluated cycle needs a result (win, loss or inconclusive)."),
    ("cycle", lambda w: {"status": "running"}, "Only an evaluated cycle has a result."),
    (
        "cycle",
        lambda w: {"started_on": date(2026, 10, 2), "ended_on": date(2026, 10, 1)},
        "A cycle cannot end before it starts.",
    ),
    (
        "cycle",
        lambda w: {"hypothesis_id": w.other_hypothesis},
        "Hypothesis: no record {other_hypothesis} in this engagement.",
    ),
    ("learning", lambda w: {"statement": ""}, "Statement is required."),
    (
        "learning",
        lambda w: {"confidence": "certain"},
        "Confidence must be one of: low, medium, high (got 'certain').",
    ),
    (
        "learning",
        lambda w: {"cycle_ids": [w.other_cycle]},
        "Evidence: no record {other_cycle} in this engagement.",
    ),
    ("learning", lambda w: {"tags": ["ok", 5]}, "Tags must be text."),
    (
        "checkin",
        lambda w: {"ratings": ALL_HEALTHY | {"clear_communication": 4}},
        "Clear communication: the rating must be from 0 to 3.",
    ),
    ("checkin", lambda w: {"ratings": {}}, "Clear communication is not rated."),
    ("checkin", lambda w: {"held_on": "yesterday"}, "Held on must be a date (YYYY-MM-DD), got 'yesterday'."),
]


@pytest.mark.parametrize(("kind", "bad", "message"), INVALID)
def test_invalid_add_is_refused_and_writes_nothing(services, world, db_path, kind, bad, message):
    """Invalid values are refused with a ValidationError whose message names the field and
    the problem; the database is left exactly as it was."""
    values = valid(kind, world) | bad(world)
    before = dump(db_path)
    with pytest.raises(ValidationError, match=f"^{re.escape(message.format(**vars(world)))}$"):
        services.records.add(kind, world.eid, **values)
    assert dump(db_path) == before


@pytest.mark.parametrize(("kind", "bad", "message"), INVALID)
def test_invalid_update_is_refused_and_changes_nothing(services, world, db_path, kind, bad, message):
    """The same values as an update of a valid record: the same refusal, the record and
    its links untouched."""
    view = services.records.add(kind, world.eid, **valid(kind, world))
    before = dump(db_path)
    with pytest.raises(ValidationError, match=f"^{re.escape(message.format(**vars(world)))}$"):
        services.records.update(kind, view.id, **bad(world))
    assert dump(db_path) == before
    assert services.records.get(kind, view.id) == view


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_unknown_ids_are_not_found(services, world, db_path, kind):
    """An unknown engagement or record id is a NotFound naming the id; nothing is written."""
    rec = services.records
    label = KINDS[kind].label.lower()
    before = dump(db_path)
    with pytest.raises(NotFound, match=f"^No engagement with id {UNKNOWN}\\.$"):
        rec.add(kind, UNKNOWN, **valid(kind, world))
    for call in (
        lambda: rec.update(kind, UNKNOWN, **CHANGES[kind]),
        lambda: rec.delete(kind, UNKNOWN),
        lambda: rec.get(kind, UNKNOWN),
        lambda: rec.values(kind, UNKNOWN),
    ):
        with pytest.raises(NotFound, match=f"^No {label} with id {UNKNOWN}\\.$"):
            call()
    for bad_id in ("1", True, None):
        with pytest.raises(NotFound):
            rec.delete(kind, bad_id)
    assert dump(db_path) == before


def test_unknown_kind_is_refused(services, world, db_path):
    before = dump(db_path)
    with pytest.raises(ValidationError, match=r"^Unknown kind of record 'note'\.$"):
        services.records.add("note", world.eid, text="x")
    with pytest.raises(ValidationError, match=r"^Unknown kind of record 'engagement'\.$"):
        services.records.delete("engagement", world.eid)
    assert dump(db_path) == before


@pytest.mark.parametrize("recorded_at", ["yesterday", 5])
def test_learning_recorded_at_must_be_an_instant(services, world, db_path, recorded_at):
    """A learning's ``recorded_at`` that is not an aware datetime is refused with a
    ValidationError (like every other field), not a raw AttributeError, and nothing is
    written."""
    before = dump(db_path)
    with pytest.raises(ValidationError):
        services.records.add("learning", world.eid, statement="L", recorded_at=recorded_at)
    assert dump(db_path) == before


# --- text round-trips --------------------------------------------------------------------

MARKUP = "<b>&amp;</b> <script>alert('x')</script> &lt;i&gt; \"double\" 'single' 😀👩🏽‍💻 مرحبا بالعالم שלום"
MULTILINE = "First line <i>italic</i>\nسطر ثانٍ & more\n\n  indented 👋"

TEXT_FIELDS = {
    "stakeholder": {"name": MARKUP, "role": MARKUP, "mitigation": MULTILINE, "note": MULTILINE},
    "insight": {"statement": MULTILINE, "detail": MARKUP},
    "hypothesis": {"statement": MARKUP, "rationale": MULTILINE},
    "cycle": {"title": MARKUP, "evaluation": MULTILINE},
    "learning": {"statement": MULTILINE, "tags": "<b>&amp;</b>, “quoted”, 😀, עברית"},
    "checkin": {"note": MULTILINE},
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_markup_quotes_emoji_and_rtl_round_trip(services, world, kind):
    """Markup characters, entities, quotes, emoji and right-to-left text are stored and read
    back unchanged (never escaped or stripped), through add, update, restore and the
    workspace detail."""
    rec = services.records
    texts = TEXT_FIELDS[kind]
    view = rec.add(kind, world.eid, **valid(kind, world) | texts)
    got = rec.values(kind, view.id)
    assert {k: got[k] for k in texts} == texts
    (shown,) = [
        r for r in getattr(services.portfolio.detail(world.eid), DETAIL_FIELD[kind]) if r.id == view.id
    ]
    assert shown == view

    plain = rec.add(kind, world.eid, **valid(kind, world))
    rec.update(kind, plain.id, **texts)
    got = rec.values(kind, plain.id)
    assert {k: got[k] for k in texts} == texts

    back = rec.restore(rec.delete(kind, view.id))
    got = rec.values(kind, back.id)
    assert {k: got[k] for k in texts} == texts


def test_markup_tags_split_into_tuple(services, world):
    lr = services.records.add("learning", world.eid, statement="S", tags=TEXT_FIELDS["learning"]["tags"])
    assert lr.tags == ("<b>&amp;</b>", "“quoted”", "😀", "עברית")


# --- one transaction per write -----------------------------------------------------------


@pytest.fixture
def fail_second_link(monkeypatch: pytest.MonkeyPatch):
    """Make creating the second link row of a write (hypothesis→insight or learning→cycle)
    fail, as a disk error mid-write would."""

    def install(model):
        real = model.create
        calls = []

        def create(cls, **kwargs):
            calls.append(kwargs)
            if len(calls) == 2:
                raise OSError("disk I/O error (simulated)")
            return real(**kwargs)

        monkeypatch.setattr(model, "create", classmethod(create))
        return calls

    return install


def test_add_failing_mid_write_leaves_nothing(services, world, db_path, fail_second_link):
    """A hypothesis whose second insight link fails to be written: the hypothesis row and
    the first link are rolled back with it."""
    second = services.records.add("insight", world.eid, statement="Second insight").id
    before = dump(db_path)
    calls = fail_second_link(HypothesisInsight)
    with pytest.raises(OSError, match="simulated"):
        services.records.add(
            "hypothesis", world.eid, statement="Half-written", insight_ids=[world.insight, second]
        )
    assert len(calls) == 2  # the failure really happened after the row and one link
    assert dump(db_path) == before
    assert "Half-written" not in {h.statement for h in services.portfolio.detail(world.eid).hypotheses}


def test_update_failing_mid_write_keeps_the_old_record(services, world, db_path, fail_second_link):
    """An update that rewrites a learning's evidence and fails on the second link keeps the
    old statement and the old evidence."""
    rec = services.records
    hyp = world.hypothesis
    c2 = rec.add("cycle", world.eid, title="Second", hypothesis_id=hyp, status="evaluated", result="loss").id
    lr = rec.add("learning", world.eid, statement="Old", cycle_ids=[world.cycle])
    before = dump(db_path)
    calls = fail_second_link(LearningEvidence)
    with pytest.raises(OSError, match="simulated"):
        rec.update("learning", lr.id, statement="New", cycle_ids=[world.cycle, c2])
    assert len(calls) == 2
    assert dump(db_path) == before
    assert rec.get("learning", lr.id) == lr


def test_restore_failing_mid_write_leaves_it_removed(services, world, db_path, fail_second_link):
    """Restoring an insight re-links each hypothesis that cited it; a failure on the second
    re-link leaves the insight removed and no link behind."""
    rec = services.records
    rec.add("hypothesis", world.eid, statement="Second", insight_ids=[world.insight])
    snap = rec.delete("insight", world.insight)
    before = dump(db_path)
    calls = fail_second_link(HypothesisInsight)
    with pytest.raises(OSError, match="simulated"):
        rec.restore(snap)
    assert len(calls) == 2
    assert dump(db_path) == before


def test_valid_and_foreign_link_together_save_nothing(services, world, db_path):
    """A hypothesis citing one of its own insights and one of another engagement's is
    refused as a whole: no hypothesis, no link."""
    before = dump(db_path)
    with pytest.raises(
        ValidationError, match=f"^Linked insights: no record {world.other_insight} in this engagement\\.$"
    ):
        services.records.add(
            "hypothesis", world.eid, statement="Mixed", insight_ids=[world.insight, world.other_insight]
        )
    assert dump(db_path) == before


def test_a_check_in_cannot_be_dated_after_today(services, world, db_path, clock):
    """A typo for another year would count as recent for years: refused, nothing written."""
    from datetime import timedelta

    before = dump(db_path)
    tomorrow = clock.today() + timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot be after today"):
        services.records.add("checkin", world.eid, held_on=tomorrow, ratings=ALL_HEALTHY)
    assert dump(db_path) == before


def test_tags_have_one_length_limit_as_text_or_as_a_list(services, world):
    """A 64-character tag is refused whether typed as text or given as a list (the form undo
    uses), so an edit can always be undone."""
    long_tag = "x" * 64
    for tags in (f"short, {long_tag}", ["short", long_tag]):
        with pytest.raises(ValidationError, match="longer than 60"):
            services.portfolio.update(world.eid, tags=tags)
    services.portfolio.update(world.eid, tags="short, " + "y" * 60)
    assert services.portfolio.card(world.eid).tags == ("short", "y" * 60)


def test_an_update_that_expects_other_values_writes_nothing(services: Services) -> None:
    """An undo's or redo's ``expect``: a field changed since (outside the window) is never
    overwritten; the same values in another form ("a, b" for tags) still count as the same."""
    from mwms_desktop.errors import ChangedElsewhere

    eid = services.portfolio.add("Acme", "consulting", tags="a, b").id
    sid = services.records.add("stakeholder", eid, name="Ana", role="CFO").id
    services.records.update("stakeholder", sid, role="COO")  # the change made "elsewhere"
    with pytest.raises(ChangedElsewhere, match=r"changed outside this window since \(role"):
        services.records.update("stakeholder", sid, expect={"role": "CFO"}, role="CTO")
    assert services.records.values("stakeholder", sid)["role"] == "COO"
    services.records.update("stakeholder", sid, expect={"role": "COO"}, role="CTO")
    assert services.records.values("stakeholder", sid)["role"] == "CTO"
    services.portfolio.update(eid, notes="Theirs")
    with pytest.raises(ChangedElsewhere, match=r"Acme.*notes"):
        services.portfolio.update(eid, expect={"notes": ""}, notes="Mine")
    assert services.portfolio.card(eid).notes == "Theirs"
    services.portfolio.update(eid, expect={"tags": ["a", "b"], "notes": "Theirs"}, notes="Mine")
    assert services.portfolio.card(eid).notes == "Mine"


def test_a_move_that_expects_another_stage_moves_nothing(services: Services) -> None:
    from mwms_desktop.errors import ChangedElsewhere
    from tests.factories import engagement_at, satisfy

    eid = engagement_at(services, "onboarding")
    satisfy(services, eid, "onboarding")
    before = len(services.lifecycle.history(eid))
    with pytest.raises(ChangedElsewhere, match="now in Onboarding"):
        services.lifecycle.move(eid, "qualification", "Undo", kind="undo", expect_stage="insight")
    assert services.portfolio.card(eid).stage == "onboarding"
    assert len(services.lifecycle.history(eid)) == before
    services.lifecycle.move(eid, "insight", expect_stage="onboarding")
    assert services.portfolio.card(eid).stage == "insight"
