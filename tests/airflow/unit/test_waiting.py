"""dependency_status: whether a generated node's sibling instances let it run, wait, or skip.

The states come from Airflow's execution API through our seam ``compat.task_states(dag_id, run_id,
task_id, map_index=None)``. Airflow answers with ``{map_index: state}`` for the one index asked, or
for every instance of the task when none is given; a state is a lower-case string ("success",
"failed", "upstream_failed", "skipped", "removed", "running", "deferred", "up_for_retry",
"scheduled", "queued") or None for an instance that was never scheduled. ``AirflowStates`` below
answers the same way from a fixed table; the real call is exercised by the scheduler tests.
"""

from __future__ import annotations

import pytest

from airflow_dynflow.airflow import compat
from airflow_dynflow.airflow.runtime.waiting import DependencyStatus, dependency_status


class AirflowStates:
    """What ``compat.task_states`` returns for one run of one mapped task, and the requests made."""

    def __init__(self, states: dict[int, str | None]) -> None:
        self.states = states
        self.requests: list[int | None] = []

    def __call__(self, dag_id: str, run_id: str, task_id: str, map_index: int | None = None):
        assert (dag_id, run_id, task_id) == ("wf", "run-1", "count.nodes")
        self.requests.append(map_index)
        if map_index is None:
            return dict(self.states)
        return {map_index: self.states[map_index]} if map_index in self.states else {}


@pytest.fixture
def airflow_states(monkeypatch):
    def install(states: dict[int, str | None]) -> AirflowStates:
        fake = AirflowStates(states)
        monkeypatch.setattr(compat, "task_states", fake)
        return fake

    return install


def status(*map_indexes: int) -> DependencyStatus:
    return dependency_status("wf", "run-1", "count.nodes", map_indexes)


def test_a_node_without_dependencies_is_ready_without_asking_airflow(airflow_states):
    states = airflow_states({})
    assert status() == DependencyStatus(True)
    assert states.requests == []


def test_all_dependencies_succeeded_means_ready(airflow_states):
    airflow_states({0: "success", 1: "success", 2: "running"})
    assert status(0, 1) == DependencyStatus(True)


@pytest.mark.parametrize("state", ["failed", "upstream_failed", "skipped", "removed"])
def test_a_dead_dependency_ends_the_wait_and_names_its_map_index(airflow_states, state):
    airflow_states({0: "success", 3: state})
    assert status(0, 3) == DependencyStatus(False, 3, state)


@pytest.mark.parametrize("state", ["running", "deferred", "up_for_retry", "scheduled", "queued", None])
def test_a_dependency_not_finished_yet_means_wait(airflow_states, state):
    airflow_states({0: "success", 1: state})
    assert status(0, 1) == DependencyStatus(False)


def test_a_dependency_airflow_does_not_know_yet_means_wait(airflow_states):
    airflow_states({0: "success"})
    assert status(0, 1) == DependencyStatus(False)


def test_a_dead_dependency_wins_over_an_earlier_one_still_running(airflow_states):
    airflow_states({0: "running", 1: "success", 2: "failed"})
    assert status(0, 1, 2) == DependencyStatus(False, 2, "failed")


def test_the_lowest_dead_map_index_is_named(airflow_states):
    airflow_states({4: "skipped", 2: "failed"})
    assert status(4, 2).dead == 2


def test_a_few_dependencies_are_asked_for_one_by_one_and_only_once(airflow_states):
    states = airflow_states({m: "success" for m in range(16)})
    assert status(*range(16), 3, 3).ready
    assert states.requests == list(range(16))


def test_many_dependencies_are_asked_for_in_one_request(airflow_states):
    states = airflow_states({m: "success" for m in range(40)})
    assert status(*range(17)).ready
    assert states.requests == [None]
