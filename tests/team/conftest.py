"""A real PostgreSQL for the team tests: one server for the session, a fresh database per test.

The server comes from the distribution's package (see ``pg_server``). Where it cannot be
had the team tests skip, saying why; with ``MWMS_REQUIRE_POSTGRES=1`` (CI sets it) they fail
instead, so a CI machine without PostgreSQL never passes by skipping.
"""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import psycopg
import pytest
from keyring.backend import KeyringBackend
from psycopg import sql

from mwms_desktop.team import admin
from tests.team.helpers import skip_or_fail, unique
from tests.team.pg_server import TestServer, Unavailable, start_server

TEMPLATE = "mwms_team_template"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[TestServer]:
    try:
        server = start_server()
    except Unavailable as exc:
        skip_or_fail(str(exc))
    try:
        yield server
    finally:
        server.stop()
        server.remove()


def admin_execute(server: TestServer, statement: sql.Composable | str, database: str = "postgres") -> None:
    with psycopg.connect(server.url(database), autocommit=True) as conn:
        conn.execute(statement)


@pytest.fixture(scope="session")
def team_template(pg_server: TestServer) -> str:
    """A database prepared by ``team init`` once; each test gets a copy of it."""
    admin_execute(pg_server, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(TEMPLATE)))
    admin.init_server(pg_server.url(TEMPLATE))
    return TEMPLATE


@pytest.fixture
def empty_db(pg_server: TestServer) -> Iterator[str]:
    name = unique("empty")
    admin_execute(pg_server, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    admin_execute(pg_server, sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def team_db(pg_server: TestServer, team_template: str) -> Iterator[str]:
    name = unique("team")
    admin_execute(
        pg_server,
        sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(team_template)),
    )
    yield name
    admin_execute(pg_server, sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in this process only (the tests never touch a real one)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    from keyring.backends import fail

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)
