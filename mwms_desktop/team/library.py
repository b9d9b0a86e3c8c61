"""The team's learning library: every consultant's learnings, searched on the team server.

The server's ``learning_library`` view decides who sees what (``db/server/policies.py``): a
learning of an engagement the reader may not see names its client by the engagement's type
("an ecommerce growth client") and is left out when it is private. This module only reads
that view, as the consultant's own role, so nothing here can show more than the view does.

What is typed is read as the local library reads it (``library.query.parse``): words are the
runs of letters and digits (quotes, hyphens, ``AND`` are just text, never an error), each
matched as a prefix of a word of the statement or the tags (PostgreSQL's full-text search,
the ``simple`` configuration: no stemming, no stop words), ranked by ``ts_rank``;
``type:``, ``tag:`` and ``confidence:`` narrow as they do locally (the other tokens name
what the view does not hold, and narrow nothing here). Nothing typed is ever put into the
SQL: the words go to the server as one array parameter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import psycopg

from mwms_desktop import framework as fw
from mwms_desktop import validate
from mwms_desktop.library.query import parse
from mwms_desktop.team import credentials, membership
from mwms_desktop.team.connection import describe
from mwms_desktop.team.credentials import Ask
from mwms_desktop.team.errors import TeamError

# Runs of letters and digits: what PostgreSQL's parser keeps as one word (an underscore
# would split a word in two, so it splits it here, before the server sees it).
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_LIMIT = 10_000

# The words as a tsquery, built on the server from the array parameter: each word quoted
# (so none is an operator) and matched as a prefix, all of them required.
_SEARCH = """
WITH q AS (
  SELECT to_tsquery('simple', string_agg(quote_literal(w) || ':*', ' & ')) AS q
  FROM unnest(%(words)s::text[]) AS w
)
SELECT l.uuid, l.statement, l.confidence, l.tags, l.recorded_at, l.client, l.engagement_type,
       l.engagement_visible, ts_rank(d.doc, q.q) AS rank
FROM learning_library l
CROSS JOIN q
CROSS JOIN LATERAL (
  SELECT setweight(to_tsvector('simple', l.statement), 'A')
      || setweight(to_tsvector('simple', l.tags), 'B') AS doc
) d
WHERE d.doc @@ q.q {narrow}
ORDER BY rank DESC, l.recorded_at DESC, l.uuid
LIMIT %(limit)s
"""

# Nothing typed but tokens (or nothing at all): the newest learnings first.
_NEWEST = """
SELECT l.uuid, l.statement, l.confidence, l.tags, l.recorded_at, l.client, l.engagement_type,
       l.engagement_visible, 0.0 AS rank
FROM learning_library l
WHERE true {narrow}
ORDER BY l.recorded_at DESC, l.uuid
LIMIT %(limit)s
"""

_NARROW = {
    "type": " AND l.engagement_type = ANY(%(type)s::text[])",
    "confidence": " AND l.confidence = ANY(%(confidence)s::text[])",
    "tag": (
        " AND EXISTS (SELECT 1 FROM unnest(string_to_array(l.tags, ',')) AS t"
        " WHERE lower(btrim(t)) = ANY(%(tag)s::text[]))"
    ),
}


@dataclass(frozen=True, slots=True)
class TeamLearning:
    """One learning of the team as this consultant may see it."""

    uuid: str
    statement: str
    confidence: str
    tags: tuple[str, ...]
    recorded_at: datetime
    client: str  # as the view gives it: the name, or "an ecommerce growth client"
    engagement_type: str  # its label, "Ecommerce growth"
    visible: bool  # whether this consultant may see the engagement (its client's name)


def words(text: str) -> tuple[str, ...]:
    """The words searched for in ``text`` (its facet tokens taken out)."""
    return tuple(w for chunk in parse(text).words for w in _WORD.findall(chunk))


def _learning(row: tuple) -> TeamLearning:
    uuid, statement, confidence, tags, recorded_at, client, etype, visible = row[:8]
    return TeamLearning(
        uuid=uuid,
        statement=statement,
        confidence=confidence,
        tags=validate.split_tags(tags or ""),
        recorded_at=datetime.fromisoformat(recorded_at),
        client=client,
        engagement_type=fw.label(fw.ENGAGEMENT_TYPES, etype),
        visible=bool(visible),
    )


def query_of(
    text: str, limit: int, *, types: Iterable[str] = (), tags: Iterable[str] = ()
) -> tuple[str, dict[str, object]]:
    """The SQL and its parameters for ``text`` (values only ever as parameters); ``types``
    and ``tags`` narrow as ``type:`` and ``tag:`` tokens do."""
    q = parse(text)
    wanted = dict(q.facets)
    for facet, more in (("type", types), ("tag", tags)):
        extra = {v.strip().casefold() for v in more if v.strip()}
        if extra:
            wanted[facet] = wanted.get(facet, frozenset()) | extra
    params: dict[str, object] = {"limit": limit}
    narrow = ""
    for facet, clause in _NARROW.items():
        values = wanted.get(facet)
        if values:
            narrow += clause
            params[facet] = sorted(values)
    found = words(text)
    if not found:
        return _NEWEST.format(narrow=narrow), params
    params["words"] = list(found)
    return _SEARCH.format(narrow=narrow), params


def search(
    text: str,
    limit: int = 50,
    ask: Ask | None = credentials.ask_terminal,
    *,
    types: Iterable[str] = (),
    tags: Iterable[str] = (),
) -> list[TeamLearning]:
    """The team's learnings matching ``text``, best first (the newest first when nothing but
    tokens is typed), as the joined consultant may see them; ``types`` and ``tags`` narrow
    as ``type:`` and ``tag:`` do. Raises a
    :class:`~mwms_desktop.team.errors.TeamError` with one line when this database has not
    joined a team or the server cannot be reached (:class:`~mwms_desktop.team.errors.Offline`)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise TeamError(f"The limit must be from 1 to {MAX_LIMIT}, not {limit}.")
    sql_text, params = query_of(text, limit, types=types, tags=tags)
    conn, address = membership.open_connection(ask)
    try:
        rows = conn.execute(sql_text, params).fetchall()  # type: ignore[arg-type]
    except psycopg.OperationalError as exc:
        raise describe(exc, address) from None
    except psycopg.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise TeamError(f"The team server at {address.where} could not search its library: {first}") from None
    finally:
        conn.close()
    return [_learning(row) for row in rows]


def joined() -> bool:
    """Whether this database has joined a team (local only: no network)."""
    return membership.current_address() is not None
