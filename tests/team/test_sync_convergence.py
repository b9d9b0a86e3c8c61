"""Two and three laptops syncing through the real server, in random order, after random
edits, additions, deletions, undone deletions and stage moves (the bundle convergence test's
steps, tests/core/test_merge_convergence.py), converge: identical canonical dumps, and every
version that lost a merge is in some laptop's conflicts list."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.test_merge_convergence import SKEWS, T0, _step
from tests.team.helpers import add
from tests.team.pg_server import TestServer
from tests.team.sync_laptops import SyncLaptop
from tests.factories import engagement_at, satisfy

laptop = st.integers(0, 2)
value = st.sampled_from(["North", "South", "Ops"])
edit = st.tuples(st.just("edit"), laptop, st.sampled_from(["role", "notes", "owner"]), value)
steps = st.lists(
    st.one_of(
        edit,
        edit,
        st.tuples(st.just("add"), laptop, value),
        st.tuples(st.just("delete"), laptop, st.integers(0, 3)),
        st.tuples(st.just("undo"), laptop),
        st.tuples(st.just("move"), laptop, st.sampled_from(["forward", "back"])),
        st.tuples(st.just("sync"), laptop, laptop),  # here: laptop syncs (the second is unused)
    ),
    min_size=2,
    max_size=10,
)


@pytest.fixture
def quick_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    from db import connection

    monkeypatch.setitem(connection.CONNECTION_PRAGMAS, "synchronous", "off")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps, n=st.sampled_from([2, 3]), order=st.permutations([0, 1, 2]))
def test_laptops_syncing_in_random_order_converge(
    pg_server: TestServer, team_db: str, memory_keyring, tmp_path_factory, quick_disk, steps, n, order
) -> None:
    name, password = add(pg_server, team_db, "conv")
    folder = tmp_path_factory.mktemp("laptops")
    laptops = [
        SyncLaptop(folder, f"l{i}", T0, SKEWS[i]).join(pg_server, team_db, name, password) for i in range(n)
    ]
    now = T0 + timedelta(hours=1)
    with laptops[0].at(now).open() as s:
        eid = engagement_at(s, "insight")
        satisfy(s, eid, "insight")
        s.records.add("stakeholder", eid, name="Second", role="Analyst")
    for lap in laptops:
        lap.sync()
    undo: dict[int, object] = {}
    for step in steps:
        now += timedelta(minutes=3)
        for lap in laptops:
            lap.at(now)
        if step[1] >= n:
            continue
        if step[0] == "sync":
            laptops[step[1]].sync()
        else:
            _step(laptops, undo, step)
    order = [i for i in order if i < n]
    for _ in range(2):  # everyone syncs, in the drawn order, twice round
        for i in order:
            report = laptops[i].sync()
            assert report.refused == ()
    dumps = [lap.dump() for lap in laptops]
    for d in dumps[1:]:
        assert d == dumps[0]
    assert all(lap.status().waiting == 0 for lap in laptops)
    again = laptops[order[0]].sync()
    assert (again.pulled, again.pushed, again.conflicts) == (0, 0, 0)
