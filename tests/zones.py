"""The process's local time zone, set for one test and put back after (days, months and
"today" are the user's local ones)."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator

import pytest


@contextlib.contextmanager
def local_zone(zone: str) -> Iterator[None]:
    if not hasattr(time, "tzset"):
        pytest.skip("needs time.tzset to set the local time zone")
    old = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()
