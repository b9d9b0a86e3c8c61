"""Roles, grants and row-level security of the team server.

Three group roles per team database: an owner nobody logs in as (it owns every table, view
and function), consultants (every login role is one) and head office (also consultants).
Every table has row-level security ENABLEd and FORCEd, so even the owner sees rows only
through a policy (its own, for the definer functions and the library view).

Who sees what:

* an engagement: its owner role, a colleague it is shared with, and head office read it;
  only the owner and those it is shared with write it (``owner_role`` cannot be changed);
* a record of an engagement follows its engagement (link tables follow both parents);
* ``learning_library``: every learning of the team but the private ones of engagements the
  reader may not see; the client's name and notes of such an engagement are masked;
* thresholds: everyone reads, head office writes; the counter and meta: everyone reads,
  the counter is taken by every push.
"""

from __future__ import annotations

import psycopg
from peewee import ForeignKeyField
from psycopg import sql

from db.models import Engagement
from db.server.schema import Meta, record_models, record_tables

OWN_OR_SHARED = (
    "(owner_role = current_user OR EXISTS (SELECT 1 FROM engagement_share s"
    " WHERE s.engagement_id = engagement.id AND s.role_name = current_user))"
)


def _role_exists(conn: psycopg.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is not None


def create_group_roles(conn: psycopg.Connection, meta: Meta) -> None:
    owner, consultant, head_office = (
        sql.Identifier(r) for r in (meta.owner_role, meta.consultant_role, meta.head_office_role)
    )
    for name, ident in (
        (meta.owner_role, owner),
        (meta.consultant_role, consultant),
        (meta.head_office_role, head_office),
    ):
        if not _role_exists(conn, name):
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(ident))
    conn.execute(sql.SQL("GRANT {} TO {}").format(consultant, head_office))
    superuser = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
    if not (superuser and superuser[0]):
        conn.execute(sql.SQL("GRANT {} TO current_user").format(owner))
    conn.execute(sql.SQL("GRANT USAGE, CREATE ON SCHEMA public TO {}").format(owner))
    conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")


def grant_database(conn: psycopg.Connection, meta: Meta) -> None:
    """Only the team's consultants may connect to the team database."""
    db = sql.Identifier(conn.info.dbname)
    conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(db))
    conn.execute(
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, sql.Identifier(meta.consultant_role))
    )
    conn.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(sql.Identifier(meta.consultant_role)))


def _engagement_of(model: type, alias: str) -> list[sql.Composable]:
    """SQL expressions giving the engagement id(s) a record of ``model`` belongs to."""
    fks = [f for f in model._meta.sorted_fields if isinstance(f, ForeignKeyField)]
    direct = [f for f in fks if f.rel_model is Engagement]
    if direct:
        return [sql.SQL("{}.{}").format(sql.Identifier(alias), sql.Identifier(direct[0].column_name))]
    return [
        sql.SQL("(SELECT p.engagement_id FROM {} p WHERE p.id = {}.{})").format(
            sql.Identifier(f.rel_model._meta.table_name), sql.Identifier(alias), sql.Identifier(f.column_name)
        )
        for f in fks
    ]


def _policy(
    conn: psycopg.Connection,
    name: str,
    table: str,
    command: str,
    role: str,
    using: str | None,
    check: str | None,
) -> None:
    conn.execute(
        sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier(name), sql.Identifier(table))
    )
    parts = [
        sql.SQL("CREATE POLICY {} ON {} FOR {} TO {}").format(
            sql.Identifier(name), sql.Identifier(table), sql.SQL(command), sql.Identifier(role)
        )
    ]
    if using is not None:
        parts.append(sql.SQL("USING ({})").format(sql.SQL(using)))
    if check is not None:
        parts.append(sql.SQL("WITH CHECK ({})").format(sql.SQL(check)))
    conn.execute(sql.SQL(" ").join(parts))


def _head_office(meta: Meta) -> str:
    return (
        sql.SQL("pg_has_role(current_user, {}, 'MEMBER')")
        .format(sql.Literal(meta.head_office_role))
        .as_string(None)
    )


def _touch_engagement() -> str:
    """plpgsql statements giving engagement ``eid`` and all its records a new server version
    (the stamping trigger assigns it), so a pull from an old cursor brings them."""
    statements = ["UPDATE engagement SET server_version = 0 WHERE id = eid;"]
    for model in record_models():
        if model is Engagement:
            continue
        table = model._meta.table_name
        fks = [f for f in model._meta.sorted_fields if isinstance(f, ForeignKeyField)]
        direct = [f for f in fks if f.rel_model is Engagement]
        if direct:
            where = f"{direct[0].column_name} = eid"
        else:
            f = fks[0]
            parent = f.rel_model._meta.table_name
            where = f"{f.column_name} IN (SELECT id FROM {parent} WHERE engagement_id = eid)"
        statements.append(f"UPDATE {table} SET server_version = 0 WHERE {where};")
    return "\n    ".join(statements)


