"""Upstream envelopes: a node's outputs come from the instance that ran it, pulled once per instance.

The one-request read of many instances needs a running task's execution API; it is exercised under
``dag.test()`` in tests/airflow/test_dynamic_runs.py.
"""

from __future__ import annotations

import pytest

from airflow_dynflow.airflow.errors import IntegrityError
from airflow_dynflow.airflow.runtime.expansion import Expansion
from airflow_dynflow.airflow.runtime.upstream import UpstreamEnvelopes


def plan(count: int, max_map_length: int = 1024) -> Expansion:
    return Expansion.plan("runs/wf/r/c/spec-0123456789abcdef.json", "hmac-sha256:ab", count, max_map_length)


class PushedXCom:
    """A task instance whose ``xcom_pull`` returns what a generated-node instance pushed."""

    def __init__(self, value: object) -> None:
        self.value = value
        self.pulled: list[tuple[str, int]] = []

    def xcom_pull(self, task_ids: str, map_indexes: int) -> object:
        self.pulled.append((task_ids, map_indexes))
        return self.value


def test_a_node_s_envelope_is_pulled_from_the_instance_that_ran_it():
    ti = PushedXCom({"n6": {"o0": {"v": 1, "sig": "s"}}, "n7": {"o0": {"v": 2, "sig": "s"}}})
    upstream = UpstreamEnvelopes(ti, "count.nodes", plan(25, max_map_length=10))
    assert upstream.envelope(7) == {"o0": {"v": 2, "sig": "s"}}
    assert ti.pulled == [("count.nodes", 2)]


def test_nodes_batched_in_one_instance_pull_it_once():
    ti = PushedXCom({"n6": {"o0": {"v": 1, "sig": "s"}}, "n7": {"o0": {"v": 2, "sig": "s"}}})
    upstream = UpstreamEnvelopes(ti, "count.nodes", plan(25, max_map_length=10))
    assert [upstream.envelope(i) is not None for i in (6, 7, 8)] == [True, True, False]
    assert ti.pulled == [("count.nodes", 2)]


def test_a_few_instances_are_pulled_one_by_one_and_only_when_used():
    ti = PushedXCom(None)
    upstream = UpstreamEnvelopes(ti, "count.nodes", plan(10))
    upstream.prefetch([1, 2, 3])
    assert ti.pulled == []
    assert upstream.envelope(2) is None
    assert ti.pulled == [("count.nodes", 2)]


@pytest.mark.parametrize("pushed", [[1], "n1", 3], ids=["list", "str", "int"])
def test_an_instance_that_pushed_no_mapping_is_refused_by_shape(pushed):
    upstream = UpstreamEnvelopes(PushedXCom(pushed), "count.nodes", plan(3))
    with pytest.raises(IntegrityError, match=r"\(envelope shape\) for the outputs of count.nodes\[1\]"):
        upstream.envelope(1)


@pytest.mark.parametrize(
    ("value", "instance"),
    [
        ({"n7": {}}, 2),
        ({"n6": {}, "n8": {}}, 2),
        ({"n2": {}, "n3": {}}, None),
        ({"n25": {}}, None),
        ({"x7": {}}, None),
        ({"n-1": {}}, None),
        ({}, None),
        ([1], None),
    ],
    ids=["one", "same-batch", "two-batches", "past-the-end", "not-a-node", "negative", "empty", "list"],
)
def test_a_value_read_in_bulk_is_placed_only_by_the_nodes_of_one_instance(value, instance):
    upstream = UpstreamEnvelopes(PushedXCom(None), "count.nodes", plan(25, max_map_length=10))
    assert upstream._instance_of(value) == instance
