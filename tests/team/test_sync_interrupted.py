"""A sync killed (SIGKILL: nothing runs after it) in the middle of a push or of a pull, then
run again, converges with nothing lost or doubled; a server that stops in the middle of a
sync gives one clear line, and a later sync succeeds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from mwms_desktop import sync
from mwms_desktop.team.errors import Offline
from tests.team.helpers import add
from tests.team.pg_server import TestServer, start_server
from tests.team.sync_laptops import SyncLaptop

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]
N = 5


def cli_sync(lap: SyncLaptop, password: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PYTHON_KEYRING_BACKEND": "tests.team.env_keyring.EnvKeyring",
        "MWMS_TEST_PASSWORD": password,
        "QT_QPA_PLATFORM": "offscreen",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "mwms_desktop", "--db", str(lap.path), "sync"],
        capture_output=True, text=True, env=full, timeout=120, cwd=ROOT, check=False,
    )  # fmt: skip


def portfolio(lap: SyncLaptop, n: int = N) -> None:
    with lap.open() as s:
        for i in range(n):
            card = s.portfolio.add(f"Client {i}", "ecommerce_growth")
            s.records.add("stakeholder", card.id, name=f"Sponsor {i}")
            s.records.add("insight", card.id, activity="research", statement=f"Insight {i}",
                          recorded_on=T0.date())  # fmt: skip


def server_counts(server: TestServer, db: str) -> tuple[int, ...]:
    with psycopg.connect(server.url(db)) as conn:
        return tuple(
            conn.execute(
                sql.SQL("SELECT count(*), count(DISTINCT uuid) FROM {}").format(sql.Identifier(t))
            ).fetchone()[0]
            for t in ("engagement", "stakeholder", "insight", "stage_move")
        )


@pytest.fixture
def team(pg_server: TestServer, team_db: str, memory_keyring, tmp_path: Path):
    name, password = add(pg_server, team_db, "kill")
    a, b = (SyncLaptop(tmp_path, n, T0).join(pg_server, team_db, name, password) for n in ("a", "b"))
    return a, b, password


def test_killed_in_the_middle_of_a_push_then_run_again(team, pg_server: TestServer, team_db: str) -> None:
    a, b, password = team
    portfolio(a)
    killed = cli_sync(a, password, MWMS_SYNC_BATCH="1", MWMS_SYNC_KILL="push:3")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # three batches reached the server; this laptop had not recorded the third
    assert server_counts(pg_server, team_db)[0] == 3
    assert a.status().waiting == N - 2
    done = cli_sync(a, password)
    assert done.returncode == 0, done.stderr
    assert "0 change(s) still waiting" in done.stdout
    assert server_counts(pg_server, team_db) == (N, N, N, N)  # nothing doubled, nothing lost
    b.sync()
    assert a.dump() == b.dump()
    assert len(a.dump()) == N + 1  # the engagements and the tombstones list


def test_killed_in_the_middle_of_a_pull_resumes_where_it_stopped(
    team, pg_server: TestServer, team_db: str
) -> None:
    a, b, password = team
    portfolio(a)
    a.sync()
    killed = cli_sync(b, password, MWMS_SYNC_PAGE="1", MWMS_SYNC_KILL="pull:2")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    with b.open() as s:
        assert len(s.portfolio.cards(None)) == 2  # two pages, each with its cursor, committed
    rest = b.sync()
    assert rest.pulled == N - 2  # from where it stopped: not again from zero
    assert (rest.pushed, rest.waiting, rest.refused) == (0, 0, ())
    assert a.dump() == b.dump()
    assert server_counts(pg_server, team_db) == (N, N, N, N)


def test_the_server_stopping_in_the_middle_of_a_sync_is_one_line_and_a_later_sync_succeeds(
    memory_keyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mwms_desktop.team import admin
    from tests.team.conftest import admin_execute

    server = start_server()  # a throw-away server of its own, to stop
    try:
        admin_execute(server, "CREATE DATABASE doomed")
        admin.init_server(server.url("doomed"))
        name, password = add(server, "doomed", "stop")
        a = SyncLaptop(tmp_path, "a", T0).join(server, "doomed", name, password)
        portfolio(a)
        monkeypatch.setenv("MWMS_SYNC_BATCH", "1")
        from mwms_desktop.sync import checkpoints

        real = checkpoints.reached
        batches: list[str] = []

        def stop_after_two(kind: str) -> None:
            real(kind)
            batches.append(kind)
            if batches.count("push") == 2:
                server.stop()  # between two push batches: the next one finds no server

        monkeypatch.setattr(checkpoints, "reached", stop_after_two)
        with a.open(), pytest.raises(Offline) as raised:
            sync.run()
        line = str(raised.value)
        assert "\n" not in line and f"127.0.0.1:{server.port}" in line
        with a.open():
            assert sync.status().waiting == N - 2  # the two batches the server took are recorded
        monkeypatch.setattr(checkpoints, "reached", real)
        server.start()
        report = a.sync()
        assert report.waiting == 0 and report.refused == ()
        with psycopg.connect(server.url("doomed")) as conn:
            assert conn.execute("SELECT count(*) FROM engagement").fetchone() == (N,)
    finally:
        server.stop()
        server.remove()
