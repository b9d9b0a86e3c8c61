"""Three laptops exchanging bundles in every order converge (issue 12): a property test over
random edits, additions, deletions, undone deletions, stage moves, clocks that disagree and
exchange orders. After everyone has sent everyone their bundle (twice round), the canonical
dumps (no local ids) are identical, and importing again changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mwms_desktop.errors import MwmsError
from mwms_desktop.services import Services
from tests.core.merge_laptops import Laptop
from tests.factories import engagement_at, satisfy

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
SKEWS = (timedelta(), timedelta(minutes=-40), timedelta(minutes=25))  # clocks that disagree

laptop = st.integers(0, 2)
value = st.sampled_from(["North", "South", "Ops"])
edit = st.tuples(st.just("edit"), laptop, st.sampled_from(["role", "notes", "owner"]), value)
steps = st.lists(
    st.one_of(
        edit,
        edit,  # edits twice as likely: two laptops changing one field is what must converge
        st.tuples(st.just("add"), laptop, value),
        st.tuples(st.just("delete"), laptop, st.integers(0, 3)),
        st.tuples(st.just("undo"), laptop),
        st.tuples(st.just("move"), laptop, st.sampled_from(["forward", "back"])),
        st.tuples(st.just("sync"), laptop, laptop),
        st.tuples(st.just("swap"), laptop, laptop),  # both export, then each imports the other's
    ),
    min_size=2,
    max_size=10,
)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The handed-over engagement: in Initial Insight Development, every gate behind it met."""
    origin = Laptop(tmp_path_factory.mktemp("origin"), "origin", T0)
    with origin.open() as s:
        eid = engagement_at(s, "insight")
        satisfy(s, eid, "insight")
        s.records.add("stakeholder", eid, name="Second", role="Analyst")
    return origin.export()


def _eid(s: Services) -> int:
    (eid,) = [c.id for c in s.portfolio.cards(None)]
    return eid


def _step(laptops: list[Laptop], undo: dict[int, object], step: tuple) -> None:
    kind, n = step[0], step[1]
    lap = laptops[n]
    if kind == "sync":
        if step[2] != n:
            laptops[step[2]].receive(lap.export())
        return
    if kind == "swap":
        if step[2] != n:
            other = laptops[step[2]]
            mine, theirs = lap.export(), other.export()
            other.receive(mine)
            lap.receive(theirs)
        return
    with lap.open() as s:
        eid = _eid(s)
        stakeholders = s.lifecycle.detail(eid).stakeholders
        try:
            if kind == "edit" and step[2] in ("notes", "owner"):
                s.portfolio.update(eid, **{step[2]: step[3]})
            elif kind == "edit" and stakeholders:
                s.records.update("stakeholder", stakeholders[0].id, **{step[2]: step[3]})
            elif kind == "add":
                s.records.add("stakeholder", eid, name=f"Added {step[2] or 'x'}")
            elif kind == "delete" and stakeholders:
                undo[n] = s.records.delete("stakeholder", stakeholders[step[2] % len(stakeholders)].id)
            elif kind == "undo" and n in undo:
                s.records.restore(undo.pop(n))
            elif kind == "move":
                stage = s.portfolio.card(eid).stage
                target = {"insight": ("execution", "onboarding"), "execution": ("optimization", "insight"),
                          "onboarding": ("insight", "qualification")}.get(stage)  # fmt: skip
                if target:
                    forward = step[2] == "forward"
                    s.lifecycle.move(eid, target[0 if forward else 1], "" if forward else "Rethink")
        except MwmsError:
            pass  # a gate refused the move, or the record to undo is back already


@pytest.fixture
def quick_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """What this test does not exercise, and would spend its minutes on: the backup before
    each import and a disk sync at each commit."""
    from db import connection
    from mwms_desktop import bundle

    monkeypatch.setattr(bundle.maintenance, "backup_now", lambda *a, **k: None)
    monkeypatch.setitem(connection.CONNECTION_PRAGMAS, "synchronous", "off")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps, order=st.permutations([(0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1)]))
def test_three_laptops_converge_in_every_exchange_order(base, tmp_path_factory, quick_disk, steps, order):
    folder = tmp_path_factory.mktemp("laptops")
    laptops = [Laptop(folder, f"l{n}", T0, SKEWS[n]) for n in range(3)]
    now = T0 + timedelta(hours=1)
    for lap in laptops:
        lap.at(now).receive(base)
    undo: dict[int, object] = {}
    for step in steps:
        now += timedelta(minutes=3)
        for lap in laptops:
            lap.at(now)
        _step(laptops, undo, step)
    for _ in range(2):  # everyone exports at once, then imports the others' in the drawn order
        now += timedelta(minutes=3)
        for lap in laptops:
            lap.at(now)
        bundles = [lap.export() for lap in laptops]
        for src, dst in order:
            laptops[dst].receive(bundles[src])
    dumps = [lap.dump() for lap in laptops]
    assert dumps[0] == dumps[1] == dumps[2]
    again = laptops[0].receive(laptops[1].export())
    assert (again.total(0), again.total(1), again.total(3), again.conflicts) == (0, 0, 0, 0)
