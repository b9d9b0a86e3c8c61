"""Consultants' login roles and engagement shares on the team server."""

from __future__ import annotations

import re
import secrets

import psycopg
from psycopg import sql

from db.server.schema import Meta

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_.-]{0,62}$")


class RoleError(Exception):
    """A consultant who cannot be added or an engagement that cannot be shared; the message says why."""


def add_consultant(conn: psycopg.Connection, meta: Meta, name: str, *, head_office: bool = False) -> str:
    """Create login role ``name`` in the consultants' (and head office's) group, in one
    transaction; returns its one-time password (shown once, stored nowhere)."""
    if not ROLE_NAME.match(name):
        raise RoleError(
            f"{name!r} is not a usable consultant name: lower-case letters, digits, '_', '.' or '-', "
            "starting with a letter, at most 63 characters."
        )
    password = secrets.token_urlsafe(18)
    with conn.transaction():
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone():
            raise RoleError(f"A role named {name!r} already exists on this server.")
        # Hashed here (SCRAM), so the clear password never reaches the server or its log.
        verifier = conn.pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256")
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
                sql.Identifier(name),
                sql.Literal(verifier.decode()),
                sql.Identifier(meta.head_office_role if head_office else meta.consultant_role),
            )
        )
    return password


def share(conn: psycopg.Connection, engagement_uuid: str, colleague: str) -> None:
    """Let ``colleague`` read and write the engagement: run as its owner (or head office)."""
    try:
        with conn.transaction():
            conn.execute("SELECT mwms_share(%s, %s)", (engagement_uuid, colleague))
    except (
        psycopg.errors.NoDataFound,
        psycopg.errors.InsufficientPrivilege,
        psycopg.errors.UndefinedObject,
    ) as exc:
        raise RoleError(exc.diag.message_primary or str(exc)) from exc
