"""One validator per field: the services and the bundle importer refuse the same values.

The cases are generated from the table (mwms_desktop/fields.py): for every field of every
kind, values its check must refuse are fed to the importer (in an otherwise valid bundle)
and, for the fields a person enters, to the service that writes it. Both must refuse,
naming the field; a refused import leaves every file beside the database byte for byte as
it was (validation comes before the import's backup)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mwms_desktop import fields, framework, validate
from mwms_desktop.bundle import build_bundle, import_bundle
from mwms_desktop.bundle.parse import parse
from mwms_desktop.bundle.schema import KINDS as BUNDLE_KINDS
from mwms_desktop.clock import FixedClock
from mwms_desktop.errors import BundleError, ValidationError
from mwms_desktop.services import Services, open_services
from tests.factories import ALL_HEALTHY, engagement_at

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]
KEY_OF = {  # table kind -> the bundle's list of it
    "qualification_score": "qualification_scores",
    "onboarding_item": "onboarding_items",
    "stakeholder": "stakeholders",
    "insight": "insights",
    "hypothesis": "hypotheses",
    "cycle": "cycles",
    "learning": "learnings",
    "checkin": "checkins",
    "stage_move": "stage_history",
    "dossier_export": "dossier_exports",
    "learning_citation": "citations",
}

# --- values each kind of check refuses, in the services and the importer alike ---------------


def bad_values(f: fields.Field) -> list[tuple[str, Any]]:
    """Values the field's check refuses whichever way they arrive."""
    c = f.check
    out: list[tuple[str, Any]] = []
    if isinstance(c, fields.Text):
        out = [("number", 12345), ("control character", "a\x00b"), ("too long", "x" * (c.max_len + 1)),
               ("C1 control (8-bit CSI)", "a\x9b2Jb"), ("right-to-left override", "Acme \u202egnp.exe"),
               ("directional isolate", "a\u2066b")]  # fmt: skip
        if c.required:
            out.append(("blank", "   "))
    elif isinstance(c, fields.Choice):
        out = [("unknown", "nonsense"), ("number", 3)]
    elif isinstance(c, fields.Whole):
        out = [("below", c.low - 1), ("above", c.high + 1), ("text", "3"), ("bool", True),
               ("fraction", 2.5), ("40 digits", 10**40), ("5000 digits", 10**4999)]  # fmt: skip
    elif isinstance(c, fields.Day):
        out = [("format", "31/12/2026"), ("no such day", "2026-02-30"), ("number", 20260101),
               ("year 1", "0001-01-01"), ("year 9999", "9999-12-31"), ("before 1970", "1969-12-31"),
               ("year 3000", "3000-01-01")]  # fmt: skip
        if f.not_future:
            out.append(("future", "2099-01-01"))
    elif isinstance(c, fields.Instant):
        out = [("year 1", "0001-01-01T00:00:00+00:00"), ("year 9999", "9999-12-31T23:59:59+00:00"),
               ("overflows UTC", "9999-12-31T23:00:00-05:00"), ("before 1970", "1970-01-01T12:00:00+00:00"),
               ("year 3000", "3000-01-01T00:00:00+00:00"), ("naive", "2026-11-02T09:00:00"),
               ("text", "yesterday"), ("number", 5)]  # fmt: skip
        if f.not_future:
            out.append(("future", "2099-01-01T00:00:00+00:00"))
    elif isinstance(c, fields.Choices):
        out = [("unknown", "nonsense"), ("number", 3), ("unknown in a list", ["nonsense"])]
    elif isinstance(c, fields.Flag):
        out = [("text", "yes"), ("number", 1)]
    elif isinstance(c, fields.Tags):
        out = [("number", 5), ("control character", "a\x00"), ("long tag", "x" * 61),
               ("C1 control", "a\x85b"), ("right-to-left override", "a\u202eb"),
               ("long once stored", ",".join(str(n) for n in range(100, 550)))]  # fmt: skip
    elif isinstance(c, fields.Ratings):
        out = [("text", "good"), ("unknown", {**ALL_HEALTHY, "nonsense": 1}),
               ("out of range", dict.fromkeys(ALL_HEALTHY, 7)), ("missing", {})]  # fmt: skip
    elif isinstance(c, fields.Sha256):
        out = [("short", "abc"), ("not hex", "g" * 64), ("number", 64)]
    elif isinstance(c, fields.Position):
        out = [("text", "top"), ("huge", 1e16)]
    elif isinstance(c, fields.Uuid):
        out = [("text", "not-a-uuid"), ("upper case", "ABCDEF00-0000-4000-8000-000000000000")]
    assert out, f"no bad values for {f.name} ({type(c).__name__})"
    return out


