"""Laptops for merge tests: each its own database file and clock, opened one at a time (the
models are bound to one file), exchanging bundle files."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from mwms_desktop.bundle import export_bundle, import_bundle
from mwms_desktop.bundle.merge import ImportReport
from mwms_desktop.clock import FixedClock
from mwms_desktop.merge import canonical
from mwms_desktop.services import Services, open_services


class Laptop:
    def __init__(self, folder: Path, name: str, at: datetime, skew: timedelta = timedelta()) -> None:
        self.name = name
        self.path = folder / f"{name}.sqlite"
        self.skew = skew  # how far this laptop's clock is off
        self.clock = FixedClock(at + skew)
        self.folder = folder
        self.exports = 0

    def at(self, when: datetime) -> Laptop:
        """Set the true time; this laptop's clock reads it with its skew."""
        self.clock.at = when + self.skew
        return self

    @contextlib.contextmanager
    def open(self) -> Iterator[Services]:
        s = open_services(self.path, clock=self.clock)
        try:
            yield s
        finally:
            s.close()

    def export(self) -> Path:
        self.exports += 1
        path = self.folder / f"{self.name}-{self.exports}.json"
        with self.open() as s:
            export_bundle(path, clock=s.clock)
        return path

    def receive(self, bundle: Path) -> ImportReport:
        with self.open():
            return import_bundle(self.path, bundle).report

    def dump(self) -> list[dict[str, Any]]:
        with self.open():
            return canonical.dump()

    def conflicts(self) -> list[Any]:
        with self.open() as s:
            return s.conflicts.list()


def as_version_1(bundle: Path, out: Path) -> Path:
    """The bundle as MWMS Desktop wrote it before format 2: no vectors, devices,
    tombstones or move chain."""
    data = json.loads(bundle.read_text())
    data["version"] = 1
    del data["device"], data["tombstones"]
    for e in data["engagements"]:
        for key in ("vv", "device", "dots"):
            del e[key]
        for records in e.values():
            if isinstance(records, list):
                for r in records:
                    for key in ("vv", "device", "dots", "after", "entered_at"):
                        r.pop(key, None)
    out.write_text(json.dumps(data))
    return out
