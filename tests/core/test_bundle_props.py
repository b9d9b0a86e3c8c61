"""Arbitrary and mutated bundles thrown at the importer: a clear MwmsError with the database
unchanged, or an import whose records read back exactly as the bundle described them."""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from mwms_desktop import maintenance
from mwms_desktop.bundle import build_bundle, import_bundle
from mwms_desktop.bundle.parse import parse
from mwms_desktop.bundle.schema import Bundle
from mwms_desktop.clock import FixedClock
from mwms_desktop.errors import MwmsError
from mwms_desktop.services import Services, open_services
from tests.factories import dump, engagement_at

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


class _Digits:
    """A JSON integer of 5000 digits (more than Python's int() reads by default), written
    into the file as digits; a placeholder because repr() of such an int fails."""

    def __init__(self, sign: str) -> None:
        self.sign = sign

    def __repr__(self) -> str:
        return f"{self.sign}10**4999"


BIG, MINUS_BIG = _Digits(""), _Digits("-")


def _nested(depth: int) -> Any:
    node: Any = []
    for _ in range(depth):
        node = [node]
    return node


# Values at and past the edges of what a field can hold (issue 10: extreme dates and
# instants, numbers no column holds, dates in the future, shapes nested deep).
EDGES = st.sampled_from([
    BIG, MINUS_BIG, 10**19, 2**63, -(2**63) - 1, 1e308, -1e308, 5e-324, math.inf, -math.inf, math.nan,
    "0001-01-01", "9999-12-31", "1969-12-31", "1970-01-02", "2999-12-31", "3000-01-01", "2099-01-01",
    "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00", "9999-12-31T23:00:00-05:00",
    "1970-01-01T23:00:00+00:00", "1970-01-02T00:00:00+00:00", "2999-12-31T00:00:00+00:00",
    "2099-01-01T00:00:00+00:00", "2026-11-02T09:00:00+14:00", "\ud800", "a\x00b",
    _nested(300), {"a": _nested(300)},
])  # fmt: skip
JSON_LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(), st.text(max_size=20),
    st.sampled_from(["", "qualification", "2026-11-02", "2026-11-02T09:00:00+00:00", "NaN",
                     "00000000-0000-4000-8000-000000000000"]),
    EDGES,
)  # fmt: skip
JSON_VALUE = st.recursive(
    JSON_LEAF,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every location in a JSON tree (object keys and list indexes), the root excluded."""
    found = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, value in items:
        found.append((*prefix, key))
        found.extend(_paths(value, (*prefix, key)))
    return found


@pytest.fixture(scope="module")
def base_bundle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A valid bundle with every kind of record: one engagement at the last stage."""
    s = open_services(tmp_path_factory.mktemp("base") / "b.sqlite", clock=FixedClock(T0))
    try:
        eid = engagement_at(s, "outcome")
        s.lifecycle.record_dossier_export(eid, "d.pdf", "c" * 64)
        return build_bundle([eid], T0)
    finally:
        s.close()


@pytest.fixture
def target() -> Iterator[Services]:
    with tempfile.TemporaryDirectory() as folder:
        s = open_services(Path(folder) / "t.sqlite", clock=FixedClock(T0))
        s.portfolio.add("Local Ltd")
        yield s
        s.close()


def _like(value: Any, uuids: list[str]) -> st.SearchStrategy[Any]:
    """A value of the same JSON type, often a plausible one, so a good share of mutated
    bundles pass validation and exercise the merge rather than only the refusals."""
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return st.integers(-2, 12) | EDGES
    if isinstance(value, float):
        return st.floats(-1e3, 1e3) | st.floats() | EDGES
    if isinstance(value, str):
        return st.text(max_size=30) | EDGES | st.sampled_from(
            [*uuids, "2026-11-03", "2026-11-03T10:00:00+00:00", "2027-01-01T00:00:00+01:00", "insight",
             "execution", "forward", "undo", "win", "high", " padded ", "line\nbreak"]
        )  # fmt: skip
    if isinstance(value, list) and value:
        return st.sampled_from([value[:-1], value[1:], list(reversed(value)), [*value, value[0]]])
    return JSON_VALUE


def _mutate(bundle: dict[str, Any], data: st.DataObject) -> Any:
    bundle = json.loads(json.dumps(bundle))
    paths = _paths(bundle)
    uuids = [v for v in (_get(bundle, p) for p in paths) if isinstance(v, str) and len(v) == 36]
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        path = data.draw(st.sampled_from(paths), label="path")
        parent: Any = bundle
        try:
            for key in path[:-1]:
                parent = parent[key]
            actions = ["tweak"] * 3 + ["newer"] * 3 + ["replace", "delete", "add"]
            action = data.draw(st.sampled_from(actions), label="action")
            if action == "newer" and isinstance(parent, dict) and "updated_at" in parent:
                parent["updated_at"] = "2026-12-01T00:00:00+00:00"  # this copy wins the merge
            elif action == "tweak":
                parent[path[-1]] = data.draw(_like(parent[path[-1]], uuids), label="value")
            elif action == "replace":
                parent[path[-1]] = data.draw(JSON_VALUE, label="value")
            elif action == "delete":
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent[data.draw(st.text(max_size=8), label="key")] = data.draw(JSON_VALUE, label="value")
            else:
                parent.append(data.draw(JSON_VALUE, label="value"))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this place
    return bundle


def _event(text: str) -> None:
    """Tally outcomes (``--hypothesis-show-statistics``) to see the mix stays useful."""
    if currently_in_test_context():
        event(text)


def _get(node: Any, path: tuple) -> Any:
    for key in path:
        node = node[key]
    return node


def _write(folder: Path, content: Any) -> Path:
    path = folder / "in.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        text = json.dumps(_marked(content), allow_nan=True)
        text = text.replace('"@@BIG@@"', "1" + "0" * 4999).replace('"@@-BIG@@"', "-1" + "0" * 4999)
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


def _marked(node: Any) -> Any:
    """``node`` with BIG as a placeholder: json.dumps cannot write 5000 digits."""
    if isinstance(node, dict):
        return {k: _marked(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_marked(v) for v in node]
    if isinstance(node, _Digits):
        return f"@@{node.sign}BIG@@"
    return node


def _attempt(services: Services, content: Any) -> Bundle | None:
    """Import ``content``; on refusal assert the database is unchanged and return None."""
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), content)
        before = dump(services.path)
        try:
            result = import_bundle(services.path, path)
        except MwmsError as exc:
            _event(f"refused: {type(exc).__name__}")
            assert dump(services.path) == before
            return None
        _event("accepted")
        assert maintenance.check(services.path).ok
        again = import_bundle(services.path, path).report  # nothing left to add or update
        assert again.total(0) == again.total(1) == 0
        accepted = parse(path.read_bytes())
        _showable_everywhere(accepted)
        outcomes = sum(result.report.total(n) for n in (0, 1, 2))
        assert outcomes == len(_records(accepted))  # every record added, updated or skipped
        return accepted