def bundle_only_bad(f: fields.Field) -> list[tuple[str, Any]]:
    """What only a bundle can say: null, and an empty required date (a form left blank
    means "today" in the services)."""
    out = [] if f.nullable else [("null", None)]
    if isinstance(f.check, fields.Day | fields.Instant) and not f.nullable:
        out.append(("empty", ""))
    return out


CASES = [
    pytest.param(kind_name, f, value, id=f"{kind_name}.{f.name}: {what}")
    for kind_name, kind in fields.KINDS.items()
    for f in (*kind.fields, *fields.COMMON)
    for what, value in [*bad_values(f), *bundle_only_bad(f)]
]
SERVICE_CASES = [
    pytest.param(kind_name, f, value, id=f"{kind_name}.{f.name}: {what}")
    for kind_name, kind in fields.KINDS.items()
    for f in kind.fields
    if not f.by_app
    for what, value in bad_values(f)
]


# --- the same value through the service that writes the field ---------------------------------

_EXPECTATIONS = {"exp_scope": "scope", "exp_cadence": "cadence", "exp_success_measures": "success_measures",
                 "exp_agreed_on": "agreed_on"}  # fmt: skip
_RECORD_BASE = {
    "stakeholder": {"name": "Dana"},
    "insight": {"statement": "Seen"},
    "hypothesis": {"statement": "Maybe"},
    "cycle": {"title": "Test"},
    "learning": {"statement": "Learned"},
    "checkin": {"ratings": ALL_HEALTHY},
}
_ELEMENT = framework.ONBOARDING_ELEMENTS[0].slug
_CRITERION = framework.QUALIFICATION_CRITERIA[0]


