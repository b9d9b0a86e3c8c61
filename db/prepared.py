"""Queries whose SQL peewee builds once, then runs with other keys.

Turning a query into SQL costs peewee 0.1–0.3 ms; SQLite answers a keyed read of one
engagement's rows in about 0.01 ms. A drop on the board reads one engagement's records a
dozen times over (the gate, the card, its neighbours), so the reads on that path are
declared here once, as a peewee query over placeholder keys, and reused.

    by_engagement = Prepared(lambda eid: Stakeholder.select().where(Stakeholder.engagement == eid))
    by_engagement.models(42)

The first run builds the query with *markers* for its keys (values unlike any real key) and
notes where each marker lands among the parameters; later runs put the real keys there, by
position. Only the keys change between runs: every other value in the query, including any
value a builder computes from a key, is fixed when it is built. Keys reach SQLite as given,
without peewee's field conversion, so each must be of its declared type.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from peewee import Model, Query

# One marker per key position and type, told apart from every other parameter at build time.
_MARKERS: dict[type, Callable[[int], Any]] = {
    int: lambda n: -(2**62) - n,
    float: lambda n: -1.5e300 - n * 1e290,
    str: lambda n: f"\x00prepared-key-{n}",
}


def _is_kind(key: Any, kind: type) -> bool:
    if isinstance(key, bool):  # a bool is an int to Python, never a key
        return False
    return isinstance(key, (int, float)) if kind is float else isinstance(key, kind)


class Prepared:
    """A query built by ``build(*keys)``; ``kinds`` are the keys' types (ints by default)."""

    def __init__(self, build: Callable[..., Query], *kinds: type) -> None:
        self._build = build
        self._kinds = kinds or (int,)
        self._compiled: tuple[Query, str, list[Any], list[int | None]] | None = None

    def _compile(self) -> tuple[Query, str, list[Any], list[int | None]]:
        if self._compiled is None:
            markers = [_MARKERS[kind](n) for n, kind in enumerate(self._kinds)]
            query = self._build(*markers)
            sql, params = query.sql()
            slots = [markers.index(p) if p in markers else None for p in params]
            missing = set(range(len(markers))) - set(slots)
            if missing:
                raise ValueError(f"Prepared query does not use key(s) {sorted(missing)}: {sql}")
            self._compiled = (query, sql, list(params), slots)
        return self._compiled

    def params(self, *keys: Any) -> tuple[str, list[Any]]:
        """The SQL and its parameters for these keys."""
        if len(keys) != len(self._kinds) or not all(map(_is_kind, keys, self._kinds)):
            kinds = ", ".join(kind.__name__ for kind in self._kinds)
            raise TypeError(f"expected keys of type ({kinds}), got {keys!r}")
        _query, sql, fixed, slots = self._compile()
        return sql, [fixed[n] if slot is None else keys[slot] for n, slot in enumerate(slots)]

    def _execute(self, keys: tuple) -> Any:
        sql, params = self.params(*keys)
        return self._compile()[0]._database.execute_sql(sql, params)  # the models' database

    def rows(self, *keys: Any) -> list[tuple]:
        """The rows as SQLite returns them (no field conversion)."""
        return self._execute(keys).fetchall()

    def scalar(self, *keys: Any) -> Any:
        row = self._execute(keys).fetchone()
        return None if row is None else row[0]

    def models(self, *keys: Any) -> list[Model]:
        """The rows as model instances, each field converted as peewee would."""
        sql, params = self.params(*keys)
        return list(self._compile()[0].model.raw(sql, *params))  # type: ignore[attr-defined]

    def first(self, *keys: Any) -> Model | None:
        found = self.models(*keys)
        return found[0] if found else None
