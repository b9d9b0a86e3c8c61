"""Relationship health: ratings to a 0–100 score, the score to a band (healthy from 70,
watch from 45, at risk below), the last scores to a trend; bad ratings are refused with a
ValidationError, directly and through the record service (which then writes nothing)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from mwms_desktop import framework, health
from mwms_desktop.errors import ValidationError
from tests.factories import dump

HEALTHY = [t.slug for t in framework.HEALTHY_INDICATORS]
UNHEALTHY = [t.slug for t in framework.UNHEALTHY_SIGNALS]


def ratings(healthy_total: int, unhealthy_total: int) -> dict[str, int]:
    """Ratings whose healthy indicators sum to ``healthy_total`` and unhealthy signals to
    ``unhealthy_total``, each rating 0–3 (filled from the first indicator on)."""

    def spread(slugs: list[str], total: int) -> dict[str, int]:
        assert 0 <= total <= 3 * len(slugs)
        out = {}
        for slug in slugs:
            out[slug] = min(3, total)
            total -= out[slug]
        return out

    return spread(HEALTHY, healthy_total) | spread(UNHEALTHY, unhealthy_total)


def uniform(good: int, bad: int) -> dict[str, int]:
    return {s: good for s in HEALTHY} | {s: bad for s in UNHEALTHY}


# --- score -------------------------------------------------------------------------------


def test_framework_has_six_indicators_and_five_signals_rated_0_to_3():
    """The score's formula below assumes the framework's 6 + 5 terms rated 0–3."""
    assert (len(HEALTHY), len(UNHEALTHY)) == (6, 5)
    assert (framework.RATING_MIN, framework.RATING_MAX) == (0, 3)


def test_all_healthy_scores_100_and_all_unhealthy_scores_0():
    """Every indicator strongly present and no unhealthy signal: 100; the reverse: 0."""
    assert health.score(uniform(3, 0)) == 100
    assert health.score(uniform(0, 3)) == 0


@pytest.mark.parametrize(
    ("good", "bad", "expected"),
    [
        (0, 0, 50),  # nothing present, nothing wrong: half way
        (3, 3, 50),  # everything good and everything bad at once
        (2, 1, 67),
        (1, 2, 33),
        (3, 1, 83),
        (2, 0, 83),
        (1, 1, 50),
    ],
)
def test_score_is_mean_of_healthy_present_and_unhealthy_absent(good, bad, expected):
    """Half the score from the healthy indicators present, half from the unhealthy signals
    absent, rounded to a whole number."""
    assert health.score(uniform(good, bad)) == expected


@pytest.mark.parametrize(
    ("healthy_total", "unhealthy_total", "expected"),
    [(12, 4, 70), (18, 9, 70), (14, 6, 69), (3, 4, 45), (4, 5, 44), (9, 0, 75)],
)
def test_score_of_uneven_ratings(healthy_total, unhealthy_total, expected):
    """Scores either side of the band boundaries are reachable from real ratings (the band
    tests through the service below use these)."""
    assert health.score(ratings(healthy_total, unhealthy_total)) == expected


# --- band --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (100, "healthy"),
        (70, "healthy"),
        (69, "watch"),
        (45, "watch"),
        (44, "at_risk"),
        (0, "at_risk"),
        (None, "unknown"),
    ],
)
def test_band_boundaries(value, expected):
    """Healthy at 70 and above, watch from 45 to 69, at risk below 45; no score: unknown."""
    assert health.band(value) == expected


def test_band_thresholds_are_70_and_45():
    assert (health.HEALTHY_FROM, health.WATCH_FROM) == (70, 45)


@pytest.mark.parametrize(
    ("healthy_total", "unhealthy_total", "score", "band"),
    [(12, 4, 70, "healthy"), (14, 6, 69, "watch"), (3, 4, 45, "watch"), (4, 5, 44, "at_risk")],
)
def test_checkin_through_service_stores_score_and_band(services, healthy_total, unhealthy_total, score, band):
    """A check-in recorded through the service carries the score and band of its ratings,
    and the card shows them as the engagement's health."""
    eid = services.portfolio.add("Acme Ltd").id
    view = services.records.add("checkin", eid, ratings=ratings(healthy_total, unhealthy_total))
    assert (view.score, view.band) == (score, band)
    assert view.ratings == ratings(healthy_total, unhealthy_total)
    card = services.portfolio.card(eid)
    assert (card.health.score, card.health.band, card.health.trend) == (score, band, "unknown")


def test_card_without_checkin_has_unknown_health(services):
    eid = services.portfolio.add("Acme Ltd").id
    h = services.portfolio.card(eid).health
    assert (h.score, h.band, h.trend, h.band_label) == (None, "unknown", "unknown", "No check-in")


