"""The Airflow CLI on our DAGs, as users debug them: ``airflow dags test`` and ``airflow tasks test``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass

import pytest

from harness.xcom import read_xcom


def airflow(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO"}
    return subprocess.run(
        [sys.executable, "-m", "airflow", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )


@dataclass(frozen=True)
class DagsTest:
    """One ``airflow dags test`` and the id of the run it made, read from its own output.

    ``dags test`` (3.3.2) takes no run id; it logs ``DagRun Finished: dag_id=..., logical_date=...,
    run_id=..., ...`` when its run ends. Tests use this id, never "the newest run of the DAG",
    which another test may have made in the meantime.
    """

    out: subprocess.CompletedProcess[str]

    @property
    def run_id(self) -> str:
        found = re.search(r"DagRun Finished: dag_id=\S+, logical_date=.*?, run_id=(\S+?),", self.out.stdout)
        assert found, self.out.stdout[-3000:] + self.out.stderr[-3000:]
        return found.group(1)


@pytest.fixture(scope="module")
def seed_run(airflow_db):
    return DagsTest(airflow("dags", "test", "wf", "-c", json.dumps({"s1": "Pear", "s2": "Earth"})))


def test_dags_test_runs_the_seed_example_to_success(seed_run):
    out = seed_run.out
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "DagRun Finished: dag_id=wf" in out.stdout
    assert "state=success" in out.stdout


def test_dags_test_result_is_in_the_outputs_xcom(seed_run):
    assert read_xcom("wf", seed_run.run_id, "outputs") == 3


def test_dags_test_runs_merge_sort_through_its_conditionals(airflow_db):
    numbers = [5, 3, 8, 1, 9, 2, 7]
    run = DagsTest(
        airflow("dags", "test", "merge_sort", "-c", json.dumps({"numbers": numbers, "numbers_count": 7}))
    )
    assert "state=success" in run.out.stdout, run.out.stdout[-3000:] + run.out.stderr[-3000:]
    assert read_xcom("merge_sort", run.run_id, "outputs") == sorted(numbers)


def test_dags_test_refuses_a_conf_of_the_wrong_type():
    out = airflow("dags", "test", "wf", "-c", json.dumps({"s1": 5, "s2": "x"}))
    assert "Invalid input for param s1: 5 is not of type 'string'" in out.stdout + out.stderr


def test_tasks_test_on_a_dynamic_prints_the_graph_it_would_schedule(airflow_db):
    out = airflow("tasks", "test", "fan_out", "sum_of_squares.compile")
    text = out.stdout + out.stderr
    assert "sum_of_squares: 201 generated nodes in 201 task instances" in text
    assert "n0 square" in text
    assert "n200 total" not in text  # only the first 200 lines, then a count
    assert "... and 1 more nodes" in text


def test_tasks_test_on_a_dynamic_with_required_inputs_uses_a_run_and_task_params(seed_run):
    # Airflow cannot create a run for a DAG whose required params have no value, and checks a
    # task's params before looking a run up: so an existing run (its conf wins), inputs in -t.
    inputs = json.dumps({"s1": "ab", "s2": "b"})
    out = airflow("tasks", "test", "wf", "count_characters.compile", seed_run.run_id, "-t", inputs)
    assert "count_characters: 19 generated nodes in 19 task instances" in out.stdout
    assert "n17 update_list <- n15, n16" in out.stdout


def test_tasks_test_with_a_missing_upstream_names_it_and_how_to_give_it(airflow_db):
    out = airflow("tasks", "test", "static_features", "summarize.total")
    text = out.stdout + out.stderr
    assert "summarize.total: input 'values' needs the output of upstream task 'map_scale.collect'" in text
    assert "airflow tasks test static_features summarize.total <run_id>" in text


def test_tasks_test_against_an_existing_run_resolves_upstream_outputs(seed_run):
    # Airflow validates a task's params before it looks the run up: required inputs go in -t.
    inputs = json.dumps({"s1": "Pear", "s2": "Earth"})
    out = airflow("tasks", "test", "wf", "outputs", seed_run.run_id, "-t", inputs)
    assert "new_state=success" in out.stdout, out.stdout[-3000:]
    assert "MissingUpstreamError" not in out.stdout


def test_tasks_test_on_a_generated_node_runs_its_function_though_outputs_are_stored(seed_run):
    inputs = json.dumps({"s1": "Pear", "s2": "Earth"})
    node = ("count_characters.nodes", seed_run.run_id, "--map-index", "18")
    out = airflow("tasks", "test", "wf", *node, "-t", inputs)
    text = out.stdout + out.stderr
    assert "n18 derive_count: airflow tasks test runs the function; the outputs try 1 stored" in text
    assert "running derive_count[n18]" in text
    assert "not running the function again" not in text


def test_tasks_test_reuses_stored_outputs_when_told_to_and_says_so(seed_run):
    inputs = json.dumps({"s1": "Pear", "s2": "Earth"})
    out = airflow(
        "tasks",
        "test",
        "wf",
        "count_characters.nodes",
        seed_run.run_id,
        "--map-index",
        "18",
        "-t",
        inputs,
        "--env-vars",
        json.dumps({"AIRFLOW__DYNFLOW__TASKS_TEST_REUSES_OUTPUTS": "True"}),
    )
    text = out.stdout + out.stderr
    assert "reuses the outputs stored by try 1 of this run; not running the function again" in text
    assert "running derive_count[n18]" not in text
