"""What marks an engagement as waiting for the server (local schema 6): every local write,
whatever path it takes, in its own transaction; never the writes of a pull's merge."""

from __future__ import annotations

from pathlib import Path

from db.models import database
from mwms_desktop import sync
from mwms_desktop.services import Services
from mwms_desktop.sync import local


def pending() -> dict[str, int]:
    return dict(database.execute_sql("SELECT engagement_uuid, generation FROM sync_pending").fetchall())


def clear() -> None:
    database.execute_sql("DELETE FROM sync_pending")


def test_every_kind_of_local_write_marks_its_engagement(services: Services, tmp_path: Path) -> None:
    card = services.portfolio.add("Acme Retail", "ecommerce_growth")
    other = services.portfolio.add("Bolt Bikes", "ecommerce_growth")
    assert set(pending()) == {card.uuid, other.uuid}
    writes = [
        lambda: services.portfolio.update(card.id, notes="n"),
        lambda: services.records.add("stakeholder", card.id, name="Sam"),
        lambda: services.records.update(
            "stakeholder", services.lifecycle.detail(card.id).stakeholders[0].id, role="CFO"
        ),
        lambda: services.records.delete("stakeholder", services.lifecycle.detail(card.id).stakeholders[0].id),
        lambda: services.lifecycle.set_verdict(card.id, "qualified"),
        lambda: services.portfolio.archive(card.id),
    ]
    for write in writes:
        clear()
        write()
        assert set(pending()) == {card.uuid}, write
    # a change marks again what is already waiting: a push sent before it clears nothing
    before = pending()[card.uuid]
    services.portfolio.restore(card.id)
    assert pending()[card.uuid] > before
    local.clear_pending([(card.uuid, before)])
    assert card.uuid in pending()
    assert sync.status().waiting == 1


def test_an_import_marks_and_a_pulls_own_writes_do_not(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from tests.core.merge_laptops import Laptop

    at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    a, b = Laptop(tmp_path, "a", at), Laptop(tmp_path, "b", at)
    with a.open() as s:
        card = s.portfolio.add("Acme Retail", "ecommerce_growth")
        s.records.add("stakeholder", card.id, name="Sam")
    bundle = a.export()
    with b.open() as s:
        assert pending() == {}
    b.receive(bundle)  # an import is a local change this laptop's server may lack
    with b.open() as s:
        assert set(pending()) == {card.uuid}
        clear()
        with database.atomic(), local.applying():  # as a pull merges what the server sent
            s.records.add("stakeholder", s.portfolio.cards()[0].id, name="Applied by a pull")
        assert pending() == {}
        assert database.execute_sql(
            "SELECT count(*) FROM setting WHERE key = 'sync_applying'"
        ).fetchone() == (0,)
        s.records.add("stakeholder", s.portfolio.cards()[0].id, name="Typed here")
        assert set(pending()) == {card.uuid}
