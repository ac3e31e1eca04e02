"""Repairing a dynamic with Airflow's own actions, on a real stack, through the REST calls the UI makes.

A node fails until a file is removed (the cause a user fixes); then the user clears, as they would a
static DAG. Every function writes its effect last, keyed by its idempotency key, so a test counts
how often each node ran (``attempts``) and took effect (``effects``), and checks the result.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.distributed import DistributedStack
from harness.services import apt_available, ensure_debian_packages
from harness.stack import AirflowStack
from tests.conftest import REPO

pytestmark = pytest.mark.scheduler

REPAIRS = REPO / "tests" / "airflow" / "stack_dags" / "repairs.py"
FAN_NODES = "fan.nodes"
OUTER_NODES = "outer.nodes"


@pytest.fixture(
    scope="module", params=["embedded", pytest.param("distributed", marks=pytest.mark.distributed)]
)
def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AirflowStack]:
    """The embedded stack (SQLite, LocalExecutor, a local store), and PostgreSQL + Redis + Celery with
    two workers + S3, where the repair listener runs in a scheduler on PostgreSQL."""
    home = tmp_path_factory.mktemp(f"repairs-{request.param}")
    dags = home / "dags"
    dags.mkdir()
    shutil.copy(REPAIRS, dags / "repairs.py")
    if request.param == "distributed":
        if not apt_available():
            try:
                ensure_debian_packages()
            except Exception as missing:
                pytest.skip(f"PostgreSQL/Redis missing and apt-get unavailable: {missing}")
        started: AirflowStack = DistributedStack(dags_folder=dags, home=home)
    else:
        env = {"AIRFLOW__DYNFLOW__STORE_URL": f"file://{home / 'store'}"}
        started = AirflowStack(dags_folder=dags, home=home, extra_env=env)
    with started as running:
        for dag_id in ("repair_fan", "repair_nested", "repair_changed_input"):
            running.api.wait_for_dag(dag_id)
        yield running


def lines(folder: Path) -> list[list[str]]:
    return [line.split() for line in (folder / "effects.log").read_text().splitlines()]


def effects(folder: Path) -> Counter[str]:
    """How many times each function took effect (a line per run that reached its end)."""
    return Counter(parts[0] for parts in lines(folder) if parts[0] != "attempt")


def attempts(folder: Path) -> Counter[str]:
    """How many times each function that can be made to fail was called."""
    return Counter(parts[1] for parts in lines(folder) if parts[0] == "attempt")


def trigger(stack: AirflowStack, dag_id: str, conf: dict) -> tuple[str, str]:
    run_id = stack.api.trigger(dag_id, conf)
    return run_id, stack.api.wait_for_run(dag_id, run_id, timeout=300)


def states(stack: AirflowStack, dag_id: str, run_id: str, task_id: str) -> list[str]:
    return [m["state"] for m in stack.api.list_mapped(dag_id, run_id, task_id)]


def child_runs(stack: AirflowStack, dag_id: str, parent_run_id: str) -> list[dict]:
    """The runner DAG's runs that serve this parent run, oldest first (their conf names the parent)."""
    runs = stack.api.runs(f"{dag_id}__dynflow")
    mine = [r for r in runs if r["conf"].get("parent", {}).get("run_id") == parent_run_id]
    return sorted(mine, key=lambda r: r["run_after"])


@pytest.fixture
def failed_fan(stack, tmp_path) -> tuple[str, Path]:
    """``a(i) -> b(i) -> total`` over 6 values, failed at b(3): node n7 (a0 b0 a1 b1 ... total)."""
    (tmp_path / "fail-b3").touch()
    run_id, state = trigger(stack, "repair_fan", {"folder": str(tmp_path)})
    assert state == "failed"
    return run_id, tmp_path


