"""Merges that lose nothing (issue 12): the newest change wins, edit or deletion, and the
losing version is always in the conflicts list; the two cases found by trying to break the
old merge; undo of a deletion after a merge; bundles of format 1; bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mwms_desktop import framework
from mwms_desktop.bundle import import_bundle
from mwms_desktop.errors import BundleError
from tests.core.merge_laptops import Laptop, as_version_1
from tests.factories import engagement_at, satisfy

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _handover(tmp_path: Path, stage: str = "qualification") -> tuple[Laptop, Laptop, int]:
    """Laptop A makes an engagement (with a stakeholder, Dana) and hands it to laptop B."""
    a, b = Laptop(tmp_path, "a", T0), Laptop(tmp_path, "b", T0)
    with a.open() as s:
        eid = engagement_at(s, stage) if stage != "qualification" else s.portfolio.add("Acme Ltd").id
        if stage == "qualification":
            s.records.add("stakeholder", eid, name="Dana", role="Sponsor")
        elif stage == "insight":
            satisfy(s, eid, stage)  # a research insight and a hypothesis linked to it
    b.at(T0 + HOUR).receive(a.export())
    return a, b, eid


def _stakeholder(laptop: Laptop, name: str = "Dana") -> object | None:
    with laptop.open() as s:
        (eid,) = [c.id for c in s.portfolio.cards(None)]
        found = [x for x in s.lifecycle.detail(eid).stakeholders if x.name == name]
    return found[0] if found else None


def _do(laptop: Laptop, op: str, when: datetime) -> None:
    """Edit Dana's role (to the laptop's name) or delete her, at ``when``."""
    laptop.at(when)
    with laptop.open() as s:
        (eid,) = [c.id for c in s.portfolio.cards(None)]
        dana = next(x for x in s.lifecycle.detail(eid).stakeholders if x.name == "Dana")
        if op == "edit":
            s.records.update("stakeholder", dana.id, role=f"Role {laptop.name}")
        else:
            s.records.delete("stakeholder", dana.id)


@pytest.mark.parametrize("newer", ["a", "b"])
@pytest.mark.parametrize("op_b", ["edit", "delete"])
@pytest.mark.parametrize("op_a", ["edit", "delete"])
def test_every_pair_of_edit_and_delete_the_newest_wins_and_the_loser_is_kept(tmp_path, op_a, op_b, newer):
    """Both laptops change the same record after the handover, one later than the other;
    bundles go both ways. Both end with the newer change (an edit, or the deletion), and each
    laptop's conflicts list holds the losing version, unless both deleted it (nothing lost)."""
    a, b, _ = _handover(tmp_path)
    first, second = (b, a) if newer == "a" else (a, b)
    ops = {"a": op_a, "b": op_b}
    _do(first, ops[first.name], T0 + 2 * HOUR)
    _do(second, ops[second.name], T0 + 3 * HOUR)
    from_a, from_b = a.at(T0 + 4 * HOUR).export(), b.at(T0 + 4 * HOUR).export()
    a.receive(from_b)
    b.receive(from_a)

    assert a.dump() == b.dump()
    winner = ops[second.name]
    dana = _stakeholder(a)
    if winner == "delete":
        assert dana is None
    else:
        assert dana is not None
        assert dana.role == f"Role {second.name}"
    loser = None if ops[first.name] == "delete" else {"role": f"Role {first.name}"}
    for laptop in (a, b):
        found = laptop.conflicts()
        if op_a == op_b == "delete":
            assert found == []
            continue
        (c,) = found
        versions = [c.mine, c.theirs]
        if loser is None:
            assert None in versions
        else:
            assert any(v is not None and v["role"] == loser["role"] for v in versions)
        assert (c.mine_at, c.theirs_at) != (None, None)


def test_an_older_edit_loses_to_a_deletion_that_saw_it_without_a_conflict(tmp_path):
    """A deletion made after seeing an edit (the edit travelled first) wins on every laptop
    and is no conflict: nothing was changed on both sides."""
    a, b, _ = _handover(tmp_path)
    _do(a, "edit", T0 + 2 * HOUR)
    b.at(T0 + 3 * HOUR).receive(a.export())
    _do(b, "delete", T0 + 4 * HOUR)
    a.at(T0 + 5 * HOUR).receive(b.export())
    assert _stakeholder(a) is None
    assert a.conflicts() == []
    assert b.conflicts() == []


def test_clock_skew_never_makes_a_bundle_unimportable(tmp_path):
    """Found by trying to break it: A creates at 10:00; B, whose clock is an hour behind,
    imports and moves it. B's history has the move "before" the creation by the clocks; it
    orders by its causal chain, so B's own database and A's import it, and both agree."""
    a = Laptop(tmp_path, "a", T0)
    b = Laptop(tmp_path, "b", T0, skew=-HOUR)
    with a.open() as s:
        eid = s.portfolio.add("Skewed Ltd").id
        satisfy(s, eid, "qualification")
    b.at(T0 + timedelta(minutes=5)).receive(a.export())
    with b.open() as s:
        (bid,) = [c.id for c in s.portfolio.cards()]
        s.lifecycle.move(bid, "onboarding")
        moves = s.lifecycle.history(bid)
        assert [m.kind for m in moves] == ["created", "forward"]  # in causal order
        # B's clock reads 09:05; the move is dated just after what it follows instead.
        assert moves[-1].moved_at == moves[0].moved_at + timedelta(seconds=1)
    from_b = b.export()
    b.receive(from_b)  # B's own bundle, once refused as "must start with the creation"
    report = a.at(T0 + HOUR).receive(from_b)
    assert report.counts["stage_history"][0] == 1
    with a.open() as s:
        assert s.portfolio.card(eid).stage == "onboarding"
    assert a.dump() == b.dump()


