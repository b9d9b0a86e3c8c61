"""Handover bundles: a round trip reproduces every record, diverged copies merge by uuid,
and every kind of malformed bundle is refused naming its place, the database untouched."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from db.models import (
    MODELS,
    Conflict,
    HypothesisInsight,
    LearningEvidence,
    RecordClock,
    Setting,
    StatusChange,
    Tombstone,
)
from mwms_desktop.bundle import FORMAT, VERSION, build_bundle, export_bundle, import_bundle
from mwms_desktop.bundle.schema import ENGAGEMENT_FIELDS, KINDS
from mwms_desktop.clock import FixedClock
from mwms_desktop.errors import BundleError, MwmsError
from mwms_desktop.merge.conflicts import list_conflicts
from mwms_desktop.services import Services, open_services
from tests.factories import dump, engagement_at, satisfy

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def canonical(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """A bundle's engagements with records in uuid order (ids, and so list order, differ
    between databases)."""
    out = []
    for e in sorted(bundle["engagements"], key=lambda e: e["uuid"]):
        e = dict(e)
        for kind in KINDS:
            e[kind.key] = sorted(e[kind.key], key=lambda r: r["uuid"])
        out.append(e)
    return out


def _open(path: Path, at: datetime) -> Services:
    return open_services(path, clock=FixedClock(at))


def test_bundle_covers_every_stored_column():
    """Each column of each exported table is in the bundle (or derived: a check-in's
    score), so a round trip can reproduce every record."""
    derived = {"id", "engagement", "score"}
    by_model = {k.model: set(k.fields) for k in KINDS}
    for model in MODELS:
        local = (Setting, Conflict, StatusChange)
        if model in (*local, HypothesisInsight, LearningEvidence, RecordClock, Tombstone):
            # settings, conflicts and the status log are per laptop; links travel as uuid
            # lists; clocks as each record's vv, dots and device; tombstones as the bundle's own list
            continue
        columns = set(model._meta.fields) - derived - {"uuid", "updated_at"}
        declared = set(ENGAGEMENT_FIELDS) if model.__name__ == "Engagement" else by_model[model]
        assert columns <= declared, (model.__name__, columns - declared)


def test_round_trip_into_an_empty_database_reproduces_every_record(demo_services, tmp_path):
    """Export everything from the demo portfolio, import into a new file: the new file's
    bundle is the same, record for record and field for field, with every link."""
    demo_services.lifecycle.record_dossier_export(1, "d.pdf", "a" * 64)
    original = build_bundle(None, T0)
    target = tmp_path / "bundle.json"
    export_bundle(target, clock=demo_services.clock)
    demo_services.close()
    other = _open(tmp_path / "other.sqlite", T0)
    try:
        result = import_bundle(other.path, target)
        copied = build_bundle(None, T0)
        assert other.portfolio.count() == len(original["engagements"])
    finally:
        other.close()
    assert canonical(copied) == canonical(original)
    assert result.report.total(1) == result.report.total(2) == 0
    assert result.report.counts["engagements"][0] == len(original["engagements"])
    assert result.backup is not None
    assert result.backup.exists()


def test_bundle_file_is_versioned_owner_only_json(demo_services, tmp_path):
    """The file says what it is, holds no NaN, and is readable by its owner only."""
    target = tmp_path / "b.json"
    result = export_bundle(target, [1, 2], clock=demo_services.clock)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert (data["format"], data["version"]) == (FORMAT, 2)
    assert data["exported_at"] == "2026-11-02T09:00:00+00:00"
    assert len(data["engagements"]) == result.engagements == 2
    assert target.stat().st_mode & 0o777 == 0o600


def test_merge_of_two_diverged_copies(tmp_path):
    """One engagement edited on two laptops after a handover: each side's newer records
    win, both laptops' moves are kept in the history, and after exchanging bundles both
    copies hold the same engagement."""
    a_path, b_path, bundle = tmp_path / "a.sqlite", tmp_path / "b.sqlite", tmp_path / "x.json"
    a = _open(a_path, T0)
    eid_a = engagement_at(a, "onboarding")
    export_bundle(bundle, clock=a.clock)
    a.close()

    b = _open(b_path, T0 + timedelta(hours=1))  # laptop B, an hour later
    import_bundle(b_path, bundle)
    (eid_b,) = [c.id for c in b.portfolio.cards()]
    b.records.add("insight", eid_b, activity="research", statement="Seen on B")
    stakeholder = b.lifecycle.detail(eid_b).stakeholders[0]
    b.records.update("stakeholder", stakeholder.id, role="Budget owner")
    b.lifecycle.move(eid_b, "qualification", "Scope reopened")
    export_bundle(bundle, clock=b.clock)
    b.close()

    a = _open(a_path, T0 + timedelta(hours=2))  # meanwhile on A, later still
    satisfy(a, eid_a, "onboarding")
    a.lifecycle.move(eid_a, "insight")
    a.records.add("insight", eid_a, activity="data_review", statement="Seen on A")
    result = import_bundle(a_path, bundle)
    counts = result.report.counts
    # Both laptops moved it after the move to Onboarding: a fork, kept whole, and listed.
    (fork,) = list_conflicts()
    assert fork.kind == "stage_history"
    assert "after the same move" in fork.detail
    assert counts["engagements"] == [0, 0, 1, 0]  # A's engagement record is newer
    assert counts["insights"] == [1, 0, 0, 0]
    assert counts["stakeholders"] == [0, 1, 0, 0]  # B's edit is newer
    assert counts["stage_history"][0] == 1  # B's backward move joins the history
    detail = a.lifecycle.detail(eid_a)
    assert detail.card.stage == "insight"
    assert {i.statement for i in detail.insights} == {"Seen on A", "Seen on B"}
    assert detail.stakeholders[0].role == "Budget owner"
    assert [m.reason for m in detail.history if m.kind == "backward"] == ["Scope reopened"]
    assert [m.to_stage for m in detail.history][-1] == "insight"
    export_bundle(bundle, clock=a.clock)
    on_a = build_bundle(None, T0)
    a.close()

    b = _open(b_path, T0 + timedelta(hours=3))
    result = import_bundle(b_path, bundle)
    assert result.report.counts["engagements"] == [0, 1, 0, 0]
    assert b.portfolio.card(eid_b).stage == "insight"
    on_b = build_bundle(None, T0)
    b.close()
    assert canonical(on_a) == canonical(on_b)


def test_reimporting_the_same_bundle_changes_nothing(demo_services, tmp_path):
    """Importing a bundle of what is already there skips every record."""
    target = tmp_path / "b.json"
    export_bundle(target, clock=demo_services.clock)
    result = import_bundle(demo_services.path, target)
    assert result.report.total(0) == result.report.total(1) == 0
    assert result.report.total(2) > 100


# --- malformed bundles ---------------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], Any]


def _source(tmp_path: Path) -> dict[str, Any]:
    """A bundle of one engagement with every kind of record, from a database of its own."""
    s = _open(tmp_path / "source.sqlite", T0)
    try:
        eid = engagement_at(s, "outcome")
        s.lifecycle.record_dossier_export(eid, "d.pdf", "b" * 64)
        return build_bundle([eid], T0)
    finally:
        s.close()


def _set(path: str, value: Any) -> Mutation:
    def mutate(b: dict[str, Any]) -> dict[str, Any]:
        *parents, last = path.split(".")
        node: Any = b
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        if value is _DELETE:
            del node[int(last) if last.isdigit() else last]
        else:
            node[int(last) if last.isdigit() else last] = value() if callable(value) else value
        return b

    return mutate


_DELETE = object()
_GHOST = "00000000-0000-4000-8000-000000000000"


def _text_patch(old: str, new: str) -> Callable[[str], str]:
    return lambda text: text.replace(old, new, 1)


def _skip_a_stage(b: dict[str, Any]) -> dict[str, Any]:
    history = b["engagements"][0]["stage_history"]
    del history[2]  # onboarding -> insight gone: qualification -> onboarding, insight -> ...
    history[2]["from_stage"] = "onboarding"
    history[2]["after"] = history[1]["uuid"]
    return b


def _bury(kind: str, **changes: Any) -> Mutation:
    """A tombstone for a new record of ``kind`` in the bundle's engagement."""

    def mutate(b: dict[str, Any]) -> dict[str, Any]:
        e = b["engagements"][0]
        b["tombstones"].append(
            {"uuid": "11111111-1111-4111-8111-111111111111", "kind": kind, "engagement": e["uuid"],
             "deleted_at": "2026-11-01T09:00:00+00:00", "device": _GHOST, "who": "zoe", "vv": {_GHOST: 3},
             **changes}
        )  # fmt: skip
        return b

    return mutate