def test_tasks_clear_only_failed_from_the_cli_resumes_the_dynamic(stack, failed_fan):
    # First in the module: `tasks clear -f` takes no run id and clears every failed run of the DAG.
    run_id, folder = failed_fan
    (folder / "fail-b3").unlink()
    cli = [sys.executable, "-m", "airflow", "tasks", "clear", "repair_fan", "-f", "-y"]
    done = subprocess.run(cli, env=stack.env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert stack.api.wait_for_run("repair_fan", run_id, timeout=300) == "success"
    assert stack.api.xcom("repair_fan", run_id, "outputs") == sum(10 * i for i in range(6))
    assert effects(folder)["a3"] == 1 and effects(folder)["total"] == 1


def test_a_node_after_a_failed_one_fails_naming_it_so_that_clear_failed_reaches_it(stack, failed_fan):
    run_id, _ = failed_fan
    mapped = states(stack, "repair_fan", run_id, FAN_NODES)
    assert mapped == ["success"] * 7 + ["failed"] + ["success"] * 4 + ["failed"]
    log = stack.api.task_log("repair_fan", run_id, FAN_NODES, map_index=12)
    assert "n12 total: not run: its dependency n7 b failed" in log


def test_clear_failed_on_the_run_resumes_the_dynamic_from_its_failed_node(stack, failed_fan):
    run_id, folder = failed_fan
    (folder / "fail-b3").unlink()
    stack.api.clear_run("repair_fan", run_id, only_failed=True)
    assert stack.api.wait_for_run("repair_fan", run_id, timeout=300) == "success"
    assert stack.api.xcom("repair_fan", run_id, "outputs") == sum(10 * i for i in range(6))
    assert effects(folder) == Counter({f"{f}{i}": 1 for f in "ab" for i in range(6)} | {"total": 1})
    assert attempts(folder)["b3"] == 2 and attempts(folder)["b2"] == 1
    tries = [m["try_number"] for m in stack.api.list_mapped("repair_fan", run_id, FAN_NODES)]
    assert tries == [1] * 7 + [2] + [1] * 4 + [2]


@pytest.fixture
def failed_nested(stack, tmp_path) -> tuple[str, Path]:
    """``outer`` -> child run of ``inner`` (leaves 0..2 -> inner_total) -> ``double``; leaf 1 fails."""
    (tmp_path / "fail-leaf1").touch()
    run_id, state = trigger(stack, "repair_nested", {"folder": str(tmp_path), "n": 3})
    assert state == "failed"
    return run_id, tmp_path


def test_a_failed_child_run_fails_its_parent_node_once_naming_the_node_that_failed(stack, failed_nested):
    run_id, folder = failed_nested
    assert attempts(folder)["leaf1"] == 1, "a leaf without retries runs once: no reset, no spare tries"
    (child,) = child_runs(stack, "repair_nested", run_id)
    parent = stack.api.task_instance("repair_nested", run_id, OUTER_NODES, 0)
    assert parent["state"] == "failed" and parent["try_number"] == 1
    log = stack.api.task_log("repair_nested", run_id, OUTER_NODES, map_index=0)
    assert f"its child run {child['dag_run_id']} of repair_nested__dynflow failed at n1 leaf" in log
    assert f"/dags/repair_nested__dynflow/runs/{child['dag_run_id']}/tasks/nodes/mapped/1" in log


def test_clear_failed_in_the_child_run_resumes_it_and_the_parent_takes_its_result(stack, failed_nested):
    run_id, folder = failed_nested
    (folder / "fail-leaf1").unlink()
    (child,) = child_runs(stack, "repair_nested", run_id)
    stack.api.clear_run("repair_nested__dynflow", child["dag_run_id"], only_failed=True)
    assert stack.api.wait_for_run("repair_nested__dynflow", child["dag_run_id"], timeout=300) == "success"
    # The parent run went back to queued in the same transaction that recorded the child's success.
    assert stack.api.wait_for_run("repair_nested", run_id, timeout=300) == "success"
    assert stack.api.xcom("repair_nested", run_id, "outputs") == 2 * (1 + 2 + 3)
    assert effects(folder) == Counter({"leaf0": 1, "leaf1": 1, "leaf2": 1, "inner_total": 1, "double": 1})
    assert len(child_runs(stack, "repair_nested", run_id)) == 1


def test_clear_failed_on_the_parent_run_resumes_its_child_run_from_the_failed_leaf(stack, failed_nested):
    run_id, folder = failed_nested
    (folder / "fail-leaf1").unlink()
    stack.api.clear_run("repair_nested", run_id, only_failed=True)
    assert stack.api.wait_for_run("repair_nested", run_id, timeout=300) == "success"
    assert stack.api.xcom("repair_nested", run_id, "outputs") == 2 * (1 + 2 + 3)
    assert effects(folder) == Counter({"leaf0": 1, "leaf1": 1, "leaf2": 1, "inner_total": 1, "double": 1})
    assert attempts(folder) == Counter({"leaf0": 1, "leaf1": 2, "leaf2": 1})
    assert len(child_runs(stack, "repair_nested", run_id)) == 1


def test_clearing_a_run_after_its_input_changed_gives_the_new_inputs_result(stack, tmp_path):
    (tmp_path / "value").write_text("4")
    run_id, state = trigger(stack, "repair_changed_input", {"folder": str(tmp_path)})
    assert state == "success" and stack.api.xcom("repair_changed_input", run_id, "outputs") == 2 * 10
    (tmp_path / "value").write_text("3")
    stack.api.clear_run("repair_changed_input", run_id)
    assert stack.api.wait_for_run("repair_changed_input", run_id, timeout=300) == "success"
    assert stack.api.xcom("repair_changed_input", run_id, "outputs") == 2 * 6
    first, second = child_runs(stack, "repair_changed_input", run_id)
    assert first["dag_run_id"] != second["dag_run_id"]
    twice = {"leaf0": 2, "leaf1": 2, "leaf2": 2, "inner_total": 2, "double": 2}
    assert effects(tmp_path) == Counter(twice | {"leaf3": 1})


def test_clearing_a_nested_node_that_succeeded_runs_its_child_run_again(stack, tmp_path):
    run_id, state = trigger(stack, "repair_nested", {"folder": str(tmp_path), "n": 2})
    assert state == "success"
    stack.api.clear_instance("repair_nested", run_id, OUTER_NODES, 0)
    assert stack.api.wait_for_run("repair_nested", run_id, timeout=300) == "success"
    assert stack.api.xcom("repair_nested", run_id, "outputs") == 2 * (1 + 2)
    assert effects(tmp_path) == Counter({"leaf0": 2, "leaf1": 2, "inner_total": 2, "double": 1})
    keys = {parts[1] for parts in lines(tmp_path) if parts[0] == "leaf0"}
    assert len(keys) == 2, "a new generation of the child: the leaf's idempotency key changed"


def test_clearing_the_failed_node_with_downstream_also_runs_the_nodes_that_failed_for_it(stack, failed_fan):
    run_id, folder = failed_fan
    (folder / "fail-b3").unlink()
    stack.api.clear_instance("repair_fan", run_id, FAN_NODES, 7)
    assert stack.api.wait_for_run("repair_fan", run_id, timeout=300) == "success"
    assert stack.api.xcom("repair_fan", run_id, "outputs") == sum(10 * i for i in range(6))
    assert effects(folder)["total"] == 1 and effects(folder)["b3"] == 1 and effects(folder)["a3"] == 1


def test_clearing_the_failed_nested_node_with_downstream_resumes_its_child_run(stack, failed_nested):
    run_id, folder = failed_nested
    (folder / "fail-leaf1").unlink()
    stack.api.clear_instance("repair_nested", run_id, OUTER_NODES, 0)
    assert stack.api.wait_for_run("repair_nested", run_id, timeout=300) == "success"
    assert stack.api.xcom("repair_nested", run_id, "outputs") == 2 * (1 + 2 + 3)
    assert attempts(folder) == Counter({"leaf0": 1, "leaf1": 2, "leaf2": 1})
    assert effects(folder)["double"] == 1
