"""Three laptops exchanging bundles in every order converge (issue 12): a property test over
random edits, additions, deletions, undone deletions, stage moves, clocks that disagree and
exchange orders. After everyone has sent everyone their bundle (twice round), the canonical
dumps (no local ids) are identical, importing again changes nothing, and no losing version is
missing from a conflicts list.

What "losing" means is worked out here independently of the app's version vectors: the test
keeps, for each laptop, the set of changes it has seen (its own, and those of every bundle it
imported). A change that a later change of the same field (or a deletion, or a restore) had
seen was replaced knowingly, and loses nothing. Every other change is a *leaf*: its value must
be in the merged data, or in one side of a conflict on that record on some laptop (each
laptop keeps the conflicts its own merges met)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

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


@dataclass(frozen=True)
class Change:
    """One local change: ``field`` is a field's name, or DELETE / RESTORE for the record."""

    n: int
    record: str
    field: str
    value: Any
    seen: frozenset[int]  # the changes its laptop had seen when it was made


DELETE, RESTORE = "<delete>", "<restore>"


@dataclass
class Knowledge:
    """Which changes each laptop has seen, and which each bundle carries."""

    laptops: list[set[int]]
    changes: list[Change] = field(default_factory=list)
    bundles: dict[Path, frozenset[int]] = field(default_factory=dict)

    def change(self, n: int, record: str, name: str, value: Any) -> None:
        c = Change(len(self.changes), record, name, value, frozenset(self.laptops[n]))
        self.changes.append(c)
        self.laptops[n].add(c.n)

    def export(self, lap: Laptop, n: int) -> Path:
        path = lap.export()
        self.bundles[path] = frozenset(self.laptops[n])
        return path

    def receive(self, lap: Laptop, n: int, bundle: Path) -> None:
        lap.receive(bundle)
        self.laptops[n] |= self.bundles[bundle]

    def leaves(self) -> list[Change]:
        """Changes no later change of the same field or record had seen."""

        def replaces(later: Change, c: Change) -> bool:
            same = later.field == c.field or later.field in (DELETE, RESTORE) or c.field == DELETE
            return later.record == c.record and same and c.n in later.seen

        return [c for c in self.changes if not any(replaces(later, c) for later in self.changes)]


def _lost(knowledge: Knowledge, final: list[dict[str, Any]], conflicts: list[Any]) -> list[Change]:
    """The leaf changes found neither in the merged data nor in a conflict."""
    records: dict[str, dict[str, Any]] = {}
    for e in final[:-1]:
        records[e["uuid"]] = e
        for r in e["stakeholders"]:
            records[r["uuid"]] = r
    sides: dict[str, list[dict[str, Any] | None]] = {}
    for c in conflicts:
        sides.setdefault(c.record_uuid, []).extend([c.mine, c.theirs])
    lost = []
    for c in knowledge.leaves():
        now = records.get(c.record)
        kept = sides.get(c.record, [])
        if c.field == DELETE:
            ok = now is None or None in kept
        elif c.field == RESTORE:
            ok = now is not None or any(side is not None for side in kept)
        else:
            ok = (now is not None and now.get(c.field) == c.value) or any(
                side is not None and side.get(c.field) == c.value for side in kept
            )
        if not ok:
            lost.append(c)
    return lost


def _eid(s: Services) -> int:
    (eid,) = [c.id for c in s.portfolio.cards(None)]
    return eid


def _step(laptops: list[Laptop], undo: dict[int, Any], step: tuple, known: Knowledge) -> None:
    kind, n = step[0], step[1]
    lap = laptops[n]
    if kind == "sync":
        if step[2] != n:
            known.receive(laptops[step[2]], step[2], known.export(lap, n))
        return
    if kind == "swap":
        if step[2] != n:
            other = laptops[step[2]]
            mine, theirs = known.export(lap, n), known.export(other, step[2])
            known.receive(other, step[2], mine)
            known.receive(lap, n, theirs)
        return
    with lap.open() as s:
        eid = _eid(s)
        card = s.lifecycle.detail(eid)
        stakeholders = card.stakeholders
        try:
            if kind == "edit" and step[2] in ("notes", "owner"):
                if getattr(s.portfolio.card(eid), step[2]) != step[3]:  # a change, not a no-op
                    s.portfolio.update(eid, **{step[2]: step[3]})
                    known.change(n, s.portfolio.card(eid).uuid, step[2], step[3])
            elif kind == "edit" and stakeholders:
                if getattr(stakeholders[0], step[2]) != step[3]:
                    s.records.update("stakeholder", stakeholders[0].id, **{step[2]: step[3]})
                    known.change(n, stakeholders[0].uuid, step[2], step[3])
            elif kind == "add":
                s.records.add("stakeholder", eid, name=f"Added {step[2] or 'x'}")
            elif kind == "delete" and stakeholders:
                gone = stakeholders[step[2] % len(stakeholders)]
                undo[n] = s.records.delete("stakeholder", gone.id)
                known.change(n, gone.uuid, DELETE, None)
            elif kind == "undo" and n in undo:
                snap = undo.pop(n)
                s.records.restore(snap)
                known.change(n, snap.uuid, RESTORE, None)
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
    known = Knowledge([set() for _ in laptops])
    undo: dict[int, Any] = {}
    for step in steps:
        now += timedelta(minutes=3)
        for lap in laptops:
            lap.at(now)
        _step(laptops, undo, step, known)
    for _ in range(2):  # everyone exports at once, then imports the others' in the drawn order
        now += timedelta(minutes=3)
        for lap in laptops:
            lap.at(now)
        bundles = [known.export(lap, n) for n, lap in enumerate(laptops)]
        for src, dst in order:
            known.receive(laptops[dst], dst, bundles[src])
    dumps = [lap.dump() for lap in laptops]
    assert dumps[0] == dumps[1] == dumps[2]
    conflicts = [c for lap in laptops for c in lap.conflicts()]
    assert _lost(known, dumps[0], conflicts) == []
    again = laptops[0].receive(laptops[1].export())
    assert (again.total(0), again.total(1), again.total(3), again.conflicts) == (0, 0, 0, 0)
