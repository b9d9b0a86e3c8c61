"""Laptops that sync with the test server: the bundle tests' laptops (tests/core/merge_laptops.py)
that join a team and run ``sync.run`` instead of exchanging files."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from mwms_desktop import sync
from mwms_desktop.team import address, membership
from tests.core.merge_laptops import Laptop
from tests.team.pg_server import TestServer


class SyncLaptop(Laptop):
    def __init__(self, folder: Path, name: str, at: datetime, skew: timedelta = timedelta()) -> None:
        super().__init__(folder, name, at, skew)
        self.url: str | None = None

    def join(self, server: TestServer, database: str, user: str, password: str) -> SyncLaptop:
        self.url = server.url(database, user=user, password=password)
        with self.open():
            found, secret = address.parse(self.url)
            assert secret is not None
            membership.remember(found, secret)
        return self

    def sync(self, **kwargs) -> sync.SyncReport:
        with self.open():
            return sync.run(**kwargs)

    def status(self) -> sync.SyncStatus:
        with self.open():
            return sync.status()
