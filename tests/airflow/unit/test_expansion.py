"""Expansion: which mapped instance of the generated-node task runs which node, and its labels."""

from __future__ import annotations

import json

import pytest

from airflow_dynflow.airflow.runtime.expansion import Expansion
from tests.airflow.unit import entities as e


def plan(count: int, max_map_length: int = 1024) -> Expansion:
    return Expansion.plan("file:///store/spec.json", "sha256:abc", count, max_map_length)


def test_within_max_map_length_every_node_gets_its_own_instance():
    expansion = plan(25, max_map_length=25)
    assert (expansion.batch, expansion.instances) == (1, 25)


def test_past_max_map_length_contiguous_nodes_share_an_instance():
    expansion = plan(25, max_map_length=10)
    assert (expansion.batch, expansion.instances) == (3, 9)
    assert list(expansion.nodes_of(0)) == [0, 1, 2]
    assert list(expansion.nodes_of(1)) == [3, 4, 5]


def test_the_last_instance_takes_the_remainder():
    assert list(plan(25, max_map_length=10).nodes_of(8)) == [24]


@pytest.mark.parametrize(
    ("count", "max_map_length"), [(1, 1), (1024, 1024), (1025, 1024), (1101, 1024), (5000, 7), (99, 10)]
)
def test_instances_never_exceed_max_map_length(count, max_map_length):
    assert plan(count, max_map_length).instances <= max_map_length


@pytest.mark.parametrize("max_map_length", [1, 4, 10, 100])
def test_every_node_runs_in_exactly_the_instance_map_index_of_names(max_map_length):
    expansion = plan(25, max_map_length)
    runs_in = {node: m for m in range(expansion.instances) for node in expansion.nodes_of(m)}
    assert sorted(runs_in) == list(range(25))
    assert all(expansion.map_index_of(node) == m for node, m in runs_in.items())


def test_a_dynamic_without_nodes_has_no_instances_and_no_labels():
    expansion = plan(0)
    assert (expansion.batch, expansion.instances) == (1, 0)
    assert expansion.labels(e.chain.compile(n=0)) == []


def test_the_xcom_reference_is_small_json_and_round_trips():
    expansion = plan(1101)
    data = expansion.to_xcom()
    assert set(data) == {"uri", "digest", "count", "batch"}
    assert Expansion.from_xcom(json.loads(json.dumps(data))) == expansion


def test_unbatched_labels_name_each_node_by_id_and_task():
    spec = e.chain.compile(n=3)
    assert plan(3).labels(spec) == ["n0 add", "n1 add", "n2 add"]


def test_unbatched_labels_use_a_renamed_calls_name():
    spec = e.kinds.compile(n=1)
    assert plan(len(spec.nodes)).labels(spec)[:2] == ["n0 double", "n1 twice"]


def test_batched_labels_give_the_node_range_and_its_size():
    spec = e.fan.compile(n=24)
    labels = plan(len(spec.nodes), max_map_length=10).labels(spec)
    assert labels[0] == "n0-n2 (3 nodes)"
    assert labels[-1] == "n24-n24 (1 nodes)"
    assert len(labels) == 9
