"""Every preference the window remembers, declared once (QSettings, IniFormat).

Rules that shape the lifecycle (drift thresholds) are not here: they belong to the database
(``mwms_desktop/settings.py``) so every window and the CLI on that file agree.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from mwms_desktop import framework

GEOMETRY = "window/geometry"
STATE = "window/state"
SPLITTER = "window/splitter"
SCHEME = "view/scheme"  # system | light | dark
SWIMLANES = "view/swimlanes"  # "" | engagement_type | owner
TODAY_SHOWN = "view/today"  # the main window shows Today instead of the board
FILTER_TYPE = "filter/type"
FILTER_OWNER = "filter/owner"
FILTER_HEALTH = "filter/health"
FILTER_DRIFT = "filter/drift_only"
WIP_PREFIX = "wip/"  # wip/<stage slug> -> int, 0 = no limit


class Preferences:
    def __init__(self, settings: QSettings | None = None) -> None:
        self.qs = settings or QSettings(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope, "MWMS", "MWMS Desktop"
        )

    def text(self, key: str, default: str = "") -> str:
        value = self.qs.value(key, default)
        return value if isinstance(value, str) else default

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.qs.value(key, default)
        if isinstance(value, str):
            return value.lower() in ("1", "true", "yes")
        return bool(value)

    def blob(self, key: str) -> QByteArray | None:
        value = self.qs.value(key)
        return value if isinstance(value, QByteArray) else None

    def set(self, key: str, value: Any) -> None:
        self.qs.setValue(key, value)

    def wip_limit(self, stage: str) -> int:
        value = self.qs.value(WIP_PREFIX + stage, 0)
        try:
            return max(0, int(value))
        except (TypeError, ValueError):
            return 0

    def set_wip_limit(self, stage: str, limit: int) -> None:
        if stage not in framework.STAGE_SLUGS:
            raise ValueError(stage)
        self.qs.setValue(WIP_PREFIX + stage, max(0, int(limit)))

    def sync(self) -> None:
        self.qs.sync()
