"""How soon a waiting generated node looks at its dependencies again.

A chain's next node usually starts while its dependency is still running a function that takes
milliseconds. Polling at a fixed ``[dynflow] poll_interval`` (0.25 s) saw it finish half an interval
late on average, at every hop. The first looks now come soon and the delay doubles up to
``poll_interval``: a dependency that finishes quickly is seen quickly, one that takes long costs
only a few more requests than before.

A node waiting in its worker (at most ``wait_inline_seconds``) backs off only to
``INLINE_LIMIT``: it already holds a worker slot, its dependency is most often the node just before
it in a chain, running a function that takes milliseconds, and each look costs one small request.
A deferred node's trigger backs off to ``poll_interval``, its look shared with every other trigger
on the same task (``triggers.shared_states``).
"""

from __future__ import annotations

from collections.abc import Iterator

__all__ = ["INLINE_LIMIT", "poll_delays"]

_FIRST = 0.025
INLINE_LIMIT = 0.1


def poll_delays(limit: float) -> Iterator[float]:
    """Seconds to sleep before each next look: 0.025, 0.05, 0.1 ... doubling up to ``limit``."""
    delay = min(_FIRST, limit)
    while True:
        yield delay
        delay = min(delay * 2, limit)