def write_through_service(s: Services, eid: int, kind_name: str, name: str, value: Any) -> str | None:
    """Write ``value`` into field ``name`` the way the window does; returns the label the
    refusal must carry when it is not the table's (a score is named by its criterion)."""
    lc = s.lifecycle
    if kind_name in _RECORD_BASE:
        base = dict(_RECORD_BASE[kind_name])
        if (kind_name, name) == ("cycle", "result"):
            base["status"] = "evaluated"  # the one status with a result
        s.records.add(kind_name, eid, **{**base, name: value})
    elif kind_name == "engagement":
        if name in _EXPECTATIONS:
            lc.set_expectations(eid, **{_EXPECTATIONS[name]: value})
        elif name == "verdict":
            lc.set_verdict(eid, value)
        elif name == "verdict_note":
            lc.set_verdict(eid, "pending", value)
        elif name == "outcome":
            lc.set_outcome(eid, value)
        elif name == "outcome_on":
            lc.set_outcome(eid, "extended_retainer", decided_on=value)
        elif name == "outcome_summary":
            lc.set_outcome(eid, "extended_retainer", summary=value)
        else:
            s.portfolio.update(eid, **{name: value})
    elif kind_name == "qualification_score":
        if name == "criterion":
            lc.score_criterion(eid, value, 2)
        elif name == "score":
            lc.score_criterion(eid, _CRITERION.slug, value)
            return _CRITERION.label
        else:
            lc.score_criterion(eid, _CRITERION.slug, 2, value)
            return f"{_CRITERION.label} note"
    elif kind_name == "onboarding_item":
        args = {"element": _ELEMENT, "done": True, "note": "", "done_on": None, name: value}
        lc.set_onboarding(eid, args["element"], args["done"], args["note"], args["done_on"])
    elif kind_name == "stage_move":
        lc.move(eid, "onboarding", **{name: value})
    elif kind_name == "dossier_export":
        args = {"file_name": "d.pdf", "sha256": "c" * 64, name: value}
        lc.record_dossier_export(eid, args["file_name"], args["sha256"])
    else:
        raise AssertionError(f"no service writes {kind_name}")
    return None


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base_bundle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A valid bundle with a record of every kind: one engagement at the last stage."""
    s = open_services(tmp_path_factory.mktemp("base") / "b.sqlite", clock=FixedClock(T0))
    try:
        eid = engagement_at(s, "outcome")
        s.lifecycle.record_dossier_export(eid, "d.pdf", "c" * 64)
        other = engagement_at(s, "optimization", "Elsewhere AS")  # a learning to build on
        s.citations.cite("hypothesis", s.lifecycle.detail(eid).hypotheses[0].id,
                         s.lifecycle.detail(other).learnings[0].id)  # fmt: skip
        return build_bundle([eid], T0)
    finally:
        s.close()


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Services, int]]:
    """A database with an engagement of its own (in Qualification) that nothing may change."""
    s = open_services(tmp_path_factory.mktemp("target") / "t.sqlite", clock=FixedClock(T0))
    eid = s.portfolio.add("Local Ltd").id
    s.close()  # written and checkpointed: the folder's files are what a refusal must keep
    s = open_services(s.path, clock=FixedClock(T0))
    yield s, eid
    s.close()


def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (database, its -wal and -shm, backups) and its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def with_value(bundle: dict[str, Any], kind_name: str, name: str, value: Any) -> tuple[dict, str]:
    """A copy of ``bundle`` with ``value`` in field ``name`` of the first record of that
    kind, and the place a refusal must name."""
    b = json.loads(json.dumps(bundle))
    record, place = b["engagements"][0], "engagements[0]"
    if kind_name != "engagement":
        key = KEY_OF[kind_name]
        record, place = record[key][0], f"{place}.{key}[0]"
    record[name] = value
    return b, f"{place}.{name}"


def dumps(bundle: Any) -> str:
    """JSON text, integers of any length included (json.dumps stops at 4300 digits)."""
    big: list[int] = []

    def mark(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: mark(v) for k, v in node.items()}
        if isinstance(node, list):
            return [mark(v) for v in node]
        if isinstance(node, int) and not isinstance(node, bool) and abs(node) > 10**100:
            big.append(node)
            return f"@@big{len(big) - 1}@@"
        return node

    text = json.dumps(mark(bundle))
    for n, value in enumerate(big):
        sign, digits = ("-", -value) if value < 0 else ("", value)
        text = text.replace(f'"@@big{n}@@"', sign + _digits(digits))
    return text


def _digits(value: int) -> str:
    """Decimal digits of a power of ten times a small number, without str() (limited)."""
    zeros = 0
    while value % 10**100 == 0 and value:
        value //= 10**100
        zeros += 100
    while value % 10 == 0 and value:
        value //= 10
        zeros += 1
    return str(value) + "0" * zeros


def refused_import(s: Services, bundle: Any, tmp: Path) -> BundleError:
    """Import ``bundle``; it must be refused with every file beside the database unchanged."""
    path = tmp / "in.json"
    path.write_text(dumps(bundle), encoding="utf-8")
    folder = s.path.parent
    before = files(folder)
    with pytest.raises(BundleError) as caught:
        import_bundle(s.path, path)
    assert files(folder) == before, "a refused import changed the database folder (or backed it up)"
    return caught.value


# --- generated from the table ------------------------------------------------------------------


def test_every_kind_of_the_table_travels_in_bundles():
    assert set(KEY_OF) | {"engagement"} == set(fields.KINDS)
    assert {k.key: k.name for k in BUNDLE_KINDS} == {v: k for k, v in KEY_OF.items()}
    for k in BUNDLE_KINDS:
        assert set(fields.KINDS[k.name].by_name) <= set(k.fields)


@pytest.mark.parametrize(("kind_name", "field", "value"), CASES)
def test_the_importer_refuses_each_bad_value_naming_the_field(
    base_bundle, target, tmp_path, kind_name, field, value
):
    s, _ = target
    bundle, place = with_value(base_bundle, kind_name, field.name, value)
    exc = refused_import(s, bundle, tmp_path)
    assert str(exc).startswith(f"{place}: "), str(exc)
    assert "\n" not in str(exc)
    assert len(str(exc)) < 400


@pytest.mark.parametrize(("kind_name", "field", "value"), SERVICE_CASES)
def test_the_service_refuses_the_same_values_naming_the_field(target, kind_name, field, value):
    s, eid = target
    folder = s.path.parent
    before = files(folder)
    with pytest.raises(ValidationError) as caught:
        write_through_service(s, eid, kind_name, field.name, value)
    labels = {field.label, f"{_CRITERION.label} note", _CRITERION.label, "Entered at"}
    assert caught.value.field in labels
    if not isinstance(field.check, fields.Ratings):  # a rating's refusal names its indicator
        assert caught.value.field in str(caught.value) or "outcome" in str(caught.value).lower()
    assert len(str(caught.value)) < 400
    assert files(folder) == before


def test_the_base_bundle_imports(base_bundle, tmp_path):
    """Guard: the generated cases fail for their value, not for the bundle around it."""
    s = open_services(tmp_path / "fresh.sqlite", clock=FixedClock(T0))
    try:
        path = tmp_path / "b.json"
        path.write_text(json.dumps(base_bundle), encoding="utf-8")
        import_bundle(s.path, path)
        assert len(s.portfolio.cards(None)) == 1
    finally:
        s.close()


# --- the record rules: what a form cannot produce, by hand, with the issue's examples ----------


def _set(path: str, value: Any) -> Callable[[dict], None]:
    def mutate(b: dict) -> None:
        node: Any = b["engagements"][0]
        keys = path.split(".")
        for k in keys[:-1]:
            node = node[int(k)] if k.isdigit() else node[k]
        node[keys[-1]] = value

    return mutate


def _only_creation(b: dict) -> None:
    e = b["engagements"][0]
    e["stage_history"] = e["stage_history"][:1]
    e["learnings"] = []


def _backward_without_reason(b: dict) -> None:
    h = b["engagements"][0]["stage_history"]
    last = h[-1]
    h.append({**last, "uuid": "00000000-0000-4000-8000-0000000000aa", "from_stage": "outcome",
              "to_stage": "optimization", "kind": "backward", "reason": " ",
              "after": last["uuid"]})  # fmt: skip
    b["engagements"][0]["stage"] = "optimization"


def _from_unreached(b: dict) -> None:
    h = b["engagements"][0]["stage_history"]
    h[2].update(from_stage="insight", to_stage="execution")  # from a stage never reached


def _undo_to_unreached(b: dict) -> None:
    h = b["engagements"][0]["stage_history"]
    del h[2:]
    h.append({**h[1], "uuid": "00000000-0000-4000-8000-0000000000ab", "from_stage": "onboarding",
              "to_stage": "execution", "kind": "undo", "reason": "Undo", "after": h[1]["uuid"]})  # fmt: skip
    b["engagements"][0]["stage"] = "execution"


RULES = [  # (what, mutation, the place the refusal names)
    ("check-in in 2099", _set("checkins.0.held_on", "2099-01-01"),
     r"checkins\[0\]\.held_on: .*after today"),
    ("evaluated cycle without result", _set("cycles.0.result", None),
     r"cycles\[0\]\.result: .*needs a result"),
    ("result of a planned cycle", _set("cycles.0.status", "planned"),
     r"cycles\[0\]\.result: Only an evaluated"),
    ("cycle ends before it starts", lambda b: (_set("cycles.0.started_on", "2026-10-02")(b),
                                               _set("cycles.0.ended_on", "2026-10-01")(b)),
     r"cycles\[0\]\.ended_on: .*end before it starts"),
    ("outcome with only its creation", _only_creation,
     r"engagements\[0\]\.stage: .*never reaches it"),
    ("empty required date", _set("insights.0.recorded_on", ""),
     r"insights\[0\]\.recorded_on: Recorded on is required"),
    ("outcome without its day", _set("outcome_on", None), r"engagements\[0\]\.outcome_on: "),
    ("in outcome without an outcome", lambda b: (_set("outcome", None)(b), _set("outcome_on", None)(b)),
     r"engagements\[0\]\.outcome: .*has an outcome"),
    ("past qualification, not qualified", _set("verdict", "pending"), r"engagements\[0\]\.verdict: "),
    ("disqualified yet qualified", _set("status", "disqualified"), r"engagements\[0\]\.status: "),
    ("a move back without a reason", _backward_without_reason, r"stage_history\[\d+\]\.reason: "),
    ("a move from a stage never reached", _from_unreached, r"stage_history\[2\]\.from_stage: "),
    ("an undo to a stage never reached", _undo_to_unreached, r"stage_history\[2\]\.to_stage: "),
    ("an element confirmed on no day", _set("onboarding_items.0.done_on", None),
     r"onboarding_items\[0\]\.done_on: "),
    ("an open element with a day", _set("onboarding_items.0.done", False),
     r"onboarding_items\[0\]\.done_on: "),
    ("in its stage before it existed", _set("stage_entered_at", "2026-01-01T00:00:00+00:00"),
     r"engagements\[0\]\.stage_entered_at: "),
    ("completion without a dossier", lambda b: (_set("outcome", "project_completion")(b),
                                                 _set("dossier_exports", [])(b)),
     r"engagements\[0\]\.dossier_exports: .*no dossier export"),
    ("a learning recorded in 2099", _set("learnings.0.recorded_at", "2099-01-01T00:00:00+00:00"),
     r"learnings\[0\]\.recorded_at: .*future"),
    ("a dossier exported in 2099", _set("dossier_exports.0.exported_at", "2099-01-01T00:00:00+00:00"),
     r"dossier_exports\[0\]\.exported_at: .*future"),
]  # fmt: skip


@pytest.mark.parametrize(("mutate", "place"), [pytest.param(m, p, id=n) for n, m, p in RULES])
def test_records_no_form_can_make_are_refused_before_the_backup(base_bundle, target, tmp_path, mutate, place):
    s, _ = target
    bundle = json.loads(json.dumps(base_bundle))
    mutate(bundle)
    exc = refused_import(s, bundle, tmp_path)
    assert re.match(r"engagements\[0\]\." + place.removeprefix(r"engagements\[0\]\."), str(exc)), str(exc)


@pytest.mark.parametrize(
    ("values", "label"),
    [
        ({"status": "evaluated", "result": None}, "Result"),
        ({"status": "planned", "result": "win"}, "Result"),
        ({"started_on": "2026-10-02", "ended_on": "2026-10-01"}, "Ended on"),
    ],
)
def test_the_service_applies_the_same_cycle_rules(target, values, label):
    s, eid = target
    with pytest.raises(ValidationError) as caught:
        s.records.add("cycle", eid, title="T", **values)
    assert caught.value.field == label


def test_an_export_of_a_merged_history_imports_again(base_bundle, tmp_path):
    """Two laptops' moves interleaved (a history that does not chain) is still one the
    window wrote: every move leaves a stage reached before."""
    b = json.loads(json.dumps(base_bundle))
    h = b["engagements"][0]["stage_history"]
    twin = {**h[1], "uuid": "00000000-0000-4000-8000-0000000000ac"}  # the same move, the other laptop
    h.insert(2, twin)
    s = open_services(tmp_path / "m.sqlite", clock=FixedClock(T0))
    try:
        path = tmp_path / "b.json"
        path.write_text(json.dumps(b), encoding="utf-8")
        import_bundle(s.path, path)
    finally:
        s.close()


# --- item 11: numbers and shapes no field can hold ----------------------------------------------


@pytest.mark.parametrize(
    ("patch", "place"),
    [
        ('"score": 1' + "0" * 4999, r"qualification_scores\[\d\]\.score: an integer of 5000 digits"),
        ('"position": 1e309', r"engagements\[0\]\.position: 1e309 is not allowed"),
        ('"position": -1e309', r"engagements\[0\]\.position: -1e309 is not allowed"),
        ('"position": NaN', r"engagements\[0\]\.position: NaN is not allowed"),
        ('"notes": ' + "[" * 100_000 + "]" * 100_000, r"nested too deeply"),
        ('"notes": ' + "[" * 500 + "]" * 500, r"engagements\[0\]\.notes: Notes must be text"),
        (
            '"verdict": ' + "[" * 500 + "]" * 500,
            r"engagements\[0\]\.verdict: Verdict must be one of: .{0,200}$",
        ),
        ('"impact": 1' + "0" * 25, r"hypotheses\[0\]\.impact: Impact must be from 1 to 10"),
    ],
    ids=[
        "5000 digits",
        "1e309",
        "-1e309",
        "NaN",
        "deeply nested",
        "nested text",
        "nested choice",
        "25 digits",
    ],
)
def test_unholdable_numbers_and_shapes_are_refused_naming_the_place(
    base_bundle, target, tmp_path, patch, place
):
    s, _ = target
    text = json.dumps(base_bundle)
    key = patch.split(":")[0]
    text = re.sub(re.escape(key) + r": (\"[^\"]*\"|[-0-9.e]+|null)", lambda _m: patch, text, count=1)
    assert patch in text
    path = tmp_path / "in.json"
    path.write_text(text, encoding="utf-8")
    folder = s.path.parent
    before = files(folder)
    with pytest.raises(BundleError, match=place):
        import_bundle(s.path, path)
    assert files(folder) == before


def test_the_cli_refuses_a_5000_digit_integer_in_one_line(base_bundle, tmp_path):
    text = re.sub(r'"score": \d+', '"score": 1' + "0" * 4999, json.dumps(base_bundle), count=1)
    (tmp_path / "in.json").write_text(text, encoding="utf-8")
    done = _cli(tmp_path / "new.sqlite", "import", str(tmp_path / "in.json"))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert re.search(r"qualification_scores\[\d\]\.score: an integer of 5000 digits", done.stderr)
    assert len(done.stderr.strip().splitlines()) == 1


# --- item 5: tags as stored --------------------------------------------------------------------


def test_tags_are_limited_as_stored_the_issue_example(target):
    """1,999 characters of tags stored as 2,420 with their ", " separators: refused."""
    s, eid = target
    tags = ",".join(f"t{n:03d}" for n in range(400))[:1999]
    assert len(tags) == 1999
    assert len(", ".join(tags.split(","))) > 2000
    with pytest.raises(ValidationError, match="longer than 2000 characters once stored") as caught:
        s.portfolio.update(eid, tags=tags)
    assert caught.value.field == "Tags"


TAG = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=70)
TAGS_IN = st.one_of(
    st.lists(TAG, max_size=40).map(",".join),
    st.lists(TAG, max_size=40),
    st.lists(st.text("abcdefghij ", min_size=1, max_size=12), min_size=100, max_size=400).map(", ".join),
    # near the limit as typed, past it once stored with ", " between tags
    st.lists(st.text("abcdefghij", min_size=3, max_size=5), min_size=330, max_size=500).map(",".join),
)


@settings(max_examples=150, deadline=None)
@given(tags=TAGS_IN)
def test_tags_accepted_are_stored_within_the_limit_and_accepted_again_unchanged(tags):
    try:
        stored = validate.tags(tags)
    except ValidationError:
        return
    assert len(stored) <= validate.TAGS_MAX
    assert validate.tags(stored) == stored
    assert validate.tags(list(validate.split_tags(stored))) == stored


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tags=TAGS_IN)
def test_tags_round_trip_through_save_export_and_import(tmp_path_factory, tags):
    """Whatever the overview accepts saves again unchanged, exports, and imports into
    another database with the same tags (engagement and learning alike)."""
    folder = tmp_path_factory.mktemp("tags")
    s = open_services(folder / "a.sqlite", clock=FixedClock(T0))
    try:
        eid = s.portfolio.add("Acme")
        try:
            card = s.portfolio.update(eid.id, tags=tags)
        except ValidationError:
            return
        s.records.add("learning", eid.id, statement="S", tags=", ".join(card.tags))
        assert s.portfolio.update(eid.id, tags=", ".join(card.tags)).tags == card.tags  # saved again
        path = folder / "b.json"
        path.write_text(json.dumps(build_bundle([eid.id], T0)), encoding="utf-8")
    finally:
        s.close()
    other = open_services(folder / "b.sqlite", clock=FixedClock(T0))
    try:
        import_bundle(other.path, path)
        (back,) = other.portfolio.cards(None)
        assert back.tags == card.tags
        (learning,) = other.lifecycle.detail(back.id).learnings
        assert tuple(learning.tags) == tuple(card.tags)
    finally:
        other.close()


# --- item 3: the extreme values that remain allowed, in every time zone -------------------------


def _cli(db: Path, *args: str, tz: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8", QT_QPA_PLATFORM="offscreen")
    if tz:
        env["TZ"] = tz
    return subprocess.run(
        [sys.executable, "-m", "mwms_desktop", "--db", str(db), *args],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=env, timeout=180, check=False,
    )  # fmt: skip


def extreme_bundle(base: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The base bundle with every day and instant at the edge of what is allowed: the
    earliest instant for those that cannot be in the future, the last day for the others."""
    b = json.loads(json.dumps(base))
    first = validate.INSTANT_MIN.isoformat()
    e = b["engagements"][0]
    records = [(e, fields.KINDS["engagement"])]
    records += [(r, fields.KINDS[name]) for name, key in KEY_OF.items() for r in e[key]]
    for record, kind in records:
        record["updated_at"] = first
        for f in kind.fields:
            if isinstance(f.check, fields.Instant):
                record[f.name] = first
            elif isinstance(f.check, fields.Day) and record.get(f.name) is not None:
                record[f.name] = (
                    validate.DAY_MIN.isoformat() if f.not_future else validate.DAY_MAX.isoformat()
                )
    for c in e["cycles"]:
        c["started_on"], c["ended_on"] = validate.DAY_MIN.isoformat(), validate.DAY_MAX.isoformat()
    e["checkins"].append({**e["checkins"][0], "uuid": "00000000-0000-4000-8000-0000000000ad",
                          "held_on": now.date().isoformat()})  # fmt: skip
    assert now < validate.INSTANT_MAX
    return b


