"""Input checks shared by every service. Each returns the clean value or raises
:class:`ValidationError` naming the field in words."""

from __future__ import annotations

import contextlib
import math
import re
import reprlib
from datetime import UTC, date, datetime

from mwms_desktop.errors import ValidationError
from mwms_desktop.framework import Term

# Every date and instant the app stores lies in these bounds: whatever the time zone, an
# instant shifted by up to a day (UTC-12..UTC+14) and the date arithmetic the app does
# (days in stage, 30 days since a check-in, a chart's one-day span) stay representable,
# and so do the operating systems' local-time functions (Windows' stop at 1970 and 3000).
DAY_MIN, DAY_MAX = date(1970, 1, 2), date(2999, 12, 31)
INSTANT_MIN = datetime(1970, 1, 2, tzinfo=UTC)
INSTANT_MAX = datetime(2999, 12, 31, tzinfo=UTC)
TAGS_MAX = 2000  # the stored text, separators included
TAG_MAX = 60

_SHOW = reprlib.Repr()
_SHOW.maxstring = _SHOW.maxother = 40
_SHOW.maxlong = 24


def shown(value: object) -> str:
    """``repr(value)`` cut short: a message quotes the bad value, never megabytes of it."""
    try:
        return _SHOW.repr(value)
    except (RecursionError, ValueError):
        return f"a {type(value).__name__}"


# C0 and C1 controls but tab and line breaks (C1 too: U+009B opens a terminal escape as ESC [
# does, U+0085 breaks a line), and the explicit bidirectional embeddings, overrides and
# isolates: an unclosed U+202E turns the rest of a line around (a CSV row, a `list` row, a
# card), so "Acme\u202egnp.exe" would show as something else. Arabic and Hebrew need none of
# them; the marks U+200E/U+200F stay allowed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_LINE_BREAK = re.compile(r"[\r\n\t\u2028\u2029]")


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
    if _BIDI.search(value):
        raise ValidationError(f"{label} contains characters that change the direction of the text.", label)
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
        raise ValidationError(f"{label} must be one of: {', '.join(allowed)} (got {shown(value)}).", label)
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
        raise ValidationError(f"{label} must be from {low} to {high} (got {shown(value)}).", label)
    return value


def optional_whole(value: object, label: str, low: int, high: int) -> int | None:
    return None if value is None else whole(value, label, low, high)


def day(value: object, label: str, *, required: bool = False) -> date | None:
    """A calendar day (or its ``YYYY-MM-DD`` text) from DAY_MIN to DAY_MAX; None when not given."""
    if value in (None, ""):
        if required:
            raise ValidationError(f"{label} is required.", label)
        return None
    parsed = None
    if isinstance(value, datetime):
        parsed = None  # a date and time is not a day
    elif isinstance(value, date):
        parsed = value
    elif isinstance(value, str):
        with contextlib.suppress(ValueError):
            parsed = date.fromisoformat(value)
    if parsed is None:
        raise ValidationError(f"{label} must be a date (YYYY-MM-DD), got {shown(value)}.", label)
    if not DAY_MIN <= parsed <= DAY_MAX:
        raise ValidationError(
            f"{label} must be from {DAY_MIN.isoformat()} to {DAY_MAX.isoformat()}, got {parsed.isoformat()}.",
            label,
        )
    return parsed


def instant(value: object, label: str, *, required: bool = False) -> datetime | None:
    """An aware datetime (or its ISO 8601 text with an offset) from INSTANT_MIN to
    INSTANT_MAX, in UTC to the second, as it is stored; None when not given."""
    if value in (None, ""):
        if required:
            raise ValidationError(f"{label} is required.", label)
        return None
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = datetime.fromisoformat(value)
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(
            f"{label} must be a date and time with its UTC offset, got {shown(value)}.", label
        )
    try:
        at = value.astimezone(UTC).replace(microsecond=0)
    except OverflowError:  # 9999-12-31T23:00-05:00 is past the last instant Python can hold
        at = None
    if at is None or not INSTANT_MIN <= at <= INSTANT_MAX:
        raise ValidationError(
            f"{label} must be from {INSTANT_MIN.date().isoformat()} to {INSTANT_MAX.date().isoformat()} "
            f"(UTC), got {shown(value.isoformat())}.",
            label,
        )
    return at


def tags(value: object, label: str = "Tags") -> str:
    """Tags as one comma-separated string: trimmed, de-duplicated, order kept. The limit
    applies to the text stored (", " between tags), so what is accepted reads back and is
    accepted again, unchanged, however it arrives (text, list, bundle)."""
    if isinstance(value, (list, tuple)):
        items = [text(v, label, single_line=True, max_len=TAGS_MAX) for v in value]
    else:
        items = text(value, label, single_line=True, max_len=20_000).split(",")
    seen: dict[str, None] = {}
    lowered: set[str] = set()
    for item in items:
        item = item.strip()
        if "," in item:
            raise ValidationError(f"{label}: a tag cannot contain a comma ({shown(item)}).", label)
        if len(item) > TAG_MAX:  # the same limit however the tags arrive (text or list)
            raise ValidationError(
                f"{label}: a tag is longer than {TAG_MAX} characters ({item[:20]}…).", label
            )
        if item and item.lower() not in lowered:
            seen[item] = None
            lowered.add(item.lower())
    stored = ", ".join(seen)
    if len(stored) > TAGS_MAX:
        raise ValidationError(
            f"{label} are longer than {TAGS_MAX} characters once stored as “a, b, c” "
            f"({len(stored)}); remove some.",
            label,
        )
    return stored


def split_tags(stored: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in stored.split(",") if t.strip())
