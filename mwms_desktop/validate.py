"""Input checks shared by every service. Each returns the clean value or raises
:class:`ValidationError` naming the field in words."""

from __future__ import annotations

import contextlib
import math
import re
from datetime import date, datetime

from mwms_desktop.errors import ValidationError
from mwms_desktop.framework import Term

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile(r"[\r\n\t]")


def text(
    value: object, label: str, *, required: bool = False, max_len: int = 20_000, single_line: bool = False
) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"{label} must be text.", label)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(f"{label} contains characters that cannot be stored.", label) from None
    if _CONTROL.search(value):
        raise ValidationError(f"{label} contains control characters.", label)
    value = value.strip()
    if single_line:
        value = _LINE_BREAK.sub(" ", value)
    if required and not value:
        raise ValidationError(f"{label} is required.", label)
    if len(value) > max_len:
        raise ValidationError(f"{label} is longer than {max_len} characters.", label)
    return value


def name(value: object, label: str) -> str:
    return text(value, label, required=True, max_len=200, single_line=True)


def choice(value: object, terms: tuple[Term, ...], label: str) -> str:
    allowed = [t.slug for t in terms]
    if value not in allowed:
        raise ValidationError(f"{label} must be one of: {', '.join(allowed)} (got {value!r}).", label)
    return value  # type: ignore[return-value]


def optional_choice(value: object, terms: tuple[Term, ...], label: str) -> str | None:
    return None if value in (None, "") else choice(value, terms, label)


def whole(value: object, label: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        else:
            raise ValidationError(f"{label} must be a whole number from {low} to {high}.", label)
    if not low <= value <= high:
        raise ValidationError(f"{label} must be from {low} to {high} (got {value}).", label)
    return value


def optional_whole(value: object, label: str, low: int, high: int) -> int | None:
    return None if value is None else whole(value, label, low, high)


def day(value: object, label: str, *, required: bool = False) -> date | None:
    if value in (None, ""):
        if required:
            raise ValidationError(f"{label} is required.", label)
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValidationError(f"{label} must be a date (YYYY-MM-DD), got {value!r}.", label)


def instant(value: object, label: str) -> datetime | None:
    """An aware datetime (or its ISO 8601 text with an offset); None when not given."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    raise ValidationError(f"{label} must be a date and time with its time zone, got {value!r}.", label)


def tags(value: object, label: str = "Tags") -> str:
    """Tags as one comma-separated string: trimmed, de-duplicated, order kept."""
    if isinstance(value, (list, tuple)):
        items = [text(v, label, single_line=True, max_len=60) for v in value]
    else:
        items = text(value, label, single_line=True, max_len=2000).split(",")
    seen: dict[str, None] = {}
    for item in items:
        item = item.strip()
        if len(item) > 60:  # the same limit however the tags arrive (text or list)
            raise ValidationError(f"{label}: a tag is longer than 60 characters ({item[:20]}…).", label)
        if item and item.lower() not in {k.lower() for k in seen}:
            seen[item] = None
    return ", ".join(seen)


def split_tags(stored: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in stored.split(",") if t.strip())
