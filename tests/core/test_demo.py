"""The demo portfolio: played through the real services into an empty database, it covers
every stage, every gate it passed still holds, its drift and health are genuine, and it
refuses a database that already holds engagements without touching it."""

from __future__ import annotations

import re

import pytest

from mwms_desktop import framework, gates
from mwms_desktop.demo import load_demo, load_script
from mwms_desktop.errors import MwmsError, ValidationError
from tests.factories import dump

SCRIPT = load_script()
SPECS = {spec["client"]: spec for spec in SCRIPT["engagements"]}
FLAG_SIGNAL = {
    "stalled": "stalled",
    "misaligned_later": "misaligned",
    "undocumented_cycle": "undocumented_cycle",
    "reactive_cycle": "reactive",
}


@pytest.fixture
def demo(demo_services):
    """The loaded demo: services plus every engagement's card and detail, by client."""
    cards = demo_services.portfolio.cards(statuses=None)
    details = {c.client: demo_services.portfolio.detail(c.id) for c in cards}
    return demo_services, details


def test_load_demo_returns_the_number_loaded(services):
    """On an empty database the demo loads every scripted engagement and says how many."""
    assert services.portfolio.count() == 0
    n = load_demo(services)
    assert n == len(SCRIPT["engagements"]) == services.portfolio.count()
    assert n >= 12


def test_demo_covers_all_six_stages(demo):
    services, details = demo
    assert set(details) == set(SPECS)
    on_board = {c.stage for c in services.portfolio.cards()}
    assert on_board == set(framework.STAGE_SLUGS)
    for client, d in details.items():
        assert d.stage == SPECS[client]["stage"], client


def test_every_passed_gate_still_holds(demo):
    """For each engagement at stage N, the exit rules of every stage before N hold on its
    data now: nothing it passed was waved through."""
    services, details = demo
    ctx = services.lifecycle.gate_context()
    checked = 0
    for client, d in details.items():
        for earlier in framework.STAGES[: framework.stage_index(d.stage)]:
            unmet = [msg for rule in gates.EXIT_RULES[earlier.slug] for msg in rule(d, ctx)]
            assert unmet == [], (client, earlier.slug)
            checked += 1
    assert checked >= sum(framework.stage_index(s["stage"]) for s in SCRIPT["engagements"]) > 0


def test_every_engagement_reached_its_stage_one_forward_move_at_a_time(demo):
    """The history is "created" in Qualification, then one forward move per stage, in order,
    each later than the one before."""
    _, details = demo
    for client, d in details.items():
        n = framework.stage_index(d.stage)
        assert [(m.kind, m.from_stage, m.to_stage) for m in d.history] == [
            ("created", None, "qualification"),
            *(("forward", framework.STAGE_SLUGS[k], framework.STAGE_SLUGS[k + 1]) for k in range(n)),
        ], client
        times = [m.moved_at for m in d.history]
        assert times == sorted(times), client
        assert d.stage_entered_at == d.history[-1].moved_at


def test_days_in_stage_are_those_scripted(demo):
    """Each engagement has been in its stage as many days as the script says, counted back
    from the day the demo was loaded."""
    _, details = demo
    for client, d in details.items():
        assert d.card.days_in_stage == SPECS[client]["stage_days"], client


def test_at_least_one_stalled_and_one_at_risk(demo):
    services, _ = demo
    cards = services.portfolio.cards()
    stalled = [c for c in cards if "stalled" in {s.code for s in c.drift}]
    at_risk = [c for c in cards if c.health.band == "at_risk"]
    assert stalled
    assert at_risk
    for c in stalled:
        (msg,) = [s.message for s in c.drift if s.code == "stalled"]
        assert msg == f"Stalled: {c.days_in_stage} days in {c.stage_label} (threshold 21)."
        assert c.days_in_stage > 21


def test_scripted_drift_flags_show_as_signals(demo):
    """Each drift the script plants (stalled, misaligned later, undocumented cycle,
    reactive cycle) shows on that engagement's card."""
    _, details = demo
    planted = 0
    for client, spec in SPECS.items():
        codes = {s.code for s in details[client].card.drift}
        for flag in spec.get("flags", []):
            assert FLAG_SIGNAL[flag] in codes, (client, flag)
            planted += 1
    assert planted >= 4