def _showable_everywhere(bundle: Bundle) -> None:
    """Every accepted day and instant can be shown in every time zone, with a day of date
    arithmetic either side (issue 10: year 1 and 9999 crashed list, dossier, screenshot)."""
    for values in (v for _, v in _records(bundle).values()):
        for value in values.values():
            if isinstance(value, datetime):
                for hours in (-12, 14):
                    shown = value.astimezone(timezone(timedelta(hours=hours)))
                    assert shown - timedelta(days=1) < shown + timedelta(days=1)
            elif isinstance(value, date):
                assert value - timedelta(days=1) < value + timedelta(days=31)


@PROPS
@given(content=st.one_of(st.binary(max_size=200), JSON_VALUE, st.text(max_size=100).map(str.encode)))
def test_arbitrary_input_is_refused_cleanly(target, content):
    """Bytes, text or JSON that is not a bundle: a MwmsError, database unchanged."""
    assert _attempt(target, content) is None


@PROPS
@given(data=st.data())
def test_mutated_bundles_are_refused_or_imported_whole(target, base_bundle, data):
    """A valid bundle with one to three places replaced, deleted or added: refused with
    the database unchanged, or imported whole (sound file, idempotent re-import)."""
    _attempt(target, _mutate(base_bundle, data))


def _records(bundle: Bundle) -> dict[str, tuple]:
    out = {}
    for e in bundle.engagements:
        out[e.uuid] = (e.updated_at, e.values)
        for records in e.children.values():
            out.update({r.uuid: (r.updated_at, r.values) for r in records})
    return out


@PROPS
@given(data=st.data())
def test_an_accepted_bundle_reads_back_as_it_was(base_bundle, data):
    """Into an empty database, an accepted (possibly mutated) bundle's every record reads
    back with exactly the values validation gave it."""
    with tempfile.TemporaryDirectory() as folder:
        s = open_services(Path(folder) / "e.sqlite", clock=FixedClock(T0))
        try:
            accepted = _attempt(s, _mutate(base_bundle, data))
            if accepted is None:
                return
            stored = parse(json.dumps(build_bundle(None, T0)).encode())
        finally:
            s.close()
    assert _records(stored) == _records(accepted)


def test_mutations_do_reach_the_importer(base_bundle):
    """Guard on the strategy: a value-only change of a valid bundle is accepted, so the
    properties above see accepted bundles as well as refused ones."""
    changed = json.loads(json.dumps(base_bundle))
    changed["engagements"][0]["notes"] = "Changed"
    changed["engagements"][0]["position"] = math.pi
    with tempfile.TemporaryDirectory() as folder:
        s = open_services(Path(folder) / "e.sqlite", clock=FixedClock(T0))
        try:
            assert _attempt(s, changed) is not None
            assert s.portfolio.cards()[0].notes == "Changed"
        finally:
            s.close()