@pytest.mark.parametrize("tz", ["America/New_York", "Asia/Tokyo"])
def test_the_extreme_values_allowed_show_in_every_time_zone(base_bundle, tmp_path, tz):
    bundle = extreme_bundle(base_bundle, datetime.now(UTC) - timedelta(days=1))
    (tmp_path / "x.json").write_text(json.dumps(bundle), encoding="utf-8")
    db = tmp_path / "x.sqlite"
    done = _cli(db, "import", str(tmp_path / "x.json"), tz=tz)
    assert done.returncode == 0, done.stderr
    for args in (("list",), ("list", "--json"), ("export-csv", str(tmp_path / "b.csv")),
                 ("dossier", "1", "--out", str(tmp_path / "d.pdf")), ("dossier", "--all", "--out",
                 str(tmp_path / "all.pdf")), ("export", str(tmp_path / "again.json")),
                 ("screenshot", str(tmp_path / "s.png"), "--open", "1"),
                 ("screenshot", str(tmp_path / "b.png"))):  # fmt: skip
        done = _cli(db, *args, tz=tz)
        assert done.returncode == 0, (args, done.stderr)
        assert "Traceback" not in done.stderr
    assert parse((tmp_path / "again.json").read_bytes()).engagements  # and it travels on


def test_the_bounds_are_what_every_time_zone_can_show():
    for at in (validate.INSTANT_MIN, validate.INSTANT_MAX):
        for hours in (-24, 24):  # further than any UTC offset
            shifted = at + timedelta(hours=hours)
            assert date(1970, 1, 1) <= shifted.date() <= date(3000, 12, 31)
    for day in (validate.DAY_MIN, validate.DAY_MAX):
        assert validate.day(day.isoformat(), "D") == day
        with pytest.raises(ValidationError, match="D must be from 1970-01-02 to 2999-12-31"):
            validate.day((day + timedelta(days=1 if day == validate.DAY_MAX else -1)).isoformat(), "D")