# The transaction's push version in ``v``: taken from the one counter row by its first write
# (locking the row until commit), shared by its later writes. Both stamping triggers open so.
PUSH_VERSION = """  v := nullif(current_setting('mwms.push_version', true), '')::bigint;
  IF v IS NULL THEN
    UPDATE sync_counter SET value = value + 1 WHERE id = 1 RETURNING value INTO v;
    PERFORM set_config('mwms.push_version', v::text, true);
  END IF;
"""


def _stamping(conn: psycopg.Connection) -> None:
    """Every row written gets the server's version, never one a client chose: the first write
    of a transaction takes the next value of the one counter row (locking it until commit,
    so versions become visible in the order they were taken and a pull cursor can never pass
    a row that commits later); the transaction's later writes share that value."""
    conn.execute(
        """CREATE OR REPLACE FUNCTION mwms_stamp_version() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $f$
DECLARE v bigint;
BEGIN
{PUSH_VERSION}  IF TG_NARGS > 0 THEN  -- the engagement (schema 2): its content changed with this write
    NEW.content_version := v;
    IF current_setting('mwms.touching', true) = 'on' THEN
      RETURN NEW;  -- only a record of it changed: the engagement row itself did not
    END IF;
  END IF;
  NEW.server_version := v;
  RETURN NEW;
END $f$""".replace("{PUSH_VERSION}", PUSH_VERSION)
    )
    conn.execute("REVOKE ALL ON FUNCTION mwms_stamp_version() FROM PUBLIC")
    from db.server import schema

    synced = schema.SCHEMA_VERSION >= 2
    for table in [*record_tables(), *(["tombstone"] if synced else [])]:
        t = sql.Identifier(table)
        conn.execute(sql.SQL("DROP TRIGGER IF EXISTS stamp_version ON {}").format(t))
        conn.execute(
            sql.SQL(
                "CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON {} FOR EACH ROW"
                " EXECUTE FUNCTION mwms_stamp_version({})"
            ).format(t, sql.SQL("'content'" if synced and table == "engagement" else ""))
        )
    if synced:
        _content_versions(conn)


def _content_versions(conn: psycopg.Connection) -> None:
    """Schema 2: a write of any row of an engagement (a record, a link, a tombstone) gives
    the engagement that write's server version as its ``content_version``, so a pull of the
    engagements after a cursor brings every changed engagement, whole, in commit order."""
    conn.execute(
        """CREATE OR REPLACE FUNCTION mwms_touch_engagement() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $f$
DECLARE v bigint; r record; eid integer;
BEGIN
{PUSH_VERSION}  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  IF TG_ARGV[0] = 'engagement_id' THEN
    eid := r.engagement_id;
  ELSIF TG_ARGV[0] = 'hypothesis_id' THEN
    SELECT engagement_id INTO eid FROM hypothesis WHERE id = r.hypothesis_id;
  ELSE
    SELECT engagement_id INTO eid FROM learning WHERE id = r.learning_id;
  END IF;
  PERFORM set_config('mwms.touching', 'on', true);
  UPDATE engagement SET content_version = v WHERE id = eid AND content_version <> v;
  PERFORM set_config('mwms.touching', 'off', true);
  RETURN NULL;
END $f$""".replace("{PUSH_VERSION}", PUSH_VERSION)
    )
    conn.execute("REVOKE ALL ON FUNCTION mwms_touch_engagement() FROM PUBLIC")
    for model in record_models():
        if model is Engagement:
            continue
        fks = [f.column_name for f in model._meta.sorted_fields if isinstance(f, ForeignKeyField)]
        column = "engagement_id" if "engagement_id" in fks else fks[0]
        _touch_trigger(conn, model._meta.table_name, column)
    _touch_trigger(conn, "tombstone", "engagement_id")


def _touch_trigger(conn: psycopg.Connection, table: str, column: str) -> None:
    t = sql.Identifier(table)
    conn.execute(sql.SQL("DROP TRIGGER IF EXISTS touch_engagement ON {}").format(t))
    conn.execute(
        sql.SQL(
            "CREATE TRIGGER touch_engagement AFTER INSERT OR UPDATE OR DELETE ON {} FOR EACH ROW"
            " EXECUTE FUNCTION mwms_touch_engagement({})"
        ).format(t, sql.Literal(column))
    )


