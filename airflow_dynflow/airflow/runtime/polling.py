"""How soon a waiting generated node looks at its dependencies again.

A chain's next node usually starts while its dependency is still running a function that takes
milliseconds. Polling at a fixed ``[dynflow] poll_interval`` (0.25 s) saw it finish half an interval
late on average, at every hop. The first looks now come soon and the delay doubles up to
``poll_interval``: a dependency that finishes quickly is seen quickly, one that takes long costs
only a few more requests than before.
"""

from __future__ import annotations

from collections.abc import Iterator

__all__ = ["poll_delays"]

_FIRST = 0.025


def poll_delays(limit: float) -> Iterator[float]:
    """Seconds to sleep before each next look: 0.025, 0.05, 0.1 ... doubling up to ``limit``."""
    delay = min(_FIRST, limit)
    while True:
        yield delay
        delay = min(delay * 2, limit)
