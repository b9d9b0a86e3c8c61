"""The test server itself: where PostgreSQL cannot be had the team tests skip, but CI's
MWMS_REQUIRE_POSTGRES=1 turns that skip into a failure."""

from __future__ import annotations

import pytest

from tests.team import pg_server as server_module
from tests.team.helpers import skip_or_fail


def test_no_postgresql_skips_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MWMS_REQUIRE_POSTGRES", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no PostgreSQL for the team tests: initdb missing"):
        skip_or_fail("initdb missing")


def test_no_postgresql_fails_when_ci_requires_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MWMS_REQUIRE_POSTGRES", "1")
    with pytest.raises(pytest.fail.Exception, match="PostgreSQL is required"):
        skip_or_fail("initdb missing")


def test_a_machine_without_pg_ctl_is_reported_not_crashed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server_module.glob, "glob", lambda pattern: [])
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(server_module.Unavailable, match="initdb and pg_ctl were not found"):
        server_module.find_bindir()


def test_the_server_listens_on_loopback_only(pg_server: server_module.TestServer) -> None:
    import psycopg

    with psycopg.connect(pg_server.url()) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