def _functions(conn: psycopg.Connection, meta: Meta) -> None:
    conn.execute(
        "CREATE OR REPLACE FUNCTION mwms_may_read(eid integer) RETURNS boolean LANGUAGE sql STABLE"
        " AS $$ SELECT EXISTS (SELECT 1 FROM engagement e WHERE e.id = eid) $$"
    )
    conn.execute(
        "CREATE OR REPLACE FUNCTION mwms_may_write(eid integer) RETURNS boolean LANGUAGE sql STABLE"
        " AS $$ SELECT EXISTS (SELECT 1 FROM engagement e WHERE e.id = eid AND (e.owner_role = current_user"
        " OR EXISTS (SELECT 1 FROM engagement_share s WHERE s.engagement_id = e.id"
        " AND s.role_name = current_user))) $$"
    )
    # Sharing runs as the owner (consultants may not write the share table), for the
    # engagement's owner role or head office only; session_user is the caller here.
    conn.execute(
        sql.SQL(
            """CREATE OR REPLACE FUNCTION mwms_share(engagement_uuid text, colleague text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $f$
DECLARE eid integer; owned_by name;
BEGIN
  SELECT id, owner_role INTO eid, owned_by FROM engagement WHERE uuid = engagement_uuid;
  IF eid IS NULL THEN
    RAISE EXCEPTION 'This engagement is not on the team server yet: sync first.' USING ERRCODE = 'P0002';
  END IF;
  IF owned_by <> session_user AND NOT pg_has_role(session_user, {ho}, 'MEMBER') THEN
    RAISE EXCEPTION 'Only the engagement''s owner (%) or head office may share it.', owned_by
      USING ERRCODE = '42501';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = colleague AND rolcanlogin)
     OR NOT pg_has_role(colleague, {consultant}, 'MEMBER') THEN
    RAISE EXCEPTION 'No consultant % in this team.', colleague USING ERRCODE = '42704';
  END IF;
  INSERT INTO engagement_share (engagement_id, role_name, shared_by) VALUES (eid, colleague, session_user)
    ON CONFLICT DO NOTHING;
  IF FOUND THEN  -- the colleague's pull cursor is past these rows: stamp them anew
    {touch}
  END IF;
END $f$"""
        ).format(
            ho=sql.Literal(meta.head_office_role),
            consultant=sql.Literal(meta.consultant_role),
            touch=sql.SQL(_touch_engagement()),
        )
    )
    conn.execute("REVOKE ALL ON FUNCTION mwms_share(text, text) FROM PUBLIC")
    conn.execute(
        sql.SQL("GRANT EXECUTE ON FUNCTION mwms_share(text, text) TO {}").format(
            sql.Identifier(meta.consultant_role)
        )
    )


def _library_view(conn: psycopg.Connection, meta: Meta, masked: dict[str, str]) -> None:
    cases = sql.SQL(" ").join(
        sql.SQL("WHEN {} THEN {}").format(sql.Literal(slug), sql.Literal(phrase))
        for slug, phrase in masked.items()
    )
    visible = sql.SQL(
        "(e.owner_role = current_user OR EXISTS (SELECT 1 FROM engagement_share s"
        " WHERE s.engagement_id = e.id AND s.role_name = current_user)"
        " OR pg_has_role(current_user, {}, 'MEMBER'))"
    ).format(sql.Literal(meta.head_office_role))
    conn.execute(
        sql.SQL(
            "CREATE OR REPLACE VIEW learning_library WITH (security_barrier) AS"
            " SELECT l.uuid, l.statement, l.confidence, l.tags, l.recorded_at, l.private,"
            " e.uuid AS engagement_uuid, e.engagement_type,"
            " CASE WHEN v.visible THEN e.client"
            " ELSE CASE e.engagement_type {cases} ELSE 'a client' END END AS client,"
            " CASE WHEN v.visible THEN e.notes ELSE '' END AS engagement_notes,"
            " v.visible AS engagement_visible"
            " FROM learning l JOIN engagement e ON e.id = l.engagement_id"
            " CROSS JOIN LATERAL (SELECT {visible} AS visible) v"
            " WHERE NOT l.private OR v.visible"
        ).format(cases=cases, visible=visible)
    )
    conn.execute(
        sql.SQL("GRANT SELECT ON learning_library TO {}").format(sql.Identifier(meta.consultant_role))
    )


