"""Related past learnings for what a consultant is writing: by its words, and by the
engagement's type and tags; learnings from a loss or an inconclusive cycle are marked as
contradicting, so a hypothesis that failed elsewhere shows as such."""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Engagement
from mwms_desktop.library.query import Query, words
from mwms_desktop.library.search import Hit, hits

# Words too common to say what a text is about.
_STOP_WORDS = (
    "the and for with that this from are was were will would can could should has have had not "
    "but our their its into than then when what which who how why all any more most less you "
    "your they them his her she him over under about after before because while"
)
_STOP = frozenset(_STOP_WORDS.split(" "))
CANDIDATES = 200  # the best matches by words, re-ranked by type and tags
BOOST_TYPE, BOOST_TAG = 1.5, 0.5  # a same-type engagement counts more; each shared tag a little


@dataclass(frozen=True, slots=True)
class Related:
    hit: Hit
    contradicting: bool  # its evidence includes a loss or an inconclusive cycle
    score: float


def topic_words(text: str) -> tuple[str, ...]:
    """The words of ``text`` that carry meaning (three letters or more, not stop words)."""
    seen: dict[str, None] = {}
    for w in words(text):
        low = w.casefold()
        if len(low) >= 3 and low not in _STOP:
            seen.setdefault(low, None)
    return tuple(seen)[:24]  # a long text: its first words say enough


def related(text: str, engagement_id: int, *, limit: int = 8) -> list[Related]:
    """The learnings of other engagements most related to ``text``, best first."""
    ws = topic_words(text)
    if not ws:
        return []
    e = Engagement.get_or_none(Engagement.id == engagement_id)
    etype = e.engagement_type if e else None
    etags = {t.strip().casefold() for t in (e.tags if e else "").split(",") if t.strip()}
    found, _ = hits(Query(ws), ("learning",), any_word=True, top=CANDIDATES)
    out = []
    for h in found:
        if h.engagement_id == engagement_id:
            continue
        score = h.score * (BOOST_TYPE if h.engagement_type == etype else 1.0)
        score *= 1.0 + BOOST_TAG * len(etags & set(h.tags))
        out.append(Related(h, any(r in ("loss", "inconclusive") for r in h.results), score))
    out.sort(key=lambda r: (-r.score, r.hit.id))
    return out[:limit]
