"""Dynamics past one machine: PostgreSQL, Redis, CeleryExecutor with two workers, an S3 blob store.

Every part is real (``harness.distributed``): the servers run as native processes on loopback, the
workers report distinct hostnames, and results are read through REST. Each run is checked for its
result and for its generated (or mapped) instances having run on both workers. PostgreSQL and Redis
come from Debian's packages, installed by the stack when missing; without apt the module skips.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from harness.distributed import DistributedStack
from harness.processes import listening_addresses, session_members
from harness.services import apt_available, ensure_debian_packages
from tests.conftest import REPO

pytestmark = pytest.mark.distributed

_DAGS = ("count_characters.py", "nested.py", "failing.py", "fan_out.py", "static_features.py")
_PROBE = REPO / "tests" / "airflow" / "stack_dags" / "preload_probe.py"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DistributedStack]:
    if not apt_available():
        try:
            ensure_debian_packages()
        except Exception as missing:
            pytest.skip(f"PostgreSQL/Redis missing and apt-get unavailable: {missing}")
    home = tmp_path_factory.mktemp("distributed")
    dags = home / "dags"
    dags.mkdir()
    for name in _DAGS:
        shutil.copy(REPO / "dags" / name, dags / name)
    shutil.copy(_PROBE, dags / _PROBE.name)
    with DistributedStack(dags_folder=dags, home=home) as running:
        yield running


def test_every_server_listens_on_loopback_only(stack):
    """Workers run with --skip-serve-logs; PostgreSQL, Redis and the S3 server bind 127.0.0.1."""
    leaders = [*stack.pids.values(), *(s.pid for s in stack.backing_services() if s.pid is not None)]
    addresses = listening_addresses(session_members(leaders))
    ports = {port for _, port in addresses}
    assert {stack.port, stack.postgres.port, stack.redis.port, stack.s3.port} <= ports
    assert {ip for ip, _ in addresses} == {"127.0.0.1"}, addresses


def run(stack: DistributedStack, dag_id: str, conf: dict[str, Any], timeout: float = 300) -> tuple[str, str]:
    stack.api.wait_for_dag(dag_id, timeout=120)
    run_id = stack.api.trigger(dag_id, conf)
    return run_id, stack.api.wait_for_run(dag_id, run_id, timeout=timeout)


def mapped_hosts(stack: DistributedStack, dag_id: str, run_id: str) -> set[str]:
    """Hostnames of every mapped instance of the run (generated nodes, map-task elements)."""
    instances = [ti for ti in stack.api.task_instances(dag_id, run_id) if ti["map_index"] >= 0]
    return stack.hostnames(instances)


def test_task_processes_start_with_the_runtime_and_the_store_filesystem_preloaded(stack):
    """The workers run with ``celery.config.CELERY_CONFIG``: each imported our runtime and s3fs once,
    before forking, instead of every task process importing them again."""
    run_id, state = run(stack, "preload_probe", {})
    assert state == "success", stack.logs_tail()
    preloaded = stack.api.xcom("preload_probe", run_id, "outputs")
    assert preloaded == ["airflow_dynflow.airflow.dag_builder", "s3fs"]


def test_seed_runs_across_both_workers_with_the_store_on_s3(stack):
    run_id, state = run(stack, "wf", {"s1": "Pear", "s2": "Earth"})
    assert state == "success", stack.logs_tail()
    assert stack.api.xcom("wf", run_id, "outputs") == 3
    assert mapped_hosts(stack, "wf", run_id) == set(stack.workers)
    # The futures spec went to the S3 server, not to a local folder.
    keys = _bucket_keys(stack)
    assert any(key.startswith("store/runs/wf/") and "/spec-" in key for key in keys), keys


def test_nested_dynamics_run_as_child_runs_on_celery(stack):
    run_id, state = run(stack, "nested", {"n": 2})
    assert state == "success", stack.logs_tail()
    assert stack.api.xcom("nested", run_id, "outputs") == 20
    children = stack.api.get("/api/v2/dags/nested__dynflow/dagRuns")["dag_runs"]
    assert [c["state"] for c in children] == ["success"] * 3
    hosts = set(mapped_hosts(stack, "nested", run_id))
    for child in children:
        hosts |= mapped_hosts(stack, "nested__dynflow", child["dag_run_id"])
    assert hosts == set(stack.workers)


def test_failed_node_fails_the_run_and_its_dependents_fail_without_running(stack):
    run_id, state = run(stack, "failing", {"n": 4, "fail_at": 1})
    assert state == "failed"
    states = [m["state"] for m in stack.api.list_mapped("failing", run_id, "steps.nodes")]
    assert states == ["success", "failed", "failed", "failed"]


def test_map_task_runs_its_elements_on_both_workers(stack):
    run_id, state = run(stack, "static_features", {"xs": list(range(12))})
    assert state == "success", stack.logs_tail()
    assert stack.api.xcom("static_features", run_id, "outputs") == {"o0": 198, "o1": "sum: 198"}
    assert mapped_hosts(stack, "static_features", run_id) == set(stack.workers)


def test_200_wide_fan_out_spreads_over_both_workers(stack):
    run_id, state = run(stack, "fan_out", {"n": 200}, timeout=600)
    assert state == "success", stack.logs_tail()
    assert stack.api.xcom("fan_out", run_id, "outputs") == sum(i * i for i in range(200))
    nodes = stack.api.list_mapped("fan_out", run_id, "sum_of_squares.nodes")
    assert len(nodes) == 201
    assert {n["state"] for n in nodes} == {"success"}
    assert stack.hostnames(nodes) == set(stack.workers)


def _bucket_keys(stack: DistributedStack) -> list[str]:
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=stack.s3.endpoint_url,
        region_name=stack.s3.region,
        aws_access_key_id=stack.s3.access_key,
        aws_secret_access_key=stack.s3.secret_key,
    )
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=stack.s3.bucket)
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


def test_the_graph_shows_a_forged_spec_reference_as_refused_with_the_spec_on_s3(stack):
    run_id, state = run(stack, "wf", {"s1": "ab", "s2": "b"})
    assert state == "success"
    ref = stack.api.xcom_json("wf", run_id, "count_characters.compile", key="spec")
    stack.api.set_xcom("wf", run_id, "count_characters.compile", {**ref, "count": 1}, key="spec")
    graph = stack.api.get(f"/dynflow/api/graph/wf/{run_id}")
    (dynamic,) = graph["dynamics"]
    assert dynamic["refused"].startswith("integrity check failed (signature) for the futures-spec reference")
    assert graph["state"] == "success" and graph["result"] == 1