def _bury_and_edit(b: dict[str, Any]) -> dict[str, Any]:
    b = _bury("insights")(b)
    b["tombstones"][0]["uuid"] = b["engagements"][0]["insights"][0]["uuid"]
    return b


def _reuse_uuid(b: dict[str, Any]) -> dict[str, Any]:
    e = b["engagements"][0]
    e["insights"][0]["uuid"] = e["stakeholders"][0]["uuid"]
    return b


MALFORMED: list[tuple[str, Mutation | None, Callable[[str], str] | None, str]] = [
    ("broken json", None, lambda t: t[: len(t) // 2], r"not valid JSON: .* line \d+, column \d+"),
    ("not utf-8", None, lambda t: "\udcff" + t, "not UTF-8"),
    ("wrong format", _set("format", "something-else"), None, "not an MWMS Desktop bundle"),
    ("newer version", _set("version", 3), None, "version 3, written by a newer MWMS Desktop"),
    ("version as text", _set("version", "1"), None, "version: must be one of 1, 2, got '1'"),
    ("missing field", _set("engagements.0.client", _DELETE), None,
     r"engagements\[0\]: missing field 'client'"),
    ("missing list", _set("engagements.0.cycles", _DELETE), None,
     r"engagements\[0\]: missing field 'cycles'"),
    ("unknown field", _set("engagements.0.colour", "red"), None, r"engagements\[0\]: unknown field 'colour'"),
    ("wrong type", _set("engagements.0.position", "top"), None, r"engagements\[0\]\.position: Position must"),
    ("text score", _set("engagements.0.qualification_scores.1.score", "3"), None,
     r"engagements\[0\]\.qualification_scores\[1\]\.score: Score must be a whole number"),
    ("null name", _set("engagements.0.stakeholders.0.name", None), None,
     r"engagements\[0\]\.stakeholders\[0\]\.name: must not be null"),
    ("bad date", _set("engagements.0.insights.0.recorded_on", "31/12/2026"), None,
     r"engagements\[0\]\.insights\[0\]\.recorded_on: Recorded on must be a date"),
    ("naive time", _set("engagements.0.updated_at", "2026-11-02T09:00:00"), None,
     r"engagements\[0\]\.updated_at: .* UTC offset"),
    ("unknown stage", _set("engagements.0.stage", "delivery"), None,
     r"engagements\[0\]\.stage: Stage must be one of"),
    ("bad rating", _set("engagements.0.checkins.0.ratings.clear_communication", 7), None,
     r"engagements\[0\]\.checkins\[0\]\.ratings: .*from 0 to 3"),
    ("NaN", None, _text_patch('"position": 1.0', '"position": NaN'),
     r"engagements\[0\]\.position: NaN is not allowed"),
    ("Infinity", None, _text_patch('"position": 1.0', '"position": -Infinity'),
     r"position: -Infinity is not allowed"),
    ("huge number", None, _text_patch('"position": 1.0', '"position": 1e400'),
     r"position: 1e400 is not allowed"),
    ("repeated key", None, _text_patch('"client":', '"client": "X", "client":'), "repeats the key 'client'"),
    ("bad uuid", _set("engagements.0.cycles.0.uuid", "not-a-uuid"), None,
     r"cycles\[0\]\.uuid: uuid must be a uuid"),
    ("duplicate uuid", _reuse_uuid, None,
     r"insights\[0\]\.uuid: .* is also used by engagements\[0\]\.stakeholders\[0\]"),
    ("dangling hypothesis", _set("engagements.0.cycles.0.hypothesis", _GHOST), None,
     rf"engagements\[0\]\.cycles\[0\]\.hypothesis: unknown uuid {_GHOST}"),
    ("dangling evidence", _set("engagements.0.learnings.0.evidence", [_GHOST]), None,
     rf"engagements\[0\]\.learnings\[0\]\.evidence: unknown uuid {_GHOST}"),
    ("dangling insight", _set("engagements.0.hypotheses.0.insights.0", _GHOST), None,
     r"engagements\[0\]\.hypotheses\[0\]\.insights: unknown uuid"),
    ("skipped stage", _skip_a_stage, None,
     r"engagements\[0\]\.stage_history\[2\]\.to_stage: onboarding to execution skips a stage"),
    ("empty history", _set("engagements.0.stage_history", []), None,
     r"stage_history: The stage history is empty"),
    ("twice scored", _set("engagements.0.qualification_scores.1.criterion", "business_scale"), None,
     r"qualification_scores\[1\]\.criterion: business_scale appears twice"),
    ("engagements not a list", _set("engagements", {}), None, "engagements: must be a list"),
    # Version 2: deletions and versions (issue 12's bad input).
    ("tombstone and edit", _bury_and_edit, None,
     r"tombstones\[0\]\.uuid: .* is also a record in this bundle \(engagements\[0\]\.insights\[0\]\)"),
    ("deleted in the future", _bury("insights", deleted_at="2999-01-01T00:00:00+00:00"), None,
     r"tombstones\[0\]\.deleted_at: .*cannot be in the future"),
    ("deleted stage move", _bury("stage_history"), None,
     r"tombstones\[0\]\.kind: .* is a stage move; a stage history is append-only"),
    ("deleted engagement", _bury("engagements"), None,
     r"tombstones\[0\]\.kind: 'engagements' records are never deleted"),
    ("bad vector", _set("engagements.0.vv", {"not-a-device": 1}), None, r"engagements\[0\]\.vv: .*device"),
    ("zero counter", _set("engagements.0.vv", {_GHOST: 0}), None, r"engagements\[0\]\.vv: The counter"),
    ("move after a stranger", _set("engagements.0.stage_history.1.after", _GHOST), None,
     rf"stage_history\[1\]\.after: Follows the move {_GHOST}, which is not in this history"),
    ("top level list", lambda b: [b], None, "not an MWMS Desktop bundle"),
]  # fmt: skip


@pytest.fixture(scope="module")
def valid_bundle(tmp_path_factory: pytest.TempPathFactory) -> str:
    return json.dumps(_source(tmp_path_factory.mktemp("src")), indent=1)


@pytest.mark.parametrize(("name", "mutate", "patch", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_bundle_is_refused_and_database_untouched(
    valid_bundle, services, tmp_path, name, mutate, patch, message
):
    """Each class of malformed bundle is refused with a BundleError naming the place, and
    the database (with an engagement of its own) is byte-for-byte the same afterwards."""
    services.portfolio.add("Local Ltd")
    data = json.loads(valid_bundle)
    if mutate is not None:
        data = mutate(data)
    text = json.dumps(data, indent=1)
    if patch is not None:
        text = patch(text)
    assert text != valid_bundle or name == "none"
    target = tmp_path / "bad.json"
    target.write_bytes(text.encode("utf-8", "surrogateescape"))
    before = dump(services.path)
    with pytest.raises(BundleError, match=message):
        import_bundle(services.path, target)
    assert dump(services.path) == before
    assert [c.client for c in services.portfolio.cards()] == ["Local Ltd"]


def test_the_unmutated_bundle_imports(valid_bundle, services, tmp_path):
    """The base of the malformed cases is itself valid: the refusals are the mutations'."""
    target = tmp_path / "good.json"
    target.write_text(valid_bundle, encoding="utf-8")
    assert import_bundle(services.path, target).report.counts["engagements"] == [1, 0, 0, 0]


def test_a_uuid_owned_by_another_engagement_is_refused(valid_bundle, services, tmp_path):
    """A record whose uuid belongs to a different engagement here is refused by place."""
    target = tmp_path / "b.json"
    target.write_text(valid_bundle, encoding="utf-8")
    import_bundle(services.path, target)
    data = json.loads(valid_bundle)
    data["engagements"][0]["uuid"] = _GHOST  # same records, claimed by a new engagement
    target.write_text(json.dumps(data), encoding="utf-8")
    before = dump(services.path)
    with pytest.raises(BundleError, match=r"engagements\[0\]\.qualification_scores\[0\]\.uuid: .* another"):
        import_bundle(services.path, target)
    assert dump(services.path) == before


def test_unreadable_bundle_file_is_a_clear_error(services, tmp_path):
    """A missing file is one clear error, not a traceback."""
    with pytest.raises(MwmsError, match="Cannot read"):
        import_bundle(services.path, tmp_path / "missing.json")


def test_an_instant_past_the_last_representable_one_is_refused_naming_the_field(tmp_path):
    """9999-12-31T23:00-05:00 overflows when turned to UTC: a BundleError naming the place."""
    from mwms_desktop.bundle import read_bundle

    data = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": "9999-12-31T23:00:00-05:00",
        "engagements": [],
        "device": "",
        "tombstones": [],
    }
    path = tmp_path / "b.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(BundleError, match=r"bundle\.exported_at: .* must be from 1970-01-02 to 2999-12-31"):
        read_bundle(path)
