"""Running one task call locally: retries, timeout and cache, as Airflow would apply them.

On Airflow the same options become the operator's ``retries``, ``retry_delay`` and
``execution_timeout``, and Airflow enforces them; this module is only the local runner's version.
A local retry waits ``retry_delay`` only when the task sets one: Airflow's five-minute default
would make a local run look hung.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from airflow_dynflow.core import errors
from airflow_dynflow.core.context.decks import DeckSink, render
from airflow_dynflow.core.context.execution_context import executing
from airflow_dynflow.core.context.secrets import Secrets
from airflow_dynflow.core.conversion.interface import Interface
from airflow_dynflow.core.conversion.output_cache import Cache, cache_key, decode_outputs, encode_outputs
from airflow_dynflow.core.errors import TypeMismatchError
from airflow_dynflow.core.options import Options

__all__ = ["run_with_policy"]

log = logging.getLogger("airflow_dynflow")


def run_with_policy(
    name: str,
    body: Callable[..., Any],
    interface: Interface,
    inputs: Mapping[str, Any],
    options: Options,
    cache: tuple[Cache, str, str] | None = None,
    execution: tuple[str, str] | None = None,
    input_hashes: Mapping[str, str] | None = None,
    *,
    secrets: Secrets | None = None,
    deck: DeckSink | None = None,
) -> dict[str, Any]:
    """Call ``body`` with checked ``inputs``; return its checked outputs keyed by name.

    ``cache`` is (store, task ref, cache version) for a task declared with ``cache=True``;
    ``execution`` is (execution id, idempotency key) for ``current_context()``, when a runtime has them;
    ``input_hashes`` the ``HashMethod`` hashes that came with some inputs, which the cache key uses;
    ``secrets`` what the call may read (``core.context.secrets``); ``deck``, for a task with decks enabled,
    gets the page of the decks the successful attempt made.
    """
    key = None
    if cache is not None:
        store, ref, version = cache
        key = cache_key(ref, version, interface, inputs, input_hashes)
        # The one lookup of the call, and the one place that says how it went: a runtime that
        # probed the cache first to log it would read (and verify) the entry twice.
        hit = store.get(key)
        if hit is not None:
            log.info("%s: cache hit (version %s): the function is not run", name, version)
            return decode_outputs(interface, hit)
        log.info("%s: cache miss (version %s)", name, version)
    attempts = (options.retries or 0) + 1
    for attempt in range(1, attempts + 1):
        try:
            with (
                _deadline(name, options.timeout),
                executing(name, *(execution or ()), secrets=secrets) as context,
            ):
                outputs = interface.split_result(body(**inputs))
            break
        except TypeMismatchError:
            raise
        except Exception as exc:
            if attempt == attempts:
                raise
            log.warning("%s: attempt %d of %d failed (%r); retrying", name, attempt, attempts, exc)
            if options.retry_delay:
                time.sleep(options.retry_delay)
    if deck is not None:
        deck(render(name, context.decks))
    if cache is not None and key is not None:
        cache[0].put(key, encode_outputs(interface, outputs, cache[0].files))
    return outputs


@contextmanager
def _deadline(name: str, timeout: float | None) -> Iterator[None]:
    """Raise TimeoutError in the calling thread once ``timeout`` seconds have passed.

    SIGALRM interrupts the function where it is (as Airflow's own execution_timeout does); it only
    works in the main thread, so elsewhere the limit is checked when the call returns.
    """
    if not timeout:
        yield
        return
    if threading.current_thread() is not threading.main_thread():
        started = time.monotonic()
        yield
        if time.monotonic() - started > timeout:
            raise errors.timed_out(name, timeout)
        return

    def expire(signum: int, frame: Any) -> None:
        raise errors.timed_out(name, timeout)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
