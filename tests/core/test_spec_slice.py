"""Spec slices: one instance's nodes hold exactly what the whole spec says about them, and a slice is
only ever read for the spec and the instance it was signed for."""

import json

import pytest

from airflow_dynflow import SpecError
from airflow_dynflow.core.signing import Signer
from airflow_dynflow.core.spec_read import spec_digest
from airflow_dynflow.core.spec_slice import dump_slices, load_slice
from tests.core import examples as ex

SIGNER = Signer([b"slice-key"])


def sliced(spec, batch):
    digest = spec_digest(spec.to_json(SIGNER))
    groups = [range(i, min(i + batch, len(spec.nodes))) for i in range(0, len(spec.nodes), batch)]
    return digest, groups, dump_slices(spec, groups, digest, SIGNER)


@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize(
    "spec", [ex.chain.compile(n=5), ex.fan.compile(n=6), ex.uses_workflow.compile(n=2)], ids=lambda s: s.name
)
def test_each_slice_holds_its_nodes_as_the_spec_does(spec, batch):
    digest, groups, texts = sliced(spec, batch)
    for instance, (own, text) in enumerate(zip(groups, texts, strict=True)):
        part = load_slice(text, SIGNER, digest, instance)
        assert part.own == own
        for i in own:
            assert part.nodes[i] == spec.nodes[i]
            assert part.label(i) == spec.label(i)
            assert part.entity(part.nodes[i]) is spec.entity(spec.nodes[i])
            for dep in spec.nodes[i].depends_on():
                assert part.nodes[dep].task == spec.nodes[dep].task
                assert part.label(dep) == spec.label(dep)


def test_a_slice_holds_only_its_nodes_and_their_dependencies():
    spec = ex.fan.compile(n=50)
    digest, _, texts = sliced(spec, 1)
    part = load_slice(texts[7], SIGNER, digest, 7)
    assert set(part.nodes) == {7}
    total = load_slice(texts[50], SIGNER, digest, 50)
    assert set(total.nodes) == set(range(51))
    _, _, bigger = sliced(ex.fan.compile(n=500), 1)
    assert len(bigger[7]) == len(texts[7]), "a root node's slice does not grow with the spec"


def test_a_slice_is_refused_for_another_instance_or_another_spec():
    spec = ex.chain.compile(n=4)
    digest, _, texts = sliced(spec, 1)
    with pytest.raises(SpecError, match="modified"):
        load_slice(texts[2], SIGNER, digest, 3)
    other = spec_digest(ex.chain.compile(n=5).to_json(SIGNER))
    with pytest.raises(SpecError, match="modified"):
        load_slice(texts[2], SIGNER, other, 2)
    with pytest.raises(SpecError, match="modified"):
        load_slice(texts[2], Signer([b"another-key"]), digest, 2)


def test_a_changed_slice_is_refused_before_it_is_parsed():
    spec = ex.chain.compile(n=4)
    digest, _, texts = sliced(spec, 1)
    with pytest.raises(SpecError, match="modified"):
        load_slice(texts[2].replace('"b":2', '"b":7'), SIGNER, digest, 2)
    with pytest.raises(SpecError, match="modified"):
        load_slice("{" + texts[2][1:].replace('"first":2', '"first":1'), SIGNER, digest, 2)


def test_a_signed_slice_that_lacks_a_dependency_is_refused():
    """Even with a valid signature (a bug in the writer, say), a binding to a node the slice does
    not hold is an error, not a KeyError or a wrong value."""
    spec = ex.chain.compile(n=4)
    digest, _, texts = sliced(spec, 1)
    data = json.loads(texts[2])
    del data["digest"]
    data["deps"] = {}
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    text = body[:-1] + ',"digest":' + json.dumps(SIGNER.sign("spec-slice", digest, "2", body)) + "}"
    with pytest.raises(SpecError, match="does not hold"):
        load_slice(text, SIGNER, digest, 2)
