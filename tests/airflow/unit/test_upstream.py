"""Upstream envelopes: a node's outputs come from the instance that ran it, pulled and its signature
checked once per instance.

The one-request read of many instances needs a running task's execution API; it is exercised under
``dag.test()`` in tests/airflow/test_dynamic_runs.py.
"""

from __future__ import annotations

import pytest

from airflow_dynflow.airflow.errors import IntegrityError
from airflow_dynflow.airflow.runtime.expansion import Expansion
from airflow_dynflow.airflow.runtime.upstream import UpstreamEnvelopes
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.payloads import Payloads, location
from airflow_dynflow.core.signing import Signer

SIGNER = Signer([b"test-key"])
NODES = {"n6": {"o0": {"v": 1}}, "n7": {"o0": {"v": 2}}}


def plan(count: int, max_map_length: int = 1024) -> Expansion:
    return Expansion.plan("runs/wf/r/c/spec-0123456789abcdef.json", "hmac-sha256:ab", count, max_map_length)


class CountingPayloads(Payloads):
    """Payloads that count how often an instance's signature is checked."""

    verified = 0

    def verify_instance(self, pushed: object, where: str) -> dict:
        self.verified += 1
        return super().verify_instance(pushed, where)


@pytest.fixture
def payloads(tmp_path) -> CountingPayloads:
    return CountingPayloads(BlobStore(url=f"file://{tmp_path}"), SIGNER, max_bytes=1000)


def pushed_by(map_index: int, nodes: dict = NODES) -> dict:
    """What instance ``map_index`` of ``count.nodes`` in run ``r`` of ``wf`` pushes."""
    return Payloads(BlobStore(url="file:///unused"), SIGNER, 1000).sign_instance(
        nodes, location("wf", "r", "count.nodes", map_index)
    )


class PushedXCom:
    """A task instance of run ``r`` of ``wf`` whose ``xcom_pull`` returns what a generated-node
    instance pushed."""

    dag_id = "wf"
    run_id = "r"

    def __init__(self, value: object) -> None:
        self.value = value
        self.pulled: list[tuple[str, int]] = []

    def xcom_pull(self, task_ids: str, map_indexes: int) -> object:
        self.pulled.append((task_ids, map_indexes))
        return self.value


def test_a_node_s_envelope_is_pulled_from_the_instance_that_ran_it(payloads):
    ti = PushedXCom(pushed_by(2))
    upstream = UpstreamEnvelopes(ti, "count.nodes", plan(25, max_map_length=10), payloads)
    assert upstream.envelope(7) == {"o0": {"v": 2}}
    assert ti.pulled == [("count.nodes", 2)]


def test_nodes_batched_in_one_instance_pull_it_and_check_its_signature_once(payloads):
    ti = PushedXCom(pushed_by(2))
    upstream = UpstreamEnvelopes(ti, "count.nodes", plan(25, max_map_length=10), payloads)
    assert [upstream.envelope(i) is not None for i in (6, 7, 8)] == [True, True, False]
    assert ti.pulled == [("count.nodes", 2)]
    assert payloads.verified == 1


def test_a_few_instances_are_pulled_one_by_one_and_only_when_used(payloads):
    ti = PushedXCom(None)
    upstream = UpstreamEnvelopes(ti, "count.nodes", plan(10), payloads)
    upstream.prefetch([1, 2, 3])
    assert ti.pulled == []
    assert upstream.envelope(2) is None
    assert ti.pulled == [("count.nodes", 2)]


def test_an_instance_s_value_moved_to_another_map_index_is_refused(payloads):
    upstream = UpstreamEnvelopes(
        PushedXCom(pushed_by(1)), "count.nodes", plan(25, max_map_length=10), payloads
    )
    with pytest.raises(
        IntegrityError,
        match=r"\(signature\) for the outputs of the generated-node instance wf/r/count.nodes/2",
    ):
        upstream.envelope(7)


def test_an_instance_s_value_without_its_signature_is_refused(payloads):
    upstream = UpstreamEnvelopes(
        PushedXCom({"nodes": NODES}), "count.nodes", plan(25, max_map_length=10), payloads
    )
    with pytest.raises(
        IntegrityError, match=r"\(envelope shape\) for the outputs of the generated-node instance"
    ):
        upstream.envelope(7)


@pytest.mark.parametrize("pushed", [[1], "n1", 3], ids=["list", "str", "int"])
def test_an_instance_that_pushed_no_mapping_is_refused_by_shape(payloads, pushed):
    upstream = UpstreamEnvelopes(PushedXCom(pushed), "count.nodes", plan(3), payloads)
    with pytest.raises(
        IntegrityError,
        match=r"\(envelope shape\) for the outputs of the generated-node instance wf/r/count.nodes/1",
    ):
        upstream.envelope(1)


@pytest.mark.parametrize(
    ("value", "instance"),
    [
        ({"sig": "s", "nodes": {"n7": {}}}, 2),
        ({"sig": "s", "nodes": {"n6": {}, "n8": {}}}, 2),
        ({"sig": "s", "nodes": {"n2": {}, "n3": {}}}, None),
        ({"sig": "s", "nodes": {"n25": {}}}, None),
        ({"sig": "s", "nodes": {"x7": {}}}, None),
        ({"sig": "s", "nodes": {"n-1": {}}}, None),
        ({"sig": "s", "nodes": {}}, None),
        ({"sig": "s", "nodes": [1]}, None),
        ({"n7": {}}, None),
        ([1], None),
    ],
    ids=[
        "one",
        "same-batch",
        "two-batches",
        "past-the-end",
        "not-a-node",
        "negative",
        "empty",
        "nodes-a-list",
        "no-nodes",
        "list",
    ],
)
def test_a_value_read_in_bulk_is_placed_only_by_the_nodes_of_one_instance(payloads, value, instance):
    upstream = UpstreamEnvelopes(PushedXCom(None), "count.nodes", plan(25, max_map_length=10), payloads)
    assert upstream._instance_of(value) == instance
