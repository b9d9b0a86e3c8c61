"""Searching the library: every learning, insight, hypothesis and evaluated cycle of every
engagement (active, completed, archived, disqualified), ranked, with facet counts.

With FTS5 the words are matched by the index (``db/fts.py``: bm25, the statement weighted
above the notes, prefixes as the user types, a highlighted snippet). Without it the same
rows are scanned and matched on folded text, ranked the same way in spirit (a word in the
statement counts three times one in the notes), so the library works, only slower.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from db import fts
from db.models import database
from mwms_desktop.library import facets as facet_mod
from mwms_desktop.library.query import DATE_FORMS, Query, date_value, fold, fts_match, ordered, parse, words
from mwms_desktop.local_days import LocalDays

KINDS: tuple[str, ...] = tuple(s.kind for s in fts.SOURCES)
MARK_START, MARK_END = "\x02", "\x03"  # around a matched word in a snippet
FACET_CAP = 500  # words alone: the facets count the best this many of each kind


class Hit(NamedTuple):
    """One record found: what it is, where it lives, and the facts the facets count.
    (A named tuple: a search may build tens of thousands of them.)"""

    kind: str
    id: int
    engagement_id: int
    client: str
    engagement_type: str
    owner: str
    stage: str
    status: str
    tags: tuple[str, ...]
    confidence: str | None
    refinements: tuple[str, ...]
    results: tuple[str, ...]
    day: str | None  # the local day (ISO): a learning's recorded instant in the user's zone
    statement: str
    score: float  # higher is better
    notes: str = ""  # the tags, detail, rationale or evaluation (read by the scan only)
    snippet: str = ""  # the statement or notes, matched words between MARK_START and MARK_END


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: Query
    hits: tuple[Hit, ...]  # the best, best first
    total: int | None  # every match after the facet tokens; None: not counted (``count`` does)
    facets: dict[str, tuple[tuple[str, int], ...]]
    indexed: bool  # False: a plain scan (no FTS5 in this SQLite)
    counted: int = 0  # the matches the facet counts cover: all, or the best FACET_CAP of each kind


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(t.strip() for t in (text or "").split(",") if t.strip())


class _Reader:
    """Builds hits from rows, splitting each distinct tags or results text once (many rows
    share their engagement's tags and a handful of result combinations), and dating a
    learning by the user's local day of its recorded instant (the zone asked once per UTC
    day, ``LocalDays``), as insights and cycles are dated and the analytics count them."""

    def __init__(self) -> None:
        self.local = LocalDays()
        self.tags: dict[tuple[str, str], tuple[str, ...]] = {}
        self.lists: dict[str, tuple[str, ...]] = {"": ()}
        self.folded: dict[str, tuple[str, ...]] = {"": ()}

    def fold_split(self, text: str | None) -> tuple[str, ...]:
        """The tags of ``text``, case-folded (each distinct text split once)."""
        text = text or ""
        got = self.folded.get(text)
        if got is None:
            got = self.folded[text] = tuple(t.casefold() for t in _split(text))
        return got

    def split(self, text: str | None) -> tuple[str, ...]:
        text = text or ""
        got = self.lists.get(text)
        if got is None:
            got = self.lists[text] = _split(text)
        return got

    def hit(self, kind: str, row: tuple, score: float, notes: str = "") -> Hit:
        (rid, eid, client, etype, owner, stage, status, tags, etags, conf, refs, results, day, statement) = (
            row[:14]
        )
        if kind == "learning" and day:
            day = self.local.iso(day)
        key = (tags or "", etags or "")
        both = self.tags.get(key)
        if both is None:
            both = self.tags[key] = tuple(dict.fromkeys(self.fold_split(tags) + self.fold_split(etags)))
        return Hit(kind, rid, eid, client, etype, owner, stage, status, both, conf, self.split(refs),
                   self.split(results), day, statement, score, notes)  # fmt: skip


def indexed() -> bool:
    """Whether search uses the FTS5 index (else a plain scan)."""
    return fts.fts5_available(database) and fts.tables_present(database) and fts.triggers_present(database)


def _fts_hits(
    kind: str, ws: tuple[str, ...], any_word: bool, reader: _Reader, top: int | None = None
) -> list[Hit]:
    match = fts_match(ws, any_word=any_word)
    if top is None:
        rows = database.execute_sql(fts.match_sql(kind), (match,)).fetchall()
    else:
        rows = database.execute_sql(fts.match_sql(kind, top=True), (match, top)).fetchall()
    return [reader.hit(kind, r, -r[14]) for r in rows]


def _scan_score(ws: tuple[str, ...], statement: str, notes: str, any_word: bool) -> float:
    s, n = _tokens(statement), _tokens(notes)
    score, matched = 0.0, 0
    for w in (fold(w) for w in ws):
        here = 3.0 * _count(s, w) + _count(n, w)
        if here:
            matched += 1
            score += here
        elif not any_word:
            return 0.0
    return score if matched else 0.0


def _tokens(text: str | None) -> list[str]:
    return [fold(t) for t in words(text or "")]


def _count(tokens: list[str], word: str) -> int:
    """How many of ``tokens`` begin with ``word`` (prefix matching, like the index)."""
    return sum(1 for t in tokens if t.startswith(word))


def _scan_hits(kind: str, ws: tuple[str, ...], any_word: bool, reader: _Reader) -> list[Hit]:
    out = []
    for r in database.execute_sql(fts.all_sql(kind)).fetchall():
        score = _scan_score(ws, r[14], r[15], any_word) if ws else 1.0
        if score:
            out.append(reader.hit(kind, r, score, r[15] or ""))
    return out


def _all_hits(kind: str, reader: _Reader) -> list[Hit]:
    return [reader.hit(kind, r, 0.0) for r in database.execute_sql(fts.all_sql(kind)).fetchall()]


def hits(
    q: Query, kinds: Iterable[str] = KINDS, *, any_word: bool = False, top: int | None = None
) -> tuple[list[Hit], bool]:
    """Every record of ``kinds`` whose text matches the query's words (all of them, or any
    with ``any_word``), before facet tokens; and whether the index answered. ``top``: with
    the index, only the best that many of each kind."""
    use_index = indexed()
    found: list[Hit] = []
    reader = _Reader()
    for kind in kinds:
        if not q.words:
            found.extend(_all_hits(kind, reader))
        elif use_index:
            found.extend(_fts_hits(kind, q.words, any_word, reader, top))
        else:
            found.extend(_scan_hits(kind, q.words, any_word, reader))
    return found, use_index


def _page(q: Query, kinds: tuple[str, ...], limit: int, offset: int) -> tuple[list[Hit], int | None]:
    """The best ``limit`` matches of the query's words among ``kinds`` after the best
    ``offset``, best first, each with its notes; and the total when the ranking reached
    every match (else None). Each kind's best rows are ranked by the index alone, then only
    the page's rows are read (a keystroke's first page: no row is read that is not shown)."""
    match = fts_match(q.words)
    ranked: list[tuple[float, str, int]] = []
    complete = True
    for kind in kinds:
        rows = database.execute_sql(fts.rank_sql(kind), (match, offset + limit)).fetchall()
        complete = complete and len(rows) < offset + limit
        ranked.extend((rank, kind, rowid) for rowid, rank in rows)
    ranked.sort()
    best = ranked[offset : offset + limit]
    reader = _Reader()
    found: list[Hit] = []
    for kind in kinds:
        rank_of = {rowid: rank for rank, k, rowid in best if k == kind}
        if rank_of:
            rows = database.execute_sql(fts.rows_sql(kind, len(rank_of)), list(rank_of)).fetchall()
            found.extend(reader.hit(kind, r, -rank_of[r[0]], r[14] or "") for r in rows)
    found.sort(key=_order)
    return found, (len(ranked) if complete else None)


def count(text: str, **extra: Iterable[str]) -> int:
    """How many records match ``text`` (and ``extra``, as :func:`search`)."""
    q = _query(text, extra)
    kinds = _kinds(q)
    if q.words and not _narrowed(q) and indexed():
        return sum(database.execute_sql(fts.count_sql(k), (fts_match(q.words),)).fetchone()[0] for k in kinds)
    return search(text, limit=0, facets=False, **extra).total or 0  # counted: the rows were read


def _snippets(found: list[Hit], q: Query, use_index: bool, *, notes_read: bool = False) -> list[Hit]:
    """The shown hits with their snippets: the statement with the matched words marked, or,
    when only the notes matched, the statement and the notes' matching part. Marked here,
    by the same folding the index uses, over the few hits shown (FTS5's ``highlight()``
    would evaluate the whole query again)."""
    if not q.words:
        return [_with(h, h.statement) for h in found]
    if use_index and not notes_read:  # the notes of the shown hits, by key
        notes: dict[tuple[str, int], str] = {}
        for kind in KINDS:
            ids = [h.id for h in found if h.kind == kind]
            if ids:
                for rid, text in database.execute_sql(fts.notes_sql(kind, len(ids)), ids).fetchall():
                    notes[(kind, rid)] = text or ""
        found = [h._replace(notes=notes.get((h.kind, h.id), "")) for h in found]
    return [_with(h, _snippet(h, q.words)) for h in found]


def _snippet(h: Hit, ws: tuple[str, ...]) -> str:
    """The statement marked; the notes are marked only when the statement has no match."""
    statement = scan_snippet(h.statement, ws)
    if MARK_START in statement or not h.notes:
        return statement
    return _joined(statement, scan_snippet(h.notes, ws))


def _joined(statement: str, notes: str) -> str:
    """The statement, highlighted; when the words matched only the notes, their snippet after it."""
    if MARK_START in (statement or "") or MARK_START not in (notes or ""):
        return statement or ""
    return f"{statement} — {notes}"


def _with(h: Hit, snippet: str) -> Hit:
    return h._replace(snippet=snippet)


def scan_snippet(text: str, ws: tuple[str, ...]) -> str:
    """``text`` with the words that begin with one of ``ws`` (folded) marked."""
    folded = _folded(ws)
    marked = " ".join(
        f"{MARK_START}{token}{MARK_END}" if _marks(token, folded) else token for token in text.split(" ")
    )
    first = marked.find(MARK_START)
    if len(marked) > 240 and first > 60:  # a long note: from a little before its first match
        marked = "…" + marked[first - 40 :]
    return marked[:400]


@lru_cache(maxsize=256)
def _folded(ws: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f for f in (fold(w) for w in ws) if f)


@lru_cache(maxsize=65536)
def _marks(token: str, folded: tuple[str, ...]) -> bool:
    """Whether a word of ``token`` begins with one of ``folded`` (cached: the same words
    come back in every snippet and on every keystroke)."""
    return any(t.startswith(folded) for t in _tokens(token)) if folded else False


def _order(h: Hit) -> tuple[float, str, int]:
    return (-h.score, h.kind, h.id)


def _query(text: str, extra: dict[str, Iterable[str]]) -> Query:
    """What was typed, with ``extra`` facet values added."""
    q = parse(text)
    if extra:
        merged = dict(q.facets)
        problems = list(q.problems)
        for name, given in extra.items():
            values = frozenset(v.casefold() for v in given if v)
            if name in DATE_FORMS:
                dates = {v: date_value(name, v) for v in values}
                problems += [
                    f"{name}: wants {DATE_FORMS[name]} (not {v!r})." for v, d in dates.items() if not d
                ]
                values = frozenset(d for d in dates.values() if d)
            if values:
                merged[name] = merged.get(name, frozenset()) | values
        q = Query(q.words, ordered(merged), tuple(problems))
    return q


def _kinds(q: Query) -> tuple[str, ...]:
    return tuple(k for k in KINDS if "kind" not in q.facets or k in q.facets["kind"])


def _narrowed(q: Query) -> bool:
    return any(name != "kind" for name in q.facets)


def search(
    text: str,
    *,
    limit: int = 50,
    offset: int = 0,
    facets: bool = True,
    total: bool = True,
    **extra: Iterable[str],
) -> SearchResult:
    """The library's answer to what was typed: the best ``limit`` hits (after the best
    ``offset``: the next page), the total, and the facet counts of every match. ``extra``
    adds facet values (``kind=["learning"]``), as the CLI's options do. ``facets=False``:
    no facet counts (``counted`` 0), and with words alone only the page's hits are read:
    the window's first paint, its facets asked for next. ``total=False`` (with
    ``facets=False``): the total is left to :func:`count` (None) unless it comes free."""
    q = _query(text, extra)
    kinds = _kinds(q)
    narrowed = _narrowed(q)
    limit, offset = max(0, limit), max(0, offset)
    if q.words and not narrowed and not facets and not total and indexed():
        found, counted = _page(q, kinds, max(1, limit), offset)
        best = _snippets(found[:limit], q, True, notes_read=True)
        return SearchResult(q, tuple(best), counted, {}, True, 0)
    if q.words and not narrowed and indexed():
        # Words alone, the common case while typing: the index ranks every match but only
        # the best of each kind are read; the facets count those, the total counts all.
        found, use_index = hits(q, kinds, top=FACET_CAP if facets else max(1, offset + limit))
        n = sum(database.execute_sql(fts.count_sql(k), (fts_match(q.words),)).fetchone()[0] for k in kinds)
    else:
        found, use_index = hits(q, kinds)
        if q.facets:
            found = [h for h in found if facet_mod.matches(h, q.facets)]
        n = len(found)
    found.sort(key=_order)
    counts = facet_mod.count(found) if facets else {}
    best = _snippets(found[offset : offset + limit], q, use_index)
    return SearchResult(q, tuple(best), n, counts, use_index, len(found) if facets else 0)
