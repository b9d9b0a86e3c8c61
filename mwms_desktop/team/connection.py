"""Connecting to the team server: one clear line for each way it fails, and the version
check every client runs before it does anything else.

A client older than the server's minimum is refused with a message to update; a client newer
than the server's schema is refused too, and never changes the schema itself (only an
administrator's ``team init --upgrade`` does).
"""

from __future__ import annotations

import psycopg

from db.server import schema
from db.server.schema import Meta, version_tuple
from mwms_desktop import __version__
from mwms_desktop.team.address import TeamAddress
from mwms_desktop.team.errors import ClientTooOld, Offline, ServerTooOld, TeamError


def describe(exc: psycopg.Error, address: TeamAddress) -> TeamError:
    """The one line for a failed connection (libpq's text says what happened)."""
    text = str(exc).strip()
    lower = text.lower()
    where = address.where
    if "password authentication failed" in lower or "no password supplied" in lower:
        return TeamError(f"The team server at {where} refused the password for {address.user}.")
    if "could not translate host name" in lower or "name or service not known" in lower:
        return Offline(f"Cannot find the team server {address.host!r}: check the address and the network.")
    if f'database "{address.database.lower()}" does not exist' in lower or (
        "database" in lower and "does not exist" in lower
    ):
        return TeamError(f"There is no database {address.database!r} on the team server at {where}.")
    if "permission denied for database" in lower:
        return TeamError(f"{address.user} is not a member of the team on {where}/{address.database}.")
    if "ssl" in lower or "certificate" in lower:
        first = text.splitlines()[-1] if text else ""
        return TeamError(f"The secure (TLS) connection to {where} failed: {first}")
    if "connection refused" in lower or "timeout expired" in lower or "no route to host" in lower:
        return Offline(f"No team server answers at {where}: is it running, and is the address right?")
    first = text.splitlines()[0] if text else type(exc).__name__
    if (
        "server closed the connection" in lower
        or "terminating connection" in lower
        or "consuming input failed" in lower
    ):
        return Offline(f"The team server at {where} went away in the middle of the sync: {first}")
    return TeamError(f"Cannot connect to the team server at {where}: {first}")


def connect(address: TeamAddress, password: str | None) -> psycopg.Connection:
    """A connection as the given role, in autocommit: every change is an explicit
    ``conn.transaction()``, so nothing stays half-done in an implicit one."""
    try:
        return psycopg.connect(**address.connect_kwargs(password), autocommit=True)
    except psycopg.Error as exc:
        raise describe(exc, address) from None


def check_versions(conn: psycopg.Connection, address: TeamAddress, client_version: str = __version__) -> Meta:
    """The server's version stamp, once this client may work with it."""
    try:
        meta = schema.read_meta(conn)
    except psycopg.Error as exc:
        raise describe(exc, address) from None
    if meta is None:
        raise TeamError(
            f"{address.database} on {address.where} is not a team server yet "
            "(an administrator prepares it with `mwms-desktop team init`)."
        )
    if version_tuple(client_version) < version_tuple(meta.min_client_version):
        raise ClientTooOld(
            f"This MWMS Desktop ({client_version}) is older than the team server accepts "
            f"({meta.min_client_version} or newer): update MWMS Desktop."
        )
    if meta.schema_version < schema.SCHEMA_VERSION:
        raise ServerTooOld(
            f"The team server's schema ({meta.schema_version}) is older than this MWMS Desktop's "
            f"({schema.SCHEMA_VERSION}): the administrator must run `mwms-desktop team init --upgrade`."
        )
    if meta.protocol_version != schema.PROTOCOL_VERSION:
        raise ClientTooOld(
            f"The team server speaks sync protocol {meta.protocol_version}; this MWMS Desktop speaks "
            f"{schema.PROTOCOL_VERSION}: update MWMS Desktop."
        )
    return meta
