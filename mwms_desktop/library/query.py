"""What the consultant typed in the library's search box, read into words and facet tokens.

Nothing typed is ever an error: words are the runs of letters and digits (quotes, hyphens,
brackets, ``AND`` or a lone ``*`` are just text), and ``key:value`` narrows like a facet
when the key is one the library knows (``is:win``, ``tag:checkout``, ``type:ecommerce_growth``,
``kind:learning``), and is plain text otherwise.

Dates narrow by ``year:2026``, ``month:2026-03``, or a range ``from:DATE`` / ``to:DATE``
(DATE a year, a month or a day: ``from:2026-03 to:2026-06`` is March to June inclusive, and
so is ``from:2026-06 to:2026-03``, the bounds swapped as the analytics window swaps them). A
date token whose value is not a date narrows nothing and says so (``Query.problems``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r'(\w+):("[^"]*"|\S+)', re.UNICODE)

# token key -> the facet it narrows
FACET_KEYS: dict[str, str] = {
    "is": "result",
    "result": "result",
    "tag": "tag",
    "type": "type",
    "kind": "kind",
    "client": "client",
    "owner": "owner",
    "stage": "stage",
    "confidence": "confidence",
    "refines": "refinement",
    "year": "year",
    "month": "month",
    "from": "date_from",
    "to": "date_to",
}
# Date tokens: the forms each takes, as said back when a value is not one of them.
DATE_FORMS = {"year": "a year like 2026", "month": "a month like 2026-03",
              "date_from": "a date like 2026-03-14, 2026-03 or 2026",
              "date_to": "a date like 2026-03-14, 2026-03 or 2026"}  # fmt: skip
_DATE_SHAPES = {"year": (4,), "month": (7,), "date_from": (4, 7, 10), "date_to": (4, 7, 10)}


def date_value(facet: str, value: str) -> str | None:
    """``value`` as the date facet ``facet`` reads it (``2026``, ``2026-03``, ``2026-03-14``,
    zero-padded: ``2026-3`` is ``2026-03``), or None when it is not one."""
    parts = value.strip().split("-")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() and p.isascii() for p in parts):
        return None
    if len(parts[0]) != 4 or any(not 1 <= len(p) <= 2 for p in parts[1:]):
        return None
    y, m, d = int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1
    try:
        date(y, m, d)
    except ValueError:
        return None
    text = "-".join([f"{y:04d}", *(f"{int(p):02d}" for p in parts[1:])])
    return text if len(text) in _DATE_SHAPES[facet] else None


@dataclass(frozen=True, slots=True)
class Query:
    words: tuple[str, ...] = ()
    facets: dict[str, frozenset[str]] = field(default_factory=dict)
    problems: tuple[str, ...] = ()  # tokens not understood, each said in a sentence

    @property
    def empty(self) -> bool:
        return not self.words and not self.facets


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case without diacritics ("Zoë Müller" -> "zoe muller"), as the index reads text.
    (Cached: the same words come back on every keystroke.)"""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text))


def parse(text: str) -> Query:
    """The words and facet tokens of ``text``; never raises."""
    facets: dict[str, set[str]] = {}
    problems: list[str] = []
    rest: list[str] = []
    last = 0
    for m in _TOKEN.finditer(text):
        key = m.group(1).casefold()
        if key not in FACET_KEYS:
            continue
        value = m.group(2).strip('"').strip().casefold()
        rest.append(text[last : m.start()])
        last = m.end()
        facet = FACET_KEYS[key]
        if value and facet in DATE_FORMS:
            as_date = date_value(facet, value)
            if as_date is None:
                problems.append(f"{key}: wants {DATE_FORMS[facet]} (not {value!r}), so it narrows nothing.")
                continue
            value = as_date
        if value:
            facets.setdefault(facet, set()).add(value)
    rest.append(text[last:])
    wanted = ordered({k: frozenset(v) for k, v in facets.items()})
    return Query(words(" ".join(rest)), wanted, tuple(problems))


def ordered(facets: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    """A range typed the wrong way round (``from:2026-06 to:2026-03``) as the range it names,
    March to June, as the analytics window swaps a period whose start is after its end. The
    range runs from the earliest ``from`` to the latest ``to`` (``facets.in_range``), compared
    at the precision both have (``from:2026-06-15 to:2026-06`` is not reversed)."""
    starts, ends = facets.get("date_from"), facets.get("date_to")
    if not starts or not ends:
        return facets
    first, last = min(starts), max(ends)
    n = min(len(first), len(last))
    if first[:n] <= last[:n]:
        return facets
    return {**facets, "date_from": ends, "date_to": starts}


def fts_match(ws: tuple[str, ...], *, any_word: bool = False) -> str:
    """An FTS5 query of ``ws``, each quoted (so no word is an operator) and matched as a
    prefix (results follow typing); all words required unless ``any_word``."""
    return (" OR " if any_word else " ").join(f'"{w}"*' for w in ws)
