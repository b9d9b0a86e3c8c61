"""Related past learnings: by the words written, boosted by the engagement's type and tags,
never the engagement's own, losses marked as contradicting; the index's way and the scan's
agree, and the index's way reads whole only the learnings it returns."""

from __future__ import annotations

from db.models import database
from mwms_desktop import library
from tests.core.library_helpers import portfolio
from tests.factories import engagement_at


def _same_words(services) -> dict[str, int]:
    """Three learnings saying the same words in engagements of different types and tags."""
    ids = portfolio(services)
    mine = engagement_at(services, "optimization", "Writer Ltd", "ecommerce_growth")
    services.portfolio.update(mine, tags="delivery, lockers")
    other_type = engagement_at(services, "optimization", "Other Type", "consulting")
    same_type = engagement_at(services, "optimization", "Same Type", "ecommerce_growth")
    tagged = engagement_at(services, "optimization", "Same Tag", "consulting")
    services.portfolio.update(tagged, tags="Lockers, delivery")  # two shared: x2 beats the type's x1.5
    add = services.records.add
    ids |= {
        "mine": mine,
        "own": add("learning", mine, statement="Parcel lockers cut delivery complaints").id,
        "other_type": add("learning", other_type, statement="Parcel lockers cut delivery complaints").id,
        "same_type": add("learning", same_type, statement="Parcel lockers cut delivery complaints").id,
        "tagged": add("learning", tagged, statement="Parcel lockers cut delivery complaints").id,
    }
    return ids


def test_the_engagements_type_and_tags_lift_a_learning_and_its_own_never_shows(services, backend):
    ids = _same_words(services)
    found = library.related("Parcel lockers for delivery", ids["mine"])
    order = [r.hit.id for r in found]
    assert ids["own"] not in order
    assert order[:3] == [ids["tagged"], ids["same_type"], ids["other_type"]]
    assert found[0].score > found[1].score > found[2].score
    assert [r.hit.client for r in found[:3]] == ["Same Tag", "Same Type", "Other Type"]


def test_a_loss_is_marked_as_contradicting(services, backend):
    ids = portfolio(services)
    (express,) = [r for r in library.related("Express buttons", ids["c"]) if r.hit.id == ids["notes_only"]]
    assert express.contradicting
    assert express.hit.results == ("loss",)
    (badges,) = [r for r in library.related("trust badges", ids["c"]) if r.hit.id == ids["checkout"]]
    assert not badges.contradicting


def test_the_index_reads_whole_only_the_learnings_it_returns(services, monkeypatch):
    ids = _same_words(services)
    read: list[int] = []
    real = database.execute_sql

    def spy(sql, params=None, *a, **kw):
        if sql.startswith("SELECT r.id, r.engagement_id, e.client") and "WHERE r.id IN" in sql:
            read.append(len(params))
        return real(sql, params, *a, **kw)

    monkeypatch.setattr(database, "execute_sql", spy)
    found = library.related("Parcel lockers for delivery", ids["mine"], limit=2)
    assert [r.hit.id for r in found] == [ids["tagged"], ids["same_type"]]
    assert read == [2]
