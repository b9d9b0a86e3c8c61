"""The learning library's full-text index: SQLite FTS5 tables over the records' own tables.

One external-content FTS5 table per kind of record the library searches (learnings,
insights, hypotheses, cycles), so the text is stored once, in the record's table, and the
index holds only tokens. Triggers keep each index current through every insert, update and
delete, whoever writes (services, bundle import, restore, undo). The tokenizer folds case
and diacritics ("zoe" finds "Zoë", "muller" finds "Müller") and splits any script; prefix
indexes of 1, 2 and 3 characters make typing-as-you-search cheap (a word's first letter,
typed after another word, is one index lookup instead of a merge of every word it begins).

Some Python builds ship SQLite without FTS5: :func:`fts5_available` probes once per
connection, and without it the triggers are left out (they would make every write fail)
and the library falls back to a plain scan. :func:`reconcile` runs at every open so a file
that moves between such builds ends up with the index it can use, rebuilt when it was off.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import SqliteDatabase


@dataclass(frozen=True, slots=True)
class Source:
    """One indexed table: the FTS table's name, the record table, and its two columns
    (the statement, weighted above the notes in ranking)."""

    kind: str
    table: str
    statement: str
    notes: str

    @property
    def fts(self) -> str:
        return f"{self.table}_fts"


SOURCES: tuple[Source, ...] = (
    Source("learning", "learning", "statement", "tags"),
    Source("insight", "insight", "statement", "detail"),
    Source("hypothesis", "hypothesis", "statement", "rationale"),
    Source("cycle", "cycle", "title", "evaluation"),
)
SOURCE_BY_KIND = {s.kind: s for s in SOURCES}
TOKENIZE = "unicode61 remove_diacritics 2"
PREFIX = "1 2 3"  # schema 9 added 1 (schema 4 had '2 3'): :func:`outdated` tells the old index

_probe_cache: dict[int, bool] = {}


def _probe(database: SqliteDatabase) -> bool:
    try:
        database.execute_sql("CREATE VIRTUAL TABLE temp.mwms_fts5_probe USING fts5(x)")
    except Exception:
        return False
    database.execute_sql("DROP TABLE temp.mwms_fts5_probe")
    return True


def fts5_available(database: SqliteDatabase) -> bool:
    """Whether this SQLite has FTS5: asked once per connection."""
    key = id(database.connection())
    if key not in _probe_cache:
        _probe_cache.clear()  # one connection at a time: forget the previous one
        _probe_cache[key] = _probe(database)
    return _probe_cache[key]


def _triggers(s: Source) -> list[str]:
    cols = f"{s.statement}, {s.notes}"
    new = f"new.id, new.{s.statement}, new.{s.notes}"
    old = f"old.id, old.{s.statement}, old.{s.notes}"
    insert = f'INSERT INTO "{s.fts}"(rowid, {cols}) VALUES ({new});'
    delete = f'INSERT INTO "{s.fts}"("{s.fts}", rowid, {cols}) VALUES (\'delete\', {old});'
    return [
        f'CREATE TRIGGER "{s.fts}_ai" AFTER INSERT ON "{s.table}" BEGIN {insert} END',
        f'CREATE TRIGGER "{s.fts}_ad" AFTER DELETE ON "{s.table}" BEGIN {delete} END',
        f'CREATE TRIGGER "{s.fts}_au" AFTER UPDATE OF id, {cols} ON "{s.table}" BEGIN {delete} {insert} END',
    ]


def trigger_names() -> list[str]:
    return [f"{s.fts}_{suffix}" for s in SOURCES for suffix in ("ai", "ad", "au")]


def create(database: SqliteDatabase) -> None:
    """Create the FTS tables and triggers and build the index from the records (the
    caller holds the transaction). Requires FTS5."""
    for s in SOURCES:
        database.execute_sql(
            f'CREATE VIRTUAL TABLE "{s.fts}" USING fts5({s.statement}, {s.notes}, '
            f"content='{s.table}', content_rowid='id', tokenize='{TOKENIZE}', prefix='{PREFIX}')"
        )
        for ddl in _triggers(s):
            database.execute_sql(ddl)
    rebuild(database)


def tables_present(database: SqliteDatabase) -> bool:
    names = {r[0] for r in database.execute_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return all(s.fts in names for s in SOURCES)


def outdated(database: SqliteDatabase) -> bool:
    """Whether an index table was made by an older definition (another prefix list)."""
    made = database.execute_sql(
        f"SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN ({', '.join('?' * len(SOURCES))})",
        [s.fts for s in SOURCES],
    ).fetchall()
    return any(f"prefix='{PREFIX}'" not in (sql or "") for (sql,) in made)


def recreate(database: SqliteDatabase) -> None:
    """Drop the index tables and their triggers and make them anew by this definition,
    rebuilt from the records (the caller holds the transaction). Requires FTS5."""
    drop_triggers(database)
    for s in SOURCES:
        database.execute_sql(f'DROP TABLE IF EXISTS "{s.fts}"')
    create(database)


def triggers_present(database: SqliteDatabase) -> bool:
    names = {r[0] for r in database.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return all(n in names for n in trigger_names())


def drop_triggers(database: SqliteDatabase) -> None:
    for name in trigger_names():
        database.execute_sql(f'DROP TRIGGER IF EXISTS "{name}"')


def rebuild(database: SqliteDatabase) -> None:
    """Rebuild every index from its records' table."""
    for s in SOURCES:
        database.execute_sql(f'INSERT INTO "{s.fts}"("{s.fts}") VALUES (\'rebuild\')')