# --- trend -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("newest_first", "expected"),
    [
        ([], "unknown"),
        ([80], "unknown"),
        ([75, 70], "rising"),  # exactly +5
        ([74, 70], "steady"),
        ([70, 70], "steady"),
        ([66, 70], "steady"),
        ([65, 70], "falling"),  # exactly -5
        ([80, 70, 80], "rising"),  # against the mean (75) of the two before
        ([79, 70, 80], "steady"),
        ([70, 75, 75], "falling"),
        ([80, 75, 75, 0], "rising"),  # only the two before the newest count
        ([40, 60, 80, 100], "falling"),
        ([60, 50, 70], "steady"),  # up from the last, level with the mean
    ],
)
def test_trend(newest_first, expected):
    """The newest score against the mean of up to two before it: ±5 or more is rising or
    falling, anything less is steady; fewer than two scores: unknown."""
    assert health.trend(newest_first) == expected


@pytest.mark.parametrize(
    ("oldest_first", "expected"),
    [
        ([(3, 3), (2, 1), (3, 0)], "rising"),  # 50, 67, 100
        ([(3, 0), (3, 1), (2, 1)], "falling"),  # 100, 83, 67
        ([(2, 1), (2, 1), (2, 1)], "steady"),
        ([(3, 0)], "unknown"),
    ],
)
def test_card_trend_from_checkins_in_date_order(services, oldest_first, expected):
    """The card's trend reads the check-ins by the day they were held, whatever order they
    were recorded in (here newest first)."""
    eid = services.portfolio.add("Acme Ltd").id
    days = [date(2026, 10, 1 + 7 * n) for n in range(len(oldest_first))]
    for day, (good, bad) in reversed(list(zip(days, oldest_first, strict=True))):
        services.records.add("checkin", eid, held_on=day, ratings=uniform(good, bad))
    card = services.portfolio.card(eid)
    assert card.health.trend == expected
    assert card.health.score == health.score(uniform(*oldest_first[-1]))


@pytest.mark.parametrize(
    ("newest_first", "expected"),
    [
        ([67, 83, 100], True),
        ([67, 83, 100, 0], True),
        ([67, 67, 100], False),
        ([67, 83, 83], False),
        ([83, 67, 100], False),
        ([67, 83], False),
        ([], False),
    ],
)
def test_falling_three(newest_first, expected):
    """Falling three: each of the last three check-ins strictly lower than the one before."""
    assert health.falling_three(newest_first) is expected


# --- invalid ratings ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"clear_communication": 4}, "Clear communication: the rating must be from 0 to 3."),
        ({"stalled_decisions": -1}, "Stalled decision making: the rating must be from 0 to 3."),
        ({"learning_continuity": 2.0}, "Learning continuity: the rating must be a whole number."),
        ({"scope_confusion": "3"}, "Frequent scope confusion: the rating must be a whole number."),
        ({"unclear_priorities": True}, "Unclear priorities: the rating must be a whole number."),
        ({"realistic_expectations": None}, "Realistic expectations is not rated."),
        ({"happiness": 3}, "Unknown health indicator: happiness."),
    ],
)
def test_invalid_ratings_rejected(change, message):
    """Out-of-range, non-integer, missing and unknown ratings raise a ValidationError on the
    ratings field naming the indicator."""
    bad = uniform(2, 1) | change
    with pytest.raises(ValidationError, match=f"^{re.escape(message)}$") as err:
        health.validate_ratings(bad)
    assert err.value.field == "ratings"


def test_missing_indicator_rejected():
    """Every indicator must be rated; leaving one out is refused by name."""
    partial = uniform(2, 1)
    del partial["stable_prioritization"]
    with pytest.raises(ValidationError, match=r"^Stable prioritization logic is not rated\.$"):
        health.validate_ratings(partial)


def test_valid_ratings_returned_clean():
    """Valid ratings come back as the same whole numbers, one per indicator."""
    good = ratings(12, 4)
    assert health.validate_ratings(good) == good


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (uniform(2, 1) | {"clear_communication": 7}, "Clear communication: the rating must be from 0 to 3."),
        ({}, "Clear communication is not rated."),
        ([3, 3, 3], "Ratings must map each indicator to 0–3."),
        ("all good", "Ratings must map each indicator to 0–3."),
    ],
)
def test_invalid_checkin_through_service_writes_nothing(services, db_path, bad, message):
    """A check-in with bad ratings is refused with a ValidationError and leaves the database
    exactly as it was."""
    eid = services.portfolio.add("Acme Ltd").id
    before = dump(db_path)
    with pytest.raises(ValidationError, match=f"^{re.escape(message)}$"):
        services.records.add("checkin", eid, ratings=bad)
    assert dump(db_path) == before
    assert services.portfolio.detail(eid).checkins == ()
