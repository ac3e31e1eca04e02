"""The resolver: a node's bindings to native values, from the spec, the params and upstream envelopes.

Specs are compiled from the real dynamics in ``entities``; upstream envelopes are what a producing
task instance pushes (``Payloads.encode_outputs`` on a real blob store in a temporary folder).
"""

from __future__ import annotations

import datetime

import pytest

from airflow_dynflow.airflow.errors import IntegrityError, MissingUpstreamError
from airflow_dynflow.airflow.runtime.inputs import Resolver, check_conf
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.payloads import Payloads, location
from airflow_dynflow.core.errors import TypeMismatchError
from airflow_dynflow.core.signing import Signer
from airflow_dynflow.core.spec import Spec
from tests import entities as e

SIGNER = Signer([b"test-key"])


@pytest.fixture
def payloads(tmp_path) -> Payloads:
    return Payloads(BlobStore(url=f"file://{tmp_path}"), SIGNER, max_bytes=1000)


def locate(index: int) -> str:
    """Where node ``index``'s outputs come from: one mapped instance per node."""
    return location("wf", "run-1", "bindings.nodes", index) + f"/n{index}"


class Upstream:
    """The envelopes pushed by the producers of a spec's nodes, and which ones were fetched."""

    def __init__(
        self, spec: Spec, payloads: Payloads, outputs: dict[int, object], *, signed: bool = True
    ) -> None:
        """``signed=False``: as generated nodes' envelopes, whose instance's signature covers them."""
        base = payloads.store.run_path("wf", "run-1")
        self.envelopes = {
            i: payloads.encode_outputs(
                spec.entity(spec.nodes[i]).interface, {"o0": value}, base / f"n{i}", locate(i), signed=signed
            )
            for i, value in outputs.items()
        }
        self.fetched: list[int] = []

    def fetch(self, index: int):
        self.fetched.append(index)
        return self.envelopes.get(index)


def resolver(spec: Spec, payloads: Payloads, upstream: Upstream | None = None, **kwargs) -> Resolver:
    upstream = upstream or Upstream(spec, payloads, {})
    return Resolver(
        spec=spec,
        payloads=payloads,
        fetch=upstream.fetch,
        describe=lambda index: f"node n{index}",
        locate=locate,
        **kwargs,
    )


BINDINGS = e.bindings.compile(word="banana")
DONE = {0: {"b": 1, "a": 3, "n": 2}, 1: 4, 2: 8}


def test_a_constant_comes_from_the_spec_without_fetching_anything(payloads):
    upstream = Upstream(BINDINGS, payloads, {})
    assert resolver(BINDINGS, payloads, upstream).inputs(0, "n0") == {"word": "banana"}
    assert upstream.fetched == []


def test_a_reference_with_a_path_reads_into_the_upstream_output(payloads):
    upstream = Upstream(BINDINGS, payloads, DONE)
    assert resolver(BINDINGS, payloads, upstream).inputs(1, "n1") == {"a": 3, "b": 1}


def test_generated_nodes_envelopes_are_read_without_signatures_of_their_own(payloads):
    upstream = Upstream(BINDINGS, payloads, DONE, signed=False)
    assert resolver(BINDINGS, payloads, upstream, signed=False).inputs(1, "n1") == {"a": 3, "b": 1}


def test_a_static_task_s_envelope_without_its_own_signature_is_refused(payloads):
    upstream = Upstream(BINDINGS, payloads, DONE, signed=False)
    with pytest.raises(
        IntegrityError, match=r"\(envelope shape\) for the value of wf/run-1/bindings.nodes/0/n0/o0"
    ):
        resolver(BINDINGS, payloads, upstream).inputs(1, "n1")


def test_a_list_of_references_and_constants_becomes_a_list(payloads):
    upstream = Upstream(BINDINGS, payloads, DONE)
    assert resolver(BINDINGS, payloads, upstream).inputs(3, "n3") == {"values": [4, 8, 5]}


def test_a_dict_of_references_becomes_a_dict(payloads):
    upstream = Upstream(BINDINGS, payloads, DONE)
    assert resolver(BINDINGS, payloads, upstream).inputs(4, "n4") == {"parts": {"a": 4, "d": 8}}


def test_each_upstream_envelope_is_fetched_once_however_many_inputs_read_it(payloads):
    upstream = Upstream(BINDINGS, payloads, DONE)
    resolve = resolver(BINDINGS, payloads, upstream)
    resolve.inputs(3, "n3")
    resolve.inputs(4, "n4")
    assert upstream.fetched == [1, 2]


