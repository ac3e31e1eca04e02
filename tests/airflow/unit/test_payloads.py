"""Output envelopes: small JSON inline, larger JSON and pickled values in the blob store, signed for
where they belong; and what a forged, moved or planted envelope meets on decoding.

The attacks use a pickle whose unpickling writes a marker file: a refusal that leaves no marker
proves that nothing was unpickled before the check that refused it.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import pathlib

import cloudpickle
import pytest

from airflow_dynflow.airflow.errors import IntegrityError
from airflow_dynflow.airflow.store.blob_store import BlobStore
from airflow_dynflow.airflow.store.payloads import Payloads, canonical_json, location
from airflow_dynflow.core.conversion.converters import InvalidValue, converter_for
from airflow_dynflow.core.signing import Signer
from tests import entities as e

INTS = converter_for(list[int])
OPAQUE = converter_for(e.Opaque)
SIGNER = Signer([b"test-key"])
WHERE = location("wf", "r", "t") + "/o0"


@pytest.fixture
def store(tmp_path) -> BlobStore:
    return BlobStore(url=f"file://{tmp_path}/store")


def payloads_of(store: BlobStore, max_bytes: int = 1000) -> Payloads:
    return Payloads(store, SIGNER, max_bytes=max_bytes)


def refused(check: str):
    """``pytest.raises`` for an IntegrityError naming ``check``."""
    return pytest.raises(IntegrityError, match=rf"^integrity check failed \({check}\)")


# What a holder of the key would write (the producer's own formulas); see the test right below them.
def signed_inline(value, where: str = WHERE) -> dict:
    return {"v": value, "sig": SIGNER.sign("value", where, canonical_json(value))}


def signed_blob(key: str, raw: bytes, codec: str, where: str = WHERE) -> dict:
    sha = hashlib.sha256(raw).hexdigest()
    return {"blob": key, "codec": codec, "sha256": sha, "sig": SIGNER.sign("blob", where, key, codec, sha)}


def test_the_envelopes_these_tests_sign_are_the_ones_the_producer_writes(store):
    path = store.run_path("wf", "r", "o0")
    assert payloads_of(store).encode(INTS, [1, 2], path, WHERE) == signed_inline([1, 2])
    assert payloads_of(store, 0).encode(INTS, [1, 2], path, WHERE) == signed_blob(
        "runs/wf/r/o0.json", b"[1,2]", "json"
    )


class Planted:
    """Unpickling this writes ``pwned`` to its marker file."""

    def __init__(self, marker: pathlib.Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (pathlib.Path(self.marker).write_text, ("pwned",))


@pytest.fixture
def marker(tmp_path) -> pathlib.Path:
    return tmp_path / "marker"


@pytest.fixture
def planted(marker) -> bytes:
    return cloudpickle.dumps(Planted(marker))


@pytest.fixture
def planted_blob(store, planted) -> str:
    """The planted pickle in the store, where an attacker with write access to the bucket put it."""
    return store.write_bytes(store.run_path("wf", "r", "evil.pkl"), planted)


def test_the_planted_pickle_does_write_its_marker_when_unpickled(planted, marker):
    cloudpickle.loads(planted)
    assert marker.read_text() == "pwned"


# Encoding.


def test_a_value_within_the_limit_travels_inline_as_signed_json(store):
    stored = payloads_of(store, max_bytes=7).encode(INTS, [1, 2, 3], store.run_path("wf", "r", "o0"), WHERE)
    assert set(stored) == {"v", "sig"}
    assert stored["v"] == [1, 2, 3]
    assert SIGNER.verify(stored["sig"], "value", WHERE, "[1,2,3]")


def test_a_value_one_byte_over_the_limit_goes_to_the_blob_store_as_json(store):
    stored = payloads_of(store, max_bytes=6).encode(INTS, [1, 2, 3], store.run_path("wf", "r", "o0"), WHERE)
    assert {k: stored[k] for k in ("blob", "codec")} == {"blob": "runs/wf/r/o0.json", "codec": "json"}
    assert json.loads(store.read_bytes(stored["blob"])) == [1, 2, 3]


def test_a_blob_envelope_carries_the_content_digest_and_a_signature(store):
    stored = payloads_of(store, max_bytes=0).encode(INTS, [1, 2, 3], store.run_path("wf", "r", "o0"), WHERE)
    assert stored["sha256"] == hashlib.sha256(b"[1,2,3]").hexdigest()
    assert SIGNER.verify(stored["sig"], "blob", WHERE, "runs/wf/r/o0.json", "json", stored["sha256"])


def test_a_type_pydantic_cannot_describe_is_pickled_to_the_blob_store_however_small(store):
    stored = payloads_of(store, 10**6).encode(OPAQUE, e.Opaque(1), store.run_path("wf", "r", "o0"), WHERE)
    assert {k: stored[k] for k in ("blob", "codec")} == {"blob": "runs/wf/r/o0.pkl", "codec": "pickle"}


def test_each_output_is_encoded_on_its_own_by_name_under_its_own_path(store):
    base = store.run_path("wf", "r", "n3")
    envelope = payloads_of(store, 4).encode_outputs(
        e.split.interface, {"o0": 5, "o1": "55555"}, base, "wf/r/t"
    )
    assert envelope["o0"] == signed_inline(5, "wf/r/t/o0")
    assert envelope["o1"]["blob"] == "runs/wf/r/n3/o1.json"


def test_the_inline_limit_defaults_to_dynflow_xcom_max_bytes(store, monkeypatch):
    monkeypatch.setenv("AIRFLOW__DYNFLOW__XCOM_MAX_BYTES", "123")
    assert Payloads(store, SIGNER).max_bytes == 123


# Decoding what was encoded.


@pytest.mark.parametrize("max_bytes", [0, 10**6], ids=["blob", "inline"])
def test_a_json_value_decodes_to_the_native_value_it_was(store, max_bytes):
    payloads = payloads_of(store, max_bytes)
    converter = converter_for(dict[str, datetime.date])
    value = {"start": datetime.date(2024, 2, 29)}
    stored = payloads.encode(converter, value, store.run_path("wf", "r", "x"), WHERE)
    assert payloads.decode(converter, json.loads(json.dumps(stored)), WHERE) == value


def test_an_inline_value_decodes_whatever_order_its_keys_come_back_in(store):
    converter = converter_for(dict[str, int])
    stored = payloads_of(store).encode(converter, {"a": 1, "b": 2}, store.run_path("wf", "r", "x"), WHERE)
    stored["v"] = {"b": 2, "a": 1}
    assert payloads_of(store).decode(converter, stored, WHERE) == {"a": 1, "b": 2}


def test_a_pickled_value_decodes_to_an_equal_object(store):
    payloads = payloads_of(store, 0)
    stored = payloads.encode(OPAQUE, e.Opaque(5), store.run_path("wf", "r", "o0"), WHERE)
    value = payloads.decode(OPAQUE, stored, WHERE)
    assert isinstance(value, e.Opaque) and value.n == 5


def test_a_pickled_value_of_another_type_is_refused_on_decoding(store):
    payloads = payloads_of(store, 0)
    stored = payloads.encode(converter_for(e.Stranger), e.Stranger(1), store.run_path("wf", "r", "o0"), WHERE)
    with pytest.raises(InvalidValue, match="^not an instance of Opaque$"):
        payloads.decode(OPAQUE, stored, WHERE)


def test_each_output_decodes_by_name(store):
    payloads = payloads_of(store, 4)
    base = store.run_path("wf", "r", "n3")
    envelope = payloads.encode_outputs(e.split.interface, {"o0": 5, "o1": "55555"}, base, "wf/r/t")
    assert payloads.decode_outputs(e.split.interface, envelope, "wf/r/t") == {"o0": 5, "o1": "55555"}


def test_outputs_swapped_between_names_are_refused(store):
    payloads = payloads_of(store)
    base = store.run_path("wf", "r", "n3")
    envelope = payloads.encode_outputs(e.split.interface, {"o0": 5, "o1": "5"}, base, "wf/r/t")
    envelope["o0"], envelope["o1"] = signed_inline(5, "wf/r/t/o1"), envelope["o0"]
    with refused("signature"):
        payloads.decode_outputs(e.split.interface, envelope, "wf/r/t")


@pytest.mark.parametrize(
    "envelope", [None, [], "o0", {"o0": signed_inline(5, "wf/r/t/o0")}], ids=["none", "list", "str", "no-o1"]
)
def test_outputs_that_are_no_mapping_of_every_output_are_refused_by_shape(store, envelope):
    with refused("envelope shape"):
        payloads_of(store).decode_outputs(e.split.interface, envelope, "wf/r/t")


# Attacks: each is refused by the check it names, before anything is decoded.


def test_a_forged_inline_value_with_the_original_signature_is_refused(store):
    stored = payloads_of(store).encode(INTS, [1, 2, 3], store.run_path("wf", "r", "o0"), WHERE)
    stored["v"] = [1, 2, 4]
    with refused("signature"):
        payloads_of(store).decode(INTS, stored, WHERE)


def test_an_envelope_signed_under_another_key_is_refused(store):
    other = Payloads(store, Signer([b"another-key"]), max_bytes=1000)
    stored = other.encode(INTS, [1, 2, 3], store.run_path("wf", "r", "o0"), WHERE)
    with refused("signature"):
        payloads_of(store).decode(INTS, stored, WHERE)


@pytest.mark.parametrize(
    "elsewhere",
    [
        location("wf", "another-run", "t") + "/o0",
        location("wf", "r", "another-task") + "/o0",
        location("wf", "r", "t", 3) + "/o0",
        location("another-dag", "r", "t") + "/o0",
        location("wf", "r", "t") + "/o1",
    ],
    ids=["run", "task", "map-index", "dag", "output"],
)
def test_an_envelope_moved_to_another_place_is_refused_unpickled(
    store, planted_blob, planted, marker, elsewhere
):
    stored = signed_blob(planted_blob, planted, "pickle", WHERE)
    with refused("signature"):
        payloads_of(store).decode(OPAQUE, stored, elsewhere)
    assert not marker.exists()


def test_an_inline_value_for_a_pickled_type_is_refused_unpickled(store, planted, marker):
    stored = signed_inline(base64.b64encode(planted).decode())
    with refused("codec"):
        payloads_of(store).decode(OPAQUE, stored, WHERE)
    assert not marker.exists()


def test_a_blob_said_to_be_pickled_is_refused_unpickled_for_a_json_type(store, planted_blob, planted, marker):
    stored = signed_blob(planted_blob, planted, "pickle")
    with refused("codec"):
        payloads_of(store).decode(INTS, stored, WHERE)
    assert not marker.exists()


def test_a_blob_said_to_be_json_is_refused_for_a_pickled_type(store):
    key = store.write_bytes(store.run_path("wf", "r", "o0.json"), b"[1]")
    with refused("codec"):
        payloads_of(store).decode(OPAQUE, signed_blob(key, b"[1]", "json"), WHERE)


def test_a_blob_overwritten_in_the_store_is_refused_unpickled_by_its_content_digest(store, planted, marker):
    stored = payloads_of(store).encode(OPAQUE, e.Opaque(1), store.run_path("wf", "r", "o0"), WHERE)
    store.write_bytes(store.path_of(stored["blob"]), planted)
    with refused("content digest"):
        payloads_of(store).decode(OPAQUE, stored, WHERE)
    assert not marker.exists()


@pytest.mark.parametrize("spelling", ["relative", "absolute", "url"])
def test_a_blob_outside_the_store_is_refused_unpickled_even_when_signed(
    store, tmp_path, planted, marker, spelling
):
    outside = tmp_path / "outside.pkl"
    outside.write_bytes(planted)
    key = {"relative": "../outside.pkl", "absolute": str(outside), "url": f"file://{outside}"}[spelling]
    with refused("store confinement"):
        payloads_of(store).decode(OPAQUE, signed_blob(key, planted, "pickle"), WHERE)
    assert not marker.exists()


def test_a_blob_envelope_with_an_unknown_extra_key_is_refused_unpickled(store, planted_blob, planted, marker):
    stored = {**signed_blob(planted_blob, planted, "pickle"), "loader": "pickle"}
    with refused("envelope shape"):
        payloads_of(store).decode(OPAQUE, stored, WHERE)
    assert not marker.exists()


@pytest.mark.parametrize(
    "stored",
    [
        {**signed_inline([1]), "blob": "runs/wf/r/o0.json"},
        {"v": [1]},
        {"sig": signed_inline([1])["sig"]},
        {"blob": "runs/wf/r/o0.json", "codec": "json"},
        [1],
        None,
        "runs/wf/r/o0.json",
    ],
    ids=["extra-key", "no-sig", "no-value", "old-blob-envelope", "list", "none", "str"],
)
def test_an_envelope_of_any_other_shape_is_refused(store, stored):
    with refused("envelope shape"):
        payloads_of(store).decode(INTS, stored, WHERE)


@pytest.mark.parametrize("field", ["blob", "sha256"])
def test_a_blob_envelope_with_a_non_string_field_is_refused(store, field):
    stored = payloads_of(store, 0).encode(INTS, [1], store.run_path("wf", "r", "o0"), WHERE)
    stored[field] = [stored[field]]
    with refused("signature"):
        payloads_of(store).decode(INTS, stored, WHERE)


# A generated-node instance's value: its nodes' envelopes under one signature.

INSTANCE = location("wf", "r", "count.nodes", 2)


def instance_value(store: BlobStore, nodes: dict | None = None, where: str = INSTANCE) -> dict:
    """What instance 2 pushes for ``n4`` (inline), ``n5`` (pickled) and ``n6`` (a case not taken)."""
    payloads = payloads_of(store)
    if nodes is None:
        nodes = {
            "n4": {
                "o0": payloads.encode(INTS, [4], store.run_path("wf", "r", "n4", "o0"), "x", signed=False)
            },
            "n5": {
                "o0": payloads.encode(
                    OPAQUE, e.Opaque(5), store.run_path("wf", "r", "n5", "o0"), "x", signed=False
                )
            },
            "n6": None,
        }
    return payloads.sign_instance(nodes, where)


def test_an_instance_value_is_one_signature_over_its_nodes_envelopes_which_carry_none(store):
    pushed = instance_value(store)
    assert set(pushed) == {"sig", "nodes"}
    assert pushed["sig"] == SIGNER.sign("instance", INSTANCE, canonical_json(pushed["nodes"]))
    assert pushed["nodes"]["n4"] == {"o0": {"v": [4]}}
    assert set(pushed["nodes"]["n5"]["o0"]) == {"blob", "codec", "sha256"}
    assert pushed["nodes"]["n6"] is None


def test_an_instance_value_verifies_whatever_order_its_keys_come_back_in(store):
    pushed = json.loads(json.dumps(instance_value(store)))
    pushed["nodes"] = dict(reversed(pushed["nodes"].items()))
    nodes = payloads_of(store).verify_instance(pushed, INSTANCE)
    assert payloads_of(store).decode(OPAQUE, nodes["n5"]["o0"], "x", signed=False).n == 5


def test_an_envelope_from_a_verified_instance_decodes_without_a_signature_of_its_own(store):
    nodes = payloads_of(store).verify_instance(instance_value(store), INSTANCE)
    assert payloads_of(store).decode(INTS, nodes["n4"]["o0"], "x", signed=False) == [4]


def test_a_signed_envelope_is_refused_where_an_instance_s_unsigned_one_belongs(store):
    stored = signed_inline([1])
    with refused("envelope shape"):
        payloads_of(store).decode(INTS, stored, WHERE, signed=False)


def test_an_unsigned_envelope_is_refused_where_a_signed_one_belongs(store):
    with refused("envelope shape"):
        payloads_of(store).decode(INTS, {"v": [1]}, WHERE)


def test_a_node_s_value_changed_inside_an_instance_value_is_refused_before_it_is_unpickled(
    store, planted_blob, planted, marker
):
    pushed = instance_value(store)
    pushed["nodes"]["n5"]["o0"].update(blob=planted_blob, sha256=hashlib.sha256(planted).hexdigest())
    with pytest.raises(
        IntegrityError, match=rf"\(signature\) for the outputs of the generated-node instance {INSTANCE}"
    ):
        payloads_of(store).verify_instance(pushed, INSTANCE)
    assert not marker.exists()


def test_two_nodes_envelopes_swapped_inside_an_instance_value_are_refused(store):
    pushed = instance_value(store)
    nodes = pushed["nodes"]
    nodes["n4"], nodes["n5"] = nodes["n5"], nodes["n4"]
    with refused("signature"):
        payloads_of(store).verify_instance(pushed, INSTANCE)


@pytest.mark.parametrize(
    "elsewhere",
    [
        location("wf", "r", "count.nodes", 3),
        location("wf", "r2", "count.nodes", 2),
        location("wf", "r", "other.nodes", 2),
        location("dag2", "r", "count.nodes", 2),
    ],
    ids=["map-index", "run", "task", "dag"],
)
def test_an_instance_value_moved_to_another_place_is_refused(store, elsewhere):
    with pytest.raises(
        IntegrityError, match=rf"\(signature\) for the outputs of the generated-node instance {elsewhere}"
    ):
        payloads_of(store).verify_instance(instance_value(store), elsewhere)


def test_a_hash_added_inside_an_instance_value_is_refused(store):
    pushed = instance_value(store)
    pushed["nodes"]["n4"]["o0"]["hash"] = "forged"
    with refused("signature"):
        payloads_of(store).verify_instance(pushed, INSTANCE)


@pytest.mark.parametrize(
    "pushed",
    [
        {"n4": {"o0": signed_inline([4])}},
        {"nodes": {"n4": {"o0": {"v": [4]}}}},
        {"sig": "hmac-sha256:00", "nodes": [1]},
        {"sig": "hmac-sha256:00", "nodes": {}, "extra": 1},
        [1],
        "n4",
    ],
    ids=["per-output-signatures", "no-sig", "nodes-not-a-mapping", "extra-key", "list", "str"],
)
def test_an_instance_value_of_any_other_shape_is_refused(store, pushed):
    with pytest.raises(
        IntegrityError, match=rf"\(envelope shape\) for the outputs of the generated-node instance {INSTANCE}"
    ):
        payloads_of(store).verify_instance(pushed, INSTANCE)
