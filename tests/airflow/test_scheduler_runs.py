"""Dynamics under a real scheduler and triggerer, driven and read through the REST API only.

Every test runs twice: on SQLite (Airflow's embedded default) and on PostgreSQL (``harness.distributed``'s
``PostgresStack``, marked ``distributed``: it needs Debian's postgresql, installed when missing).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from harness.distributed import PostgresStack
from harness.services import apt_available, ensure_debian_packages
from harness.stack import AirflowStack
from tests.conftest import REPO

pytestmark = pytest.mark.scheduler


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.distributed)])
def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AirflowStack]:
    kind = PostgresStack if request.param == "postgres" else AirflowStack
    if kind is PostgresStack and not apt_available():
        try:
            ensure_debian_packages()
        except Exception as missing:
            pytest.skip(f"PostgreSQL missing and apt-get unavailable: {missing}")
    home = tmp_path_factory.mktemp(f"stack-{request.param}")
    dags = home / "dags"
    dags.mkdir()
    for name in ("count_characters.py", "nested.py", "failing.py"):
        shutil.copy(REPO / "dags" / name, dags / name)
    shutil.copy(REPO / "examples" / "dynamic_workflows.py", dags / "dynamic_workflows.py")
    env = {"AIRFLOW__DYNFLOW__STORE_URL": f"file://{home / 'store'}"}
    with kind(dags_folder=dags, home=home, extra_env=env) as running:
        yield running


def run(stack: AirflowStack, dag_id: str, conf: dict, timeout: float = 300) -> tuple[str, str]:
    stack.api.wait_for_dag(dag_id)
    run_id = stack.api.trigger(dag_id, conf)
    return run_id, stack.api.wait_for_run(dag_id, run_id, timeout=timeout)


@pytest.fixture(scope="module")
def seed(stack: AirflowStack) -> tuple[str, str]:
    return run(stack, "wf", {"s1": "Pear", "s2": "Earth"})


def test_seed_example_succeeds_under_the_scheduler(seed):
    assert seed[1] == "success"


def test_seed_result_is_read_back_through_rest(stack, seed):
    assert stack.api.xcom("wf", seed[0], "outputs") == 3


def test_generated_nodes_are_listed_as_mapped_instances_with_labels(stack, seed):
    mapped = stack.api.list_mapped("wf", seed[0], "count_characters.nodes")
    assert [m["rendered_map_index"] for m in mapped[:3]] == [
        "n0 return_index",
        "n1 update_list",
        "n2 return_index",
    ]
    assert len(mapped) == 19
    assert {m["state"] for m in mapped} == {"success"}


def test_generated_node_has_its_own_log(stack, seed):
    log = stack.api.task_log("wf", seed[0], "count_characters.nodes", map_index=1)
    assert "running update_list[n1]" in log


def test_merge_sort_recurses_through_conditionals_and_child_runs(stack):
    numbers = [9, 4, 7, 1, 8, 2, 6, 3, 5, 0, 11, 10]
    conf = {"numbers": numbers, "numbers_count": 12, "run_local_at_count": 3}
    run_id, state = run(stack, "merge_sort", conf)
    assert state == "success"
    assert stack.api.xcom("merge_sort", run_id, "outputs") == sorted(numbers)
    assert stack.api.task_instance("merge_sort", run_id, "sort_locally")["state"] == "skipped"
    log = stack.api.task_log("merge_sort", run_id, "terminal_case")
    assert "terminal_case: case 1 taken (x0=12, x1=3)" in log


def test_nested_dynamics_run_as_child_runs_and_flow_back(stack):
    run_id, state = run(stack, "nested", {"n": 2})
    assert state == "success"
    # nested(2) = double(middle(2)); middle(2) = ((chain(2) + chain(3)) + 1) * 2 = ((1 + 3) + 1) * 2
    assert stack.api.xcom("nested", run_id, "outputs") == 20
    children = stack.api.get("/api/v2/dags/nested__dynflow/dagRuns")["dag_runs"]
    assert {c["state"] for c in children} == {"success"}
    # middle is a child of the top run; each chain inside middle is a child of that child
    assert len(children) == 3


def test_failed_node_fails_the_run_and_its_dependents_fail_without_running(stack):
    run_id, state = run(stack, "failing", {"n": 4, "fail_at": 1})
    assert state == "failed"
    states = [m["state"] for m in stack.api.list_mapped("failing", run_id, "steps.nodes")]
    assert states == ["success", "failed", "failed", "failed"]


def test_clearing_a_generated_node_runs_its_function_again(stack, seed):
    run_id = seed[0]
    stack.api.clear_instance("wf", run_id, "count_characters.nodes", 18)
    assert stack.api.wait_for_run("wf", run_id) == "success"
    (last,) = [
        m for m in stack.api.list_mapped("wf", run_id, "count_characters.nodes") if m["map_index"] == 18
    ]
    assert last["try_number"] == 2
    log = stack.api.task_log("wf", run_id, "count_characters.nodes", try_number=2, map_index=18)
    assert "running derive_count[n18]" in log
    assert "not running the function again" not in log
    assert stack.api.xcom("wf", run_id, "outputs") == 3


def test_clearing_the_dynamic_recompiles_and_replaces_the_expansion(stack):
    run_id, state = run(stack, "wf", {"s1": "ab", "s2": "b"})
    assert state == "success"
    stack.api.post(
        "/api/v2/dags/wf/clearTaskInstances",
        {
            "dry_run": False,
            "dag_run_id": run_id,
            "task_ids": ["count_characters.compile"],
            "only_failed": False,
            "include_downstream": True,
            "reset_dag_runs": True,
        },
    )
    assert stack.api.wait_for_run("wf", run_id) == "success"
    mapped = stack.api.list_mapped("wf", run_id, "count_characters.nodes")
    assert len(mapped) == 7
    assert {m["try_number"] for m in mapped} == {2}
    assert stack.api.xcom("wf", run_id, "outputs") == 1
