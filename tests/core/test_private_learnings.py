"""A learning marked private: checked by the one validator, carried by bundles, and a bundle
written before the flag existed still imports (its learnings not private)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mwms_desktop.errors import ValidationError
from tests.core.merge_laptops import Laptop

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def test_private_is_yes_or_no(services) -> None:
    eid = services.portfolio.add("Acme Retail", "ecommerce_growth").id
    with pytest.raises(ValidationError, match="Private must be yes or no"):
        services.records.add("learning", eid, statement="Free shipping wins", private="yes")
    assert services.lifecycle.detail(eid).learnings == ()  # nothing written
    lr = services.records.add("learning", eid, statement="Free shipping wins")
    assert lr.private is False
    assert services.records.update("learning", lr.id, private=True).private is True
    assert services.lifecycle.detail(eid).learnings[0].private is True


def test_bundles_carry_it_and_an_older_bundle_means_not_private(tmp_path: Path) -> None:
    a, b, c = (Laptop(tmp_path, name, T0) for name in ("a", "b", "c"))
    with a.open() as s:
        eid = s.portfolio.add("Acme Retail", "ecommerce_growth").id
        s.records.add("learning", eid, statement="Kept to ourselves", private=True)
        s.records.add("learning", eid, statement="Shared with the team")
    bundle = a.export()
    learnings = json.loads(bundle.read_text())["engagements"][0]["learnings"]
    assert {lr["statement"]: lr["private"] for lr in learnings} == {
        "Kept to ourselves": True,
        "Shared with the team": False,
    }
    b.receive(bundle)
    with b.open() as s:
        (card,) = s.portfolio.cards(None)
        got = {lr.statement: lr.private for lr in s.lifecycle.detail(card.id).learnings}
    assert got == {"Kept to ourselves": True, "Shared with the team": False}

    older = json.loads(bundle.read_text())  # as written before the flag existed
    for lr in older["engagements"][0]["learnings"]:
        del lr["private"]
        lr["dots"].pop("private", None)
    old_bundle = tmp_path / "older.json"
    old_bundle.write_text(json.dumps(older))
    c.receive(old_bundle)
    with c.open() as s:
        (card,) = s.portfolio.cards(None)
        assert {lr.private for lr in s.lifecycle.detail(card.id).learnings} == {False}
