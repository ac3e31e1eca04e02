"""One execution of a generated-node instance (``runtime.node_run``): which instances it waits for,
running its node once with the cache looked up once, storing what it pushed for a later try, and
failing for good once the node's own retries are spent.

The instances run against the blob store of each test's own folder, with the spec and slices a
compile task writes; their task instances are stand-ins that hold what each instance pushed.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from airflow.sdk import DAG

from airflow_dynflow.airflow.errors import MissingUpstreamError, NodeFailedError
from airflow_dynflow.airflow.operators.generated_node import GeneratedNodeOperator
from airflow_dynflow.airflow.runtime.expansion import Expansion
from airflow_dynflow.airflow.runtime.node_run import NodeRun
from airflow_dynflow.airflow.runtime.not_run import NOT_RUN_KEY
from airflow_dynflow.airflow.signing_key import deployment_signer
from airflow_dynflow.airflow.store.blob_cache import BlobCache
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.futures_spec import write_futures_spec, write_spec_slices
from airflow_dynflow.core.wire.spec_write import dump_spec
from tests import entities

COMPILE, NODES = "d.compile", "d.nodes"
_RUNS = itertools.count()


class InstanceTI:
    """A generated-node task instance as a node run sees it: its map index and tries, and the
    XComs of its run (``pushed``, by map index, shared by the run's instances)."""

    dag_id = "wf"

    def __init__(self, run_id: str, map_index: int, pushed: dict[int, Any], try_number: int, retries: int):
        self.run_id = run_id
        self.map_index = map_index
        self.try_number = try_number
        self.max_tries = retries
        self.pushed = pushed
        self.own: dict[str, Any] = {}

    def xcom_pull(self, task_ids: str, map_indexes: int) -> Any:
        assert task_ids == NODES
        return self.pushed.get(map_indexes)

    def xcom_push(self, key: str, value: Any) -> None:
        self.own[key] = value


class Run:
    """A run of DAG ``wf`` whose compile task compiled ``dynamic(**inputs)``."""

    def __init__(self, dynamic: Any, **inputs: Any) -> None:
        self.run_id = f"r{next(_RUNS)}"
        self.spec = dynamic.compile(**inputs)
        signer, store = deployment_signer(), BlobStore()
        text = dump_spec(self.spec, signer)
        key, digest = write_futures_spec(store, store.run_path("wf", self.run_id, COMPILE), text)
        batch = Expansion.plan(key, digest, len(self.spec.nodes), 1024, 1).batch
        write_spec_slices(store, self.spec, digest, batch, signer, "wf", self.run_id, COMPILE)
        self.pushed: dict[int, Any] = {}

    def node_run(self, map_index: int, try_number: int = 1, retries: int = 0) -> NodeRun:
        with DAG("wf", schedule=None):
            op = GeneratedNodeOperator(
                task_id=NODES,
                compile_id=COMPILE,
                runner_dag_id="wf__dynflow",
                node_label=self.spec.label(map_index),
                retries=retries,
            )
        ti = InstanceTI(self.run_id, map_index, self.pushed, try_number, retries)
        return NodeRun(op, {"ti": ti, "run_id": self.run_id})  # type: ignore[arg-type]

    def execute(self, map_index: int, try_number: int = 1) -> Any:
        self.pushed[map_index] = self.node_run(map_index, try_number).execute()
        return self.pushed[map_index]


@pytest.fixture(autouse=True)
def own_store(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRFLOW__DYNFLOW__STORE_URL", f"file://{tmp_path}")


@pytest.fixture
def cache_lookups(monkeypatch) -> list[str]:
    lookups: list[str] = []
    get = BlobCache.get

    def counting(self: BlobCache, key: str) -> str | None:
        lookups.append(key)
        return get(self, key)

    monkeypatch.setattr(BlobCache, "get", counting)
    return lookups


def test_an_instance_waits_for_the_instances_that_run_its_dependencies():
    run = Run(entities.squares, n=3)
    assert [run.node_run(i).dependencies() for i in range(3)] == [[], [], [0, 1]]


def test_only_a_select_node_s_cases_may_end_skipped():
    run = Run(entities.squares, n=3)
    assert run.node_run(2).skippable() == []


def test_a_node_runs_with_its_dependencies_outputs_and_pushes_one_signed_value():
    run = Run(entities.squares, n=3)
    run.execute(0)
    run.execute(1)
    pushed = run.execute(2)
    assert set(pushed["nodes"]) == {"n2"}
    assert pushed["nodes"]["n2"]["o0"] == {"v": 18}


def test_a_cached_node_looks_its_cache_up_once(cache_lookups):
    run = Run(entities.squares, n=4)
    run.execute(0)
    run.execute(1)
    assert len(cache_lookups) == 2 and cache_lookups[0] == cache_lookups[1]


def test_a_later_try_of_the_same_generation_reuses_the_stored_outputs():
    run = Run(entities.squares, n=5)
    pushed = run.execute(0)
    later = run.node_run(0, try_number=2)
    assert later.stored() == pushed


def test_a_try_without_stored_outputs_finds_none():
    run = Run(entities.squares, n=6)
    assert run.node_run(0).stored() is None


def test_a_node_whose_dependency_failed_records_which_for_the_repair_listener():
    run = Run(entities.squares, n=3)
    node = run.node_run(2)
    node.record_not_run(0)
    assert NOT_RUN_KEY in node.ti.own


def test_a_node_whose_upstream_pushed_nothing_fails_naming_the_instance_to_clear():
    run = Run(entities.squares, n=3)
    with pytest.raises(MissingUpstreamError, match=r"Clear n0 cached_square \(d.nodes, map index 0\)"):
        run.execute(2)


def test_a_node_past_its_own_retries_fails_for_good_and_its_error_names_the_node():
    run = Run(entities.refusing, n=7)
    with pytest.raises(NodeFailedError, match="failed after 1 tries") as failed:
        run.execute(0)
    cause = failed.value.__cause__
    assert isinstance(cause, ValueError)
    assert cause.__notes__ == ["dynflow node path: refuse[n0]"]
