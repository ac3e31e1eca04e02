"""The spec's JSON: lossless and deterministic; malformed, tampered or stale specs never run."""

import json

import pytest

from airflow_dynflow import Spec, SpecError
from airflow_dynflow.core.local_runner import run_spec
from tests.core import examples as ex


def spec_dict(spec):
    return json.loads(spec.to_json())


def resign(data):
    """Re-sign a changed spec, as an attacker without a key could: semantic checks must still hold."""
    import hashlib

    data.pop("digest", None)
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    data["digest"] = "sha256:" + hashlib.sha256(body.encode()).hexdigest()
    return json.dumps(data)


@pytest.mark.parametrize(
    "spec",
    [
        ex.chain.compile(n=4),
        ex.fan.compile(n=3),
        ex.outer.compile(n=2),
        ex.uses_workflow.compile(n=2),
        ex.nothing.compile(n=1),
        ex.indexing.spec,
        ex.two_outputs.spec,
        ex.mapped_partial.spec,
        ex.opaque_roundtrip.spec,
        ex.nested.spec,
    ],
    ids=lambda s: s.name,
)
def test_round_trip_is_lossless(spec):
    back = Spec.from_json(spec.to_json())
    assert back == spec
    assert back.to_json() == spec.to_json()


def test_loaded_spec_runs_like_the_original():
    spec = ex.fan.compile(n=5)
    assert run_spec(Spec.from_json(spec.to_json()), {}) == run_spec(spec, {})


def test_first_output_reference_is_written_as_a_bare_index():
    data = spec_dict(ex.chain.compile(n=2))
    assert data["nodes"][1]["r"] == {"a": 0}
    assert data["nodes"][0]["v"] == {"a": 0, "b": 0}


def test_paths_are_written_out():
    data = spec_dict(ex.indexing.spec)
    assert data["nodes"][1]["r"] == {"x": {"n": 0, "out": "o0", "p": ["a"]}}


def test_pickled_constant_types_are_flagged():
    data = spec_dict(ex.opaque_roundtrip.spec)
    assert data["tasks"]["unwrap"]["inputs"]["o"] == {"x-dynflow-pickle": "tests.core.examples.Opaque"}


def test_invalid_json_is_refused():
    with pytest.raises(SpecError, match="not valid JSON"):
        Spec.from_json("{nope")


def test_unknown_key_is_refused_by_the_schema_check():
    data = spec_dict(ex.chain.compile(n=2))
    data["nodes"][0]["evil"] = 1
    with pytest.raises(SpecError, match="malformed at nodes.0"):
        Spec.from_json(json.dumps(data))


def test_edited_spec_fails_the_digest():
    text = ex.chain.compile(n=2).to_json().replace('"b":1', '"b":7')
    with pytest.raises(SpecError, match="modified after it was written"):
        Spec.from_json(text)


def test_keyed_spec_needs_the_key():
    text = ex.chain.compile(n=2).to_json(key=b"secret")
    assert Spec.from_json(text, key=b"secret").name == "chain"
    with pytest.raises(SpecError, match="digest mismatch"):
        Spec.from_json(text)


def test_forward_reference_is_refused():
    data = spec_dict(ex.chain.compile(n=3))
    data["nodes"][1]["r"] = {"a": 2}
    with pytest.raises(SpecError, match="depends on n2, which is not an earlier node"):
        Spec.from_json(resign(data))


def test_unknown_task_is_refused():
    data = spec_dict(ex.chain.compile(n=1))
    data["nodes"][0]["t"] = "rm_rf"
    with pytest.raises(SpecError, match="unknown task 'rm_rf'"):
        Spec.from_json(resign(data))


def test_missing_required_binding_is_refused():
    data = spec_dict(ex.chain.compile(n=1))
    del data["nodes"][0]["v"]["b"]
    with pytest.raises(SpecError, match=r"does not bind required input\(s\) b"):
        Spec.from_json(resign(data))


def test_constant_of_wrong_type_is_refused():
    data = spec_dict(ex.chain.compile(n=1))
    data["nodes"][0]["v"]["b"] = "1"
    with pytest.raises(SpecError, match="constant for 'b' does not fit"):
        Spec.from_json(resign(data))


def test_stale_task_version_is_refused():
    data = spec_dict(ex.chain.compile(n=1))
    data["tasks"]["add"]["version"] = "0" * 16
    with pytest.raises(SpecError, match="changed since the spec was compiled"):
        Spec.from_json(resign(data))


def test_unimportable_task_is_refused():
    data = spec_dict(ex.chain.compile(n=1))
    data["tasks"]["add"]["ref"] = "os:system"
    with pytest.raises(SpecError, match="not a task"):
        Spec.from_json(resign(data))


def test_unknown_output_is_refused():
    data = spec_dict(ex.chain.compile(n=2))
    data["nodes"][1]["r"] = {"a": {"n": 0, "out": "o9"}}
    with pytest.raises(SpecError, match="no such output"):
        Spec.from_json(resign(data))


def test_kind_mismatch_is_refused():
    data = spec_dict(ex.chain.compile(n=1))
    data["tasks"]["add"]["kind"] = "dynamic"
    with pytest.raises(SpecError, match="declared dynamic"):
        Spec.from_json(resign(data))
