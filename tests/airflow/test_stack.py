"""Proves ``AirflowStack`` against plain Airflow DAGs before our own DAGs depend on it.

One stack serves the whole module and both DAGs run concurrently, because starting Airflow dominates the
runtime; each test then reads one behaviour back through REST.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import pytest

from harness.polling import poll_until
from harness.processes import listening_addresses, session_members
from harness.rest import AirflowStackError
from harness.stack import AirflowStack

CHAIN_DAG = "stack_chain"
MAPPED_DAG = "stack_mapped"

DAGS_SOURCE = """
from airflow.sdk import dag, get_current_context, task


@dag(dag_id="stack_chain", schedule=None)
def stack_chain():
    @task
    def read_conf(**context) -> int:
        n = context["dag_run"].conf["n"]
        print(f"read_conf got n={n}")
        return n

    @task
    def add_one(n: int) -> int:
        return n + 1

    @task
    def summarise(n: int) -> dict:
        return {"result": n, "parts": [n, n * 2]}

    summarise(add_one(read_conf()))


@dag(dag_id="stack_mapped", schedule=None)
def stack_mapped():
    @task(map_index_template="{{ fruit }}")
    def shout(fruit: str) -> str:
        get_current_context()["fruit"] = fruit
        return fruit.upper()

    shout.expand(fruit=["apple", "banana", "cherry"])


stack_chain()
stack_mapped()
"""

# Mentions "airflow" and "dag" so safe-mode discovery parses it and records the import error.
BROKEN_SOURCE = 'from airflow.sdk import dag\n\nraise RuntimeError("deliberately broken dag file")\n'


class Run(NamedTuple):
    run_id: str
    state: str


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AirflowStack]:
    root = tmp_path_factory.mktemp("stack")
    dags = root / "dags"
    dags.mkdir()
    (dags / "stack_dags.py").write_text(DAGS_SOURCE)
    (dags / "broken_dag.py").write_text(BROKEN_SOURCE)
    with AirflowStack(dags, root / "home") as running:
        yield running


@pytest.fixture(scope="module")
def runs(stack: AirflowStack) -> dict[str, Run]:
    """Both DAGs triggered before either is awaited, so their tasks share the executor's slots."""
    confs = {CHAIN_DAG: {"n": 4}, MAPPED_DAG: {}}
    run_ids = {}
    for dag_id, conf in confs.items():
        stack.api.wait_for_dag(dag_id)
        run_ids[dag_id] = stack.api.trigger(dag_id, conf)
    return {dag_id: Run(run_id, stack.api.wait_for_run(dag_id, run_id)) for dag_id, run_id in run_ids.items()}


@pytest.mark.scheduler
def test_stack_reports_every_component_healthy(stack: AirflowStack) -> None:
    health = stack.api.get("/api/v2/monitor/health")

    assert {name: part["status"] for name, part in health.items()} == {
        "metadatabase": "healthy",
        "scheduler": "healthy",
        "triggerer": "healthy",
        "dag_processor": "healthy",
    }


@pytest.mark.scheduler
def test_servers_listen_on_loopback_only(stack: AirflowStack) -> None:
    listeners = listening_addresses(session_members(stack.pids.values()))

    assert listeners
    assert {address for address, _ in listeners} == {"127.0.0.1"}


@pytest.mark.scheduler
def test_triggered_runs_succeed(runs: dict[str, Run]) -> None:
    assert {dag_id: run.state for dag_id, run in runs.items()} == {
        CHAIN_DAG: "success",
        MAPPED_DAG: "success",
    }


@pytest.mark.scheduler
def test_triggered_chain_returns_its_xcom_through_rest(stack: AirflowStack, runs: dict[str, Run]) -> None:
    assert stack.api.xcom(CHAIN_DAG, runs[CHAIN_DAG].run_id, "summarise") == {"result": 5, "parts": [5, 10]}


@pytest.mark.scheduler
def test_task_instances_list_every_chain_task(stack: AirflowStack, runs: dict[str, Run]) -> None:
    instances = stack.api.task_instances(CHAIN_DAG, runs[CHAIN_DAG].run_id)

    assert sorted((ti["task_id"], ti["state"]) for ti in instances) == [
        ("add_one", "success"),
        ("read_conf", "success"),
        ("summarise", "success"),
    ]


@pytest.mark.scheduler
def test_task_log_shows_what_the_task_printed(stack: AirflowStack, runs: dict[str, Run]) -> None:
    assert "read_conf got n=4" in stack.api.task_log(CHAIN_DAG, runs[CHAIN_DAG].run_id, "read_conf")


@pytest.mark.scheduler
def test_list_mapped_shows_rendered_labels(stack: AirflowStack, runs: dict[str, Run]) -> None:
    instances = stack.api.list_mapped(MAPPED_DAG, runs[MAPPED_DAG].run_id, "shout")

    assert sorted((ti["map_index"], ti["rendered_map_index"], ti["state"]) for ti in instances) == [
        (0, "apple", "success"),
        (1, "banana", "success"),
        (2, "cherry", "success"),
    ]


@pytest.mark.scheduler
def test_mapped_xcom_is_read_per_map_index(stack: AirflowStack, runs: dict[str, Run]) -> None:
    run_id = runs[MAPPED_DAG].run_id

    assert [stack.api.xcom(MAPPED_DAG, run_id, "shout", map_index=index) for index in range(3)] == [
        "APPLE",
        "BANANA",
        "CHERRY",
    ]


@pytest.mark.scheduler
def test_waiting_for_an_unparsed_dag_reports_import_errors(stack: AirflowStack) -> None:
    # The broken file is parsed on the dag-processor's first pass; wait for that rather than for a fixed time.
    poll_until(
        lambda: stack.api.get("/api/v2/importErrors")["total_entries"],
        timeout=60,
        describe="the dag-processor to record broken_dag.py's import error",
    )

    with pytest.raises(AirflowStackError, match=r"(?s)broken_dag\.py.*deliberately broken dag file"):
        stack.api.wait_for_dag("never_defined", timeout=1)
