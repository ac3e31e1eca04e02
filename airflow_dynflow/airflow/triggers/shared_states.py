"""One poll of a generated-node task's states for all the triggers waiting on it in a triggerer.

Each ``DependenciesTrigger`` polled the execution API on its own: in a long chain, a dozen deferred
nodes each asked every 0.25 s, dozens of requests a second for the api-server and the triggerer on
a machine whose scheduler is already the bottleneck. Triggers run as coroutines of one event loop
per triggerer, so those waiting on the same task of the same run now share one poller: it reads the
states of all the task's instances in one request, hands each snapshot to every subscriber, and
stops when the last one leaves. A new subscriber makes it look again soon (``runtime.polling``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping

from asgiref.sync import sync_to_async

from airflow_dynflow.airflow import compat
from airflow_dynflow.airflow.runtime.polling import poll_delays

__all__ = ["StatesWatch", "watching"]

States = Mapping[int, str | None]
_WATCHES: dict[tuple[str, str, str], StatesWatch] = {}


class StatesWatch:
    """Snapshots of one task's instance states in one run, for every subscriber at once."""

    def __init__(self, key: tuple[str, str, str], poll_interval: float) -> None:
        self.key = key
        self.poll_interval = poll_interval
        self.subscribers = 0
        self._next: asyncio.Future[States] = asyncio.get_running_loop().create_future()
        self._wake = asyncio.Event()
        self._poller: asyncio.Task[None] | None = None

    async def next(self) -> States:
        """The next snapshot taken after this call (a shield: one subscriber leaving cancels no one)."""
        return await asyncio.shield(self._next)

    def subscribe(self) -> None:
        self.subscribers += 1
        self._wake.set()
        if self._poller is None:
            self._poller = asyncio.get_running_loop().create_task(self._poll())

    def unsubscribe(self) -> None:
        self.subscribers -= 1
        if self.subscribers == 0 and self._poller is not None:
            self._poller.cancel()
            self._poller = None

    async def _poll(self) -> None:
        ask = sync_to_async(compat.task_states)
        dag_id, run_id, task_id = self.key
        delays = poll_delays(self.poll_interval)
        while True:
            if self._wake.is_set():
                self._wake.clear()
                delays = poll_delays(self.poll_interval)
            done, self._next = self._next, asyncio.get_running_loop().create_future()
            try:
                done.set_result(await ask(dag_id, run_id, task_id))
            except asyncio.CancelledError:
                done.cancel()
                raise
            except Exception as exc:
                done.set_exception(exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), next(delays))


@contextlib.asynccontextmanager
async def watching(
    dag_id: str, run_id: str, task_id: str, poll_interval: float
) -> AsyncIterator[StatesWatch]:
    """The shared watch of ``task_id``'s instances in ``run_id``, for as long as the block runs."""
    key = (dag_id, run_id, task_id)
    watch = _WATCHES.get(key)
    if watch is None:
        watch = _WATCHES[key] = StatesWatch(key, poll_interval)
    watch.subscribe()
    try:
        yield watch
    finally:
        watch.unsubscribe()
        if watch.subscribers == 0:
            del _WATCHES[key]
