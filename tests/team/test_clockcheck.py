"""A laptop whose clock is more than five minutes off the server's is refused a sync."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from mwms_desktop.clock import Clock, FixedClock
from mwms_desktop.team import clockcheck
from mwms_desktop.team.errors import TeamError
from tests.team.pg_server import TestServer


def test_within_five_minutes_passes_beyond_it_is_refused_saying_by_how_much() -> None:
    server = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert clockcheck.check(server, server + timedelta(minutes=5)) == timedelta(minutes=5)
    assert clockcheck.check(server, server - timedelta(minutes=4)) == timedelta(minutes=-4)
    with pytest.raises(TeamError, match=r"^This computer's clock is 7 min 30 s ahead of the team server's"):
        clockcheck.check(server, server + timedelta(minutes=7, seconds=30))
    with pytest.raises(TeamError, match=r"clock is 2 h 0 min behind the team server's: set it right"):
        clockcheck.check(server, server - timedelta(hours=2))


def test_against_the_real_servers_clock(pg_server: TestServer) -> None:
    with psycopg.connect(pg_server.url()) as conn:
        assert abs(clockcheck.check_connection(conn, Clock())) < timedelta(seconds=5)
        with pytest.raises(TeamError, match="ahead of the team server's"):
            clockcheck.check_connection(conn, FixedClock(datetime.now(UTC) + timedelta(minutes=6)))
