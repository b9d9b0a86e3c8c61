"""Undo and redo name records by id and uuid: an id SQLite gave to another record since is
never the one acted on."""

from __future__ import annotations

from mwms_desktop.errors import ChangedElsewhere
from mwms_desktop.services import Services
from ui.undo_commands import record_add_command, record_delete_command


def test_an_undo_of_an_add_removes_that_record_not_whatever_has_its_id_now(services: Services) -> None:
    """The undo of "Add stakeholder" names the record by id and uuid: when a sync or an import
    removed it and SQLite gave its id to a new record (of another engagement, even), the undo
    is refused and removes nothing. It deleted that other record, and the deletion travelled."""
    acme = services.portfolio.add("Acme", "consulting").id
    other = services.portfolio.add("Other", "consulting").id
    cmd = record_add_command(services, "stakeholder", acme, {"name": "Ana", "role": "CFO"})
    assert cmd.run_now()
    made = cmd.result.id
    services.records.delete("stakeholder", made)  # "elsewhere"
    reused = services.records.add("stakeholder", other, name="Bo", role="CEO")
    assert reused.id == made  # SQLite hands the highest id out again
    cmd.undo()
    assert isinstance(cmd.error, ChangedElsewhere)
    assert "removed outside this window" in str(cmd.error)
    assert [s.name for s in services.lifecycle.detail(other).stakeholders] == ["Bo"]


def test_a_redo_of_a_removal_removes_the_record_put_back_not_its_successor(services: Services) -> None:
    acme = services.portfolio.add("Acme", "consulting").id
    other = services.portfolio.add("Other", "consulting").id
    sid = services.records.add("stakeholder", acme, name="Ana", role="CFO").id
    cmd = record_delete_command(services, "stakeholder", sid)
    assert cmd.run_now()
    cmd.redo()  # the stack's push, after run_now: nothing again
    cmd.undo()  # Ana is back
    back = [s.id for s in services.lifecycle.detail(acme).stakeholders]
    services.records.delete("stakeholder", back[0])  # "elsewhere"
    reused = services.records.add("stakeholder", other, name="Bo", role="CEO")
    assert reused.id == back[0]
    cmd.redo()
    assert isinstance(cmd.error, ChangedElsewhere)
    assert [s.name for s in services.lifecycle.detail(other).stakeholders] == ["Bo"]
