"""``poll_until``: the one loop that waits for something another process will do.

Airflow does its work in other processes (the dag-processor parses, the scheduler runs), so a caller can
only ask again until the answer is yes or its patience runs out. Written by hand each time, that loop got
its deadline arithmetic and its failure message slightly different in every copy; here it is written once,
and a timeout always says what was awaited, for how long, and what the last answer was.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_REPR_LIMIT = 500


class PollTimeout(TimeoutError):
    """What ``poll_until`` waited for did not happen in time.

    ``describe``, ``timeout`` and ``last`` (the predicate's last, falsy, answer) are kept as attributes so
    a caller can add its own evidence (logs, states) and re-raise.
    """

    def __init__(self, describe: str, timeout: float, last: Any) -> None:
        shown = repr(last)
        if len(shown) > _REPR_LIMIT:
            shown = shown[:_REPR_LIMIT] + "..."
        super().__init__(f"timed out after {timeout:g} s waiting for {describe}; last value seen: {shown}")
        self.describe = describe
        self.timeout = timeout
        self.last = last


def poll_until(
    predicate: Callable[[], T | None],
    *,
    timeout: float,
    interval: float = 0.5,
    describe: str,
) -> T:
    """Call ``predicate`` until it returns something truthy, and return that.

    It is called at least once, and once more at the deadline, so a slow last interval cannot turn a
    success into a timeout. An exception from ``predicate`` propagates at once: a component that died is
    not something to wait out. On timeout, raises ``PollTimeout`` naming ``describe`` (phrase it as what
    is awaited: "DAG 'wf' to be parsed") and the last value seen.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise PollTimeout(describe, timeout, value)
        time.sleep(min(interval, remaining))
