"""The library's date facet: years, the months of the year the matches fall in, a from/to
range at the precision typed; a date token that is not a date narrows nothing and says so."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from mwms_desktop import library
from mwms_desktop.library.query import date_value, parse
from tests.core.library_helpers import portfolio
from tests.factories import engagement_at
from tests.zones import local_zone

DAYS = ("2025-11-20", "2026-01-05", "2026-03-01", "2026-03-31", "2026-06-30", "2026-07-01")


def _dated(services) -> dict[str, int]:
    """An insight about parcels on each of DAYS."""
    ids = portfolio(services)
    return {d: services.records.add("insight", ids["a"], statement=f"Parcel test {d}",
                                    recorded_on=date.fromisoformat(d)).id for d in DAYS}  # fmt: skip


def _days(result) -> list[str]:
    return sorted(h.day for h in result.hits if h.kind == "insight")


def test_years_then_the_months_of_the_one_year_shown(services, backend):
    _dated(services)
    every = library.search("parcel")
    assert dict(every.facets["year"]) == {"2025": 1, "2026": 5}
    assert every.facets["month"] == ()  # two years: choose one first
    year = library.search("parcel year:2026")
    assert dict(year.facets["year"]) == {"2026": 5}
    assert dict(year.facets["month"]) == {"2026-01": 1, "2026-03": 2, "2026-06": 1, "2026-07": 1}
    march = library.search("parcel month:2026-03")
    assert _days(march) == ["2026-03-01", "2026-03-31"]
    assert dict(march.facets["month"]) == {"2026-03": 2}
    assert _days(library.search("parcel month:2026-3")) == ["2026-03-01", "2026-03-31"]  # unpadded


def test_a_from_to_range_is_inclusive_at_the_precision_typed(services, backend):
    _dated(services)
    assert _days(library.search("parcel from:2026-03 to:2026-06")) == [
        "2026-03-01", "2026-03-31", "2026-06-30"]  # fmt: skip
    assert _days(library.search("parcel from:2026-03-31")) == ["2026-03-31", "2026-06-30", "2026-07-01"]
    assert _days(library.search("parcel to:2025")) == ["2025-11-20"]
    assert _days(library.search("parcel from:2026 to:2026-01-05")) == ["2026-01-05"]
    ranged = library.search("parcel from:2026-03 to:2026-06")
    assert ranged.total == 3
    assert dict(ranged.facets["month"]) == {"2026-03": 2, "2026-06": 1}
    assert _days(library.search("parcel", date_from=["2026-06-30"], date_to=["2026-07"])) == [
        "2026-06-30", "2026-07-01"]  # fmt: skip


def test_a_range_typed_the_wrong_way_round_is_the_range_it_names(services, backend):
    """``from:2026-06 to:2026-03`` used to find nothing, silently; the analytics window swaps
    a period typed so: the library takes it as March to June too."""
    _dated(services)
    march_to_june = ["2026-03-01", "2026-03-31", "2026-06-30"]
    assert _days(library.search("parcel from:2026-06 to:2026-03")) == march_to_june
    assert _days(library.search("parcel", date_from=["2026-06"], date_to=["2026-03"])) == march_to_june
    assert _days(library.search("parcel from:2027 to:2026-03")) == [*march_to_june, "2026-07-01"]
    assert _days(library.search("parcel from:2026-07-01 to:2026")) == ["2026-07-01"]  # July to December
    assert _days(library.search("parcel from:2026-06-30 to:2026-06")) == ["2026-06-30"]  # not reversed
    assert library.search("parcel from:2026-06 to:2026-03").query.problems == ()


def test_records_without_a_date_are_left_out_by_a_date_token(services, backend):
    ids = _dated(services)
    other = engagement_at(services, "optimization")
    services.records.add("hypothesis", other, statement="Parcel lockers help")
    assert {h.kind for h in library.search("parcel").hits} == {"insight", "hypothesis"}
    assert {h.kind for h in library.search("parcel year:2026").hits} == {"insight"}
    assert len(ids) == len(DAYS)


def test_a_date_token_that_is_not_a_date_narrows_nothing_and_says_so(services, backend):
    _dated(services)
    for typed, said in (
        ("from:yesterday", "from: wants a date like 2026-03-14"),
        ("month:2026-13", "month: wants a month like 2026-03"),
        ("to:2026-02-30", "to: wants a date"),
        ("year:26", "year: wants a year like 2026"),
    ):
        result = library.search(f"parcel {typed}")
        assert result.total == len(DAYS), typed  # nothing narrowed, nothing lost
        (problem,) = result.query.problems
        assert problem.startswith(said), typed
        assert "\n" not in problem
    assert library.search("parcel", date_from=["soon"]).query.problems == (
        "date_from: wants a date like 2026-03-14, 2026-03 or 2026 (not 'soon').",
    )


def test_date_values():
    assert [date_value("date_from", v) for v in ("2026", "2026-3", "2026-03-9", "2026-02-29", "20260")] == [
        "2026", "2026-03", "2026-03-09", None, None]  # fmt: skip
    assert date_value("year", "2026-03") is None
    assert date_value("month", "2026") is None
    assert parse("to:2024-02-29").facets == {"date_to": frozenset({"2024-02-29"})}


@pytest.fixture
def berlin() -> Iterator[None]:
    """The process's local zone is Berlin (UTC+2 from 29 March 2026) for one test."""
    with local_zone("Europe/Berlin"):
        yield


@pytest.mark.usefixtures("berlin")
def test_a_learning_is_dated_by_the_users_local_day_not_the_utc_day(services, backend):
    """Recorded at 00:30 on 1 April in Berlin (22:30 UTC on 31 March): April in every date
    token and facet, as insights and cycles are dated by local day and the analytics count it."""
    ids = portfolio(services)
    at = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)
    lid = services.records.add("learning", ids["a"], statement="Parcel lockers cut failed deliveries",
                               recorded_at=at).id  # fmt: skip

    def found(typed: str) -> list[int]:
        return [h.id for h in library.search(typed).hits if h.kind == "learning"]

    assert found("parcel month:2026-04") == [lid]
    assert found("parcel month:2026-03") == []
    assert found("parcel from:2026-04-01 to:2026-04-01") == [lid]
    assert found("parcel to:2026-03") == []
    april = library.search("parcel kind:learning")
    assert dict(april.facets["month"]) == {"2026-04": 1}
    assert [h.day for h in april.hits] == ["2026-04-01"]
    assert found("month:2026-04 kind:learning") == [lid]  # no words: every record read
