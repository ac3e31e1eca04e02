"""Expansion: which mapped instance of the generated-node task runs which node, and its labels."""

from __future__ import annotations

import json

import pytest

from airflow_dynflow.airflow.errors import IntegrityError, MissingUpstreamError
from airflow_dynflow.airflow.runtime.expansion import Expansion, missing_node, node_location
from airflow_dynflow.airflow.store.payloads import location
from airflow_dynflow.core.signing import Signer
from tests import entities as e

SIGNER = Signer([b"test-key"])
WHERE = location("wf", "r", "count.compile") + "/spec"


def plan(count: int, max_map_length: int = 1024, nodes_per_instance: int = 1) -> Expansion:
    return Expansion.plan(
        "runs/wf/r/count.compile/spec-0123456789abcdef.json",
        "hmac-sha256:ab",
        count,
        max_map_length,
        nodes_per_instance,
    )


def test_within_max_map_length_every_node_gets_its_own_instance():
    expansion = plan(25, max_map_length=25)
    assert (expansion.batch, expansion.instances) == (1, 25)


def test_past_max_map_length_contiguous_nodes_share_an_instance():
    expansion = plan(25, max_map_length=10)
    assert (expansion.batch, expansion.instances) == (3, 9)
    assert list(expansion.nodes_of(0)) == [0, 1, 2]
    assert list(expansion.nodes_of(1)) == [3, 4, 5]


def test_a_packed_dynamic_runs_nodes_per_instance_nodes_in_each_instance():
    expansion = plan(25, nodes_per_instance=10)
    assert (expansion.batch, expansion.instances) == (10, 3)
    assert list(expansion.nodes_of(2)) == list(range(20, 25))


def test_packing_never_makes_more_instances_than_max_map_length_allows():
    assert plan(100, max_map_length=10, nodes_per_instance=2).batch == 10


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


def test_the_xcom_reference_is_small_signed_json_and_round_trips():
    expansion = plan(1101)
    data = expansion.to_xcom(SIGNER, WHERE)
    assert set(data) == {"key", "digest", "count", "batch", "sig"}
    assert Expansion.from_xcom(json.loads(json.dumps(data)), SIGNER, WHERE) == expansion


@pytest.mark.parametrize(
    ("field", "value"),
    [("key", "runs/wf/r/other/spec.json"), ("digest", "hmac-sha256:cd"), ("count", 1), ("batch", 1)],
)
def test_an_edited_xcom_reference_is_refused(field, value):
    data = {**plan(1101).to_xcom(SIGNER, WHERE), field: value}
    with pytest.raises(IntegrityError, match=r"^integrity check failed \(signature\) for the futures-spec"):
        Expansion.from_xcom(data, SIGNER, WHERE)


@pytest.mark.parametrize(
    ("field", "value"), [("count", True), ("count", "1101"), ("count", -1), ("batch", 0)]
)
def test_a_reference_with_a_count_or_batch_of_the_wrong_kind_is_refused(field, value):
    data = {**plan(1101).to_xcom(SIGNER, WHERE), field: value}
    with pytest.raises(IntegrityError, match=r"\(envelope shape\)"):
        Expansion.from_xcom(data, SIGNER, WHERE)


def test_a_reference_moved_to_another_run_is_refused():
    data = plan(3).to_xcom(SIGNER, WHERE)
    with pytest.raises(IntegrityError, match=r"\(signature\)"):
        Expansion.from_xcom(data, SIGNER, location("wf", "another-run", "count.compile") + "/spec")


def test_a_reference_signed_under_another_key_is_refused():
    data = plan(3).to_xcom(Signer([b"another-key"]), WHERE)
    with pytest.raises(IntegrityError, match=r"\(signature\)"):
        Expansion.from_xcom(data, SIGNER, WHERE)


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        "runs/wf/r/spec.json",
        {"key": "runs/wf/r/spec.json", "digest": "sha256:ab", "count": 3, "batch": 1},
        {**plan(3).to_xcom(SIGNER, WHERE), "file": "/tmp/evil.py"},
    ],
    ids=["none", "list", "str", "no-sig", "extra-key"],
)
def test_a_reference_of_another_shape_is_refused(data):
    with pytest.raises(IntegrityError, match=r"\(envelope shape\)"):
        Expansion.from_xcom(data, SIGNER, WHERE)


class PushedXCom:
    """A task instance whose ``xcom_pull`` returns what a generated-node instance pushed."""

    def __init__(self, value: object) -> None:
        self.value = value
        self.pulled: list[tuple[str, int]] = []

    def xcom_pull(self, task_ids: str, map_indexes: int) -> object:
        self.pulled.append((task_ids, map_indexes))
        return self.value


def test_a_node_s_outputs_come_from_its_instance_of_the_node_task():
    context = {"ti": PushedXCom(None), "run_id": "r"}
    context["ti"].dag_id = "wf"
    assert node_location(context, "count.nodes", plan(25, max_map_length=10), 7) == "wf/r/count.nodes/2/n7"


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


def test_a_missing_node_output_names_the_instance_to_clear_by_label_and_map_index():
    spec = e.chain.compile(n=3)
    error = missing_node(spec, plan(3), "chain.nodes")("chain.nodes[n2]", "a", 1)
    assert isinstance(error, MissingUpstreamError)
    assert "needs the output of generated node add[n1], which has no output in this run" in str(error)
    assert "Clear n1 add (chain.nodes, map index 1) in this run" in str(error)