# --- the other way: every edge value a form accepts travels and reads back ------------------


def good_edges(f: fields.Field) -> list[tuple[str, Any]]:
    """The extreme values the field's check accepts."""
    c = f.check
    if isinstance(c, fields.Text):
        return [("longest", "é" * c.max_len)]
    if isinstance(c, fields.Choice):
        return [("last", c.terms[-1].slug)]
    if isinstance(c, fields.Whole):
        return [("lowest", c.low), ("highest", c.high)]
    if isinstance(c, fields.Day):
        last = T0.date() if f.not_future else validate.DAY_MAX
        return [("first", validate.DAY_MIN.isoformat()), ("last", last.isoformat())]
    if isinstance(c, fields.Instant):
        return [("first", validate.INSTANT_MIN.isoformat())]
    if isinstance(c, fields.Choices):
        return [("all", [t.slug for t in c.terms]), ("none", [])]
    if isinstance(c, fields.Flag):
        return [("yes", True), ("no", False)]
    if isinstance(c, fields.Tags):
        return [("longest stored", ", ".join(f"{n:03d}" for n in range(400)))]
    if isinstance(c, fields.Ratings):
        return [("highest", dict.fromkeys(ALL_HEALTHY, 3))]
    if isinstance(c, fields.Sha256):
        return [("upper hex", "f" * 64)]
    raise AssertionError(f"no edge values for {f.name}")


