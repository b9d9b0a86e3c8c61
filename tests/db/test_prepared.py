"""Prepared queries (db/prepared.py): built once by peewee, run with other keys, they answer
exactly what the peewee query built for those keys answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from peewee import Tuple

from db.connection import open_database
from db.models import Engagement, OnboardingItem, Stakeholder, database
from db.prepared import Prepared
from mwms_desktop import framework
from mwms_desktop.services import Services
from tests.factories import engagement_at, satisfy

E = Engagement


def _stakeholders(eid: int):
    return Stakeholder.select().where(Stakeholder.engagement == eid).order_by(Stakeholder.id)


def test_each_run_puts_its_own_key_in_place_of_the_marker(demo_services: Services) -> None:
    """One prepared query, run for every engagement, returns each engagement's own rows, in
    the same order and with the same converted values as peewee's query for that id."""
    prepared = Prepared(_stakeholders)
    ids = [c.id for c in demo_services.portfolio.cards()]
    assert sum(1 for eid in ids if _stakeholders(eid).count()) >= 3  # several differ
    for eid in ids:
        expected = [(s.id, s.name, s.alignment, s.last_contact, s.updated_at) for s in _stakeholders(eid)]
        got = [(s.id, s.name, s.alignment, s.last_contact, s.updated_at) for s in prepared.models(eid)]
        assert got == expected


def test_fixed_values_stay_fixed_and_keys_of_three_kinds_land_in_order(services: Services) -> None:
    """Keys of different types (stage text, position, id) each go to their own parameter; the
    query's constant values ("active") are not mistaken for keys."""
    ids = [engagement_at(services, "qualification") for _ in range(4)]
    services.portfolio.archive(ids[2])
    below = Prepared(
        lambda stage, position, eid: (
            E.select(E.id)
            .where(
                (E.stage == stage) & (Tuple(E.position, E.id) > Tuple(position, eid)) & (E.status == "active")
            )
            .order_by(E.position, E.id)
        ),
        str,
        float,
        int,
    )
    first = E.get_by_id(ids[0])
    assert [r[0] for r in below.rows("qualification", first.position, ids[0])] == [ids[1], ids[3]]
    assert below.rows("onboarding", first.position, ids[0]) == []
    second = E.get_by_id(ids[1])
    assert below.scalar("qualification", second.position, ids[1]) == ids[3]  # the archived one skipped


def test_boolean_and_date_fields_are_converted_as_peewee_converts_them(services: Services) -> None:
    eid = engagement_at(services, "onboarding")
    satisfy(services, eid, "onboarding")
    prepared = Prepared(lambda key: OnboardingItem.select().where(OnboardingItem.engagement == key))
    items = prepared.models(eid)
    assert len(items) == len(framework.ONBOARDING_ELEMENTS)
    assert all(item.done is True for item in items)
    assert {type(item.done_on).__name__ for item in items} == {"date"}


def test_a_missing_row_is_none_and_the_sql_is_built_once(services: Services) -> None:
    builds: list[int] = []

    def build(key: int):
        builds.append(key)
        return E.select().where(E.id == key)

    prepared = Prepared(build)
    eid = engagement_at(services, "qualification")
    assert prepared.first(eid).id == eid
    assert prepared.first(eid + 1000) is None
    assert prepared.scalar(eid + 1000) is None
    assert len(builds) == 1


def test_a_query_that_drops_a_key_or_a_call_with_the_wrong_keys_is_refused(services: Services) -> None:
    """A builder that ignores one of its keys would silently run with a stale value: refused."""
    ignores_second = Prepared(lambda a, b: E.select().where(E.id == a), int, int)
    with pytest.raises(ValueError, match="does not use key"):
        ignores_second.rows(1, 2)
    prepared = Prepared(lambda key: E.select().where(E.id == key))
    with pytest.raises(TypeError):
        prepared.rows(1, 2)
    eid = engagement_at(services, "qualification")
    for wrong in (E.get_by_id(eid), float(eid), True, str(eid)):  # no conversion happens: refused
        with pytest.raises(TypeError, match="expected keys of type"):
            prepared.rows(wrong)


def test_the_built_sql_runs_on_whichever_file_is_open(tmp_path: Path, services: Services) -> None:
    """Only the SQL is kept: after the app opens another file (a restore, a new database), the
    same prepared query reads the new file."""
    prepared = Prepared(lambda key: E.select(E.client).where(E.id == key))
    eid = services.portfolio.add("First file").id
    assert prepared.scalar(eid) == "First file"
    services.close()
    open_database(tmp_path / "other.sqlite")
    try:
        assert prepared.scalar(eid) is None
        other = E.create(client="Second file", engagement_type="consulting", stage="qualification",
                         stage_entered_at=E.created_at.default())  # fmt: skip
        assert prepared.scalar(other.id) == "Second file"
    finally:
        database.close()
