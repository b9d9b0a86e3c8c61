"""Swimlanes' vocabulary: which card fields the board can be split by, and what a lane is."""

from __future__ import annotations

from dataclasses import dataclass

from mwms_desktop import framework

LANE_FIELDS = {"engagement_type": "Engagement type", "owner": "Owner"}  # field -> what it is


@dataclass(frozen=True, slots=True)
class Lane:
    """A swimlane: the cards whose ``field`` (one of ``LANE_FIELDS``) is ``value``."""

    field: str
    value: str

    @property
    def label(self) -> str:
        if self.field == "engagement_type":
            return framework.label(framework.ENGAGEMENT_TYPES, self.value)
        return self.value or "No owner"

    def order(self) -> tuple:
        """Types in the framework's order; owners by name, "No owner" last."""
        if self.field == "engagement_type":
            slugs = framework.slugs(framework.ENGAGEMENT_TYPES)
            return (slugs.index(self.value) if self.value in slugs else len(slugs), self.value)
        return (self.value == "", self.value.casefold())
