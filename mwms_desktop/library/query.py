"""What the consultant typed in the library's search box, read into words and facet tokens.

Nothing typed is ever an error: words are the runs of letters and digits (quotes, hyphens,
brackets, ``AND`` or a lone ``*`` are just text), and ``key:value`` narrows like a facet
when the key is one the library knows (``is:win``, ``tag:checkout``, ``type:ecommerce_growth``,
``kind:learning``), and is plain text otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
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
}


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
    rest: list[str] = []
    last = 0
    for m in _TOKEN.finditer(text):
        key = m.group(1).casefold()
        if key not in FACET_KEYS:
            continue
        value = m.group(2).strip('"').strip().casefold()
        rest.append(text[last : m.start()])
        last = m.end()
        if value:
            facets.setdefault(FACET_KEYS[key], set()).add(value)
    rest.append(text[last:])
    return Query(words(" ".join(rest)), {k: frozenset(v) for k, v in facets.items()})


def fts_match(ws: tuple[str, ...], *, any_word: bool = False) -> str:
    """An FTS5 query of ``ws``, each quoted (so no word is an operator) and matched as a
    prefix (results follow typing); all words required unless ``any_word``."""
    return (" OR " if any_word else " ").join(f'"{w}"*' for w in ws)
