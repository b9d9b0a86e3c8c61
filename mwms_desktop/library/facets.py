"""Facets: which values a search's matches take, with counts, and narrowing by them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import chain
from typing import Any

# facet name -> how to read its values off a hit
FACETS: tuple[str, ...] = (
    "kind", "type", "client", "owner", "stage", "tag", "result", "confidence", "refinement", "year",
)  # fmt: skip


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
    raise KeyError(facet)


def matches(hit: Any, wanted: Mapping[str, Iterable[str]]) -> bool:
    """Whether ``hit`` has, for every facet asked, one of the values asked (case-folded)."""
    for facet, allowed in wanted.items():
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
    c["tag"].update(chain.from_iterable(h.tags for h in hits))
    c["refinement"].update(chain.from_iterable(h.refinements for h in hits))
    # A hit counts once per result it has (a learning may cite two winning cycles).
    c["result"].update(chain.from_iterable(h.results if len(h.results) < 2 else set(h.results) for h in hits))
    return {f: tuple(sorted(n.items(), key=lambda kv: (-kv[1], kv[0]))) for f, n in c.items()}
