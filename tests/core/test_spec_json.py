"""The spec's JSON: lossless and deterministic; malformed, tampered or stale specs never run."""

import json

import pytest

from airflow_dynflow import SpecError
from airflow_dynflow.core.authoring.local_runner import run_spec
from airflow_dynflow.core.signing import Signer, digest
from airflow_dynflow.core.wire.spec_read import load_spec
from airflow_dynflow.core.wire.spec_write import dump_spec
from tests import entities as ex


def spec_dict(spec):
    return json.loads(dump_spec(spec))


def resign(data):
    """Re-sign a changed spec, as an attacker without a key could: semantic checks must still hold."""
    data.pop("digest", None)
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return body[:-1] + ',"digest":' + json.dumps(digest(body.encode())) + "}"


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
    back = load_spec(dump_spec(spec))
    assert back == spec
    assert dump_spec(back) == dump_spec(spec)


def test_loaded_spec_runs_like_the_original():
    spec = ex.fan.compile(n=5)
    assert run_spec(load_spec(dump_spec(spec)), {}) == run_spec(spec, {})


def test_first_output_reference_is_written_as_a_bare_index():
    data = spec_dict(ex.chain.compile(n=2))
    assert data["nodes"][1]["r"] == {"a": 0}
    assert data["nodes"][0]["v"] == {"a": 0, "b": 0}


def test_paths_are_written_out():
    data = spec_dict(ex.indexing.spec)
    assert data["nodes"][1]["r"] == {"x": {"n": 0, "out": "o0", "p": ["a"]}}


def test_pickled_constant_types_are_flagged():
    data = spec_dict(ex.opaque_roundtrip.spec)
    assert data["tasks"]["unwrap"]["inputs"]["o"] == {"x-dynflow-pickle": "tests.entities.Opaque"}


def test_text_without_a_digest_at_its_end_is_refused_as_truncated():
    with pytest.raises(SpecError, match="truncated or not a spec"):
        load_spec("{nope")


