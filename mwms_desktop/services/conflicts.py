"""The conflicts list, for the window and the CLI: list, keep one version, take that back.

Every change goes through :mod:`mwms_desktop.merge.conflicts` in one transaction; keeping a
version writes it as a newer local change, so it wins the next merge on every laptop."""

from __future__ import annotations

from mwms_desktop.merge import conflicts
from mwms_desktop.merge.conflicts import ConflictView, Resolution
from mwms_desktop.services.base import ServiceBase, atomic


class ConflictService(ServiceBase):
    def list(self, engagement_id: int | None = None, *, resolved: bool = False) -> list[ConflictView]:
        """Unresolved conflicts (all of them when ``resolved``), oldest first."""
        if engagement_id is not None:
            self._engagement(engagement_id)
        return conflicts.list_conflicts(engagement_id, resolved=resolved)

    def count(self, engagement_id: int | None = None) -> int:
        """How many are unresolved (of one engagement when given)."""
        if engagement_id is None:
            return conflicts.unresolved_count()
        return conflicts.unresolved_count(self._engagement(engagement_id).uuid)

    def get(self, conflict_id: int) -> ConflictView:
        return conflicts.get(conflict_id)

    @atomic()
    def resolve(self, conflict_id: int, keep: str) -> Resolution:
        """Keep ``"mine"`` or ``"theirs"``; returns what :meth:`reopen` needs to undo it."""
        return conflicts.resolve(conflict_id, keep, self.clock.now())

    @atomic()
    def reopen(self, resolution: Resolution) -> None:
        """Undo a resolution: the record as it was, the conflict open again."""
        conflicts.reopen(resolution, self.clock.now())
