"""Crashes mid-dynamic on a real stack: a node's task process, the scheduler and the triggerer are
killed with SIGKILL (no clean shutdown) and, for the components, started again; on the distributed
stack also a Celery worker and one of two schedulers, Redis and PostgreSQL are restarted, and the S3
store hangs for 30 s. The run must complete with the right result, and each node's effect must
appear once: the function writes it as its last act, keyed by the idempotency key in Airflow's
context, into a sink that keeps one effect per key (docs/security.md, "At least once"). A function
that runs twice, because it was killed after writing its effect but before its outputs were stored,
writes a second line under the *same* key; the tests allow that and count it.

The faults only the distributed stack has run only there (``ONLY_DISTRIBUTED``), on the same
module-wide stack as the others' distributed runs.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.distributed import DistributedStack
from harness.polling import poll_until
from harness.services import apt_available, ensure_debian_packages
from harness.stack import AirflowStack
from tests.conftest import REPO

pytestmark = pytest.mark.scheduler

DISTRIBUTED = pytest.param("distributed", marks=pytest.mark.distributed)
# Overrides the stack fixture's params: the test runs on the distributed stack alone.
ONLY_DISTRIBUTED = pytest.mark.parametrize("stack", [DISTRIBUTED], indirect=True)

TARGETS = REPO / "tests" / "airflow" / "stack_dags" / "targets.py"

# A task whose supervisor died with the scheduler is noticed after 20 s, not 5 minutes; tasks of a
# dead scheduler are reset once it missed heartbeats for 10 s, and a dead triggerer's triggers move.
_FAST_RECOVERY = {
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "20",
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "2",
    "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_THRESHOLD": "10",
    "AIRFLOW__SCHEDULER__ORPHANED_TASKS_CHECK_INTERVAL": "5",
    "AIRFLOW__TRIGGERER__TRIGGERER_HEALTH_CHECK_THRESHOLD": "10",
}


@pytest.fixture(scope="module", params=["embedded", DISTRIBUTED])
def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AirflowStack]:
    """The embedded stack, or PostgreSQL + Redis + Celery with two workers + S3 + two schedulers
    (where a task process killed is a Celery worker's child, and outputs are stored in S3)."""
    home = tmp_path_factory.mktemp(f"faults-{request.param}")
    dags = home / "dags"
    dags.mkdir()
    shutil.copy(TARGETS, dags / "targets.py")
    env = dict(_FAST_RECOVERY)
    if request.param == "distributed":
        # A hung store is noticed within a call after this long, and waited out (logged) after it.
        env["AIRFLOW__DYNFLOW__STORE_CALL_TIMEOUT"] = "10"
        if not apt_available():
            try:
                ensure_debian_packages()
            except Exception as missing:
                pytest.skip(f"PostgreSQL/Redis missing and apt-get unavailable: {missing}")
        started: AirflowStack = DistributedStack(dags_folder=dags, home=home, schedulers=2, extra_env=env)
    else:
        env["AIRFLOW__DYNFLOW__STORE_URL"] = f"file://{home / 'store'}"
        started = AirflowStack(dags_folder=dags, home=home, extra_env=env)
    with started as running:
        running.api.wait_for_dag("effects")
        yield running


def effects_of(folder: Path) -> Counter[int]:
    """Effects per node, one per idempotency key: what an idempotent sink keeps."""
    lines = (folder / "effects.log").read_text().splitlines()
    return Counter(node for node, _key in {(int(line.split()[0]), line.split()[1]) for line in lines})


def writes_of(folder: Path) -> int:
    """How many times any function wrote an effect, repeats under the same key included."""
    return len((folder / "effects.log").read_text().splitlines())


def wait_for_file(path: Path, timeout: float = 120) -> str:
    return poll_until(
        lambda: path.exists() and path.read_text(), timeout=timeout, describe=f"{path} to appear"
    )


def wait_for_effect(folder: Path, node: int, timeout: float = 120) -> None:
    poll_until(
        lambda: (folder / "effects.log").exists() and effects_of(folder)[node] > 0,
        timeout=timeout,
        describe=f"the effect of node {node}",
    )


def assert_ran_once(stack: AirflowStack, run_id: str, folder: Path, n: int, timeout: float = 300) -> None:
    """The ``effects`` run of ``n`` nodes succeeded with the right result, each effect kept once."""
    assert stack.api.wait_for_run("effects", run_id, timeout=timeout) == "success"
    assert stack.api.xcom("effects", run_id, "outputs") == sum(range(n))
    assert effects_of(folder) == Counter(dict.fromkeys(range(n), 1))


def test_a_node_whose_task_process_is_killed_runs_again_and_its_effect_appears_once(stack, tmp_path):
    run_id = stack.api.trigger("effects", {"folder": str(tmp_path), "n": 4, "hold": 1})
    os.kill(int(wait_for_file(tmp_path / "held-1")), signal.SIGKILL)
    assert stack.api.wait_for_run("effects", run_id) == "success"
    assert stack.api.xcom("effects", run_id, "outputs") == 0 + 1 + 2 + 3
    assert effects_of(tmp_path) == Counter({0: 1, 1: 1, 2: 1, 3: 1})
    assert writes_of(tmp_path) == 4, "killed before its effect, the node wrote it once, on its retry"
    killed = stack.api.task_instance("effects", run_id, "effect_chain.nodes", 1)
    assert killed is not None and killed["try_number"] == 2


def test_a_node_that_returned_is_not_run_again_when_its_instance_is_killed_after_it(stack, tmp_path):
    # Two nodes per instance: node 0 returns and its outputs are stored at once; node 1 is killed.
    stack.api.wait_for_dag("packed_effects")
    run_id = stack.api.trigger("packed_effects", {"folder": str(tmp_path), "n": 4, "hold": 1})
    os.kill(int(wait_for_file(tmp_path / "held-1")), signal.SIGKILL)
    assert stack.api.wait_for_run("packed_effects", run_id) == "success"
    assert stack.api.xcom("packed_effects", run_id, "outputs") == 0 + 1 + 2 + 3
    assert writes_of(tmp_path) == 4, "node 0 stored its outputs when it returned: the retry reused them"
    log = stack.api.task_log("packed_effects", run_id, "packed_chain.nodes", try_number=2, map_index=0)
    assert "try 2 reuses what try 1 stored of n0 before it ended" in log


def test_a_run_survives_the_scheduler_killed_mid_dynamic(stack, tmp_path):
    run_id = stack.api.trigger("effects", {"folder": str(tmp_path), "n": 6})
    wait_for_effect(tmp_path, 1)
    stack.kill("scheduler")
    stack.restart("scheduler")
    assert_ran_once(stack, run_id, tmp_path, 6)


def test_a_run_survives_the_triggerer_killed_while_nodes_wait_in_it(stack, tmp_path):
    # Each node takes 4 s, so the next one waits past its inline wait and defers to the triggerer.
    run_id = stack.api.trigger("effects", {"folder": str(tmp_path), "n": 4, "pause": 4.0})
    poll_until(
        lambda: any(
            ti["state"] == "deferred" for ti in stack.api.list_mapped("effects", run_id, "effect_chain.nodes")
        ),
        timeout=120,
        describe="a generated node to defer",
    )
    stack.kill("triggerer")
    stack.restart("triggerer")
    assert_ran_once(stack, run_id, tmp_path, 4)


@ONLY_DISTRIBUTED
def test_a_run_survives_the_store_hung_for_30_s_without_spending_a_try(stack, tmp_path):
    run_id = stack.api.trigger("effects", {"folder": str(tmp_path), "n": 6})
    wait_for_effect(tmp_path, 1)
    assert stack.s3.pid is not None
    os.killpg(stack.s3.pid, signal.SIGSTOP)
    try:
        time.sleep(30)
    finally:
        os.killpg(stack.s3.pid, signal.SIGCONT)
    assert_ran_once(stack, run_id, tmp_path, 6)
    tries = {
        (ti["task_id"], ti["map_index"]): ti["try_number"]
        for ti in stack.api.task_instances("effects", run_id)
    }
    assert set(tries.values()) == {1}, f"the outage spent tries: {tries}"
    waits = [
        path
        for path in (stack.home / "logs" / "dag_id=effects").rglob("*.log")
        if f"run_id={run_id}" in str(path) and "not reachable while" in path.read_text(errors="replace")
    ]
    assert waits, "no task said it waited for the store"


@ONLY_DISTRIBUTED
def test_a_run_survives_a_celery_worker_killed_mid_node(stack, tmp_path):
    run_id = stack.api.trigger("effects", {"folder": str(tmp_path), "n": 4, "hold": 1})
    wait_for_file(tmp_path / "held-1")
    held = stack.api.task_instance("effects", run_id, "effect_chain.nodes", 1)
    assert held is not None
    worker = f"worker-{held['hostname']}"
    stack.kill(worker)
    try:
        assert stack.api.wait_for_run("effects", run_id, timeout=300) == "success"
    finally:
        stack.restart(worker)
    assert stack.api.xcom("effects", run_id, "outputs") == 0 + 1 + 2 + 3
    assert effects_of(tmp_path) == Counter({0: 1, 1: 1, 2: 1, 3: 1})
    retried = stack.api.task_instance("effects", run_id, "effect_chain.nodes", 1)
    assert retried is not None and retried["try_number"] == 2
    assert retried["hostname"] != held["hostname"], "the retry ran on the worker that was killed"


@ONLY_DISTRIBUTED
def test_a_run_survives_a_redis_restart(stack, tmp_path):
    run_id = stack.api.trigger("effects", {"folder": str(tmp_path), "n": 6, "pause": 1.0})
    wait_for_effect(tmp_path, 1)
    stack.redis.restart(down_for=10)
    assert_ran_once(stack, run_id, tmp_path, 6)


@ONLY_DISTRIBUTED
def test_a_run_survives_a_postgresql_restart(stack, tmp_path):
    """Components that exit while the database is gone are started again, as their supervisor would."""
    run_id = stack.api.trigger("effects", {"folder": str(tmp_path), "n": 6, "pause": 1.0})
    wait_for_effect(tmp_path, 1)
    stack.postgres.restart(down_for=10)

    def healthy_again() -> bool:
        stack.revive()
        health = stack.api.health()
        return bool(health) and all(part.get("status") == "healthy" for part in health.values())

    poll_until(healthy_again, timeout=180, describe="every component healthy after the restart")
    assert_ran_once(stack, run_id, tmp_path, 6)


@ONLY_DISTRIBUTED
def test_a_run_survives_one_of_two_schedulers_killed(stack, tmp_path):
    """The other scheduler adopts the dead one's tasks once it has missed its heartbeats."""
    run_id = stack.api.trigger("effects", {"folder": str(tmp_path), "n": 6, "pause": 1.0})
    wait_for_effect(tmp_path, 1)
    stack.kill("scheduler")
    try:
        assert stack.api.wait_for_run("effects", run_id, timeout=300) == "success"
    finally:
        stack.restart("scheduler")
    assert stack.api.xcom("effects", run_id, "outputs") == sum(range(6))
    assert effects_of(tmp_path) == Counter(dict.fromkeys(range(6), 1))