def test_a_truncated_spec_is_refused_before_it_is_parsed():
    text = dump_spec(ex.chain.compile(n=3))
    for cut in (1, len(text) // 2, len(text) - 1):
        with pytest.raises(SpecError, match="truncated or not a spec"):
            load_spec(text[:cut])


def test_invalid_json_with_a_valid_digest_is_refused():
    body = "{nope}"
    text = body[:-1] + ',"digest":' + json.dumps(digest(body.encode())) + "}"
    with pytest.raises(SpecError, match="not valid JSON"):
        load_spec(text)


def test_unknown_key_is_refused_by_the_schema_check():
    data = spec_dict(ex.chain.compile(n=2))
    data["nodes"][0]["evil"] = 1
    with pytest.raises(SpecError, match="malformed at nodes.0"):
        load_spec(resign(data))


@pytest.mark.parametrize(
    "bound",
    [True, "0", {"n": 0, "out": "o0", "i": "x"}, {"evil": 0}, [0]],
    ids=["a bool", "a string", "two kinds at once", "no kind", "a bare list"],
)
def test_a_binding_that_is_not_an_index_or_one_kind_of_object_is_refused(bound):
    data = spec_dict(ex.chain.compile(n=2))
    data["nodes"][1]["r"] = {"a": bound}
    with pytest.raises(SpecError, match="malformed at node n1 input 'a': a binding is an index"):
        load_spec(resign(data))


def test_a_malformed_binding_inside_a_collection_is_refused_where_it_is():
    data = spec_dict(ex.chain.compile(n=2))
    data["nodes"][1]["r"] = {"a": {"list": [{"n": 0, "out": "o0", "evil": 1}]}}
    with pytest.raises(SpecError, match="malformed at node n1 input 'a': .*unknown field `evil`"):
        load_spec(resign(data))


def test_a_wrongly_typed_field_is_refused_without_coercion():
    data = spec_dict(ex.chain.compile(n=2))
    data["nodes"][1]["a"] = ["0"]
    with pytest.raises(SpecError, match=r"malformed at nodes.1.a.0: Expected `int`, got `str`"):
        load_spec(resign(data))


def test_edited_spec_fails_the_digest():
    text = dump_spec(ex.chain.compile(n=2)).replace('"b":1', '"b":7')
    with pytest.raises(SpecError, match="modified after it was written"):
        load_spec(text)


def test_signed_spec_needs_the_key():
    text = dump_spec(ex.chain.compile(n=2), Signer([b"secret"]))
    assert load_spec(text, Signer([b"secret"])).name == "chain"
    with pytest.raises(SpecError, match="digest mismatch"):
        load_spec(text)
    with pytest.raises(SpecError, match="signed with another key"):
        load_spec(text, Signer([b"another"]))


def test_a_spec_under_another_key_names_both_keys_fingerprints():
    signer, other = Signer([b"secret"]), Signer([b"another", b"older"])
    text = dump_spec(ex.chain.compile(n=2), signer)
    held = ", ".join(other.fingerprints)
    expected = f"another key (fingerprint {signer.fingerprint}) than the one(s) this process holds ({held})"
    with pytest.raises(SpecError) as caught:
        load_spec(text, other)
    assert expected in str(caught.value)


def test_a_changed_spec_under_this_key_is_not_blamed_on_another_key():
    signer = Signer([b"secret"])
    text = dump_spec(ex.chain.compile(n=2), signer).replace('"b":1', '"b":7')
    with pytest.raises(SpecError, match="modified after it was written"):
        load_spec(text, signer)


def test_a_spec_signed_under_an_old_key_still_loads_after_rotation():
    text = dump_spec(ex.chain.compile(n=2), Signer([b"old"]))
    assert load_spec(text, Signer([b"new", b"old"])).name == "chain"


def test_a_large_constant_bound_into_many_nodes_is_stored_once():
    big = "x" * 100_000
    spec = ex.repeat_constant.compile(text=big, n=3)
    text = dump_spec(spec)
    assert text.count(big) == 1
    assert len(text) < len(big) + 5_000
    assert run_spec(load_spec(text), {}) == run_spec(spec, {})


def test_a_shared_constant_missing_from_the_table_is_refused():
    data = spec_dict(ex.repeat_constant.compile(text="y" * 1000, n=2))
    data["consts"] = {}
    with pytest.raises(SpecError, match="shared constant"):
        load_spec(resign(data))


def test_forward_reference_is_refused():
    data = spec_dict(ex.chain.compile(n=3))
    data["nodes"][1]["r"] = {"a": 2}
    with pytest.raises(SpecError, match="depends on n2, which is not an earlier node"):
        load_spec(resign(data))


def test_unknown_task_is_refused():
    data = spec_dict(ex.chain.compile(n=1))
    data["nodes"][0]["t"] = "rm_rf"
    with pytest.raises(SpecError, match="unknown task 'rm_rf'"):
        load_spec(resign(data))


def test_missing_required_binding_is_refused():
    data = spec_dict(ex.chain.compile(n=1))
    del data["nodes"][0]["v"]["b"]
    with pytest.raises(SpecError, match=r"does not bind required input\(s\) b"):
        load_spec(resign(data))


def test_constant_of_wrong_type_is_refused():
    data = spec_dict(ex.chain.compile(n=1))
    data["nodes"][0]["v"]["b"] = "1"
    with pytest.raises(SpecError, match="constant for 'b' does not fit"):
        load_spec(resign(data))


def test_stale_task_version_is_refused():
    data = spec_dict(ex.chain.compile(n=1))
    data["tasks"]["add"]["version"] = "0" * 16
    with pytest.raises(SpecError, match="changed since the spec was compiled"):
        load_spec(resign(data))


def test_unimportable_task_is_refused():
    data = spec_dict(ex.chain.compile(n=1))
    data["tasks"]["add"]["ref"] = "os:system"
    with pytest.raises(SpecError, match="not a task"):
        load_spec(resign(data))


def test_unknown_output_is_refused():
    data = spec_dict(ex.chain.compile(n=2))
    data["nodes"][1]["r"] = {"a": {"n": 0, "out": "o9"}}
    with pytest.raises(SpecError, match="no such output"):
        load_spec(resign(data))


def test_kind_mismatch_is_refused():
    data = spec_dict(ex.chain.compile(n=1))
    data["tasks"]["add"]["kind"] = "dynamic"
    with pytest.raises(SpecError, match="declared dynamic"):
        load_spec(resign(data))
