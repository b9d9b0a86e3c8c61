"""Related past learnings for what a consultant is writing: by its words, and by the
engagement's type and tags; learnings from a loss or an inconclusive cycle are marked as
contradicting, so a hypothesis that failed elsewhere shows as such."""

from __future__ import annotations

from dataclasses import dataclass

from db import fts
from db.models import Engagement, database
from mwms_desktop.library.query import Query, fts_match, words
from mwms_desktop.library.search import Hit, _Reader, _split, hits, indexed

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


def _boosted(score: float, engagement_type: str, tags: set[str] | tuple[str, ...], etype: str | None,
             etags: set[str]) -> float:  # fmt: skip
    """A match's score with the boosts of sharing the engagement's type and tags."""
    score *= BOOST_TYPE if engagement_type == etype else 1.0
    return score * (1.0 + BOOST_TAG * len(etags & set(tags)))


# The facts the boosts need, for the candidates the index ranked.
_FACTS = (
    "SELECT r.id, r.engagement_id, e.engagement_type, r.tags, e.tags FROM learning r "
    "JOIN engagement e ON e.id = r.engagement_id WHERE r.id IN ({})"
)


def _indexed(ws: tuple[str, ...], engagement_id: int, etype: str | None, etags: set[str],
             limit: int) -> list[Related]:  # fmt: skip
    """With the index: the best CANDIDATES ranked by it alone, re-ranked from the few facts
    the boosts need, and only the best ``limit`` read whole."""
    ranked = database.execute_sql(fts.rank_sql("learning"), (fts_match(ws, any_word=True), CANDIDATES))
    rank_of = {rowid: -rank for rowid, rank in ranked.fetchall()}
    if not rank_of:
        return []
    scored = []
    facts = database.execute_sql(_FACTS.format(", ".join("?" * len(rank_of))), list(rank_of)).fetchall()
    for rid, eid, etype_, tags, e_tags in facts:
        if eid != engagement_id:
            both = {t.casefold() for t in (*_split(tags), *_split(e_tags))}
            scored.append((-_boosted(rank_of[rid], etype_, both, etype, etags), rid))
    by_id = {rid: -neg for neg, rid in sorted(scored)[:limit]}
    if not by_id:
        return []
    rows = database.execute_sql(fts.rows_sql("learning", len(by_id)), list(by_id)).fetchall()
    reader = _Reader()
    out = []
    for r in rows:
        h = reader.hit("learning", r, rank_of[r[0]], r[14] or "")
        out.append(Related(h, any(x in ("loss", "inconclusive") for x in h.results), by_id[r[0]]))
    out.sort(key=lambda r: (-r.score, r.hit.id))
    return out


def related(text: str, engagement_id: int, *, limit: int = 8) -> list[Related]:
    """The learnings of other engagements most related to ``text``, best first."""
    ws = topic_words(text)
    if not ws:
        return []
    e = Engagement.get_or_none(Engagement.id == engagement_id)
    etype = e.engagement_type if e else None
    etags = {t.strip().casefold() for t in (e.tags if e else "").split(",") if t.strip()}
    if indexed():
        return _indexed(ws, engagement_id, etype, etags, limit)
    found, _ = hits(Query(ws), ("learning",), any_word=True)
    out = []
    for h in found:
        if h.engagement_id == engagement_id:
            continue
        score = _boosted(h.score, h.engagement_type, h.tags, etype, etags)
        out.append(Related(h, any(r in ("loss", "inconclusive") for r in h.results), score))
    out.sort(key=lambda r: (-r.score, r.hit.id))
    return out[:limit]
