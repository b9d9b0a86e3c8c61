"""Calendar months of a period, as the charts and tables count them."""

from __future__ import annotations

from datetime import date


def month_of(day: date) -> date:
    """The first day of ``day``'s month: the key every per-month count uses."""
    return day.replace(day=1)


def months(since: date, until: date) -> tuple[date, ...]:
    """The first day of every month that the period touches, in order."""
    out, year, month = [], since.year, since.month
    while (year, month) <= (until.year, until.month):
        out.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(out)


def label(month: date) -> str:
    """``2026-11``: sorts as text and reads in any language."""
    return f"{month.year:04d}-{month.month:02d}"
