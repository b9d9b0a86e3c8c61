"""Reuse that is traceable: "built on" citations, both ways, and in bundles."""

from __future__ import annotations

import json

import pytest

from mwms_desktop.bundle import build_bundle, import_bundle
from mwms_desktop.errors import NotFound, ValidationError
from mwms_desktop.services import open_services
from tests.core.library_helpers import portfolio


def _hypothesis(s, eid: int, text: str = "Trust badges will lift checkout completion") -> int:
    return s.records.add("hypothesis", eid, statement=text).id


def test_a_citation_shows_both_ways_with_its_snapshot(services, clock):
    ids = portfolio(services)
    h = _hypothesis(services, ids["c"])
    i = services.records.add("insight", ids["b"], statement="Buyers look for badges").id
    services.citations.cite("hypothesis", h, ids["checkout"])
    services.citations.cite("insight", i, ids["checkout"])
    (built,) = services.citations.built_on("hypothesis", h)
    assert (built.learning_id, built.learning_client) == (ids["checkout"], "Zoë Ødegård Studio")
    assert built.cited_at == clock.now()
    # The learning changes later: the citation keeps what it read when cited.
    services.records.update("learning", ids["checkout"], statement="Badges help, a little")
    assert services.citations.built_on("hypothesis", h)[0].statement.startswith("Checkout trust badges")
    reused = services.citations.reused(ids["checkout"])
    assert sorted(c.client for c in reused) == ["Müller & Söhne GmbH", "Иванов и партнёры"]
    assert services.citations.reuse_counts()[built.learning_uuid] == {ids["b"], ids["c"]}
    assert [c.id for c in services.citations.reused_from_engagement(ids["a"])] == [c.id for c in reused]
    assert [c.citing_id for c in services.citations.of_engagement(ids["c"])] == [h]


def test_a_removed_citation_comes_back_as_it_was(services, clock):
    """What undo relies on: uncite gives a snapshot, restore puts back the same citation
    (uuid, snapshot of the statement, time of citing), and refuses a second copy."""
    ids = portfolio(services)
    h = _hypothesis(services, ids["c"])
    made = services.citations.cite("hypothesis", h, ids["checkout"])
    services.records.update("learning", ids["checkout"], statement="Badges help, a little")
    snap = services.citations.uncite(made.id)
    assert services.citations.reused(ids["checkout"]) == []
    back = services.citations.restore(snap)
    assert (back.uuid, back.statement, back.cited_at) == (made.uuid, made.statement, made.cited_at)
    assert [c.uuid for c in services.citations.reused(ids["checkout"])] == [made.uuid]
    with pytest.raises(ValidationError, match="already built on"):
        services.citations.restore(snap)
    services.records.delete("hypothesis", h)
    services.citations.uncite(back.id)
    with pytest.raises(NotFound, match="nothing to restore"):
        services.citations.restore(snap)  # its hypothesis is gone


def test_refusals_are_one_clear_line_and_change_nothing(services):
    ids = portfolio(services)
    h = _hypothesis(services, ids["a"])
    with pytest.raises(ValidationError, match="same engagement"):
        services.citations.cite("hypothesis", h, ids["checkout"])
    h2 = _hypothesis(services, ids["c"])
    services.citations.cite("hypothesis", h2, ids["checkout"])
    with pytest.raises(ValidationError, match="already built on"):
        services.citations.cite("hypothesis", h2, ids["checkout"])
    with pytest.raises(ValidationError, match="hypothesis or an insight"):
        services.citations.cite("cycle", 1, ids["checkout"])
    assert len(services.citations.reused(ids["checkout"])) == 1


def test_a_removed_hypothesis_hides_its_citation_and_undo_brings_it_back(services):
    ids = portfolio(services)
    h = _hypothesis(services, ids["c"])
    services.citations.cite("hypothesis", h, ids["checkout"])
    snap = services.records.delete("hypothesis", h)
    assert services.citations.reused(ids["checkout"]) == []
    services.records.restore(snap)
    assert [c.citing_id for c in services.citations.reused(ids["checkout"])] == [h]


