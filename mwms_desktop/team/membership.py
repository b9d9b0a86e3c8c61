"""A laptop's side of team mode: join a team server, leave it, share an engagement.

The address is kept in the database's settings (so it follows the file it syncs), the
password in the keyring; a database that never joins works exactly as before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import psycopg

from db.models import Engagement, Setting, database
from db.server import roles
from mwms_desktop import settings
from mwms_desktop.errors import NotFound
from mwms_desktop.team import credentials
from mwms_desktop.team.address import TeamAddress, parse, tls_warning
from mwms_desktop.team.connection import check_versions, connect, describe
from mwms_desktop.team.credentials import Ask
from mwms_desktop.team.errors import TeamError


@dataclass(frozen=True, slots=True)
class JoinResult:
    address: TeamAddress
    in_keyring: bool  # False: no keyring here, the password will be asked for each time
    warning: str | None


def _read(setting: settings.TextSetting) -> str | None:
    row = Setting.get_or_none(Setting.key == setting.key)
    if row is None:
        return None
    try:
        value = json.loads(row.value)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def _write(setting: settings.TextSetting, value: str | None) -> None:
    if value is None:
        Setting.delete().where(Setting.key == setting.key).execute()
    else:
        Setting.replace(key=setting.key, value=json.dumps(value)).execute()


def current_address() -> TeamAddress | None:
    """The team this database has joined, or None."""
    text = _read(settings.TEAM_ADDRESS)
    if text is None:
        return None
    try:
        return parse(text)[0]
    except TeamError:
        return None  # a hand-edited setting: as if never joined, `team join` again fixes it


def joined_address() -> TeamAddress:
    address = current_address()
    if address is None:
        raise TeamError("This database has not joined a team: run `mwms-desktop team join URL` first.")
    return address


def _warning_due(address: TeamAddress) -> str | None:
    """The TLS warning for ``address`` unless it was given already (it is given once)."""
    warning = tls_warning(address)
    if warning is None or _read(settings.TEAM_TLS_WARNED) == address.url():
        return None
    return warning


def verify(
    text: str,
    *,
    ca_file: Path | None = None,
    ask: Ask | None = credentials.ask_terminal,
    password: str | None = None,
) -> tuple[TeamAddress, str]:
    """Check the address, the password and the versions against the server (no local file
    is touched: a refused join leaves nothing behind). The password: ``password`` (typed in
    a dialog), else the address's own, else asked for (a join is when it is typed: one kept
    in the keyring from an earlier join may be out of date), else the stored one."""
    address, in_address = parse(text, ca_file=ca_file)
    password = password or in_address
    if password is None:
        password = credentials.password(address, ask, fresh=True)
    conn = connect(address, password)
    try:
        check_versions(conn, address)
    finally:
        conn.close()
    return address, password


def remember(address: TeamAddress, password: str) -> JoinResult:
    """Keep the verified address in this database's settings and the password in the
    keyring (when there is one)."""
    previous = current_address()
    if previous is not None and previous.keyring_user != address.keyring_user:
        credentials.forget(previous)  # joined elsewhere, or as someone else: the old one goes
    in_keyring = credentials.store(address, password)
    warning = _warning_due(address)
    with database.atomic():  # one transaction: the address, and that its warning was given
        _write(settings.TEAM_ADDRESS, address.url())
        if warning is not None:
            _write(settings.TEAM_TLS_WARNED, address.url())
    return JoinResult(address, in_keyring, warning)


def leave() -> TeamAddress | None:
    """Stop syncing: the address and the stored password go, the local data stays."""
    address = current_address()
    with database.atomic():
        _write(settings.TEAM_ADDRESS, None)
        _write(settings.TEAM_TLS_WARNED, None)
    if address is not None:
        credentials.forget(address)
    return address


def open_connection(ask: Ask | None = credentials.ask_terminal) -> tuple[psycopg.Connection, TeamAddress]:
    """A checked connection to the joined team server as this consultant."""
    address = joined_address()
    conn = connect(address, credentials.password(address, ask))
    try:
        check_versions(conn, address)
    except BaseException:
        conn.close()
        raise
    return conn, address


def share(engagement_id: int, colleague: str, *, ask: Ask | None = credentials.ask_terminal) -> str:
    """Let ``colleague`` work on the engagement; returns its client's name."""
    engagement = Engagement.get_or_none(Engagement.id == engagement_id)
    if engagement is None:
        raise NotFound(f"No engagement with id {engagement_id}.")
    conn, address = open_connection(ask)
    try:
        roles.share(conn, engagement.uuid, colleague)
    except roles.RoleError as exc:
        raise TeamError(str(exc)) from None
    except psycopg.OperationalError as exc:
        raise describe(exc, address) from None
    finally:
        conn.close()
    return engagement.client
