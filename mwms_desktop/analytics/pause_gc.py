"""Python's cyclic garbage collector held off while the analytics are read and computed.

Reading ten thousand engagements makes tens of thousands of objects (facts, tuples, dates)
and no reference cycle; each batch of new objects would start a collection, and each
collection walks what the process already holds: in the window, the board's cards and
everything else alive, so a collection costs more the larger the portfolio, for nothing to
collect. Reference counting still frees every object as usual; the collector runs again,
as before, once the work ends. If it is already off (start-up pauses it, see
``mwms_desktop.collector``), this leaves it as it is.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def paused(work: Callable[P, R]) -> Callable[P, R]:
    """``work`` with automatic collections held off while it runs."""

    @wraps(work)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if not gc.isenabled():
            return work(*args, **kwargs)
        gc.disable()
        try:
            return work(*args, **kwargs)
        finally:
            gc.enable()

    return run
