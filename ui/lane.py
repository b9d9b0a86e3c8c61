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

    @property
    def holds(self) -> str:
        """What the lane is for: "Ecommerce growth", "Maya Chen's engagements"."""
        if self.field == "engagement_type":
            return self.label
        return f"{self.value}'s engagements" if self.value else "engagements with no owner"

    @property
    def of_card(self) -> str:
        """What a card of this lane is: "is Ecommerce growth", "is Maya Chen's"."""
        if self.field == "engagement_type":
            return f"is {self.label}"
        return f"is {self.value}'s" if self.value else "has no owner"

    def order(self) -> tuple:
        """Types in the framework's order; owners by name, "No owner" last."""
        if self.field == "engagement_type":
            slugs = framework.slugs(framework.ENGAGEMENT_TYPES)
            return (slugs.index(self.value) if self.value in slugs else len(slugs), self.value)
        return (self.value == "", self.value.casefold())