EDGE_CASES = [
    pytest.param(kind_name, f, value, id=f"{kind_name}.{f.name}: {what}")
    for kind_name, kind in fields.KINDS.items()
    if kind_name != "stage_move"  # its one entered field, the reason, needs a move the gates allow
    for f in kind.fields
    if not f.by_app
    for what, value in good_edges(f)
]


@pytest.mark.parametrize(("kind_name", "field", "value"), EDGE_CASES)
def test_every_edge_value_a_form_accepts_exports_and_imports_unchanged(tmp_path, kind_name, field, value):
    s = open_services(tmp_path / "a.sqlite", clock=FixedClock(T0))
    try:
        eid = s.portfolio.add("Acme").id
        write_through_service(s, eid, kind_name, field.name, value)
        sent = build_bundle([eid], T0)
    finally:
        s.close()
    (tmp_path / "b.json").write_text(json.dumps(sent), encoding="utf-8")
    s = open_services(tmp_path / "c.sqlite", clock=FixedClock(T0))
    try:
        import_bundle(s.path, tmp_path / "b.json")
        assert build_bundle(None, T0)["engagements"] == sent["engagements"]
    finally:
        s.close()


@pytest.mark.parametrize("brk", ["\u2028", "\u2029", "\n", "\t"])
def test_a_one_line_field_keeps_no_line_break_of_any_kind(services: Services, brk: str) -> None:
    """U+2028 and U+2029 break a line in the window and in the dossier as a newline does."""
    card = services.portfolio.add(f"Line{brk}Break")
    assert services.portfolio.card(card.id).client == "Line Break"


@given(
    st.one_of(
        st.uuids().map(str),
        st.uuids().map(lambda u: str(u).upper()),
        st.uuids().map(lambda u: u.hex),
        st.uuids().map(lambda u: "{" + str(u) + "}"),
        st.uuids().map(lambda u: f"urn:uuid:{u}"),
        st.uuids().map(lambda u: str(u) + "\n"),
        st.text(alphabet="0123456789abcdef-", min_size=30, max_size=40),
        st.text(max_size=40),
    )
)
def test_a_uuid_is_accepted_exactly_in_the_form_python_writes_it(text: str) -> None:
    """The check (a pattern, for speed) agrees with uuid.UUID's own round trip."""
    import uuid

    from mwms_desktop import fields

    try:
        canonical = str(uuid.UUID(text)) == text
    except ValueError:
        canonical = False
    try:
        fields.UUID.check(text, "uuid")
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted == canonical
