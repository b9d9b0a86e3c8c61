"""Hand-built move logs for the analytics tests: engagements and their stage moves written
straight into the database at chosen UTC instants, so flow counts can be checked by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from db.models import Engagement, StageMove, database, new_uuid
from tests.zones import local_zone


def at(text: str) -> datetime:
    """``"2026-11-03 04:59"`` as an aware UTC instant."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def engagement(
    client: str,
    created: str,
    moves: list[tuple[str, str, str]] = (),  # type: ignore[assignment]
    *,
    engagement_type: str = "consulting",
    owner: str = "",
    status: str = "active",
    changed: str | None = None,
    outcome: str | None = None,
    outcome_on: str | None = None,
) -> int:
    """An engagement created at ``created`` (UTC) with ``moves`` as (UTC instant, stage,
    kind) after its created move; it stands in the last move's stage."""
    with database.atomic():
        stage = moves[-1][1] if moves else "qualification"
        last = at(changed) if changed else at(moves[-1][0] if moves else created)
        e = Engagement.create(
            client=client, engagement_type=engagement_type, owner=owner, stage=stage,
            stage_entered_at=last, created_at=at(created), updated_at=last, status=status,
            outcome=outcome, outcome_on=outcome_on,
        )  # fmt: skip
        previous = None
        for when, to_stage, kind in [(created, "qualification", "created"), *moves]:
            StageMove.create(
                uuid=new_uuid(), engagement=e, from_stage=previous, to_stage=to_stage,
                moved_at=at(when), kind=kind, updated_at=at(when),
            )  # fmt: skip
            previous = to_stage
    return e.id


@pytest.fixture
def new_york() -> Iterator[None]:
    """The process's local zone is New York (UTC-5 in November) for one test."""
    with local_zone("America/New_York"):
        yield
