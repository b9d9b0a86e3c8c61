"""Shared by the library's tests: a small portfolio worth searching, and the index's
contents compared with a fresh rebuild."""

from __future__ import annotations

from db import fts
from db.models import database
from mwms_desktop.services import Services
from tests.factories import engagement_at


def index_contents() -> dict[str, list[tuple]]:
    """Every (term, rowid, column, offset) of every FTS index: what a search can find."""
    out = {}
    for s in fts.SOURCES:
        database.execute_sql(f"CREATE VIRTUAL TABLE temp.v_{s.kind} USING fts5vocab(main, {s.fts}, instance)")
        try:
            rows = database.execute_sql(f"SELECT * FROM temp.v_{s.kind} ORDER BY 1, 2, 3, 4").fetchall()
        finally:
            database.execute_sql(f"DROP TABLE temp.v_{s.kind}")
        out[s.kind] = rows
    return out


def assert_index_is_a_fresh_rebuild() -> None:
    """The index as the triggers kept it equals the index rebuilt from the records now,
    and FTS5's own integrity check (against the records) passes."""
    assert fts.integrity_problems(database) == []
    kept = index_contents()
    with database.atomic() as tx:
        fts.rebuild(database)
        rebuilt = index_contents()
        tx.rollback()
    assert kept == rebuilt
    assert any(kept.values())  # not vacuously: there is something indexed


def portfolio(s: Services) -> dict[str, int]:
    """Three engagements with learnings worth finding (diacritics, Cyrillic, a loss)."""
    rec = s.records
    a = engagement_at(s, "optimization", "Zoë Ødegård Studio", "ecommerce_growth")
    b = engagement_at(s, "optimization", "Müller & Söhne GmbH", "ecommerce_growth")
    c = engagement_at(s, "optimization", "Иванов и партнёры", "consulting")
    s.portfolio.update(a, tags="checkout, apparel")
    cyc_a = s.lifecycle.detail(a).cycles[0].id
    cyc_b = rec.add("cycle", b, title="Express checkout button", status="evaluated", result="loss",
                    evaluation="Checkout completion fell 2%.").id  # fmt: skip
    ids = {
        "a": a, "b": b, "c": c,
        "checkout": rec.add("learning", a, statement="Checkout trust badges lift conversion for Zoë's buyers",
                            tags="checkout, trust", confidence="high", cycle_ids=[cyc_a],
                            refinements=["deeper_customer_insight"]).id,
        "notes_only": rec.add("learning", b, statement="Express buttons confuse first-time buyers",
                              tags="checkout", cycle_ids=[cyc_b],
                              refinements=["improved_hypothesis_quality", "prioritization_refinement"]).id,
        "muller": rec.add("learning", b, statement="Müller customers prefer invoices over cards",
                          tags="payments").id,
        "cyrillic": rec.add("learning", c, statement="Иванов: клиенты читают отзывы перед покупкой",
                            tags="reviews").id,
    }  # fmt: skip
    return ids
