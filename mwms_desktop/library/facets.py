"""Facets: which values a search's matches take, with counts, and narrowing by them.

Dates: the matches' years, and their months once the matches fall in one year (a year
chosen, a range inside one, or data of one year), so a consultant goes from a year to its
months; ``date_from`` and ``date_to`` narrow to a range (inclusive; a year, a month or a
day, compared by that many characters of the record's ISO date)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import chain
from typing import Any

# facet name -> how to read its values off a hit
FACETS: tuple[str, ...] = (
    "kind", "type", "client", "owner", "stage", "tag", "result", "confidence", "refinement", "year", "month",
)  # fmt: skip
RANGE = ("date_from", "date_to")  # narrowing only: a range has no values to count


def values(hit: Any, facet: str) -> tuple[str, ...]:
    if facet == "kind":
        return (hit.kind,)
    if facet == "type":
        return (hit.engagement_type,)
    if facet == "client":
        return (hit.client,)
    if facet == "owner":
        return (hit.owner,) if hit.owner else ()
    if facet == "stage":
        return (hit.stage,)
    if facet == "tag":
        return hit.tags
    if facet == "result":
        return tuple(dict.fromkeys(hit.results))
    if facet == "confidence":
        return (hit.confidence,) if hit.confidence else ()
    if facet == "refinement":
        return hit.refinements
    if facet == "year":
        return (hit.day[:4],) if hit.day else ()
    if facet == "month":
        return (hit.day[:7],) if hit.day and len(hit.day) >= 7 else ()
    raise KeyError(facet)


def in_range(day: str | None, facet: str, bounds: Iterable[str]) -> bool:
    """Whether ``day`` (ISO) is on or after (``date_from``) or on or before (``date_to``)
    one of ``bounds``, each compared at its own precision (``to:2026-06`` takes June 30th)."""
    if not day:
        return False
    if facet == "date_from":
        return any(day[: len(b)] >= b for b in bounds)
    return any(day[: len(b)] <= b for b in bounds)


def matches(hit: Any, wanted: Mapping[str, Iterable[str]]) -> bool:
    """Whether ``hit`` has, for every facet asked, one of the values asked (case-folded),
    and its date in the range asked."""
    for facet, allowed in wanted.items():
        if facet in RANGE:
            if not in_range(hit.day, facet, allowed):
                return False
            continue
        have = {v.casefold() for v in values(hit, facet)}
        if not have & set(allowed):
            return False
    return True


def count(hits: Iterable[Any]) -> dict[str, tuple[tuple[str, int], ...]]:
    """Per facet, its values among ``hits`` and how many hits have each, most first."""
    c: dict[str, Counter[str]] = {f: Counter() for f in FACETS}
    # The single-valued facets counted at C speed, the multi-valued ones per hit.
    hits = list(hits)
    c["kind"].update(h.kind for h in hits)
    c["type"].update(h.engagement_type for h in hits)
    c["client"].update(h.client for h in hits)
    c["owner"].update(h.owner for h in hits if h.owner)
    c["stage"].update(h.stage for h in hits)
    c["confidence"].update(h.confidence for h in hits if h.confidence)
    c["year"].update(h.day[:4] for h in hits if h.day)
    if len(c["year"]) == 1:  # the matches fall in one year: its months
        c["month"].update(h.day[:7] for h in hits if h.day and len(h.day) >= 7)
    c["tag"].update(chain.from_iterable(h.tags for h in hits))
    c["refinement"].update(chain.from_iterable(h.refinements for h in hits))
    # A hit counts once per result it has (a learning may cite two winning cycles).
    c["result"].update(chain.from_iterable(h.results if len(h.results) < 2 else set(h.results) for h in hits))
    return {f: tuple(sorted(n.items(), key=lambda kv: (-kv[1], kv[0]))) for f, n in c.items()}
