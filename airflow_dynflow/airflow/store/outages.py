"""Riding out a blob store outage inside the call, instead of spending the task's tries on it.

A store that restarts, refuses connections or hangs for half a minute is not the node's fault, yet
Airflow would count a failed try for it (1 s apart for generated nodes), and a node with no retries
of its own would fail for good. So every call to a remote store is bounded by a deadline of ours
(``[dynflow] store_call_timeout``; an S3 server that stops answering otherwise holds the call for
minutes of the client's own retries) and, when it fails with "not reachable now", is tried again
after a growing pause, with a log line naming what it waits for, until ``[dynflow]
store_outage_seconds`` have passed; then the error goes to Airflow as it is.

A missing object, a refused permission or a key outside the store is an answer, not an outage: it
is raised at once (a missing output is how an upstream that never stored reports itself).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from airflow_dynflow.airflow.compat import conf

__all__ = ["Patience", "is_outage"]

T = TypeVar("T")

log = logging.getLogger(__name__)

_ANSWERS = (FileNotFoundError, PermissionError, FileExistsError, IsADirectoryError, NotADirectoryError)
# Where network clients of fsspec's remote filesystems raise from (s3fs, gcsfs and their transports).
_NETWORK_MODULES = frozenset(
    {"aiobotocore", "aiohttp", "botocore", "fsspec", "google", "requests", "urllib3"}
)
_LONGEST_PAUSE = 30.0


def is_outage(exc: BaseException) -> bool:
    """True for "the store cannot be reached now": a timeout, a refused or reset connection, an
    I/O error of a remote filesystem (s3fs reports a 5xx that way)."""
    if isinstance(exc, _ANSWERS):
        return False
    if isinstance(exc, OSError):  # ConnectionError and TimeoutError included
        return True
    return type(exc).__module__.split(".")[0] in _NETWORK_MODULES


@dataclass(frozen=True)
class Patience:
    """How long one call may take, and how long an outage is waited out."""

    call_timeout: float
    outage_seconds: float

    @classmethod
    def configured(cls) -> Patience:
        return cls(
            call_timeout=conf.getfloat("dynflow", "store_call_timeout", fallback=60.0),
            outage_seconds=conf.getfloat("dynflow", "store_outage_seconds", fallback=300.0),
        )

    def call(self, attempt: Callable[[], T], what: str, where: str) -> T:
        """``attempt()`` until it answers, waiting out an outage with pauses of 1, 2, 4 ... 30 s."""
        started = time.monotonic()
        pause = 1.0
        while True:
            try:
                return attempt()
            except Exception as exc:
                waited = time.monotonic() - started
                if not is_outage(exc) or waited + pause > self.outage_seconds:
                    raise
                first_line = (str(exc).splitlines() or [""])[0][:200]
                log.warning(
                    "blob store %s not reachable while %s (%s: %s); trying again in %.0f s, "
                    "%.0f s of [dynflow] store_outage_seconds = %.0f waited",
                    where,
                    what,
                    type(exc).__name__,
                    first_line,
                    pause,
                    waited,
                    self.outage_seconds,
                )
                time.sleep(pause)
                pause = min(pause * 2, _LONGEST_PAUSE)