def test_an_output_stored_in_the_blob_store_is_read_from_it(tmp_path):
    tiny = Payloads(BlobStore(url=f"file://{tmp_path}"), SIGNER, max_bytes=0)
    upstream = Upstream(BINDINGS, tiny, DONE)
    assert "blob" in upstream.envelopes[0]["o0"]
    assert resolver(BINDINGS, tiny, upstream).inputs(1, "n1") == {"a": 3, "b": 1}


def test_a_pickled_output_arrives_as_the_object_it_was(payloads):
    spec = e.pickled.compile(n=7)
    upstream = Upstream(spec, payloads, {0: e.Opaque(7)})
    value = resolver(spec, payloads, upstream).inputs(1, "n1")["o"]
    assert isinstance(value, e.Opaque) and value.n == 7


def test_a_missing_upstream_output_names_the_consumer_the_input_and_how_to_rerun(payloads):
    with pytest.raises(MissingUpstreamError) as caught:
        resolver(BINDINGS, payloads).inputs(2, "bindings.nodes[n2]")
    message = str(caught.value)
    assert message.startswith("bindings.nodes[n2]: input 'x' needs the output of node n1,")
    assert message.endswith("airflow tasks test <dag_id> <task_id> <run_id>")


def test_an_output_of_another_node_passed_off_as_this_one_s_is_refused(payloads):
    upstream = Upstream(BINDINGS, payloads, DONE)
    upstream.envelopes[1], upstream.envelopes[2] = upstream.envelopes[2], upstream.envelopes[1]
    with pytest.raises(
        IntegrityError, match=r"^integrity check failed \(signature\) for the value of wf/run-1/"
    ):
        resolver(BINDINGS, payloads, upstream).inputs(3, "n3")


def test_an_upstream_envelope_without_the_output_read_is_refused_by_shape(payloads):
    upstream = Upstream(BINDINGS, payloads, DONE)
    upstream.envelopes[1] = {"o1": upstream.envelopes[1]["o0"]}
    with pytest.raises(IntegrityError, match=r"\(envelope shape\) for the outputs of node n1 \(no o0\)"):
        resolver(BINDINGS, payloads, upstream).inputs(2, "n2")


def test_a_workflow_input_is_converted_from_the_params_json(payloads):
    params = {"day": "2024-01-02", "n": 2}
    resolve = resolver(e.dated.spec, payloads, params=params, input_params=e.dated.interface.inputs)
    assert resolve.inputs(0, "describe_day") == {"day": datetime.date(2024, 1, 2), "n": 2}


def test_a_workflow_input_missing_from_the_params_is_refused_by_name(payloads):
    resolve = resolver(e.dated.spec, payloads, params={"n": 2}, input_params=e.dated.interface.inputs)
    with pytest.raises(TypeError, match=r"^dated\(\) missing required argument 'day'$"):
        resolve.inputs(0, "describe_day")


def test_a_workflow_input_of_the_wrong_type_is_refused_naming_input_and_value(payloads):
    params = {"day": 5, "n": 2}
    resolve = resolver(e.dated.spec, payloads, params=params, input_params=e.dated.interface.inputs)
    with pytest.raises(TypeMismatchError, match=r"^dated: input 'day' expects date, got 5"):
        resolve.inputs(0, "describe_day")


def dag_run(conf: dict | None):
    """The DagRun a running task sees in its context (the task SDK's model), with this conf."""
    from airflow.sdk.api.datamodels._generated import DagRun, DagRunState, DagRunType

    now = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    return DagRun(
        dag_id="dated",
        run_id="manual__1",
        logical_date=None,
        data_interval_start=None,
        data_interval_end=None,
        run_after=now,
        start_date=now,
        end_date=None,
        run_type=DagRunType.MANUAL,
        state=DagRunState.RUNNING,
        conf=conf,
        consumed_asset_events=[],
        # Airflow 3.2 added the field, required and nullable.
        **({"partition_key": None} if "partition_key" in DagRun.model_fields else {}),
    )


@pytest.mark.parametrize("conf", [None, {}, {"day": "2024-01-02"}, {"day": "2024-01-02", "n": 3}])
def test_a_conf_naming_only_workflow_inputs_passes(conf):
    check_conf(e.dated, {"dag_run": dag_run(conf)})


def test_a_conf_key_that_is_no_input_is_refused_listing_the_inputs():
    with pytest.raises(ValueError) as caught:
        check_conf(e.dated, {"dag_run": dag_run({"day": "2024-01-02", "dya": 1, "m": 2})})
    assert str(caught.value) == (
        "dated: unknown input(s) in the run's conf: dya, m; the workflow's inputs are: day, n"
    )
