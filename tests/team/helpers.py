"""Consultants and their own connections on the test server."""

from __future__ import annotations

import itertools
import os
from typing import NoReturn

import psycopg
import pytest

from mwms_desktop.team import admin
from tests.team.pg_server import TestServer

_names = itertools.count(1)


def unique(prefix: str) -> str:
    """A name no other test of this run uses (roles belong to the whole server)."""
    return f"{prefix}_{os.getpid()}_{next(_names)}"


def add(server: TestServer, database: str, prefix: str, *, head_office: bool = False) -> tuple[str, str]:
    """A new consultant (name, one-time password), through the admin path the CLI uses."""
    name = unique(prefix)
    return name, admin.add_consultant(server.url(database), name, head_office=head_office)


def login(server: TestServer, database: str, name: str, password: str) -> psycopg.Connection:
    return psycopg.connect(server.url(database, user=name, password=password), autocommit=True)


def insert_engagement(
    conn: psycopg.Connection, uuid: str, client: str, notes: str = "", *, owner_role: str | None = None
) -> int:
    """Hand-written SQL, as anyone connecting with their role could type it."""
    row = conn.execute(
        "INSERT INTO engagement (uuid, updated_at, client, engagement_type, owner, stage, stage_entered_at,"
        " position, status, created_at, tags, notes, next_action, verdict, verdict_note, exp_scope,"
        " exp_cadence, exp_success_measures, outcome_summary, owner_role) VALUES (%s,"
        " '2026-11-01T09:00:00+00:00', %s, 'ecommerce_growth', '', 'qualification',"
        " '2026-11-01T09:00:00+00:00', 1, 'active', '2026-11-01T09:00:00+00:00', '', %s, '', 'pending',"
        " '', '', '', '', '', coalesce(%s, current_user)) RETURNING id",
        (uuid, client, notes, owner_role),
    ).fetchone()
    assert row is not None
    return row[0]


def insert_learning(
    conn: psycopg.Connection, engagement_id: int, uuid: str, statement: str, *, private: bool = False
) -> None:
    conn.execute(
        "INSERT INTO learning (uuid, updated_at, engagement_id, statement, confidence, tags, recorded_at,"
        " private) VALUES (%s, '2026-11-01T09:00:00+00:00', %s, %s, 'high', '',"
        " '2026-11-01T09:00:00+00:00', %s)",
        (uuid, engagement_id, statement, private),
    )


def skip_or_fail(reason: str) -> NoReturn:
    """No PostgreSQL: skip, saying why; with MWMS_REQUIRE_POSTGRES=1 (CI) fail instead."""
    if os.environ.get("MWMS_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL is required (MWMS_REQUIRE_POSTGRES=1) but: {reason}")
    pytest.skip(f"no PostgreSQL for the team tests: {reason}")


def free_port_nobody_uses() -> int:
    from tests.team.pg_server import free_port

    return free_port()