def test_an_unrelated_edit_does_not_undo_a_stage_move(tmp_path):
    """Found by trying to break it: A moves to Onboarding; B, later, edits the notes; A
    imports B's bundle. The stage stays Onboarding (it follows the merged history) with its
    days in stage, and B's notes arrive: fields changed on one side only merge field by field."""
    a = Laptop(tmp_path, "a", T0)
    b = Laptop(tmp_path, "b", T0)
    with a.open() as s:
        eid = s.portfolio.add("Moved Ltd").id
        satisfy(s, eid, "qualification")
    b.at(T0 + HOUR).receive(a.export())
    a.at(T0 + 2 * HOUR)
    with a.open() as s:
        s.lifecycle.move(eid, "onboarding")
    b.at(T0 + 3 * HOUR)
    with b.open() as s:
        (bid,) = [c.id for c in s.portfolio.cards()]
        s.portfolio.update(bid, notes="Call on Friday")
    report = a.at(T0 + 4 * HOUR).receive(b.export())
    with a.open() as s:
        card = s.portfolio.card(eid)
        assert (card.stage, s.portfolio.detail(eid).card.notes) == ("onboarding", "Call on Friday")
        assert s.portfolio.stage_entered_at(eid) == T0 + 2 * HOUR
        assert s.lifecycle.history(eid)[-1].to_stage == "onboarding"
    assert report.conflicts == 0
    b.receive(a.export())
    assert a.dump() == b.dump()


def test_undo_of_a_deletion_after_a_merge_brings_the_record_back_everywhere(tmp_path):
    """A deletes an insight; B takes the deletion; A undoes it (restore): the record comes
    back on A with its tombstone gone, and on B by the next bundle, as a newer change
    (no conflict)."""
    a, b, eid = _handover(tmp_path, "insight")
    a.at(T0 + 2 * HOUR)
    with a.open() as s:
        insight = s.lifecycle.detail(eid).insights[0]
        snap = s.records.delete("insight", insight.id)
    report = b.at(T0 + 3 * HOUR).receive(a.export())
    assert report.counts["insights"][3] == 1  # deleted on B
    a.at(T0 + 4 * HOUR)
    with a.open() as s:
        s.records.restore(snap)
    report = b.at(T0 + 5 * HOUR).receive(a.export())
    assert report.counts["insights"][0] == 1  # back on B
    assert report.conflicts == 0
    with b.open() as s:
        (bid,) = [c.id for c in s.portfolio.cards()]
        insights = s.lifecycle.detail(bid).insights
        assert [i.statement for i in insights] == [insight.statement]
        assert [h.insight_ids for h in s.lifecycle.detail(bid).hypotheses] == [(insights[0].id,)]
    assert a.dump() == b.dump()


def test_a_passed_gate_that_no_longer_holds_is_a_conflict_and_a_drift_signal(tmp_path):
    """One laptop deletes the only research insight while the other moves on to Structured
    Execution: after the merge the engagement stays in Execution (nothing undone silently),
    its conflicts list names the gate, and so does a drift signal."""
    a, b, eid = _handover(tmp_path, "insight")
    a.at(T0 + 2 * HOUR)
    with a.open() as s:
        s.records.delete("insight", s.lifecycle.detail(eid).insights[0].id)
    b.at(T0 + 3 * HOUR)
    with b.open() as s:
        (bid,) = [c.id for c in s.portfolio.cards()]
        s.lifecycle.move(bid, "execution")
    report = a.at(T0 + 4 * HOUR).receive(b.export())
    found = a.conflicts()
    assert report.conflicts == len(found) == 2  # the insight, and the hypothesis linked to it
    assert {c.kind for c in found} == {"gate"}
    assert all(c.detail.startswith("In Structured Execution after a merge, but no longer: ") for c in found)
    with a.open() as s:
        card = s.portfolio.card(eid)
        assert card.stage == "execution"
        assert any(d.code == "gate_lapsed" and "insight" in d.message for d in card.drift)


