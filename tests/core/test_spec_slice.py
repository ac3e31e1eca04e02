"""Spec slices: one instance's nodes hold exactly what the whole spec says about them, and a slice is
only ever read for the spec and the instance it was signed for."""

import json

import pytest

from airflow_dynflow import SpecError
from airflow_dynflow.core.signing import Signer
from airflow_dynflow.core.wire.spec_read import spec_digest
from airflow_dynflow.core.wire.spec_slice import dump_slices, instance_nodes, load_slice
from airflow_dynflow.core.wire.spec_write import dump_spec
from tests import entities as ex

SIGNER = Signer([b"slice-key"])
RUN = "wf/run-1/dyn.compile/-1"


def sliced(spec, batch):
    digest = spec_digest(dump_spec(spec, SIGNER))
    groups = [instance_nodes(len(spec.nodes), batch, m) for m in range(-(-len(spec.nodes) // batch))]
    return digest, groups, dump_slices(spec, batch, digest, SIGNER, RUN)


@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize(
    "spec", [ex.chain.compile(n=5), ex.fan.compile(n=6), ex.uses_workflow.compile(n=2)], ids=lambda s: s.name
)
def test_each_slice_holds_its_nodes_as_the_spec_does(spec, batch):
    digest, groups, texts = sliced(spec, batch)
    for instance, (own, text) in enumerate(zip(groups, texts, strict=True)):
        part = load_slice(text, SIGNER, RUN, instance)
        assert part.own == own
        assert (part.spec_digest, part.count, part.batch) == (digest, len(spec.nodes), batch)
        for i in own:
            assert part.nodes[i] == spec.nodes[i]
            assert part.label(i) == spec.label(i)
            assert part.entity(part.nodes[i]) is spec.entity(spec.nodes[i])
            for dep in spec.nodes[i].depends_on():
                assert part.nodes[dep].task == spec.nodes[dep].task
                assert part.label(dep) == spec.label(dep)


def test_a_slice_holds_only_its_nodes_and_their_dependencies():
    spec = ex.fan.compile(n=50)
    _, _, texts = sliced(spec, 1)
    part = load_slice(texts[7], SIGNER, RUN, 7)
    assert set(part.nodes) == {7}
    total = load_slice(texts[50], SIGNER, RUN, 50)
    assert set(total.nodes) == set(range(51))
    _, _, bigger = sliced(ex.fan.compile(n=500), 1)
    assert len(bigger[7]) - len(texts[7]) == len('"count":501') - len('"count":51'), (
        "a root node's slice does not grow with the spec, but for the number of its nodes"
    )


def test_a_slice_is_refused_for_another_instance_or_another_run():
    spec = ex.chain.compile(n=4)
    _, _, texts = sliced(spec, 1)
    with pytest.raises(SpecError, match="modified"):
        load_slice(texts[2], SIGNER, RUN, 3)
    with pytest.raises(SpecError, match="modified"):
        load_slice(texts[2], SIGNER, "wf/run-2/dyn.compile/-1", 2)
    other = Signer([b"another-key"])
    with pytest.raises(
        SpecError, match=rf"another key \(fingerprint {SIGNER.fingerprint}\).*\({other.fingerprint}\)"
    ):
        load_slice(texts[2], other, RUN, 2)


def test_a_changed_slice_is_refused_before_it_is_parsed():
    spec = ex.chain.compile(n=4)
    _, _, texts = sliced(spec, 1)
    with pytest.raises(SpecError, match="modified"):
        load_slice(texts[2].replace('"b":2', '"b":7'), SIGNER, RUN, 2)
    with pytest.raises(SpecError, match="modified"):
        load_slice("{" + texts[2][1:].replace('"batch":1', '"batch":2'), SIGNER, RUN, 2)


def test_a_signed_slice_that_lacks_a_dependency_is_refused():
    """Even with a valid signature (a bug in the writer, say), a binding to a node the slice does
    not hold is an error, not a KeyError or a wrong value."""
    spec = ex.chain.compile(n=4)
    _, _, texts = sliced(spec, 1)
    with pytest.raises(SpecError, match="does not hold"):
        load_slice(resigned(texts[2], 2, deps={}), SIGNER, RUN, 2)


def test_a_signed_slice_whose_nodes_are_not_its_instances_is_refused():
    """A slice says how the spec's nodes are shared out; the nodes it holds must be its instance's."""
    spec = ex.chain.compile(n=4)
    _, _, texts = sliced(spec, 1)
    with pytest.raises(SpecError, match=r"holds 1 node\(s\), but its instance runs 2 \(n2-n3\)"):
        load_slice(resigned(texts[2], 1, batch=2), SIGNER, RUN, 1)


def resigned(text, instance, **changes):
    """The slice with ``changes`` made and signed again, as a buggy writer with the key would."""
    data = json.loads(text)
    del data["digest"]
    data.update(changes)
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return body[:-1] + ',"digest":' + json.dumps(SIGNER.sign("spec-slice", RUN, str(instance), body)) + "}"
