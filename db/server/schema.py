"""The server schema: record tables generated from the peewee models, server-only columns
and tables, and the version stamp a client checks before it syncs.

The record tables are the SQLite models' own (``bind_ctx`` to a PostgreSQL database renders
their DDL), so the two stores never drift apart; UUIDs and the UTC timestamps stay the same
text on both. Each gets ``server_version`` (the counter value of the push that wrote it);
``engagement`` gets ``owner_role`` (the login role that pushed it first) and ``learning`` a
``private`` flag. ``team_meta`` holds the schema version, the sync protocol version, the
oldest client allowed, and the three group roles' names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from peewee import Model, PostgresqlDatabase
from psycopg import sql

from db.models import MODELS, BaseModel

SCHEMA_VERSION = 2
PROTOCOL_VERSION = 2
MIN_CLIENT_VERSION = "0.1.0"


class ServerSchemaError(Exception):
    """The server's schema cannot be used or changed as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class Meta:
    schema_version: int
    protocol_version: int
    min_client_version: str
    owner_role: str
    consultant_role: str
    head_office_role: str


def version_tuple(text: str) -> tuple[int, ...]:
    """``"0.10.2"`` as (0, 10, 2), for comparing client versions."""
    return tuple(int("".join(c for c in p if c.isdigit()) or 0) for p in text.split("."))


def record_models() -> list[type[Model]]:
    """The models whose rows travel between laptops and the server (not local settings)."""
    return [m for m in MODELS if issubclass(m, BaseModel)]


def record_tables() -> list[str]:
    return [m._meta.table_name for m in record_models()]


def record_table_ddl() -> list[str]:
    """CREATE TABLE and CREATE INDEX statements of the record tables, rendered for
    PostgreSQL from the SQLite models (parents first, as MODELS lists them)."""
    pg = PostgresqlDatabase(None)
    statements: list[str] = []
    models = record_models()
    with pg.bind_ctx(models):
        for model in models:
            query, params = pg.get_sql_context().sql(model._schema._create_table(safe=False)).query()
            assert not params
            statements.append(query)
            for index in model._schema._create_indexes(safe=False):
                query, params = pg.get_sql_context().sql(index).query()
                assert not params
                statements.append(query)
    return statements


def role_names(database: str) -> tuple[str, str, str]:
    """Owner, consultant and head-office group roles of one team database. Roles belong to
    the whole PostgreSQL cluster, so each team database has its own three."""
    base = "".join(c if c.isalnum() else "_" for c in database.lower())[:40]
    return f"{base}_owner", f"{base}_consultant", f"{base}_head_office"