def integrity_problems(database: SqliteDatabase) -> list[str]:
    """The indexes that do not match their records (FTS5 ``integrity-check`` with rank 1,
    which compares against the content table); empty when all is well."""
    problems = []
    for s in SOURCES:
        try:
            database.execute_sql(f'INSERT INTO "{s.fts}"("{s.fts}", rank) VALUES (\'integrity-check\', 1)')
        except Exception as exc:
            problems.append(f"{s.fts}: {exc}")
    return problems


def reconcile(database: SqliteDatabase) -> str:
    """Bring the index in line with this SQLite at open: ``"fts5"`` (index present and
    current), ``"built"`` (created or re-enabled and rebuilt now) or ``"scan"`` (no FTS5:
    triggers removed, the library scans)."""
    if not fts5_available(database):
        names = {r[0] for r in database.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        if names & set(trigger_names()):
            with database.atomic():
                drop_triggers(database)
        return "scan"
    if tables_present(database) and triggers_present(database) and not outdated(database):
        return "fts5"
    with database.atomic():
        if not tables_present(database) or outdated(database):
            recreate(database)
        else:  # the triggers were off (a build without FTS5 wrote to the file): catch up
            drop_triggers(database)
            for s in SOURCES:
                for ddl in _triggers(s):
                    database.execute_sql(ddl)
            rebuild(database)
    return "built"


# --- reading the index ------------------------------------------------------------------------

# Per kind: the facts the library facets on, for each matching record. ``{src}`` is the
# record table's alias source (the FTS join or the table alone), ``{rank}`` the rank expression.
# The date: a local day for insights and cycles (a date field); for learnings the stored UTC
# instant, which the reader turns into the user's local day (as the analytics count them).
_ATTRS = {
    "learning": (
        "r.id, r.engagement_id, e.client, e.engagement_type, e.owner, e.stage, e.status, r.tags, e.tags, "
        "r.confidence, r.refinements, (SELECT group_concat(c.result) FROM learning_evidence le "
        "JOIN cycle c ON c.id = le.cycle_id WHERE le.learning_id = r.id), r.recorded_at, "
        "r.statement"
    ),
    "insight": (
        "r.id, r.engagement_id, e.client, e.engagement_type, e.owner, e.stage, e.status, '', e.tags, "
        "NULL, '', NULL, r.recorded_on, r.statement"
    ),
    "hypothesis": (
        "r.id, r.engagement_id, e.client, e.engagement_type, e.owner, e.stage, e.status, '', e.tags, "
        "NULL, '', (SELECT group_concat(c.result) FROM cycle c WHERE c.hypothesis_id = r.id "
        "AND c.status = 'evaluated'), NULL, r.statement"
    ),
    "cycle": (
        "r.id, r.engagement_id, e.client, e.engagement_type, e.owner, e.stage, e.status, '', e.tags, "
        "NULL, '', r.result, r.ended_on, r.title"
    ),
}
_ONLY = {"cycle": " AND r.status = 'evaluated'"}


def match_sql(kind: str, *, top: bool = False) -> str:
    """The rows of ``kind`` matching an FTS5 query (one parameter), with their bm25 rank
    (the statement weighted three times the notes; lower is better). ``top``: only the best
    (a second parameter: how many), ranked by the index before any row is joined."""
    s = SOURCE_BY_KIND[kind]
    source = f'"{s.fts}"'
    if top:  # the best of the rows shown (for cycles, of the evaluated ones): rank_sql's
        return (
            f"SELECT {_ATTRS[kind]}, m.rank FROM ({rank_sql(kind)}) m "
            f'JOIN "{s.table}" r ON r.id = m.hit JOIN engagement e ON e.id = r.engagement_id'
        )
    return (
        f'SELECT {_ATTRS[kind]}, bm25("{s.fts}", 3.0, 1.0) FROM {source} '
        f'JOIN "{s.table}" r ON r.id = "{s.fts}".rowid JOIN engagement e ON e.id = r.engagement_id '
        f'WHERE "{s.fts}" MATCH ?{_ONLY.get(kind, "")}'
    )


def rank_sql(kind: str) -> str:
    """(rowid, bm25 rank) of the best rows of ``kind`` matching an FTS5 query (the first
    parameter), best first (ties by rowid, so pages never overlap), at most the second
    parameter: ranked by the index alone, no record read (cycles: the evaluated ones)."""
    s = SOURCE_BY_KIND[kind]
    rank = f'bm25("{s.fts}", 3.0, 1.0)'
    if kind in _ONLY:
        return (
            f'SELECT "{s.fts}".rowid AS hit, {rank} AS rank FROM "{s.fts}" '
            f'JOIN "{s.table}" r ON r.id = "{s.fts}".rowid '
            f'WHERE "{s.fts}" MATCH ?{_ONLY[kind]} ORDER BY rank, hit LIMIT ?'
        )
    return (
        f'SELECT rowid AS hit, {rank} AS rank FROM "{s.fts}" WHERE "{s.fts}" MATCH ? '
        "ORDER BY rank, hit LIMIT ?"
    )


def rows_sql(kind: str, count: int) -> str:
    """The facts, statement and notes of ``count`` records of ``kind`` given by id."""
    s = SOURCE_BY_KIND[kind]
    return (
        f'SELECT {_ATTRS[kind]}, r."{s.notes}" FROM "{s.table}" r '
        f"JOIN engagement e ON e.id = r.engagement_id WHERE r.id IN ({', '.join('?' * count)})"
    )


def count_sql(kind: str) -> str:
    """How many rows of ``kind`` match an FTS5 query (one parameter)."""
    s = SOURCE_BY_KIND[kind]
    if kind in _ONLY:
        return (
            f'SELECT count(*) FROM "{s.fts}" JOIN "{s.table}" r ON r.id = "{s.fts}".rowid '
            f'WHERE "{s.fts}" MATCH ?{_ONLY[kind]}'
        )
    return f'SELECT count(*) FROM "{s.fts}" WHERE "{s.fts}" MATCH ?'


def all_sql(kind: str) -> str:
    """Every row of ``kind`` the library shows, with its statement and notes (for a scan)."""
    s = SOURCE_BY_KIND[kind]
    return (
        f'SELECT {_ATTRS[kind]}, r.{s.statement}, r.{s.notes} FROM "{s.table}" r '
        f"JOIN engagement e ON e.id = r.engagement_id WHERE 1{_ONLY.get(kind, '')}"
    )


def notes_sql(kind: str, count: int) -> str:
    """(id, notes) of the given records of ``kind``."""
    s = SOURCE_BY_KIND[kind]
    return f'SELECT id, "{s.notes}" FROM "{s.table}" WHERE id IN ({", ".join("?" * count)})'
