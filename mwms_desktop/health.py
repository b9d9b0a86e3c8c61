"""Relationship health: a check-in's ratings become a score, a band and a trend.

Pure functions over the framework's "Relationship Health Indicators": six healthy
indicators and five unhealthy signals, each rated 0 (absent) to 3 (strongly present).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mwms_desktop import framework
from mwms_desktop.errors import ValidationError

HEALTHY_FROM = 70  # score at or above: healthy
WATCH_FROM = 45  # score at or above (and below HEALTHY_FROM): watch; below: at risk
TREND_DELTA = 5  # points of change that count as rising or falling

_HEALTHY = framework.slugs(framework.HEALTHY_INDICATORS)
_UNHEALTHY = framework.slugs(framework.UNHEALTHY_SIGNALS)


def validate_ratings(ratings: Mapping[str, object]) -> dict[str, int]:
    """Every indicator and signal rated, each a whole number from 0 to 3; nothing else."""
    unknown = sorted(set(ratings) - set(_HEALTHY) - set(_UNHEALTHY))
    if unknown:
        raise ValidationError(f"Unknown health indicator: {', '.join(unknown)}.", "ratings")
    clean: dict[str, int] = {}
    for term in framework.HEALTHY_INDICATORS + framework.UNHEALTHY_SIGNALS:
        value = ratings.get(term.slug)
        if value is None:
            raise ValidationError(f"{term.label} is not rated.", "ratings")
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(f"{term.label}: the rating must be a whole number.", "ratings")
        if not framework.RATING_MIN <= value <= framework.RATING_MAX:
            raise ValidationError(
                f"{term.label}: the rating must be from {framework.RATING_MIN} to {framework.RATING_MAX}.",
                "ratings",
            )
        clean[term.slug] = value
    return clean


def score(ratings: Mapping[str, int]) -> int:
    """0–100: half from healthy indicators present, half from unhealthy signals absent."""
    top = framework.RATING_MAX
    healthy = sum(ratings[s] for s in _HEALTHY) / (len(_HEALTHY) * top)
    unhealthy = sum(ratings[s] for s in _UNHEALTHY) / (len(_UNHEALTHY) * top)
    return round(100 * (healthy + (1 - unhealthy)) / 2)


def band(value: int | None) -> str:
    if value is None:
        return "unknown"
    if value >= HEALTHY_FROM:
        return "healthy"
    if value >= WATCH_FROM:
        return "watch"
    return "at_risk"


def trend(scores_newest_first: Sequence[int]) -> str:
    """Newest score against the mean of the (up to) two before it."""
    if len(scores_newest_first) < 2:
        return "unknown"
    newest, earlier = scores_newest_first[0], scores_newest_first[1:3]
    delta = newest - sum(earlier) / len(earlier)
    if delta >= TREND_DELTA:
        return "rising"
    if delta <= -TREND_DELTA:
        return "falling"
    return "steady"


def falling_three(scores_newest_first: Sequence[int]) -> bool:
    """True when each of the last three check-ins scored lower than the one before."""
    s = scores_newest_first
    return len(s) >= 3 and s[0] < s[1] < s[2]
