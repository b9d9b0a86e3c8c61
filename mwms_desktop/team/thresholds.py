"""The lifecycle thresholds head office sets for the whole team, on the server.

Keys: the rule settings (``stall_days``, ``checkin_stale_days``, with their ranges from
:mod:`mwms_desktop.settings`) and a WIP limit per stage (``wip_<stage>``, 0 for none). The
server lets only head office write them (row-level security); every consultant reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import psycopg

from mwms_desktop import framework, settings, validate
from mwms_desktop.errors import ValidationError
from mwms_desktop.team import credentials, membership
from mwms_desktop.team.connection import describe
from mwms_desktop.team.credentials import Ask
from mwms_desktop.team.errors import TeamError

WIP_PREFIX = "wip_"
WIP_MAX = 999


@dataclass(frozen=True, slots=True)
class Threshold:
    key: str
    label: str
    minimum: int
    maximum: int


def as_lines(values: Mapping[str, int]) -> tuple[str, ...]:
    """Head office's thresholds as lines a consultant reads ("Stalled after (days): 14"), in
    the order of :func:`known`; a WIP limit of 0 reads "none"."""
    lines = []
    for key, threshold in known().items():
        if key in values:
            value = values[key]
            shown = "none" if key.startswith(WIP_PREFIX) and value == 0 else str(value)
            lines.append(f"{threshold.label.replace(' (0: none)', '')}: {shown}")
    return tuple(lines)


def wip_limits(values: Mapping[str, int]) -> dict[str, int]:
    """Stage slug -> the WIP limit head office set (0: none), for the stages it set."""
    return {k[len(WIP_PREFIX) :]: v for k, v in values.items() if k.startswith(WIP_PREFIX)}


def known() -> dict[str, Threshold]:
    items = {s.key: Threshold(s.key, s.label, s.minimum, s.maximum) for s in settings.ALL}
    for stage in framework.STAGES:
        key = WIP_PREFIX + stage.slug
        items[key] = Threshold(key, f"WIP limit of {stage.label} (0: none)", 0, WIP_MAX)
    return items


def check(key: str, value: int) -> int:
    spec = known().get(key)
    if spec is None:
        raise ValidationError(f"Unknown threshold {key!r}: one of {', '.join(known())}.", "key")
    return validate.whole(value, spec.label, spec.minimum, spec.maximum)


def read(conn: psycopg.Connection) -> dict[str, int]:
    """The thresholds head office set (valid ones only; unset keep the laptop's own)."""
    values: dict[str, int] = {}
    for key, value in conn.execute("SELECT key, value FROM team_threshold").fetchall():
        try:
            values[key] = check(key, value)
        except ValidationError:
            continue  # set by hand on the server to something no laptop accepts: ignored
    return values


def set_threshold(key: str, value: int, *, ask: Ask | None = credentials.ask_terminal) -> int:
    value = check(key, value)
    conn, address = membership.open_connection(ask)
    try:
        with conn.transaction():
            conn.execute(
                "INSERT INTO team_threshold (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE"
                " SET value = EXCLUDED.value, set_by = current_user, set_at = now()",
                (key, value),
            )
    except psycopg.errors.InsufficientPrivilege:
        raise TeamError("Only head office sets the team's thresholds.") from None
    except psycopg.OperationalError as exc:
        raise describe(exc, address) from None
    finally:
        conn.close()
    return value