def test_citations_travel_in_bundles_with_their_uuid_and_snapshot(tmp_path, clock):
    s = open_services(tmp_path / "a.sqlite", clock=clock)
    try:
        ids = portfolio(s)
        h = _hypothesis(s, ids["c"])
        made = s.citations.cite("hypothesis", h, ids["checkout"])
        sent = build_bundle(None, clock.now())
    finally:
        s.close()
    (c_record,) = next(e for e in sent["engagements"] if e["client"] == "Иванов и партнёры")["citations"]
    assert c_record["uuid"] == made.uuid
    assert c_record["statement"] == made.statement
    (tmp_path / "b.json").write_text(json.dumps(sent), encoding="utf-8")
    s = open_services(tmp_path / "c.sqlite", clock=clock)
    try:
        import_bundle(s.path, tmp_path / "b.json")
        assert build_bundle(None, clock.now())["engagements"] == sent["engagements"]
        eid = next(c.id for c in s.portfolio.cards() if c.client == "Иванов и партнёры")
        (back,) = s.citations.of_engagement(eid)
        assert (back.uuid, back.statement, back.cited_at) == (made.uuid, made.statement, made.cited_at)
        assert back.learning_client == "Zoë Ødegård Studio"
        assert s.citations.reused(back.learning_id) == [back]
    finally:
        s.close()
    # Only the citing engagement travels: the learning is not there, the snapshot still reads.
    only = {**sent, "engagements": [e for e in sent["engagements"] if e["client"] == "Иванов и партнёры"]}
    (tmp_path / "d.json").write_text(json.dumps(only), encoding="utf-8")
    s = open_services(tmp_path / "e.sqlite", clock=clock)
    try:
        import_bundle(s.path, tmp_path / "d.json")
        eid = s.portfolio.cards()[0].id
        (alone,) = s.citations.of_engagement(eid)
        assert (alone.learning_id, alone.statement) == (None, made.statement)
    finally:
        s.close()


def test_a_removed_citation_stays_removed_on_every_laptop_and_its_undo_travels_too(tmp_path, clock):
    """Issue 12's rule for the library's links: A cites, B gets it; A removes the citation:
    B's import removes it too, and B's own bundle back to A does not bring it back (a removal
    is a tombstone); A then undoes the removal, a newer change, which reaches B."""
    from datetime import timedelta

    from mwms_desktop.bundle import export_bundle

    def citations(path) -> list[str]:
        s = open_services(path, clock=clock)
        try:
            return [c.uuid for card in s.portfolio.cards() for c in s.citations.of_engagement(card.id)]
        finally:
            s.close()

    def send(src, dst, name) -> None:
        s = open_services(src, clock=clock)
        try:
            export_bundle(tmp_path / name, clock=clock)
        finally:
            s.close()
        s = open_services(dst, clock=clock)
        try:
            import_bundle(dst, tmp_path / name)
        finally:
            s.close()

    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    s = open_services(a, clock=clock)
    try:
        ids = portfolio(s)
        made = s.citations.cite("hypothesis", _hypothesis(s, ids["c"]), ids["checkout"])
    finally:
        s.close()
    send(a, b, "1.json")
    assert citations(b) == [made.uuid]
    clock.at += timedelta(minutes=5)
    s = open_services(a, clock=clock)
    try:
        snap = s.citations.uncite(made.id)
    finally:
        s.close()
    send(a, b, "2.json")
    assert citations(b) == []
    send(b, a, "3.json")  # B's bundle has no citation and the tombstone: nothing comes back
    assert citations(a) == []
    clock.at += timedelta(minutes=5)
    s = open_services(a, clock=clock)
    try:
        s.citations.restore(snap)  # the undo of the removal
    finally:
        s.close()
    send(a, b, "4.json")
    send(b, a, "5.json")
    assert citations(a) == citations(b) == [made.uuid]
