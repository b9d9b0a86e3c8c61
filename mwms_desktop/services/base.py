"""What every service shares: the clock, the rule thresholds, finding an engagement."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from peewee import IntegrityError, OperationalError

from db.errors import original_error
from db.models import Engagement, Setting, database
from mwms_desktop import fields, validate
from mwms_desktop import settings as setting_defs
from mwms_desktop.clock import Clock
from mwms_desktop.errors import ChangedElsewhere, DatabaseError, NotFound, ValidationError
from mwms_desktop.services.loading import Thresholds, engagement_row

F = TypeVar("F", bound=Callable[..., Any])


_REASONS = (
    (("locked", "busy"), "the database is busy: another MWMS Desktop process is writing to it",
     "Nothing was saved; try again."),
    (("full",), "the disk is full", "Nothing was saved; free some space and try again."),
    (("readonly", "read-only"), "the database file cannot be written (read-only)", "Nothing was saved."),
)  # fmt: skip


def storage_reason(exc: BaseException) -> str | None:
    """What SQLite's refusal means, as a short phrase; None when it means nothing specific."""
    text = str(original_error(exc))
    return next((phrase for words, phrase, _ in _REASONS if any(w in text for w in words)), None)


def storage_error(exc: Exception) -> DatabaseError:
    """SQLite's refusal, in words a consultant can act on."""
    root = original_error(exc)
    text = str(root)
    for words, phrase, advice in _REASONS:
        if any(w in text for w in words):
            return DatabaseError(f"{phrase[0].upper()}{phrase[1:]}. {advice}")
    if isinstance(root, IntegrityError):
        return DatabaseError(f"The change conflicts with what is saved ({text}). Nothing was saved.")
    return DatabaseError(f"The database refused the change ({text}). Nothing was saved.")


def _clean(kind_name: str, name: str, value: Any) -> Any:
    """A field's value as stored, to compare two forms of it ("a, b" and ["a", "b"])."""
    try:
        return fields.check(kind_name, name, value)
    except (KeyError, ValidationError):  # a link list or a value no form could enter
        return tuple(value) if isinstance(value, list | tuple) else value


def changed_fields(kind_name: str, current: Mapping[str, Any], expect: Mapping[str, Any]) -> list[str]:
    """The labels of the fields of ``expect`` whose current value is no longer the expected one."""
    by_name = fields.kind(kind_name).by_name
    return [
        by_name[name].label.lower() if name in by_name else name.replace("_", " ")
        for name, value in expect.items()
        if _clean(kind_name, name, value) != _clean(kind_name, name, current.get(name))
    ]


def changed_elsewhere(what: str, labels: list[str]) -> ChangedElsewhere:
    """The refusal of an undo or redo that would overwrite a change made outside the window."""
    return ChangedElsewhere(
        f"Not done: {what} was changed outside this window since ({', '.join(labels)}: by a sync, "
        "an import or the command line). Nothing was overwritten; the window shows the new version."
    )


def atomic() -> Callable[[F], F]:
    """Every public write runs in one transaction: ``@atomic()``.

    The transaction is IMMEDIATE: it takes the write lock first, so a write that meets another
    process's (the CLI while the window is open) waits for the busy timeout instead of failing
    at its first write. SQLite's own errors (locked, disk full, read-only) roll back and become
    a typed :class:`DatabaseError`."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                with database.atomic("IMMEDIATE"):
                    return fn(*args, **kwargs)
            except (OperationalError, IntegrityError) as exc:
                raise storage_error(exc) from exc

        return run  # type: ignore[return-value]

    return decorate


_ID_MIN, _ID_MAX = -(2**63), 2**63 - 1  # SQLite's integers; a larger id would overflow the query


class ServiceBase:
    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()

    # --- settings ------------------------------------------------------------------------

    def setting(self, key: str) -> int:
        row = Setting.get_or_none(Setting.key == key)
        return self._parse_setting(key, {key: row.value} if row is not None else {})

    @staticmethod
    def _parse_setting(key: str, stored: dict[str, str]) -> int:
        """The stored value if it is valid, else the default (a hand-edited file never breaks)."""
        spec = setting_defs.BY_KEY[key]
        if key not in stored:
            return spec.default
        try:
            return validate.whole(json.loads(stored[key]), spec.label, spec.minimum, spec.maximum)
        except (ValueError, ValidationError):
            return spec.default

    @atomic()
    def set_setting(self, key: str, value: int) -> int:
        spec = setting_defs.BY_KEY.get(key)
        if spec is None:
            raise ValidationError(f"Unknown setting {key!r}.", "key")
        value = validate.whole(value, spec.label, spec.minimum, spec.maximum)
        Setting.replace(key=key, value=json.dumps(value)).execute()
        return value

    def thresholds(self) -> Thresholds:
        """Both rule thresholds, read in one query (every card and gate check needs them)."""
        stored = dict(
            Setting.select(Setting.key, Setting.value)
            .where(Setting.key.in_([setting_defs.STALL_DAYS.key, setting_defs.CHECKIN_STALE_DAYS.key]))
            .tuples()
        )
        return Thresholds(
            stall_days=self._parse_setting(setting_defs.STALL_DAYS.key, stored),
            checkin_stale_days=self._parse_setting(setting_defs.CHECKIN_STALE_DAYS.key, stored),
        )

    # --- helpers -------------------------------------------------------------------------

    def _engagement(self, eid: int) -> Engagement:
        if isinstance(eid, bool) or not isinstance(eid, int) or not _ID_MIN <= eid <= _ID_MAX:
            raise NotFound(f"No engagement with id {eid!r}.")
        e = engagement_row(eid)
        if e is None:
            raise NotFound(f"No engagement with id {eid}.")
        return e

    def _touch(self, e: Engagement) -> None:
        e.updated_at = self.clock.now()