def read_meta(conn: psycopg.Connection) -> Meta | None:
    """The server's version stamp, or None when the database was never prepared."""
    exists = conn.execute("SELECT to_regclass('public.team_meta') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return None
    row = conn.execute(
        "SELECT schema_version, protocol_version, min_client_version, owner_role, consultant_role,"
        " head_office_role FROM team_meta WHERE id = 1"
    ).fetchone()
    if row is None:
        return None
    return Meta(*row)


def _server_tables(meta: Meta) -> list[sql.Composable]:
    statements: list[sql.Composable] = [sql.SQL(s) for s in record_table_ddl()]
    for table in record_tables():
        statements.append(
            sql.SQL(
                "ALTER TABLE {t} ADD COLUMN server_version bigint NOT NULL DEFAULT 0;"
                " CREATE INDEX {ix} ON {t} (server_version)"
            ).format(t=sql.Identifier(table), ix=sql.Identifier(f"{table}_server_version"))
        )
    statements += [
        sql.SQL("ALTER TABLE engagement ADD COLUMN owner_role name NOT NULL DEFAULT current_user"),
        sql.SQL("CREATE INDEX engagement_owner_role ON engagement (owner_role)"),
        # The laptops' model has it too since their schema 8 (then CREATE TABLE made it already).
        sql.SQL("ALTER TABLE learning ADD COLUMN IF NOT EXISTS private boolean NOT NULL DEFAULT false"),
        sql.SQL(
            "CREATE TABLE engagement_share ("
            " engagement_id integer NOT NULL REFERENCES engagement (id) ON DELETE CASCADE,"
            " role_name name NOT NULL, shared_by name NOT NULL DEFAULT session_user,"
            " shared_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (engagement_id, role_name))"
        ),
        sql.SQL("CREATE INDEX engagement_share_role ON engagement_share (role_name)"),
        sql.SQL(
            "CREATE TABLE team_threshold (key text PRIMARY KEY, value integer NOT NULL,"
            " set_by name NOT NULL DEFAULT current_user, set_at timestamptz NOT NULL DEFAULT now())"
        ),
        sql.SQL(
            "CREATE TABLE sync_counter (id integer PRIMARY KEY CHECK (id = 1), value bigint NOT NULL);"
            " INSERT INTO sync_counter VALUES (1, 0)"
        ),
        sql.SQL(
            "CREATE TABLE team_meta (id integer PRIMARY KEY CHECK (id = 1),"
            " schema_version integer NOT NULL, protocol_version integer NOT NULL,"
            " min_client_version text NOT NULL, owner_role name NOT NULL,"
            " consultant_role name NOT NULL, head_office_role name NOT NULL)"
        ),
        sql.SQL("INSERT INTO team_meta VALUES (1, {}, {}, {}, {}, {}, {})").format(
            meta.schema_version,
            meta.protocol_version,
            meta.min_client_version,
            meta.owner_role,
            meta.consultant_role,
            meta.head_office_role,
        ),
    ]
    return statements


def _v2_sync(conn: psycopg.Connection, meta: Meta) -> None:
    """Schema 2 (sync of whole engagements): each record's clocks (version vector, field
    dots, the device of its last change), deletions as tombstones, and each engagement's
    ``content_version`` (the server version of the last write of any of its rows, kept by a
    trigger: ``policies``), the pull cursor's key. An engagement's position is a double, as
    on the laptops (schema 1's ``real`` rounded it)."""
    statements = ["ALTER TABLE engagement ALTER COLUMN position TYPE double precision"]
    for table in record_tables():
        statements.append(
            f"ALTER TABLE {table} ADD COLUMN vv jsonb NOT NULL DEFAULT '{{}}',"
            f" ADD COLUMN dots jsonb NOT NULL DEFAULT '{{}}', ADD COLUMN device text NOT NULL DEFAULT ''"
        )
    statements += [
        "ALTER TABLE engagement ADD COLUMN content_version bigint NOT NULL DEFAULT 0",
        # as it was: the stamping trigger must not give these rows a new server version
        "ALTER TABLE engagement DISABLE TRIGGER USER",
        "UPDATE engagement SET content_version = server_version",
        "ALTER TABLE engagement ENABLE TRIGGER USER",
        "CREATE INDEX engagement_content_version ON engagement (content_version, id)",
        "CREATE TABLE tombstone (id serial PRIMARY KEY, uuid varchar(36) NOT NULL UNIQUE,"
        " kind varchar(20) NOT NULL, engagement_id integer NOT NULL REFERENCES engagement (id)"
        " ON DELETE CASCADE, deleted_at text NOT NULL, device text NOT NULL, who text NOT NULL,"
        " vv jsonb NOT NULL, server_version bigint NOT NULL DEFAULT 0)",
        "CREATE INDEX tombstone_engagement_id ON tombstone (engagement_id)",
        "CREATE INDEX tombstone_server_version ON tombstone (server_version)",
    ]
    for statement in statements:
        conn.execute(statement)


# from_version -> the step that brings a server from it to from_version + 1 (run as the
# owner role, inside the upgrade's one transaction). Schema 1 is the first; a new server
# gets schema 1's tables and then every step, so a new and an upgraded server are the same.
UPGRADES: dict[int, Callable[[psycopg.Connection, Meta], None]] = {1: _v2_sync}


def install(conn: psycopg.Connection, type_labels: dict[str, str]) -> Meta:
    """Prepare an empty database: roles, tables, policies, the version stamp; one transaction.
    The connection must be a superuser's or a role with CREATEROLE that owns the database."""
    from db.server import policies

    if read_meta(conn) is not None:
        raise ServerSchemaError(
            "This database is already prepared for team mode (use --upgrade to migrate it)."
        )
    database = conn.info.dbname
    owner, consultant, head_office = role_names(database)
    meta = Meta(SCHEMA_VERSION, PROTOCOL_VERSION, MIN_CLIENT_VERSION, owner, consultant, head_office)
    with conn.transaction():
        policies.create_group_roles(conn, meta)
        conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(owner)))
        for statement in _server_tables(meta):
            conn.execute(statement)
        for version in range(1, SCHEMA_VERSION):
            UPGRADES[version](conn, meta)
        policies.apply(conn, meta, type_labels)
        conn.execute("RESET ROLE")
        policies.grant_database(conn, meta)
    return meta


def upgrade(conn: psycopg.Connection, type_labels: dict[str, str]) -> tuple[int, int]:
    """Bring an older server schema to this version in one transaction: (found, now)."""
    from db.server import policies

    meta = read_meta(conn)
    if meta is None:
        raise ServerSchemaError(
            "This database is not prepared for team mode yet (run team init without --upgrade)."
        )
    found = meta.schema_version
    if found > SCHEMA_VERSION:
        raise ServerSchemaError(
            f"The server's schema ({found}) is newer than this MWMS Desktop knows ({SCHEMA_VERSION}); "
            "upgrade with a newer MWMS Desktop."
        )
    missing = [v for v in range(found, SCHEMA_VERSION) if v not in UPGRADES]
    if missing:
        raise ServerSchemaError(f"No upgrade is known from the server's schema {missing[0]}.")
    with conn.transaction():
        conn.execute("SELECT 1 FROM team_meta WHERE id = 1 FOR UPDATE")
        conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(meta.owner_role)))
        for version in range(found, SCHEMA_VERSION):
            UPGRADES[version](conn, meta)
        policies.apply(conn, meta, type_labels, replace=True)
        conn.execute(
            "UPDATE team_meta SET schema_version = %s, protocol_version = %s WHERE id = 1",
            (SCHEMA_VERSION, PROTOCOL_VERSION),
        )
        if version_tuple(meta.min_client_version) < version_tuple(MIN_CLIENT_VERSION):  # only ever raised
            conn.execute("UPDATE team_meta SET min_client_version = %s WHERE id = 1", (MIN_CLIENT_VERSION,))
        conn.execute("RESET ROLE")
    return found, SCHEMA_VERSION
