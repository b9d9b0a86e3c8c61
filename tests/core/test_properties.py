"""Arbitrary text and values thrown at the services: each call either stores exactly the
cleaned text or raises a clear MwmsError (ValidationError, NotFound) and writes nothing.
Never another exception, never a partial write."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mwms_desktop.clock import FixedClock
from mwms_desktop.errors import MwmsError, ValidationError
from mwms_desktop.services import Services, open_services
from tests.factories import dump

# The autouse data-folder fixture is function-scoped but only sets an environment
# variable every example may share; each test opens its own database inside.
PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

ANY_CHAR = st.characters(exclude_categories=())  # surrogates and control characters too
ANY_TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=60),
    st.text(st.sampled_from(" \t\r\n\x00\x7f\x85\x9b\u2028\u2029\u202e\u2067\ud800=+-@é"), max_size=12),
    st.integers(0, 5).map(lambda n: "x" * (195 + n)),  # around the 200-character limit
)
ANY_VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), ANY_TEXT, st.dates(),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)  # fmt: skip

_CONTROL = {chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), *range(127, 160))}
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def expected(text: str, *, max_len: int, single_line: bool, required: bool) -> str | None:
    """What the services must store for ``text``, or None when they must refuse it: no
    control characters (C0, C1), directional overrides or unpaired surrogates; trimmed;
    line breaks and tabs as spaces on a one-line field; within the length; not empty when
    required."""
    if any(c in _CONTROL or c in _BIDI or 0xD800 <= ord(c) <= 0xDFFF for c in text):
        return None
    value = text.strip()
    if single_line:
        for brk in "\r\n\t\u2028\u2029":
            value = value.replace(brk, " ")
    if (required and not value) or len(value) > max_len:
        return None
    return value


@pytest.fixture
def fresh() -> Iterator[Services]:
    """A database for one property test (shared by its examples), with one engagement."""
    with tempfile.TemporaryDirectory() as folder:
        s = open_services(Path(folder) / "p.sqlite", clock=FixedClock(datetime(2026, 11, 2, tzinfo=UTC)))
        s.portfolio.add("Existing Ltd")
        yield s
        s.close()


@PROPS
@given(client=ANY_TEXT, notes=ANY_TEXT, owner=ANY_TEXT)
def test_add_engagement_with_any_text(fresh, client, notes, owner):
    """A new engagement stores exactly the cleaned client, owner and notes, or is refused
    with a ValidationError and nothing written."""
    want_client = expected(client, max_len=200, single_line=True, required=True)
    want_owner = expected(owner, max_len=120, single_line=True, required=False)
    want_notes = expected(notes, max_len=20_000, single_line=False, required=False)
    before = dump(fresh.path)
    try:
        card = fresh.portfolio.add(client, owner=owner, notes=notes)
    except ValidationError:
        assert None in (want_client, want_owner, want_notes)
        assert dump(fresh.path) == before
        return
    stored = fresh.portfolio.card(card.id)
    assert (stored.client, stored.owner, stored.notes) == (want_client, want_owner, want_notes)
    assert [m.kind for m in fresh.lifecycle.history(card.id)] == ["created"]


@PROPS
@given(name=ANY_TEXT, role=ANY_TEXT, note=ANY_TEXT)
def test_stakeholder_with_any_text(fresh, name, role, note):
    """A stakeholder stores the cleaned texts or is refused without a trace."""
    eid = fresh.portfolio.cards()[0].id
    before = dump(fresh.path)
    want = (
        expected(name, max_len=200, single_line=True, required=True),
        expected(role, max_len=200, single_line=True, required=False),
        expected(note, max_len=4000, single_line=False, required=False),
    )
    try:
        view = fresh.records.add("stakeholder", eid, name=name, role=role, note=note)
    except ValidationError:
        assert None in want
        assert dump(fresh.path) == before
        return
    assert (view.name, view.role, view.note) == want


_FIELDS = {
    "insight": ("activity", "statement", "detail", "recorded_on"),
    "hypothesis": ("statement", "rationale", "impact", "confidence", "ease", "insight_ids"),
    "cycle": ("title", "hypothesis_id", "status", "result", "started_on", "ended_on", "evaluation"),
    "checkin": ("held_on", "ratings", "note"),
}


@PROPS
@given(
    kind=st.sampled_from(sorted(_FIELDS)),
    data=st.data(),
)
def test_records_with_any_values(fresh, kind, data):
    """Any value in any field of a record, added or as an update: a typed error and no
    write, or a record that reads back valid. Never any other exception."""
    eid = fresh.portfolio.cards()[0].id
    fields = data.draw(st.lists(st.sampled_from(_FIELDS[kind]), min_size=1, max_size=3, unique=True))
    values = {f: data.draw(ANY_VALUE, label=f) for f in fields}
    if kind == "insight":
        values.setdefault("statement", "Seen")
    if kind == "cycle":
        values.setdefault("title", "Test")
    before = dump(fresh.path)
    try:
        view = fresh.records.add(kind, eid, **values)
    except MwmsError:
        assert dump(fresh.path) == before
    else:
        assert fresh.records.get(kind, view.id) == view
    existing = fresh.records.add("insight", eid, statement="Base", recorded_on=date(2026, 1, 1))
    before = dump(fresh.path)
    change = {"statement": data.draw(ANY_VALUE, label="statement")}
    try:
        fresh.records.update("insight", existing.id, **change)
    except MwmsError:
        assert dump(fresh.path) == before


def test_ids_beyond_sqlite_integers_are_not_found(fresh):
    """Ids too large for SQLite (found by the property above: an OverflowError escaped)
    are a NotFound or ValidationError like any unknown id."""
    eid = fresh.portfolio.cards()[0].id
    huge = 2**63
    with pytest.raises(MwmsError):
        fresh.portfolio.card(huge)
    with pytest.raises(MwmsError):
        fresh.records.get("insight", huge)
    with pytest.raises(ValidationError):
        fresh.records.add("cycle", eid, title="T", hypothesis_id=huge)
    with pytest.raises(ValidationError):
        fresh.records.add("hypothesis", eid, statement="S", insight_ids=[-(2**64)])