def test_resolving_a_conflict_writes_the_kept_version_as_the_newest_and_undo_takes_it_back(tmp_path):
    """Keep the losing version: it is written as a newer local change (the other laptop
    takes it without a new conflict); reopening puts the record back as it was."""
    a, b, _ = _handover(tmp_path)
    _do(a, "edit", T0 + 2 * HOUR)
    _do(b, "edit", T0 + 3 * HOUR)
    a.at(T0 + 4 * HOUR).receive(b.export())
    assert _stakeholder(a).role == "Role b"
    a.at(T0 + 5 * HOUR)
    with a.open() as s:
        (c,) = s.conflicts.list()
        resolution = s.conflicts.resolve(c.id, "mine")
        assert s.conflicts.count() == 0
    assert _stakeholder(a).role == "Role a"
    with a.open() as s:
        s.conflicts.reopen(resolution)
        assert s.conflicts.count() == 1
    assert _stakeholder(a).role == "Role b"
    with a.open() as s:
        s.conflicts.resolve(c.id, "mine")
    report = b.at(T0 + 6 * HOUR).receive(a.export())
    assert report.conflicts == 0
    assert _stakeholder(b).role == "Role a"
    assert a.dump() == b.dump()


def test_a_version_1_bundle_still_imports_and_twice_changes_nothing(tmp_path):
    """A bundle written before format 2 (no vectors, tombstones or move chain) imports
    into an empty database; again, it changes nothing; into a database with a newer edit of
    a record, the newer wins and the older is kept in the conflicts list."""
    a, _, _ = _handover(tmp_path, "execution")
    old = as_version_1(a.export(), tmp_path / "v1.json")
    c = Laptop(tmp_path, "c", T0 + HOUR)
    first = c.receive(old)
    assert first.total(0) >= 20
    assert first.total(1) == 0
    again = c.receive(old)
    assert (again.total(0), again.total(1), again.total(3), again.conflicts) == (0, 0, 0, 0)
    with c.open() as s:
        (cid,) = [x.id for x in s.portfolio.cards()]
        assert s.portfolio.card(cid).stage == "execution"
        stakeholder = s.lifecycle.detail(cid).stakeholders[0]
        s.records.update("stakeholder", stakeholder.id, role="Newer on C")
    report = c.at(T0 + 2 * HOUR).receive(old)
    assert report.conflicts == 1
    (conflict,) = c.conflicts()
    assert conflict.theirs["role"] != "Newer on C"
    assert conflict.mine["role"] == "Newer on C"
    with c.open() as s:
        assert s.lifecycle.detail(cid).stakeholders[0].role == "Newer on C"


def test_a_tombstone_of_a_record_never_seen_is_kept_and_counted_not_applied(tmp_path):
    """Bad input that is not refused: a deletion of a record this laptop never had is
    counted and kept (so the record cannot come back from a third laptop), nothing deleted."""
    a, b, _ = _handover(tmp_path)
    path = a.export()
    data = json.loads(path.read_text())
    data["tombstones"].append(
        {"uuid": "22222222-2222-4222-8222-222222222222", "kind": "insights",
         "engagement": data["engagements"][0]["uuid"], "deleted_at": "2026-11-02T09:00:00+00:00",
         "device": data["device"], "who": "zoe", "vv": {data["device"]: 9}}
    )  # fmt: skip
    path.write_text(json.dumps(data))
    before = b.dump()
    report = b.at(T0 + 2 * HOUR).receive(path)
    assert report.unknown_tombstones == 1
    assert report.total(3) == 0
    after = b.dump()
    assert after[:-1] == before[:-1]
    assert [t["uuid"] for t in after[-1]["tombstones"]] == ["22222222-2222-4222-8222-222222222222"]


def test_a_refused_bundle_leaves_the_database_byte_for_byte(tmp_path):
    """A deletion dated in the future: refused naming the tombstone, the file unchanged."""
    a, b, _ = _handover(tmp_path)
    _do(a, "delete", T0 + 2 * HOUR)
    path = a.export()
    data = json.loads(path.read_text())
    data["tombstones"][0]["deleted_at"] = "2999-01-01T00:00:00+00:00"
    path.write_text(json.dumps(data))
    before = b.path.read_bytes()
    with b.open(), pytest.raises(BundleError, match=r"^tombstones\[0\]\.deleted_at: "):
        import_bundle(b.path, path)
    assert b.path.read_bytes() == before


def test_stages_are_the_frameworks():
    assert framework.STAGE_SLUGS[0] == "qualification"


def test_the_dossier_summary_names_unresolved_conflicts(tmp_path):
    """A handover should not hide them: the dossier's summary says how many there are."""
    from mwms_desktop.dossier import export_dossier
    from tests.core.test_dossier import pdf_text, squash

    a, b, _ = _handover(tmp_path)
    _do(a, "edit", T0 + 2 * HOUR)
    _do(b, "edit", T0 + 3 * HOUR)
    a.at(T0 + 4 * HOUR).receive(b.export())
    with a.open() as s:
        (eid,) = [c.id for c in s.portfolio.cards()]
        export_dossier(s, eid, tmp_path / "with.pdf")
        (c,) = s.conflicts.list()
        s.conflicts.resolve(c.id, "theirs")
        export_dossier(s, eid, tmp_path / "without.pdf")
    text = squash(" ".join(pdf_text(tmp_path / "with.pdf")))
    assert squash("Unresolved conflicts: 1 record changed on two laptops") in text
    assert "Unresolved conflicts" not in " ".join(pdf_text(tmp_path / "without.pdf"))
