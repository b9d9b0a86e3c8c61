"""A bundle written by an older MWMS Desktop still imports as it was meant.

``data/bundle-v1-demo-2026-11-30.json`` is the demo portfolio exported by the release before
the learning library (commit 4df582f): its cycles have no kind, its learnings no refinements,
its engagements no citations. A field added since is left out by such a bundle and means its
default (``bundle/schema.py`` ADDED_FIELDS / ADDED_LISTS)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from mwms_desktop.cli import main
from mwms_desktop.services import open_services

OLD = Path(__file__).parent / "data" / "bundle-v1-demo-2026-11-30.json"


def test_the_fixture_is_what_the_older_release_wrote() -> None:
    bundle = json.loads(OLD.read_text(encoding="utf-8"))
    engagements = bundle["engagements"]
    assert bundle["version"] == 1
    assert all("citations" not in e for e in engagements)
    assert all("kind" not in c for e in engagements for c in e["cycles"])
    assert all("refinements" not in lr for e in engagements for lr in e["learnings"])


def test_a_bundle_of_the_release_before_the_library_imports_and_means_its_defaults(
    tmp_path: Path, capsys
) -> None:
    db = tmp_path / "new.sqlite"
    given = tmp_path / "old.json"
    shutil.copy(OLD, given)
    assert main(["--db", str(db), "import", str(given)]) == 0, capsys.readouterr().err
    s = open_services(db)
    try:
        details = [s.portfolio.detail(c.id) for c in s.portfolio.cards(statuses=None)]
        assert len(details) == 13
        cycles = [c for d in details for c in d.cycles]
        learnings = [lr for d in details for lr in d.learnings]
        assert cycles
        assert learnings
        assert {c.kind for c in cycles} == {"experimentation_cycle"}
        assert all(not lr.refinements for lr in learnings)
    finally:
        s.close()
    capsys.readouterr()
    assert main(["--db", str(db), "import", str(given)]) == 0  # the same bundle again: nothing new
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("  ")]
    assert lines
    assert all(" 0 added, 0 updated" in ln for ln in lines), lines
