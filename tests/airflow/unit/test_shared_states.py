"""Deferred generated nodes of one task share one poll of its states in a triggerer.

As in test_waiting.py, the states come through our seam ``compat.task_states``; ``Progress`` below
answers the way Airflow does (every instance's state when no map index is given) from a table that
changes as the run progresses, and notes each request. The triggers run in one event loop, as in a
triggerer.
"""

from __future__ import annotations

import asyncio
import itertools

import pytest

from airflow_dynflow.airflow import compat
from airflow_dynflow.airflow.runtime.polling import poll_delays
from airflow_dynflow.airflow.triggers import shared_states
from airflow_dynflow.airflow.triggers.dependencies import DependenciesTrigger


class Progress:
    """The states of ``count.nodes``' instances after each request: ``steps[k]`` answers request k
    (the last one answers every request after it)."""

    def __init__(self, *steps: dict[int, str | None]) -> None:
        self.steps = steps
        self.requests: list[int | None] = []

    def __call__(self, dag_id: str, run_id: str, task_id: str, map_index: int | None = None):
        assert (dag_id, run_id, task_id) == ("wf", "run-1", "count.nodes")
        self.requests.append(map_index)
        return dict(self.steps[min(len(self.requests), len(self.steps)) - 1])


@pytest.fixture
def progress(monkeypatch):
    def install(*steps: dict[int, str | None]) -> Progress:
        fake = Progress(*steps)
        monkeypatch.setattr(compat, "task_states", fake)
        return fake

    return install


def trigger(*map_indexes: int) -> DependenciesTrigger:
    return DependenciesTrigger(
        dag_id="wf", run_id="run-1", task_id="count.nodes", map_indexes=list(map_indexes), poll_interval=0.01
    )


async def events(*triggers: DependenciesTrigger) -> list[dict]:
    async def first(t: DependenciesTrigger) -> dict:
        async for event in t.run():
            return event.payload
        raise AssertionError("the trigger ended without an event")

    return await asyncio.gather(*(first(t) for t in triggers))


def test_triggers_on_one_task_share_each_request(progress):
    states = progress(
        {0: "running"}, {0: "running"}, {0: "success", 1: "running"}, {0: "success", 1: "success"}
    )
    fired = asyncio.run(events(trigger(0), trigger(0), trigger(1), trigger(0, 1)))
    assert fired == [{"ready": True, "dead": None, "state": None}] * 4
    assert states.requests == [None] * 4, "one request per look, for every trigger at once"
    assert shared_states._WATCHES == {}, "the poller stops once no trigger waits"


def test_a_dead_dependency_fires_at_once_and_names_itself(progress):
    progress({0: "running", 1: "running"}, {0: "failed", 1: "success"})
    fired = asyncio.run(events(trigger(0), trigger(1)))
    assert fired == [
        {"ready": False, "dead": 0, "state": "failed"},
        {"ready": True, "dead": None, "state": None},
    ]


def test_a_trigger_cancelled_while_waiting_leaves_the_others_polling(progress):
    progress({0: "running"}, {0: "running"}, {0: "running"}, {0: "success"})

    async def scenario() -> dict:
        waiting = asyncio.ensure_future(events(trigger(0)))
        other = asyncio.ensure_future(events(trigger(0)))
        await asyncio.sleep(0.005)
        waiting.cancel()
        (payload,) = await other
        return payload

    assert asyncio.run(scenario()) == {"ready": True, "dead": None, "state": None}
    assert shared_states._WATCHES == {}


def test_looks_come_soon_then_every_poll_interval():
    assert list(itertools.islice(poll_delays(0.25), 6)) == [0.025, 0.05, 0.1, 0.2, 0.25, 0.25]
    assert list(itertools.islice(poll_delays(0.01), 2)) == [0.01, 0.01]