def test_every_kind_of_record_is_present(demo):
    """Stakeholders, check-ins, insights, hypotheses (linked to insights), cycles, learnings
    (citing cycles) and qualification scores all appear in the demo."""
    _, details = demo
    ds = list(details.values())
    for field in ("stakeholders", "checkins", "insights", "hypotheses", "cycles", "learnings", "scores"):
        assert sum(len(getattr(d, field)) for d in ds) > 0, field
    assert any(h.insight_ids for d in ds for h in d.hypotheses)
    assert any(lr.cycle_ids for d in ds for lr in d.learnings)
    assert any(c.hypothesis_id is None for d in ds for c in d.cycles)  # the planted reactive cycle
    assert any(d.outcome.outcome for d in ds)


def test_checkins_follow_the_scripted_health(demo):
    """Each engagement has one check-in per scripted health profile, none in the future,
    and the health bands on the board span healthy to at risk."""
    services, details = demo
    today = services.clock.today()
    for client, d in details.items():
        assert len(d.checkins) == len(SPECS[client].get("health", [])), client
        assert all(k.held_on <= today for k in d.checkins), client
    bands = {d.card.health.band for d in details.values()}
    assert {"healthy", "watch", "at_risk", "unknown"} <= bands


def test_disqualified_engagement_is_off_the_board(demo):
    """A scripted "not a fit" verdict leaves the engagement disqualified, not deleted."""
    services, details = demo
    for client, spec in SPECS.items():
        if "verdict" in spec:
            d = details[client]
            assert (d.verdict, d.card.status) == (spec["verdict"][0], "disqualified")
            assert d.verdict_note == spec["verdict"][1]
            assert d.id not in {c.id for c in services.portfolio.cards()}


def test_demo_text_stored_verbatim(demo):
    """Client names with markup, accents and Cyrillic arrive exactly as scripted."""
    _, details = demo
    assert "<b>Acme</b> & Sons" in details
    assert "Иванов и партнёры" in details
    assert "Zoë Ødegård Studio" in details


@pytest.mark.parametrize("status", ["active", "archived"])
def test_demo_refuses_a_database_with_engagements(services, db_path, status):
    """Any engagement at all (even archived) makes the demo refuse with a typed error naming
    the file, and the database is left exactly as it was."""
    eid = services.portfolio.add("Existing Ltd").id
    if status == "archived":
        services.portfolio.archive(eid)
    before = dump(db_path)
    with pytest.raises(MwmsError) as err:
        load_demo(services)
    assert str(err.value) == "portfolio.sqlite already holds engagements; the demo needs an empty database."
    assert dump(db_path) == before
    assert services.portfolio.count() == 1


def test_demo_loaded_twice_is_refused(demo_services, db_path):
    before = dump(db_path)
    with pytest.raises(MwmsError, match=re.escape("the demo needs an empty database")):
        load_demo(demo_services)
    assert dump(db_path) == before


def test_demo_is_all_or_nothing(services, db_path, monkeypatch):
    """A demo script that fails part way (its last engagement invalid) leaves the database
    as empty as it was: the engagements played before are rolled back too."""
    import mwms_desktop.demo as demo_module

    broken = {
        **SCRIPT,
        "engagements": [*SCRIPT["engagements"][:3], {**SCRIPT["engagements"][0], "type": "bogus"}],
    }
    monkeypatch.setattr(demo_module, "load_script", lambda: broken)
    before = dump(db_path)
    with pytest.raises(ValidationError, match=r"^Engagement type must be one of: .*\(got 'bogus'\)\.$"):
        load_demo(services)
    assert dump(db_path) == before
    assert services.portfolio.count() == 0


def test_learnings_are_reused_across_engagements_after_they_were_recorded(demo):
    """The demo shows the library's reuse: hypotheses built on other engagements' learnings,
    each cited after the learning was recorded, some learning reused in two engagements."""
    from db.models import Learning, LearningCitation

    citations = list(LearningCitation.select())
    assert len(citations) >= 5
    reused: dict[str, set[int]] = {}
    for c in citations:
        learning = Learning.get(Learning.uuid == c.learning_uuid)
        assert learning.engagement_id != c.engagement_id
        assert learning.recorded_at < c.cited_at
        assert c.statement == learning.statement
        reused.setdefault(c.learning_uuid, set()).add(c.engagement_id)
    assert max(len(engagements) for engagements in reused.values()) >= 2
