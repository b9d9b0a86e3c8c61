"""What the firm's administrator runs against the server with an admin address (a
superuser, or a role with CREATEROLE owning the database): prepare or upgrade it, add
consultants. Laptops never run these."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from db.server import roles, schema
from db.server.schema import ServerSchemaError
from mwms_desktop import framework
from mwms_desktop.team import address as addresses
from mwms_desktop.team.connection import connect, describe
from mwms_desktop.team.errors import TeamError


def masked_phrases() -> dict[str, str]:
    """How the library names a client to those who may not see the engagement: by its
    engagement type, "an ecommerce growth client"."""
    phrases = {}
    for term in framework.ENGAGEMENT_TYPES:
        words = term.label.split()
        first = words[0] if words[0].isupper() else words[0].lower()
        text = " ".join([first, *(w if w.isupper() else w.lower() for w in words[1:])])
        text = text.removesuffix(" engagement")
        article = "an" if text[0].lower() in "aeiou" else "a"
        phrases[term.slug] = f"{article} {text} client"
    return phrases


@dataclass(frozen=True, slots=True)
class InitResult:
    database: str
    host: str
    schema_from: int | None  # None: a new team server
    schema_to: int
    consultant_role: str
    head_office_role: str


def _admin(url: str) -> tuple[psycopg.Connection, addresses.TeamAddress]:
    address, password = addresses.parse(url)
    conn = connect(address, password)
    return conn, address


def init_server(url: str, *, upgrade: bool = False) -> InitResult:
    conn, address = _admin(url)
    try:
        if upgrade:
            found, now = schema.upgrade(conn, masked_phrases())
            meta = schema.read_meta(conn)
            conn.commit()
            assert meta is not None
            return InitResult(
                address.database, address.where, found, now, meta.consultant_role, meta.head_office_role
            )
        meta = schema.install(conn, masked_phrases())
        return InitResult(
            address.database,
            address.where,
            None,
            meta.schema_version,
            meta.consultant_role,
            meta.head_office_role,
        )
    except ServerSchemaError as exc:
        raise TeamError(str(exc)) from None
    except psycopg.errors.InsufficientPrivilege as exc:
        raise TeamError(
            f"{address.user} may not prepare a team server ({exc.diag.message_primary}): "
            "use a superuser, or a role with CREATEROLE that owns the database."
        ) from None
    except psycopg.OperationalError as exc:
        raise describe(exc, address) from None
    finally:
        conn.close()


def add_consultant(url: str, name: str, *, head_office: bool = False) -> str:
    conn, address = _admin(url)
    try:
        meta = schema.read_meta(conn)
        if meta is None:
            raise TeamError(
                f"{address.database} is not a team server yet: run `mwms-desktop team init` first."
            )
        return roles.add_consultant(conn, meta, name, head_office=head_office)
    except roles.RoleError as exc:
        raise TeamError(str(exc)) from None
    except psycopg.errors.InsufficientPrivilege as exc:
        raise TeamError(f"{address.user} may not create roles ({exc.diag.message_primary}).") from None
    except psycopg.OperationalError as exc:
        raise describe(exc, address) from None
    finally:
        conn.close()