def apply(conn: psycopg.Connection, meta: Meta, masked: dict[str, str], *, replace: bool = False) -> None:
    """Functions, grants, row-level security and policies; run as the owner role. With
    ``replace`` (an upgrade) every policy, function and the view are redefined."""
    owner, consultant, head_office = meta.owner_role, meta.consultant_role, meta.head_office_role
    c = sql.Identifier(consultant)
    ho = _head_office(meta)
    _functions(conn, meta)
    models = record_models()
    for model in models:
        table = model._meta.table_name
        t = sql.Identifier(table)
        conn.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(t))
        conn.execute(sql.SQL("ALTER TABLE {} FORCE ROW LEVEL SECURITY").format(t))
        conn.execute(sql.SQL("GRANT SELECT, INSERT, DELETE ON {} TO {}").format(t, c))
        conn.execute(
            sql.SQL("GRANT USAGE, SELECT ON SEQUENCE {} TO {}").format(sql.Identifier(f"{table}_id_seq"), c)
        )
        _policy(conn, "owner_all", table, "ALL", owner, "true", "true")
        if model is Engagement:
            columns = [f.column_name for f in model._meta.sorted_fields if f.column_name != "id"]
            conn.execute(
                sql.SQL("GRANT UPDATE ({}) ON {} TO {}").format(
                    sql.SQL(", ").join(sql.Identifier(col) for col in [*columns, *_server_columns()]), t, c
                )
            )
            _policy(conn, "team_read", table, "SELECT", consultant, f"{OWN_OR_SHARED} OR {ho}", None)
            _policy(conn, "owner_insert", table, "INSERT", consultant, None, "owner_role = current_user")
            _policy(conn, "team_update", table, "UPDATE", consultant, OWN_OR_SHARED, OWN_OR_SHARED)
            _policy(conn, "team_delete", table, "DELETE", consultant, OWN_OR_SHARED, None)
            continue
        conn.execute(sql.SQL("GRANT UPDATE ON {} TO {}").format(t, c))
        _child_policies(conn, meta, table, _engagement_of(model, table))

    if _synced():
        _child_policies(
            conn, meta, "tombstone", [sql.SQL("{}.engagement_id").format(sql.Identifier("tombstone"))]
        )
    for table, grants in (
        ("engagement_share", "SELECT"),
        ("team_threshold", "SELECT"),
        ("sync_counter", "SELECT"),
        ("team_meta", "SELECT"),
    ):
        t = sql.Identifier(table)
        conn.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(t))
        conn.execute(sql.SQL("ALTER TABLE {} FORCE ROW LEVEL SECURITY").format(t))
        conn.execute(sql.SQL("GRANT {} ON {} TO {}").format(sql.SQL(grants), t, c))
        _policy(conn, "owner_all", table, "ALL", owner, "true", "true")
    _policy(
        conn,
        "team_read",
        "engagement_share",
        "SELECT",
        consultant,
        f"role_name = current_user OR shared_by = current_user OR {ho}",
        None,
    )
    _policy(conn, "team_read", "team_threshold", "SELECT", consultant, "true", None)
    conn.execute(
        sql.SQL("GRANT INSERT, UPDATE, DELETE ON team_threshold TO {}").format(sql.Identifier(head_office))
    )
    _policy(conn, "head_office_write", "team_threshold", "ALL", head_office, "true", "true")
    _policy(conn, "team_read", "sync_counter", "SELECT", consultant, "true", None)
    _stamping(conn)
    _policy(conn, "team_read", "team_meta", "SELECT", consultant, "true", None)
    _library_view(conn, meta, masked)


def _synced() -> bool:
    from db.server import schema

    return schema.SCHEMA_VERSION >= 2


def _server_columns() -> list[str]:
    """The engagement's server-only columns a consultant's push writes (the triggers set the
    versions whatever is written)."""
    return ["server_version", *(["vv", "dots", "device", "content_version"] if _synced() else [])]


def _child_policies(conn: psycopg.Connection, meta: Meta, table: str, parents: list[sql.Composable]) -> None:
    """A table whose rows follow their engagement: read by who reads it, written by who writes it."""
    consultant = meta.consultant_role
    c = sql.Identifier(consultant)
    t = sql.Identifier(table)
    conn.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(t))
    conn.execute(sql.SQL("ALTER TABLE {} FORCE ROW LEVEL SECURITY").format(t))
    conn.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON {} TO {}").format(t, c))
    conn.execute(
        sql.SQL("GRANT USAGE, SELECT ON SEQUENCE {} TO {}").format(sql.Identifier(f"{table}_id_seq"), c)
    )
    _policy(conn, "owner_all", table, "ALL", meta.owner_role, "true", "true")
    read = sql.SQL(" AND ").join(sql.SQL("mwms_may_read({})").format(p) for p in parents).as_string(conn)
    write = sql.SQL(" AND ").join(sql.SQL("mwms_may_write({})").format(p) for p in parents).as_string(conn)
    _policy(conn, "team_read", table, "SELECT", consultant, read, None)
    _policy(conn, "team_insert", table, "INSERT", consultant, None, write)
    _policy(conn, "team_update", table, "UPDATE", consultant, write, write)
    _policy(conn, "team_delete", table, "DELETE", consultant, write, None)
